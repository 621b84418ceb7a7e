/* Virtual memory: Sv39 page tables, the user frame pool with reference counts and reverse
 * maps, the page-fault paths (demand zero, copy-on-write, swap-in), and the clock algorithm
 * that evicts frames to the swap device.
 *
 * Reverse map: a user frame is mapped at one virtual address by a set of processes. Sharing
 * only comes from fork, which keeps addresses, so a frame records that address and a bitmask
 * of owning process slots; every mapping of a frame can be found without a list.
 *
 * Superpages (superpages=): a demand-zero fault may map the whole aligned 2 MiB (a level-1
 * leaf) or 64 KiB (16 NAPOT PTEs) block around it. Bookkeeping stays per 4 KiB frame, so a
 * superpage is N frame mappings, and anything that needs 4 KiB granularity (a COW store,
 * evicting one of its frames, unmapping part of it) first splits it into 4 KiB PTEs naming
 * the same frames.
 *
 * Several harts (docs/firmware.md, "Several harts"): everything here runs under the kernel
 * lock, but other harts keep running user code in the address spaces being changed, and
 * their walkers set A and D meanwhile. So PTEs whose A/D bits matter are changed with
 * atomics, and a change that removes or narrows a mapping (eviction, a COW copy, fork's
 * write protection, unmapping, a superpage split) is followed by a TLB shootdown of the
 * harts running that address space before its frame is reused or read for the disk. A
 * change that only adds or widens one (a new page, a swap-in, taking a COW frame back, A/D
 * updates) fences this hart only: another hart holding the old translation at worst takes
 * a spurious fault, served by a local fence. Clearing A for the clock fences this hart only
 * too, as Linux does: a hart that keeps a stale entry only makes the page look unused. */
#include <stdio.h>
#include <string.h>

#include "kernel.h"

#define MAX_FRAMES 16384U
#define MAX_SWAP_SLOTS 65536U
#define KPOOL_PAGES 512U
#define PT_ENTRIES 512U
#define MEGA_PAGES (MEGA_SIZE / PAGE_SIZE)
#define NAPOT_PAGES (NAPOT_SIZE / PAGE_SIZE)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)
#define VPN(va, level) (((va) >> (PAGE_SHIFT + 9 * (level))) & (PT_ENTRIES - 1))
/* A NAPOT PTE's PPN[3:0] (Svnapot: 0b1000 marks 64 KiB); the frames' address has zeros there. */
#define PTE_NAPOT_PPN (8UL << PTE_PPN_SHIFT)
static const unsigned kMinFrames = 4;

struct frame {
  uint64_t va;       /* user page every owner maps this frame at */
  uint32_t owners;   /* bit i: address space g_mms[i] maps it */
  uint16_t refcnt;   /* number of owners */
  uint8_t used;
  uint8_t pinned;    /* allocated but not yet mapped, or being copied: not a victim */
  int32_t slot;      /* swap slot holding an identical copy (a clean page), or -1 */
};

static struct frame m_frames[MAX_FRAMES];
static uint64_t m_frame_base;
static uint32_t m_nframes;
static uint32_t m_hand;
/* Free frames as a bitmap, allocated lowest first: which frames are free after a group of
 * processes exits does not depend on the order they ran in, so runs stay reproducible. */
static uint64_t m_free_map[MAX_FRAMES / 64];

/* Swap slot i is disk page i. A slot's count is the number of swap PTEs naming it, or 1
 * while a resident frame keeps it as its clean copy; 0 means free. */
static uint8_t m_slot_ref[MAX_SWAP_SLOTS];
static uint32_t m_nslots;
static uint32_t m_slot_hint;

/* The superpage sizes in effect: what superpages= asks for, 64 KiB only with Svnapot. */
static bool m_use_2m, m_use_64k;

static uint64_t *m_kpool_free;
static uint64_t m_kernel_root[PT_ENTRIES] __attribute__((aligned(4096)));

struct mm g_mms[MAX_PROCS];

/* Every PTE change is followed by an sfence.vma of that page and ASID, installs included:
 * the fence also orders our PTE store before the walker's reads (privileged spec 4.2.1). */
void sfence_page(uint64_t va, uint16_t asid)
{
  asm volatile("sfence.vma %0, %1" ::"r"(va), "r"((uint64_t)asid) : "memory");
  g_count.sfence_page++;
}

void sfence_asid(uint16_t asid)
{
  asm volatile("sfence.vma zero, %0" ::"r"((uint64_t)asid) : "memory");
  g_count.sfence_asid++;
}

/* The fence of one page after a PTE change, and the shootdown on the other harts running mm
 * when the change narrows the mapping (remote). */
static void flush_page(struct mm *mm, uint64_t va, bool remote)
{
  sfence_page(va, mm->asid);
  if (remote)
    tlb_shootdown(mm, va, 1, PAGE_SIZE);
}

/* Clears and sets bits of a PTE that a walker may be updating (A/D) on another hart. */
static uint64_t pte_update(uint64_t *pte, uint64_t clear, uint64_t set)
{
  uint64_t old = __atomic_load_n(pte, __ATOMIC_RELAXED);
  while (!__atomic_compare_exchange_n(pte, &old, (old & ~clear) | set, false, __ATOMIC_ACQ_REL,
                                      __ATOMIC_RELAXED))
    ;
  return old;
}

/* A frame that will be executed was just filled by a store or by device DMA: instruction
 * fetch is only coherent with that after a fence.i (unprivileged spec, Zifencei). */
static void sync_icache(uint64_t perm)
{
  if (perm & PTE_X) {
    asm volatile("fence.i" ::: "memory");
    g_count.fence_i++;
  }
}

static uint64_t pte_for(uint64_t pa, uint64_t flags)
{
  return ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | flags;
}

static void *frame_ptr(int32_t f)
{
  return (void *)(uintptr_t)(m_frame_base + (uint64_t)f * PAGE_SIZE);
}

/* The size a level-0 PTE maps. */
static uint64_t l0_size(uint64_t pte)
{
  return (pte & (PTE_V | PTE_N)) == (PTE_V | PTE_N) ? NAPOT_SIZE : PAGE_SIZE;
}

/* The frame holding va's page, in a leaf PTE that maps size bytes. */
static int32_t frame_in(uint64_t pte, uint64_t size, uint64_t va)
{
  uint64_t pa = (PTE_PA(pte) & ~(size - 1)) + (va & (size - 1) & ~(PAGE_SIZE - 1));
  return (int32_t)((pa - m_frame_base) >> PAGE_SHIFT);
}

static int mm_slot(const struct mm *mm)
{
  return (int)(mm - g_mms);
}

static uint64_t *kpage_alloc(void)
{
  uint64_t *page = m_kpool_free;
  if (page) {
    m_kpool_free = (uint64_t *)page[0];
    memset(page, 0, PAGE_SIZE);
  }
  return page;
}

static void kpage_free(uint64_t *page)
{
  page[0] = (uint64_t)(uintptr_t)m_kpool_free;
  m_kpool_free = page;
}

/* The kernel map: gigapages for MMIO (root entry 0) and DRAM (entries 2 and 3), global,
 * with A and D preset so the walker never writes them. */
void vm_init(uint64_t base, uint64_t end)
{
  const uint64_t kflags = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G;
  m_kernel_root[0] = pte_for(0, kflags);
  m_kernel_root[2] = pte_for(0x80000000UL, kflags | PTE_X);
  m_kernel_root[3] = pte_for(0xc0000000UL, kflags | PTE_X);

  for (uint32_t i = 0; i < KPOOL_PAGES; i++)
    kpage_free((uint64_t *)(uintptr_t)(base + (uint64_t)i * PAGE_SIZE));
  m_frame_base = base + (uint64_t)KPOOL_PAGES * PAGE_SIZE;
  uint64_t available = end > m_frame_base ? (end - m_frame_base) / PAGE_SIZE : 0;
  uint64_t want = g_boot.frames ? g_boot.frames : available;
  if (want > available || want > MAX_FRAMES) {
    uint64_t cap = available < MAX_FRAMES ? available : MAX_FRAMES;
    if (g_boot.frames)
      printf("vm: frames=%lu is more than the %lu available, using %lu\n", (unsigned long)want,
             (unsigned long)cap, (unsigned long)cap);
    want = cap;
  }
  /* One instruction can need three pages at once (its code, and a data access that crosses
   * a page boundary): with fewer frames a process could evict what it needs forever. */
  if (want < kMinFrames && available >= kMinFrames) {
    printf("vm: frames=%lu is too few, using %u\n", (unsigned long)want, kMinFrames);
    want = kMinFrames;
  }
  m_nframes = (uint32_t)want;
  m_use_2m = g_boot.superpages == SUPERPAGES_2M || g_boot.superpages == SUPERPAGES_ON;
  m_use_64k = g_boot.svnapot &&
              (g_boot.superpages == SUPERPAGES_64K || g_boot.superpages == SUPERPAGES_ON);
  for (uint32_t f = 0; f < m_nframes; f++)
    m_free_map[f / 64] |= 1UL << (f % 64);

  uint64_t slots = blk_capacity_pages();
  if (g_boot.swap_pages && g_boot.swap_pages < slots)
    slots = g_boot.swap_pages;
  m_nslots = (uint32_t)(slots < MAX_SWAP_SLOTS ? slots : MAX_SWAP_SLOTS);
}

uint64_t *vm_kernel_root(void)
{
  return m_kernel_root;
}

uint64_t vm_frames(void)
{
  return m_nframes;
}

uint64_t vm_swap_slots(void)
{
  return m_nslots;
}

/* The largest superpage anonymous memory may get, 0 without: exec passes it to main. */
uint64_t vm_superpage_size(void)
{
  return m_use_2m ? MEGA_SIZE : m_use_64k ? NAPOT_SIZE : 0;
}

/* What superpages= turned into, for the boot line. */
const char *vm_superpages_text(void)
{
  if (g_boot.superpages == SUPERPAGES_64K && !m_use_64k)
    return "4k only (64k asked, but the device tree lists no Svnapot)";
  if (g_boot.superpages == SUPERPAGES_ON && !m_use_64k)
    return "2m (64k asked, but the device tree lists no Svnapot)";
  return m_use_2m && m_use_64k ? "2m+64k" : m_use_2m ? "2m" : m_use_64k ? "64k" : "off";
}

uint64_t *vm_new_root(void)
{
  uint64_t *root = kpage_alloc();
  if (root) {
    root[0] = m_kernel_root[0];
    root[2] = m_kernel_root[2];
    root[3] = m_kernel_root[3];
  }
  return root;
}

/* The table a pointer PTE names; an empty one gets a new table if asked. */
static uint64_t *table_at(uint64_t *pte, bool create)
{
  if (!(*pte & PTE_V)) {
    if (!create)
      return NULL;
    uint64_t *next = kpage_alloc();
    if (!next)
      return NULL;
    *pte = pte_for(pa_of(next), PTE_V);
  }
  return (uint64_t *)(uintptr_t)PTE_PA(*pte);
}

/* The level-1 entry of a user address (root entry 1): a megapage, a table pointer or 0. */
static uint64_t *vm_l1_entry(uint64_t *root, uint64_t va, bool create)
{
  uint64_t *l1 = table_at(&root[VPN(va, 2)], create);
  return l1 ? &l1[VPN(va, 1)] : NULL;
}

/* The PTE that maps a user address and the bytes it maps: a megapage's level-1 leaf, else
 * the level-0 entry (64 KiB if it is one of a NAPOT page's 16). Creates missing tables if
 * asked; NULL if one is missing. */
static uint64_t *vm_walk(uint64_t *root, uint64_t va, bool create, uint64_t *size)
{
  uint64_t *l1e = vm_l1_entry(root, va, create);
  if (!l1e)
    return NULL;
  if ((*l1e & PTE_V) && (*l1e & PTE_LEAF)) {
    *size = MEGA_SIZE;
    return l1e;
  }
  uint64_t *l0 = table_at(l1e, create);
  if (!l0)
    return NULL;
  uint64_t *pte = &l0[VPN(va, 0)];
  *size = l0_size(*pte);
  return pte;
}

/* The PTEs of the page a leaf belongs to: a megapage has one, a NAPOT page 16 in a row. */
static uint64_t *leaf_ptes(uint64_t *pte, uint64_t size, unsigned *count)
{
  if (size != NAPOT_SIZE) {
    *count = 1;
    return pte;
  }
  *count = NAPOT_PAGES;
  return (uint64_t *)((uintptr_t)pte & ~(NAPOT_PAGES * sizeof(uint64_t) - 1));
}

/* A and D of a page: the walker sets them in whichever of a NAPOT page's PTEs it used, so
 * the page's bits are their union (Svnapot chapter). */
static uint64_t leaf_ad(const uint64_t *ptes, unsigned count)
{
  uint64_t ad = 0;
  for (unsigned i = 0; i < count; i++)
    ad |= ptes[i] & (PTE_A | PTE_D);
  return ad;
}

/* The fence after changing the PTEs of the page holding va: any address of a megapage names
 * its one leaf; a NAPOT page gets a fence per 4 KiB page, as the Svnapot chapter asks (a hart
 * may hold it as separate 4 KiB entries). */
static void sfence_leaf(struct mm *mm, uint64_t va, uint64_t size, bool remote)
{
  uint64_t base = va & ~(size - 1), step = size == MEGA_SIZE ? MEGA_SIZE : PAGE_SIZE;
  for (uint64_t a = base; a < base + size; a += step)
    sfence_page(a, mm->asid);
  if (remote)
    tlb_shootdown(mm, base, size / step, step);
}

/* Rewrites p's superpage holding va as 4 KiB PTEs for the same frames, with its permissions,
 * COW mark and A/D bits in each. False if a megapage's new table cannot be had. */
static bool split(struct mm *mm, uint64_t va, uint64_t *pte, uint64_t size)
{
  unsigned count;
  uint64_t *ptes = leaf_ptes(pte, size, &count);
  uint64_t *table = size == MEGA_SIZE ? kpage_alloc() : ptes;
  if (!table)
    return false;
  uint64_t old[NAPOT_PAGES];
  for (unsigned k = 0; k < count; k++)
    old[k] = ptes[k];
  /* Other harts run mm: their walkers may set A or D until no hart holds the superpage, so
   * the PTEs are cleared and shot down first and A/D read after that (break before make,
   * the Svnapot chapter's invalidate, fence, write); they fault on it meanwhile and wait. */
  const bool shared = mm->running & ~(1U << mycpu()->id);
  if (shared) {
    for (unsigned k = 0; k < count; k++)
      old[k] = __atomic_exchange_n(&ptes[k], 0, __ATOMIC_ACQ_REL);
    sfence_leaf(mm, va, size, true);
  }
  uint64_t flags = (old[0] & 0x3ffUL) | leaf_ad(old, count); /* bits 9:0, N and PPN go */
  uint64_t base = PTE_PA(old[0]) & ~(size - 1);
  for (uint64_t i = 0; i < size / PAGE_SIZE; i++)
    table[i] = pte_for(base + i * PAGE_SIZE, flags);
  if (size == MEGA_SIZE)
    *pte = pte_for(pa_of(table), PTE_V);
  sfence_leaf(mm, va, size, !shared);
  return true;
}

static int32_t slot_alloc(void)
{
  for (uint32_t i = 0; i < m_nslots; i++) {
    uint32_t s = (m_slot_hint + i) % m_nslots;
    if (m_slot_ref[s] == 0) {
      m_slot_ref[s] = 1;
      m_slot_hint = s + 1;
      return (int32_t)s;
    }
  }
  return -1;
}

static void slot_put(uint64_t slot)
{
  m_slot_ref[slot]--;
}

static void frame_release(int32_t f)
{
  struct frame *fr = &m_frames[f];
  if (fr->slot >= 0)
    slot_put((uint64_t)fr->slot);
  fr->used = 0;
  fr->pinned = 0;
  fr->owners = 0;
  fr->refcnt = 0;
  fr->slot = -1;
  m_free_map[f / 64] |= 1UL << (f % 64);
}

static void frame_unref(int32_t f, const struct mm *mm)
{
  struct frame *fr = &m_frames[f];
  fr->owners &= ~(1U << mm_slot(mm));
  if (--fr->refcnt == 0)
    frame_release(f);
}

static void frame_map(int32_t f, struct mm *mm, uint64_t va, uint64_t *pte, uint64_t flags)
{
  struct frame *fr = &m_frames[f];
  fr->va = va;
  fr->owners |= 1U << mm_slot(mm);
  fr->refcnt++;
  *pte = pte_for(m_frame_base + (uint64_t)f * PAGE_SIZE, flags | PTE_V);
}

/* Splits the superpage holding frame f in every owner that maps it as one. */
static bool split_owners(int32_t f)
{
  struct frame *fr = &m_frames[f];
  for (int i = 0; i < MAX_PROCS; i++) {
    uint64_t size;
    uint64_t *pte = fr->owners & (1U << i) ? vm_walk(g_mms[i].root, fr->va, false, &size)
                                           : NULL;
    if (!pte || size == PAGE_SIZE)
      continue;
    if (!split(&g_mms[i], fr->va, pte, size))
      return false;
    g_count.huge_split_swap++;
  }
  return true;
}

/* The clock algorithm (second chance) over the frame pool. A frame is referenced if any
 * owner's PTE has the hardware-set A bit; clearing it needs an sfence.vma of that page and
 * ASID so the next access walks again and sets A. Shared COW frames are evicted for all
 * their owners at once: one slot, every owner's PTE becomes a swap PTE naming it. A frame of
 * a superpage shares its A bit: a second chance is one for all its frames, so the hand moves
 * past them; a victim's superpage is split in every owner (D goes to every 4 KiB PTE, so
 * each of its pages counts as dirty) and the frame is evicted on its own. */
static int32_t clock_evict(int *err)
{
  bool swap_short = false;
  for (uint32_t step = 0; step < 2 * m_nframes + 1; step++) {
    int32_t f = (int32_t)m_hand;
    m_hand = (m_hand + 1) % m_nframes;
    struct frame *fr = &m_frames[f];
    if (!fr->used || fr->pinned)
      continue;
    g_count.clock_scanned++;
    bool referenced = false, dirty = fr->slot < 0;
    uint64_t span = PAGE_SIZE; /* the largest page an owner maps this frame in */
    for (int i = 0; i < MAX_PROCS; i++) {
      if (!(fr->owners & (1U << i)))
        continue;
      uint64_t size;
      unsigned count;
      uint64_t *ptes = leaf_ptes(vm_walk(g_mms[i].root, fr->va, false, &size), size, &count);
      uint64_t ad = leaf_ad(ptes, count);
      if (ad & PTE_A) {
        for (unsigned k = 0; k < count; k++)
          ad |= pte_update(&ptes[k], PTE_A, 0) & PTE_D;
        sfence_leaf(&g_mms[i], fr->va, size, false);
        referenced = true;
      }
      if (ad & PTE_D)
        dirty = true;
      if (size > span)
        span = size;
    }
    if (referenced) {
      g_count.clock_second_chances++;
      m_hand = (uint32_t)((f + (span - (fr->va & (span - 1))) / PAGE_SIZE) % m_nframes);
      continue;
    }
    if (span > PAGE_SIZE && !split_owners(f))
      continue;
    /* A dirty frame goes to its old slot, or a new one: without a slot it stays. */
    const int32_t slot = fr->slot >= 0 ? fr->slot : slot_alloc();
    if (slot < 0) {
      swap_short = true;
      continue;
    }
    /* Unmap first, in every owner, and wait until no hart can reach the frame any more:
     * only then are the D bits final and the content safe to write out. */
    const uint64_t swapped = ((uint64_t)slot << PTE_PPN_SHIFT) | PTE_SWAP;
    uint64_t old[MAX_PROCS];
    for (int i = 0; i < MAX_PROCS; i++) {
      if (!(fr->owners & (1U << i)))
        continue;
      uint64_t size;
      uint64_t *pte = vm_walk(g_mms[i].root, fr->va, false, &size);
      old[i] = __atomic_exchange_n(pte, swapped | (*pte & (PTE_PERM | PTE_COW)), __ATOMIC_ACQ_REL);
      if (old[i] & PTE_D)
        dirty = true;
      flush_page(&g_mms[i], fr->va, true);
    }
    if (dirty) {
      if (!blk_rw((uint64_t)slot, frame_ptr(f), true)) {
        for (int i = 0; i < MAX_PROCS; i++) {
          if (!(fr->owners & (1U << i)))
            continue;
          uint64_t size;
          *vm_walk(g_mms[i].root, fr->va, false, &size) = old[i];
          flush_page(&g_mms[i], fr->va, false);
        }
        if (fr->slot < 0)
          slot_put((uint64_t)slot);
        swap_short = true;
        continue;
      }
      fr->slot = slot;
      g_count.swap_outs++;
    } else {
      g_count.swap_drops++;
    }
    m_slot_ref[fr->slot] = (uint8_t)fr->refcnt;
    fr->slot = -1;
    fr->owners = 0;
    fr->refcnt = 0;
    fr->pinned = 1;
    return f;
  }
  if (swap_short)
    g_count.swap_full++;
  *err = swap_short ? FAULT_NO_SWAP : FAULT_NO_MEM;
  return -1;
}

/* A frame for a new mapping, pinned until the caller maps it. */
static int32_t frame_alloc(int *err)
{
  int32_t f = -1;
  for (uint32_t i = 0; i < (m_nframes + 63) / 64; i++) {
    if (m_free_map[i]) {
      f = (int32_t)(i * 64 + (uint32_t)__builtin_ctzl(m_free_map[i]));
      m_free_map[i] &= m_free_map[i] - 1;
      break;
    }
  }
  if (f < 0) {
    f = clock_evict(err);
    if (f < 0)
      return -1;
  }
  struct frame *fr = &m_frames[f];
  fr->used = 1;
  fr->pinned = 1;
  fr->owners = 0;
  fr->refcnt = 0;
  fr->slot = -1;
  return f;
}

/* Whether the aligned block of size bytes around va lies inside one anonymous region. */
static bool block_anonymous(const struct mm *mm, uint64_t va, uint64_t size)
{
  uint64_t base = va & ~(size - 1), end = base + size;
  uint64_t heap_end = (mm->brk + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  return (base >= mm->heap_base && end <= heap_end) ||
         (base >= USER_STACK_BOTTOM && end <= USER_TOP);
}

/* The lowest run of n free frames whose first physical address is aligned to n pages (so it
 * can back a superpage of that size), taken and pinned; -1 if there is none. */
static int32_t frame_run_alloc(uint32_t n)
{
  const uint64_t bytes = (uint64_t)n * PAGE_SIZE;
  uint64_t f = (((m_frame_base + bytes - 1) & ~(bytes - 1)) - m_frame_base) / PAGE_SIZE;
  for (; f + n <= m_nframes; f += n) {
    uint32_t i = 0;
    while (i < n && (m_free_map[(f + i) / 64] & (1UL << ((f + i) % 64))))
      i++;
    if (i < n)
      continue;
    for (i = 0; i < n; i++) {
      struct frame *fr = &m_frames[f + i];
      m_free_map[(f + i) / 64] &= ~(1UL << ((f + i) % 64));
      fr->used = 1;
      fr->pinned = 1;
      fr->owners = 0;
      fr->refcnt = 0;
      fr->slot = -1;
    }
    return (int32_t)f;
  }
  return -1;
}

/* Maps the whole aligned superpage around va with zeroed frames if nothing in its block is
 * mapped or swapped yet (for 2 MiB: no level-0 table there at all) and the pool has a free
 * aligned run for it. False leaves everything as it was, but for a new page table. */
static bool map_super(struct mm *mm, uint64_t va, uint64_t size, uint64_t flags)
{
  const uint64_t base = va & ~(size - 1), n = size / PAGE_SIZE;
  uint64_t *ptes, leaf_size;
  if (size == MEGA_SIZE)
    ptes = vm_l1_entry(mm->root, base, true);
  else
    ptes = vm_walk(mm->root, base, true, &leaf_size);
  if (!ptes)
    return false;
  for (uint64_t i = 0; i < (size == MEGA_SIZE ? 1 : n); i++)
    if (ptes[i])
      return false;
  int32_t f = frame_run_alloc((uint32_t)n);
  if (f < 0)
    return false;
  memset(frame_ptr(f), 0, size);
  for (uint64_t i = 0; i < n; i++) {
    struct frame *fr = &m_frames[f + (int32_t)i];
    fr->va = base + i * PAGE_SIZE;
    fr->owners |= 1U << mm_slot(mm);
    fr->refcnt++;
    fr->pinned = 0;
  }
  const uint64_t pa = m_frame_base + (uint64_t)f * PAGE_SIZE;
  if (size == MEGA_SIZE) {
    *ptes = pte_for(pa, flags | PTE_V);
    g_count.huge_map_2m++;
  } else {
    for (uint64_t i = 0; i < n; i++)
      ptes[i] = pte_for(pa, flags | PTE_V) | PTE_NAPOT_PPN | PTE_N;
    g_count.huge_map_64k++;
  }
  sfence_leaf(mm, va, size, false);
  return true;
}

static int demand_zero(struct mm *mm, uint64_t va, uint64_t cause)
{
  const uint64_t flags =
      PTE_R | PTE_W | PTE_U | PTE_A | (cause == CAUSE_STORE_PAGE_FAULT ? PTE_D : 0);
  bool eligible = false;
  if (m_use_2m && block_anonymous(mm, va, MEGA_SIZE)) {
    eligible = true;
    if (map_super(mm, va, MEGA_SIZE, flags)) {
      g_count.fault_demand_zero++;
      return FAULT_OK;
    }
  }
  if (m_use_64k && block_anonymous(mm, va, NAPOT_SIZE)) {
    eligible = true;
    if (map_super(mm, va, NAPOT_SIZE, flags)) {
      g_count.fault_demand_zero++;
      return FAULT_OK;
    }
  }
  if (eligible)
    g_count.huge_fallback++;
  uint64_t size;
  uint64_t *pte = vm_walk(mm->root, va, true, &size);
  if (!pte)
    return FAULT_NO_MEM;
  int err;
  int32_t f = frame_alloc(&err);
  if (f < 0)
    return err;
  memset(frame_ptr(f), 0, PAGE_SIZE);
  frame_map(f, mm, va, pte, flags);
  m_frames[f].pinned = 0;
  flush_page(mm, va, false);
  g_count.fault_demand_zero++;
  return FAULT_OK;
}

/* Reads the slot into a new frame and maps it for every process whose PTE at this address
 * names the same slot (they share it through fork), so sharing survives a swap. */
static int swap_in(struct mm *mm, uint64_t va, uint64_t *pte)
{
  uint64_t slot = PTE_SLOT(*pte);
  int err;
  int32_t f = frame_alloc(&err);
  if (f < 0)
    return err;
  if (!blk_rw(slot, frame_ptr(f), false)) {
    frame_release(f);
    return FAULT_NO_MEM;
  }
  g_count.swap_ins++;
  g_count.fault_swap_in++;
  uint32_t found = 0;
  for (int i = 0; i < MAX_PROCS; i++) {
    struct mm *q = &g_mms[i];
    if (!q->root)
      continue;
    uint64_t size;
    uint64_t *qpte = q == mm ? pte : vm_walk(q->root, va, false, &size);
    if (qpte && (*qpte & (PTE_V | PTE_SWAP)) == PTE_SWAP && PTE_SLOT(*qpte) == slot) {
      frame_map(f, q, va, qpte, (*qpte & (PTE_PERM | PTE_COW)) | (q == mm ? PTE_A : 0));
      flush_page(q, va, false);
      found++;
    }
  }
  sync_icache(*pte);
  /* The PTE references become one reference held by the frame, as its clean copy. */
  m_frames[f].slot = (int32_t)slot;
  m_slot_ref[slot] = (uint8_t)(m_slot_ref[slot] - found + 1);
  m_frames[f].pinned = 0;
  return FAULT_OK;
}

static int present_fault(struct mm *mm, uint64_t va, uint64_t *pte, uint64_t size,
                         uint64_t cause)
{
  uint64_t e = *pte;
  uint64_t need = cause == CAUSE_FETCH_PAGE_FAULT  ? PTE_X
                  : cause == CAUSE_LOAD_PAGE_FAULT ? PTE_R
                                                   : PTE_W;
  if ((e & PTE_U) && (e & need)) {
    const uint64_t ad = PTE_A | (cause == CAUSE_STORE_PAGE_FAULT ? PTE_D : 0);
    unsigned count;
    uint64_t *ptes = leaf_ptes(pte, size, &count);
    /* Another hart changed the page tables after this one cached them (several harts
     * only: one hart fences its TLB after every change). A new pointer PTE, too, is only
     * ordered by a fence without an address (privileged spec 4.2.1), so the whole ASID. */
    if (count == 1 && (e & ad) == ad) {
      sfence_asid(mm->asid);
      g_count.fault_spurious++;
      return FAULT_OK;
    }
    /* Hardware that faults instead of setting A/D (Svade): set them for it, in all of a
     * NAPOT page's PTEs so that its other pages do not fault for the same reason. */
    for (unsigned k = 0; k < count; k++)
      pte_update(&ptes[k], 0, ad);
    sfence_leaf(mm, va, size, false);
    g_count.fault_ad_update++;
    return FAULT_OK;
  }
  if (cause != CAUSE_STORE_PAGE_FAULT || !(e & PTE_COW))
    return FAULT_SEGV;
  /* A store to a shared superpage copies only the page it hits: split it in this process
   * (its sharers keep theirs) and go on as for any 4 KiB COW page. */
  if (size > PAGE_SIZE) {
    if (!split(mm, va, pte, size))
      return FAULT_NO_MEM;
    g_count.huge_split_cow++;
    pte = vm_walk(mm->root, va, false, &size);
    e = *pte;
  }

  int32_t old = frame_in(e, PAGE_SIZE, va);
  const uint64_t writable = ((e & PTE_PERM) | PTE_W | PTE_A | PTE_D) & ~PTE_COW;
  if (m_frames[old].refcnt == 1) {
    /* The last sharer takes the frame back without a copy. */
    *pte = (e & ~(PTE_COW | 0x3ffUL)) | writable | PTE_V;
    flush_page(mm, va, false);
    g_count.fault_cow_reuse++;
    return FAULT_OK;
  }
  m_frames[old].pinned = 1;
  int err;
  int32_t f = frame_alloc(&err);
  m_frames[old].pinned = 0;
  if (f < 0)
    return err;
  memcpy(frame_ptr(f), frame_ptr(old), PAGE_SIZE);
  sync_icache(writable);
  frame_unref(old, mm);
  frame_map(f, mm, va, pte, writable);
  m_frames[f].pinned = 0;
  flush_page(mm, va, true);
  g_count.fault_cow_copy++;
  return FAULT_OK;
}

int vm_fault(struct mm *mm, uint64_t va, uint64_t cause)
{
  va &= ~(PAGE_SIZE - 1);
  if (va < USER_BASE || va >= USER_TOP)
    return FAULT_SEGV;
  uint64_t size;
  uint64_t *pte = vm_walk(mm->root, va, false, &size);
  if (pte && (*pte & PTE_V))
    return present_fault(mm, va, pte, size, cause);
  if (pte && (*pte & PTE_SWAP))
    return swap_in(mm, va, pte);
  if (!block_anonymous(mm, va, PAGE_SIZE))
    return FAULT_SEGV;
  return demand_zero(mm, va, cause);
}

/* Maps a fresh page at va holding len bytes of src at offset off, the rest zero (ELF load). */
int vm_map_page(struct mm *mm, uint64_t va, uint64_t perm, uint64_t off, const void *src,
                size_t len)
{
  uint64_t size;
  uint64_t *pte = vm_walk(mm->root, va, true, &size);
  if (!pte)
    return FAULT_NO_MEM;
  if (*pte & (PTE_V | PTE_SWAP))
    return FAULT_SEGV;
  int err;
  int32_t f = frame_alloc(&err);
  if (f < 0)
    return err;
  uint8_t *page = frame_ptr(f);
  memset(page, 0, PAGE_SIZE);
  memcpy(page + off, src, len);
  sync_icache(perm);
  frame_map(f, mm, va, pte, perm | PTE_U);
  m_frames[f].pinned = 0;
  return FAULT_OK;
}

/* Gives the child the parent's PTE at va, a present or swapped page or a megapage. Writable
 * pages become copy-on-write in both, swapped-out ones included: their permissions come back
 * from the swap PTE; superpages are shared whole (a NAPOT page PTE by PTE, each with its
 * fence, as for any change to it). */
static bool fork_pte(struct mm *parent, struct mm *child, uint64_t va, uint64_t *pte,
                     uint64_t size)
{
  uint64_t child_size;
  uint64_t *cpte = size == MEGA_SIZE ? vm_l1_entry(child->root, va, true)
                                     : vm_walk(child->root, va, true, &child_size);
  if (!cpte)
    return false;
  uint64_t e = *pte;
  if (e & PTE_W) {
    e = pte_update(pte, PTE_W, PTE_COW);
    e = (e & ~PTE_W) | PTE_COW;
    if (e & PTE_V)
      sfence_page(va, parent->asid);
  }
  if (e & PTE_V) {
    int32_t f = frame_in(e, size, va);
    for (uint64_t k = 0; k < (size == MEGA_SIZE ? MEGA_PAGES : 1); k++) {
      m_frames[f + (int32_t)k].owners |= 1U << mm_slot(child);
      m_frames[f + (int32_t)k].refcnt++;
    }
  } else {
    m_slot_ref[PTE_SLOT(e)]++;
  }
  *cpte = e;
  return true;
}

/* The parent's writable pages become copy-on-write, each fenced on this hart; the other
 * harts running the parent (its other threads) then flush its whole ASID at once. */
int vm_fork(struct mm *parent, struct mm *child)
{
  child->root = vm_new_root();
  if (!child->root)
    return FAULT_NO_MEM;
  uint64_t l1e = parent->root[1];
  if (!(l1e & PTE_V))
    return FAULT_OK;
  uint64_t *l1 = (uint64_t *)(uintptr_t)PTE_PA(l1e);
  for (uint64_t i = 0; i < PT_ENTRIES; i++) {
    if (!(l1[i] & PTE_V))
      continue;
    if (l1[i] & PTE_LEAF) {
      if (!fork_pte(parent, child, USER_BASE + (i << 21), &l1[i], MEGA_SIZE)) {
        tlb_shootdown(parent, 0, 0, 0);
        return FAULT_NO_MEM;
      }
      continue;
    }
    uint64_t *l0 = (uint64_t *)(uintptr_t)PTE_PA(l1[i]);
    for (uint64_t j = 0; j < PT_ENTRIES; j++) {
      if ((l0[j] & (PTE_V | PTE_SWAP)) &&
          !fork_pte(parent, child, USER_BASE + (i << 21) + (j << PAGE_SHIFT), &l0[j],
                    l0_size(l0[j]))) {
        tlb_shootdown(parent, 0, 0, 0);
        return FAULT_NO_MEM;
      }
    }
  }
  tlb_shootdown(parent, 0, 0, 0);
  sfence_asid(child->asid);
  return FAULT_OK;
}

/* Unmaps a level-0 PTE: a 4 KiB page, a swapped page, or one page of a NAPOT page (whose
 * other PTEs the caller unmaps too, each with its fence). */
static void unmap_pte(struct mm *mm, uint64_t va, uint64_t *pte, bool flush)
{
  uint64_t e = *pte;
  if (e & PTE_V) {
    *pte = 0;
    if (flush)
      flush_page(mm, va, true);
    frame_unref(frame_in(e, l0_size(e), va), mm);
  } else if (e & PTE_SWAP) {
    slot_put(PTE_SLOT(e));
  }
  *pte = 0;
}

/* Unmaps a whole megapage: its leaf goes, its 512 frames lose p as an owner. */
static void unmap_mega(struct mm *mm, uint64_t va, uint64_t *pte, bool flush)
{
  int32_t f = frame_in(*pte, MEGA_SIZE, va);
  *pte = 0;
  if (flush)
    flush_page(mm, va, true);
  for (int32_t k = 0; k < (int32_t)MEGA_PAGES; k++)
    frame_unref(f + k, mm);
}

/* Unmaps [start, end), page aligned. A superpage the range covers only in part is split
 * first, at either end, before anything is unmapped: if that fails nothing has changed. */
int vm_unmap_range(struct mm *mm, uint64_t start, uint64_t end)
{
  const uint64_t edges[2] = {start, end};
  for (int k = 0; k < 2; k++) {
    uint64_t size;
    uint64_t *pte = edges[k] < USER_TOP ? vm_walk(mm->root, edges[k], false, &size) : NULL;
    if (pte && size > PAGE_SIZE && (edges[k] & (size - 1))) {
      if (!split(mm, edges[k], pte, size))
        return FAULT_NO_MEM;
      g_count.huge_split_unmap++;
    }
  }
  for (uint64_t va = start; va < end;) {
    uint64_t size;
    uint64_t *pte = vm_walk(mm->root, va, false, &size);
    if (pte && size == MEGA_SIZE) {
      unmap_mega(mm, va, pte, true);
      va += MEGA_SIZE;
      continue;
    }
    if (pte)
      unmap_pte(mm, va, pte, true);
    va += PAGE_SIZE;
  }
  return FAULT_OK;
}

/* Drops every user mapping and page table of mm, then flushes its ASID once (rather than page
 * by page) since the whole address space goes; the kernel runs on its own root meanwhile.
 * No other hart runs mm (its last thread is leaving, or it runs no thread yet), but those
 * that ran it may still hold its translations and, in a page-walk cache, its pointer PTEs:
 * they flush the ASID too, before the page-table pages can be reused (a walk of another
 * address space whose tables reuse them must not find the old pointers; a fence without an
 * address is what orders pointer PTEs, privileged spec 4.2.1). */
void vm_free_user(struct mm *mm)
{
  if (!mm->root)
    return;
  struct cpu *c = mycpu();
  write_csr(satp, (8UL << 60) | (pa_of(m_kernel_root) >> PAGE_SHIFT));
  if (c->mm == mm)
    c->mm = NULL;
  mm->running &= ~(1U << c->id);
  uint64_t l1e = mm->root[1];
  if (l1e & PTE_V) {
    uint64_t *l1 = (uint64_t *)(uintptr_t)PTE_PA(l1e);
    for (uint64_t i = 0; i < PT_ENTRIES; i++) {
      if (!(l1[i] & PTE_V))
        continue;
      if (l1[i] & PTE_LEAF) {
        unmap_mega(mm, USER_BASE + (i << 21), &l1[i], false);
        continue;
      }
      uint64_t *l0 = (uint64_t *)(uintptr_t)PTE_PA(l1[i]);
      for (uint64_t j = 0; j < PT_ENTRIES; j++)
        unmap_pte(mm, USER_BASE + (i << 21) + (j << PAGE_SHIFT), &l0[j], false);
      kpage_free(l0);
    }
    kpage_free(l1);
  }
  kpage_free(mm->root);
  mm->root = NULL;
  sfence_asid(mm->asid);
  tlb_shootdown_harts((mm->ran | mm->running) & ~(1U << c->id), g_use_asids ? mm->asid : 0, 0,
                      0, 0);
  mm->ran = mm->running = mm->stale = 0;
}

/* The kernel's view of a user page for a copy, faulting it in (or breaking COW) first. The
 * kernel writes through its own mapping, so it sets D itself: the swap copy is then stale.
 * A superpage stays whole: its leaf (or the NAPOT PTE of this page) gets A and D. */
static uint8_t *user_page(struct mm *mm, uint64_t va, bool write, int *err)
{
  uint64_t need = PTE_U | (write ? PTE_W : PTE_R), size;
  uint64_t *pte = vm_walk(mm->root, va, false, &size);
  if (!pte || (*pte & (PTE_V | need)) != (PTE_V | need)) {
    *err = vm_fault(mm, va, write ? CAUSE_STORE_PAGE_FAULT : CAUSE_LOAD_PAGE_FAULT);
    if (*err != FAULT_OK)
      return NULL;
    pte = vm_walk(mm->root, va, false, &size);
    if ((*pte & (PTE_V | need)) != (PTE_V | need)) {
      *err = FAULT_SEGV;
      return NULL;
    }
  }
  pte_update(pte, 0, PTE_A | (write ? PTE_D : 0));
  return (uint8_t *)(uintptr_t)((PTE_PA(*pte) & ~(size - 1)) + (va & (size - 1)));
}

int vm_copy_out(struct mm *mm, uint64_t va, const void *src, size_t len)
{
  const uint8_t *s = src;
  while (len) {
    size_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
    if (n > len)
      n = len;
    int err = FAULT_OK;
    uint8_t *dst = user_page(mm, va, true, &err);
    if (!dst)
      return err;
    memcpy(dst, s, n);
    s += n;
    va += n;
    len -= n;
  }
  return FAULT_OK;
}

int vm_copy_in(struct mm *mm, void *dst, uint64_t va, size_t len)
{
  uint8_t *d = dst;
  while (len) {
    size_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
    if (n > len)
      n = len;
    int err = FAULT_OK;
    const uint8_t *src = user_page(mm, va, false, &err);
    if (!src)
      return err;
    memcpy(d, src, n);
    d += n;
    va += n;
    len -= n;
  }
  return FAULT_OK;
}
