/* Processes and threads, the round-robin scheduler, system calls, the ELF loader and the
 * S-mode entry. The kernel is event driven on one stack per hart: every trap from U-mode
 * runs to completion under the kernel lock (smp.c) and leaves by resuming some process; a
 * process that must wait (wait(), join()) is marked and its ecall is restarted when it is
 * woken. With several harts, the harts share one run queue (the process table, scanned
 * round robin from where each hart last ran) and a hart with nothing to run sleeps until
 * a process becomes runnable. */
#include <stdio.h>
#include <string.h>

#include "kernel.h"

#define CSR_STIMECMP "0x14d"
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_SPIE (1UL << 5)
#define SIE_SSIE (1UL << 1)
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)
#define SATP_SV39 (8UL << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK 0xffffUL

#define ELF_PT_LOAD 1
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4
#define ELF_EM_RISCV 243

/* Default demo: the suite init runs when bootargs name no programs. */
static const char kDefaultRun[] =
    "memhog,forktest,cowswap,seqscan:256,randacc:128,ptrchase:128,matmul:40,badwrite,badjump";
static const uint64_t kDefaultFrames = 64;

struct user_image {
  const char *name;
  const uint8_t *start;
  const uint8_t *end;
};
extern const struct user_image user_images[]; /* user_images.S, generated */
extern char __heap_start[];

struct counters g_count;
struct proc g_procs[MAX_PROCS];

static int m_next_pid = 1;
bool g_use_asids = true;
static uint64_t m_start_time, m_start_instret;

uint64_t read_time(void)
{
  return read_csr(time);
}

uint64_t read_instret(void)
{
  return g_have_instret ? read_csr(instret) : 0;
}

bool preemptive(void)
{
  return g_boot.quantum > 0;
}

static void program_timer(uint64_t when);

/* The next tick: stimecmp with Sstc; otherwise the SBI set_timer call, which the M-mode part
 * of the kernel (boot.c) serves with the CLINT's mtimecmp. Either clears a pending tick. */
void set_timer(void)
{
  if (!preemptive())
    return;
  program_timer(read_time() + g_boot.quantum);
}

/* No tick while the hart sleeps with nothing to run. */
void stop_timer(void)
{
  if (preemptive())
    program_timer(~0UL);
}

static void program_timer(uint64_t when)
{
  if (g_have_sstc) {
    asm volatile("csrw " CSR_STIMECMP ", %0" ::"r"(when));
  } else {
    register uint64_t a0 asm("a0") = when;
    register uint64_t a6 asm("a6") = 0;          /* set_timer */
    register uint64_t a7 asm("a7") = 0x54494d45; /* the TIME extension */
    asm volatile("ecall" : "+r"(a0) : "r"(a6), "r"(a7) : "a1", "memory");
    g_count.sbi_set_timer++;
  }
}

static void print_hpm(void);

__attribute__((noreturn)) static void finish(int code)
{
  print_counters();
  print_hpm();
  printf("kernel: halt, exit code %d\n", code);
  vp_exit(code);
}

__attribute__((noreturn)) void kernel_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
  printf("kernel panic: trap in S-mode, scause 0x%lx sepc 0x%lx stval 0x%lx\n",
         (unsigned long)cause, (unsigned long)epc, (unsigned long)tval);
  vp_exit(4);
}

/* Each counter is one of: functional (the same on every platform for the same boot
 * parameters), racy (depends on how processes interleave, so on time slices: functional only
 * on one hart without preemption, quantum=0) or timing (always depends on timing).
 * Functional lines read "counter <name> <value>", the others "counter~ <name> <value>". */
enum counter_kind { FUNCTIONAL, RACY, TIMING };

static void print_counter(const char *name, uint64_t value, enum counter_kind kind)
{
  bool marked = kind == TIMING || (kind == RACY && (preemptive() || g_nharts > 1));
  printf("counter%s %s %lu\n", marked ? "~" : "", name, (unsigned long)value);
}

/* With several harts: IPIs and TLB shootdowns (docs/firmware.md, "Several harts"). The
 * targets count what they received and fenced in their own struct cpu. */
static void print_smp_counters(void)
{
  const struct counters *c = &g_count;
  uint64_t received = 0, fences = 0, pages = 0, asids = 0;
  for (unsigned h = 0; h < g_nharts; h++) {
    received += g_cpus[h].ipis_received;
    fences += g_cpus[h].shoot_fences;
    pages += g_cpus[h].shoot_pages;
    asids += g_cpus[h].shoot_asids;
  }
  print_counter("page_faults.spurious", c->fault_spurious, RACY);
  print_counter("ipi.sent", c->ipis_sent, RACY);
  print_counter("ipi.received", received, RACY);
  print_counter("ipi.wakeups", c->wakeups, RACY);
  print_counter("shootdown.requests", c->shootdowns, RACY);
  print_counter("shootdown.fences", fences, RACY);
  print_counter("shootdown.pages", pages, RACY);
  print_counter("shootdown.asids", asids, RACY);
  print_counter("shootdown.lazy_flushes", c->lazy_flushes, RACY);
  print_counter("shootdown.cycles", c->shootdown_cycles, TIMING);
  print_counter("shootdown.cycles_max", c->shootdown_cycles_max, TIMING);
}

void print_counters(void)
{
  const struct counters *c = &g_count;
  /* A demand-zero fault maps a superpage only if the frame pool has a free aligned run, and
   * which frames are free depends on how processes interleaved. */
  const bool huge = vm_superpage_size() != 0;
  const enum counter_kind per_page = huge ? RACY : FUNCTIONAL;
  print_counter("page_faults.demand_zero", c->fault_demand_zero, per_page);
  print_counter("page_faults.cow", c->fault_cow_copy + c->fault_cow_reuse, FUNCTIONAL);
  print_counter("page_faults.cow_copy", c->fault_cow_copy, RACY);
  print_counter("page_faults.cow_reuse", c->fault_cow_reuse, RACY);
  print_counter("page_faults.swap_in", c->fault_swap_in, RACY);
  print_counter("page_faults.ad_update", c->fault_ad_update, per_page);
  print_counter("page_faults.fatal", c->fault_fatal, FUNCTIONAL);
  print_counter("swap.outs", c->swap_outs, RACY);
  print_counter("swap.drops", c->swap_drops, RACY);
  print_counter("swap.ins", c->swap_ins, RACY);
  print_counter("swap.full", c->swap_full, RACY);
  print_counter("clock.scanned", c->clock_scanned, RACY);
  print_counter("clock.second_chances", c->clock_second_chances, RACY);
  print_counter("procs.forks", c->forks, FUNCTIONAL);
  print_counter("procs.execs", c->execs, FUNCTIONAL);
  print_counter("procs.exits", c->exits, FUNCTIONAL);
  print_counter("procs.kills", c->kills, FUNCTIONAL);
  print_counter("tlb.sfence_page", c->sfence_page, RACY);
  print_counter("tlb.sfence_asid", c->sfence_asid, FUNCTIONAL);
  print_counter("tlb.sfence_all", c->sfence_all, FUNCTIONAL);
  print_counter("icache.fence_i", c->fence_i, RACY);
  print_counter("disk.reads", c->disk_reads, RACY);
  print_counter("disk.writes", c->disk_writes, RACY);
  print_counter("context_switches", c->context_switches, RACY);
  print_counter("syscalls", c->syscalls, RACY);
  print_counter("fp.first_use", c->fp_first_use, FUNCTIONAL);
  print_counter("fp.saves", c->fp_saves, RACY);
  print_counter("fp.restores", c->fp_restores, RACY);
  if (g_boot.superpages != SUPERPAGES_OFF) {
    print_counter("huge.map_2m", c->huge_map_2m, RACY);
    print_counter("huge.map_64k", c->huge_map_64k, RACY);
    print_counter("huge.fallback", c->huge_fallback, RACY);
    print_counter("huge.split_cow", c->huge_split_cow, RACY);
    print_counter("huge.split_swap", c->huge_split_swap, RACY);
    print_counter("huge.split_unmap", c->huge_split_unmap, RACY);
  }
  if (c->clones || g_nharts > 1)
    print_counter("procs.clones", c->clones, FUNCTIONAL);
  if (g_nharts > 1)
    print_smp_counters();
  print_counter("timer_ticks", c->timer_ticks, TIMING);
  if (!g_have_sstc)
    print_counter("timer.sbi_set_timer", c->sbi_set_timer, TIMING);
  print_counter("disk.waits", c->disk_waits, TIMING);
  print_counter("time", read_time() - m_start_time, TIMING);
  if (g_have_instret)
    print_counter("instructions", read_instret() - m_start_instret - c->wait_instret -
                                      mycpu()->idle_instret, TIMING);
}

/* The MMU events performance counters 3..9 saw since boot (boot.c selects them), read with
 * translation off so that reading and printing them adds none: on vmplat they equal the
 * MMU's statistics at the end of the run. */
static void print_hpm(void)
{
  if (!g_boot.hpm || !g_have_hpm)
    return;
  write_csr(satp, 0);
  const uint64_t v[7] = {read_csr(hpmcounter3), read_csr(hpmcounter4), read_csr(hpmcounter5),
                         read_csr(hpmcounter6), read_csr(hpmcounter7), read_csr(hpmcounter8),
                         read_csr(hpmcounter9)};
  static const char *const names[7] = {"hpm.itlb_misses",  "hpm.dtlb_load_misses",
                                       "hpm.dtlb_store_misses", "hpm.l2tlb_misses",
                                       "hpm.walks", "hpm.walk_cycles", "hpm.page_faults"};
  for (int i = 0; i < 7; i++)
    print_counter(names[i], v[i], TIMING);
}

static const char *cause_name(int reason)
{
  switch (reason) {
  case 0: return "misaligned fetch";
  case 1: return "fetch access fault";
  case 2: return "illegal instruction";
  case 3: return "breakpoint";
  case 4: return "misaligned load";
  case 5: return "load access fault";
  case 6: return "misaligned store";
  case 7: return "store access fault";
  case CAUSE_FETCH_PAGE_FAULT: return "instruction page fault";
  case CAUSE_LOAD_PAGE_FAULT: return "load page fault";
  case CAUSE_STORE_PAGE_FAULT: return "store page fault";
  case KILL_NO_SWAP: return "out of swap space";
  case KILL_NO_MEM: return "out of memory";
  default: return "trap";
  }
}

/* ---- scheduling ---- */

static struct proc *current(void)
{
  return &g_procs[mycpu()->current];
}

/* The hart takes p's address space: it becomes a shootdown target of it, and flushes the
 * ASID first if entries it holds of it went stale while it ran something else. */
static void switch_mm(struct cpu *c, struct mm *mm)
{
  if (c->mm == mm)
    return;
  const uint32_t self = 1U << c->id;
  if (c->mm)
    c->mm->running &= ~self;
  mm->running |= self;
  mm->ran |= self;
  c->mm = mm;
  if (mm->stale & self) {
    mm->stale &= ~self;
    sfence_asid(mm->asid);
    g_count.lazy_flushes++;
  }
}

/* Leaves the kernel into p on this hart: the lock is released last. */
__attribute__((noreturn)) static void resume(struct proc *p)
{
  struct cpu *c = mycpu();
  switch_mm(c, p->mm);
  uint64_t asid = g_use_asids ? p->mm->asid : 0;
  write_csr(satp, SATP_SV39 | (asid << SATP_ASID_SHIFT) | (pa_of(p->mm->root) >> PAGE_SHIFT));
  if (!g_use_asids) {
    asm volatile("sfence.vma zero, zero" ::: "memory");
    g_count.sfence_all++;
  }
  clear_csr(sstatus, SSTATUS_SPP);
  set_csr(sstatus, SSTATUS_SPIE);
  fp_resume(p);
  p->tf.cpu = (uint64_t)(uintptr_t)c;
  bkl_unlock();
  user_return(&p->tf);
}

/* The process this hart ran stops running here. */
static void leave(struct cpu *c)
{
  if (c->current < 0)
    return;
  struct proc *old = &g_procs[c->current];
  if (old->cpu == (int)c->id) {
    old->cpu = -1;
    if (g_nharts > 1)
      fp_switch_away(old);
  }
}

/* Runs the current process if it can run (rotate = false) or the next runnable one after it
 * in slot order (round robin), skipping those that run on other harts. With nothing to run
 * the hart sleeps until woken (smp_idle); when every hart would sleep, nothing is left. */
__attribute__((noreturn)) static void schedule(bool rotate)
{
  struct cpu *c = mycpu();
  for (;;) {
    int start = c->current < 0 ? 0 : rotate ? c->current + 1 : c->current;
    for (int k = 0; k < MAX_PROCS; k++) {
      int i = (start + k) % MAX_PROCS;
      struct proc *q = &g_procs[i];
      if (q->state == PROC_RUNNABLE && (q->cpu < 0 || q->cpu == (int)c->id)) {
        if (i != c->current) {
          g_count.context_switches++;
          leave(c);
        }
        c->current = i;
        q->cpu = (int)c->id;
        resume(q);
      }
    }
    leave(c);
    if (smp_all_idle()) {
      printf("kernel: no runnable process\n");
      finish(2);
    }
    smp_idle();
    rotate = false;
  }
}

/* p can run: an idle hart is woken for it. */
static void make_runnable(struct proc *p)
{
  p->state = PROC_RUNNABLE;
  smp_kick();
}

/* ---- process life cycle ---- */

static struct proc *proc_alloc(void)
{
  for (int i = 0; i < MAX_PROCS; i++) {
    struct proc *p = &g_procs[i];
    if (p->state == PROC_UNUSED) {
      memset(p, 0, sizeof(*p));
      p->pid = m_next_pid++;
      p->parent = -1;
      p->cpu = -1;
      p->fp_hart = -1;
      return p;
    }
  }
  return NULL;
}

/* A free address space, slot `prefer` if that one is free (a process's own slot, so that
 * without threads ASIDs are what they were before threads existed). */
static struct mm *mm_alloc(int prefer)
{
  struct mm *mm = NULL;
  if (!g_mms[prefer].users && !g_mms[prefer].root) {
    mm = &g_mms[prefer];
  } else {
    for (int i = 0; i < MAX_PROCS && !mm; i++)
      if (!g_mms[i].users && !g_mms[i].root)
        mm = &g_mms[i];
  }
  if (mm) {
    mm->asid = (uint16_t)(mm - g_mms + 1);
    mm->users = 1;
    mm->heap_base = mm->brk = 0;
  }
  return mm;
}

/* A thread lets go of its address space; the last one frees it, with the threads of it that
 * nobody joined. */
static void mm_put(struct mm *mm)
{
  if (--mm->users > 0)
    return;
  vm_free_user(mm);
  for (int i = 0; i < MAX_PROCS; i++)
    if (g_procs[i].mm == mm && g_procs[i].thread && g_procs[i].state == PROC_ZOMBIE)
      g_procs[i].state = PROC_UNUSED;
}

/* Wakes the threads of mm waiting in join (or wait): they check again. */
static void wake_joiners(struct mm *mm)
{
  for (int i = 0; i < MAX_PROCS; i++)
    if (g_procs[i].state == PROC_WAITING && g_procs[i].mm == mm)
      make_runnable(&g_procs[i]);
}

/* Ends a process or thread: its address space goes with its last thread. A thread stays a
 * zombie for join while its address space lives; a process, for its parent's wait. */
static void proc_exit(struct proc *p, int status)
{
  fp_release(p);
  g_count.exits++;
  if (p->thread) {
    p->exit_status = status;
    p->state = PROC_ZOMBIE;
    wake_joiners(p->mm);
    mm_put(p->mm);
    return;
  }
  mm_put(p->mm);
  int self = (int)(p - g_procs);
  for (int i = 0; i < MAX_PROCS; i++) {
    struct proc *c = &g_procs[i];
    if (c->state != PROC_UNUSED && c->parent == self) {
      c->parent = -1;
      if (c->state == PROC_ZOMBIE)
        c->state = PROC_UNUSED;
    }
  }
  if (p->pid == 1) {
    printf("kernel: init exited with status 0x%x\n", status);
    finish(status == 0 ? 0 : 1);
  }
  if (p->parent < 0) {
    p->state = PROC_UNUSED;
    return;
  }
  p->state = PROC_ZOMBIE;
  p->exit_status = status;
  struct proc *parent = &g_procs[p->parent];
  if (parent->state == PROC_WAITING)
    make_runnable(parent);
}

static void proc_kill(struct proc *p, int reason, uint64_t va, uint64_t pc)
{
  printf("kill: pid %d (%s): %s at 0x%lx, pc 0x%lx\n", p->pid, p->name, cause_name(reason),
         (unsigned long)va, (unsigned long)pc);
  g_count.kills++;
  proc_exit(p, WAIT_KILLED | reason);
}

static int kill_reason(int fault, int cause)
{
  if (fault == FAULT_NO_SWAP)
    return KILL_NO_SWAP;
  if (fault == FAULT_NO_MEM)
    return KILL_NO_MEM;
  return cause;
}

static const struct user_image *find_image(const char *name)
{
  for (const struct user_image *img = user_images; img->name; img++)
    if (strcmp(img->name, name) == 0)
      return img;
  return NULL;
}

static uint64_t rd64(const uint8_t *p)
{
  uint64_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}

static uint32_t rd32(const uint8_t *p)
{
  uint32_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}

static uint16_t rd16(const uint8_t *p)
{
  uint16_t v;
  memcpy(&v, p, sizeof(v));
  return v;
}

static bool elf_valid(const struct user_image *img)
{
  const uint8_t *e = img->start;
  size_t size = (size_t)(img->end - img->start);
  return size >= 64 && e[0] == 0x7f && e[1] == 'E' && e[2] == 'L' && e[3] == 'F' && e[4] == 2 &&
         rd16(e + 0x12) == ELF_EM_RISCV &&
         rd64(e + 0x20) + (uint64_t)rd16(e + 0x38) * rd16(e + 0x36) <= size;
}

/* Replaces p's address space with the program's ELF image, a fresh stack holding arg, and
 * an empty heap after the last segment. Returns a fault code; on failure p has no image. */
static int load_image(struct proc *p, const struct user_image *img, const char *arg)
{
  const uint8_t *e = img->start;
  struct mm *mm = p->mm;
  vm_free_user(mm);
  mm->root = vm_new_root();
  if (!mm->root)
    return FAULT_NO_MEM;
  uint64_t heap = USER_BASE;
  uint64_t phoff = rd64(e + 0x20);
  uint16_t phentsize = rd16(e + 0x36), phnum = rd16(e + 0x38);
  for (uint16_t i = 0; i < phnum; i++) {
    const uint8_t *ph = e + phoff + (uint64_t)i * phentsize;
    if (rd32(ph) != ELF_PT_LOAD)
      continue;
    uint32_t flags = rd32(ph + 4);
    uint64_t off = rd64(ph + 8), vaddr = rd64(ph + 16), filesz = rd64(ph + 32);
    uint64_t memsz = rd64(ph + 40);
    if (vaddr < USER_BASE || vaddr + memsz > USER_STACK_BOTTOM || filesz > memsz ||
        off + filesz > (uint64_t)(img->end - img->start))
      return FAULT_SEGV;
    uint64_t perm = ((flags & ELF_PF_R) ? PTE_R : 0) | ((flags & ELF_PF_W) ? PTE_W : 0) |
                    ((flags & ELF_PF_X) ? PTE_X : 0);
    for (uint64_t va = vaddr & ~(PAGE_SIZE - 1); va < vaddr + memsz; va += PAGE_SIZE) {
      uint64_t lo = va > vaddr ? va : vaddr;
      uint64_t hi = va + PAGE_SIZE < vaddr + filesz ? va + PAGE_SIZE : vaddr + filesz;
      size_t len = hi > lo ? (size_t)(hi - lo) : 0;
      int r = vm_map_page(mm, va, perm, lo - va, e + off + (lo - vaddr), len);
      if (r != FAULT_OK)
        return r;
    }
    uint64_t end = (vaddr + memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (end > heap)
      heap = end;
  }
  mm->heap_base = mm->brk = heap;
  size_t len = strlen(arg) + 1;
  uint64_t sp = USER_TOP - 2 * ARG_LEN;
  int r = vm_copy_out(mm, sp, arg, len);
  if (r != FAULT_OK)
    return r;
  memset(&p->tf, 0, sizeof(p->tf));
  p->tf.sepc = rd64(e + 0x18);
  p->tf.x[2] = sp - 16;
  p->tf.x[10] = sp;
  p->tf.x[11] = vm_superpage_size();
  p->tf.x[12] = g_boot.roi;
  strncpy(p->name, img->name, NAME_LEN - 1);
  sfence_asid(mm->asid);
  g_count.execs++;
  return FAULT_OK;
}

void proc_start_init(const char *args)
{
  struct proc *p = proc_alloc();
  p->mm = mm_alloc((int)(p - g_procs));
  const struct user_image *img = find_image("init");
  int r = img && elf_valid(img) ? load_image(p, img, args) : FAULT_SEGV;
  if (r != FAULT_OK) {
    printf("kernel: cannot load init (%d)\n", r);
    finish(3);
  }
  p->state = PROC_RUNNABLE;
  mycpu()->current = (int)(p - g_procs);
}

/* ---- system calls ---- */

/* Copies a NUL-terminated user string; returns false if it is unreadable or too long. */
static bool copy_string(struct proc *p, char *dst, uint64_t va, size_t max, int *err)
{
  for (size_t i = 0; i < max; i++) {
    *err = vm_copy_in(p->mm, &dst[i], va + i, 1);
    if (*err != FAULT_OK)
      return false;
    if (dst[i] == 0)
      return true;
  }
  *err = FAULT_SEGV;
  return false;
}

static int64_t sys_fork(struct proc *p)
{
  struct proc *c = proc_alloc();
  if (!c)
    return -1;
  c->mm = mm_alloc((int)(c - g_procs));
  if (!c->mm)
    return -1;
  c->parent = (int)(p - g_procs);
  c->mm->heap_base = p->mm->heap_base;
  c->mm->brk = p->mm->brk;
  memcpy(c->name, p->name, NAME_LEN);
  c->tf = p->tf;
  c->tf.x[10] = 0;
  fp_fork(p, c);
  if (vm_fork(p->mm, c->mm) != FAULT_OK) {
    vm_free_user(c->mm);
    c->mm->users = 0;
    c->state = PROC_UNUSED;
    return -1;
  }
  make_runnable(c);
  g_count.forks++;
  return c->pid;
}

/* A thread in p's address space starting at entry with stack sp and a0 = arg; gp and tp as
 * p's (the user library's thread_create sets the rest up). */
static int64_t sys_clone(struct proc *p, uint64_t entry, uint64_t sp, uint64_t arg)
{
  struct proc *t = proc_alloc();
  if (!t)
    return -1;
  t->thread = true;
  t->mm = p->mm;
  t->mm->users++;
  memcpy(t->name, p->name, NAME_LEN);
  t->tf.sepc = entry;
  t->tf.x[2] = sp;
  t->tf.x[3] = p->tf.x[3];
  t->tf.x[4] = p->tf.x[4];
  t->tf.x[10] = arg;
  make_runnable(t);
  g_count.clones++;
  return t->pid;
}

/* Reaps thread tid of p's address space: its tid, its exit status stored if status_va is not
 * 0; -1 if there is no such thread; blocks (and restarts) while it runs. */
static int64_t sys_join(struct proc *p, uint64_t tid, uint64_t status_va)
{
  for (int i = 0; i < MAX_PROCS; i++) {
    struct proc *t = &g_procs[i];
    if (t->state == PROC_UNUSED || !t->thread || t->mm != p->mm || (uint64_t)t->pid != tid ||
        t == p)
      continue;
    if (t->state != PROC_ZOMBIE) {
      p->state = PROC_WAITING;
      p->tf.sepc -= 4;
      schedule(true);
    }
    int status = t->exit_status;
    t->state = PROC_UNUSED;
    if (status_va) {
      int r = vm_copy_out(p->mm, status_va, &status, sizeof(status));
      if (r != FAULT_OK) {
        proc_kill(p, kill_reason(r, CAUSE_STORE_PAGE_FAULT), status_va, p->tf.sepc);
        schedule(true);
      }
    }
    return (int64_t)tid;
  }
  return -1;
}

/* Returns the child's pid, -1 if p has no children; blocks (and restarts) otherwise. */
static int64_t sys_wait(struct proc *p, uint64_t status_va)
{
  int self = (int)(p - g_procs);
  bool children = false;
  for (int i = 0; i < MAX_PROCS; i++) {
    struct proc *c = &g_procs[i];
    if (c->state == PROC_UNUSED || c->thread || c->parent != self)
      continue;
    children = true;
    if (c->state != PROC_ZOMBIE)
      continue;
    int pid = c->pid, status = c->exit_status;
    c->state = PROC_UNUSED;
    if (status_va) {
      int r = vm_copy_out(p->mm, status_va, &status, sizeof(status));
      if (r != FAULT_OK) {
        proc_kill(p, kill_reason(r, CAUSE_STORE_PAGE_FAULT), status_va, p->tf.sepc);
        schedule(true);
      }
    }
    return pid;
  }
  if (!children)
    return -1;
  p->state = PROC_WAITING;
  p->tf.sepc -= 4;
  schedule(true);
}

static int64_t sys_write(struct proc *p, uint64_t va, uint64_t len)
{
  char buf[128];
  for (uint64_t done = 0; done < len;) {
    size_t n = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);
    int r = vm_copy_in(p->mm, buf, va + done, n);
    if (r == FAULT_SEGV)
      return -1;
    if (r != FAULT_OK) {
      proc_kill(p, kill_reason(r, CAUSE_LOAD_PAGE_FAULT), va + done, p->tf.sepc);
      schedule(true);
    }
    for (size_t i = 0; i < n; i++)
      vp_putc(buf[i]);
    done += n;
  }
  return (int64_t)len;
}

static int64_t sys_sbrk(struct proc *p, int64_t increment)
{
  struct mm *mm = p->mm;
  uint64_t old = mm->brk, brk = old + (uint64_t)increment;
  if (brk < mm->heap_base || brk > USER_STACK_BOTTOM - PAGE_SIZE)
    return -1;
  uint64_t old_end = (old + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  uint64_t new_end = (brk + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  if (new_end < old_end && vm_unmap_range(mm, new_end, old_end) != FAULT_OK)
    return -1;
  mm->brk = brk;
  return (int64_t)old;
}

static int64_t sys_exec(struct proc *p, uint64_t name_va, uint64_t arg_va)
{
  char name[NAME_LEN], arg[ARG_LEN];
  int err;
  if (!copy_string(p, name, name_va, sizeof(name), &err) ||
      !copy_string(p, arg, arg_va, sizeof(arg), &err)) {
    if (err == FAULT_SEGV)
      return -1;
    proc_kill(p, kill_reason(err, CAUSE_LOAD_PAGE_FAULT), name_va, p->tf.sepc);
    schedule(true);
  }
  const struct user_image *img = find_image(name);
  if (!img || !elf_valid(img) || p->mm->users > 1)
    return -1;
  fp_release(p);
  int r = load_image(p, img, arg);
  if (r != FAULT_OK) {
    proc_kill(p, kill_reason(r, CAUSE_STORE_PAGE_FAULT), 0, p->tf.sepc);
    schedule(true);
  }
  schedule(false);
}

/* The device's registers (docs/devices.md); the kernel maps MMIO at its physical address. */
#define SIMCTL_REG(off) (*(volatile uint32_t *)(uintptr_t)(g_boot.simctl_base + (off)))

static int64_t sys_simctl(struct proc *p, uint64_t cmd, uint64_t arg, uint64_t name_va)
{
  char name[64];
  int err;
  name[0] = 0;
  if (!g_boot.simctl_base || cmd < SIMCTL_RESET_STATS || cmd > SIMCTL_END ||
      (name_va && !copy_string(p, name, name_va, sizeof(name), &err)))
    return -1;
  for (const char *c = name; *c; c++)
    *(volatile uint8_t *)(uintptr_t)(g_boot.simctl_base + 0x10) = (uint8_t)*c;
  SIMCTL_REG(0x08) = (uint32_t)arg;
  SIMCTL_REG(0x0c) = (uint32_t)cmd;
  return 0;
}

static void syscall(struct proc *p)
{
  struct trapframe *tf = &p->tf;
  uint64_t a0 = tf->x[10], a1 = tf->x[11];
  int64_t ret = -1;
  g_count.syscalls++;
  tf->sepc += 4;
  switch (tf->x[17]) {
  case SYS_EXIT:
    proc_exit(p, (int)(a0 & 0xff));
    schedule(true);
  case SYS_FORK: ret = sys_fork(p); break;
  case SYS_WAIT: ret = sys_wait(p, a0); break;
  case SYS_GETPID: ret = p->pid; break;
  case SYS_WRITE: ret = sys_write(p, a0, a1); break;
  case SYS_SBRK: ret = sys_sbrk(p, (int64_t)a0); break;
  case SYS_YIELD:
    tf->x[10] = 0;
    schedule(true);
  case SYS_STATS: print_counters(); ret = 0; break;
  case SYS_EXEC: ret = sys_exec(p, a0, a1); break;
  case SYS_SIMCTL: ret = sys_simctl(p, a0, a1, tf->x[12]); break;
  case SYS_CLONE: ret = sys_clone(p, a0, a1, tf->x[12]); break;
  case SYS_JOIN: ret = sys_join(p, a0, a1); break;
  default: break;
  }
  tf->x[10] = (uint64_t)ret;
}

/* ---- traps ---- */

void trap_user(struct trapframe *tf)
{
  /* Read before the lock: a software interrupt taken while waiting for it overwrites them. */
  uint64_t cause = read_csr(scause), tval = read_csr(stval);
  if (cause == ((1UL << 63) | IRQ_S_SOFT)) {
    ipi_handle();
    user_return(tf);
  }
  bkl_lock();
  struct proc *p = current();
  fp_trap_entry();
  if (cause >> 63) {
    uint64_t irq = cause & ~(1UL << 63);
    if (irq == IRQ_S_TIMER) {
      g_count.timer_ticks++;
      set_timer();
      schedule(true);
    }
    if (irq == IRQ_S_EXT)
      blk_irq();
    schedule(false);
  }
  if (cause == CAUSE_ECALL_U) {
    syscall(p);
    schedule(false);
  }
  if (cause == CAUSE_FETCH_PAGE_FAULT || cause == CAUSE_LOAD_PAGE_FAULT ||
      cause == CAUSE_STORE_PAGE_FAULT) {
    int r = vm_fault(p->mm, tval, cause);
    if (r == FAULT_OK)
      schedule(false);
    g_count.fault_fatal++;
    proc_kill(p, kill_reason(r, (int)cause), tval, tf->sepc);
    schedule(true);
  }
  if (cause == CAUSE_ILLEGAL_INSN && fp_claim(p, tval))
    schedule(false);
  proc_kill(p, (int)cause, tval, tf->sepc);
  schedule(true);
}

/* ---- S-mode entry ---- */

/* Where every hart enters the scheduler with the lock held: its interrupts, then the first
 * process (or sleep). */
void kernel_enter_scheduler(void)
{
  set_csr(sie, SIE_SSIE | SIE_SEIE);
  if (preemptive()) {
    set_csr(sie, SIE_STIE);
    set_timer();
  }
  schedule(false);
}

static unsigned asid_bits(void)
{
  uint64_t root = pa_of(vm_kernel_root()) >> PAGE_SHIFT;
  write_csr(satp, SATP_SV39 | (SATP_ASID_MASK << SATP_ASID_SHIFT) | root);
  uint64_t asid = (read_csr(satp) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
  write_csr(satp, SATP_SV39 | root);
  unsigned bits = 0;
  while (asid & (1UL << bits))
    bits++;
  return bits;
}

void kernel_main(void)
{
  bkl_lock();
  write_csr(stvec, (unsigned long)trap_entry);
  write_csr(sscratch, 0);
  m_start_time = read_time();
  m_start_instret = read_instret();

  if (g_boot.superpages_bad[0]) {
    printf("kernel: bad boot parameter %s: superpages is off, 2m, 64k or on\n",
           g_boot.superpages_bad);
    vp_exit(6);
  }
  bool disk = blk_init();
  const char *run = g_boot.run[0] ? g_boot.run : kDefaultRun;
  if (!g_boot.run[0] && !g_boot.frames_given)
    g_boot.frames = kDefaultFrames;
  uint64_t pool = ((uint64_t)(uintptr_t)__heap_start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  vm_init(pool, g_boot.ram_base + g_boot.ram_size);
  write_csr(satp, SATP_SV39 | (pa_of(vm_kernel_root()) >> PAGE_SHIFT));
  if ((read_csr(satp) >> 60) != 8) {
    printf("kernel: the hart does not accept Sv39 in satp (mode %lu); Sv39 is required\n",
           (unsigned long)(read_csr(satp) >> 60));
    finish(5);
  }
  asm volatile("sfence.vma zero, zero" ::: "memory");
  g_count.sfence_all++;
  unsigned bits = asid_bits();
  g_use_asids = bits >= 6; /* enough for MAX_PROCS + 1 */
  asm volatile("sfence.vma zero, zero" ::: "memory");
  g_count.sfence_all++;

  printf("kernel: %lu user frames, %lu swap slots%s, asid bits %u, time slice %lu ticks%s\n",
         (unsigned long)vm_frames(), (unsigned long)vm_swap_slots(),
         disk ? "" : " (no swap device)", bits, (unsigned long)g_boot.quantum,
         preemptive() ? "" : " (no preemption)");
  if (g_boot.superpages != SUPERPAGES_OFF)
    printf("kernel: superpages %s\n", vm_superpages_text());
  if (g_nharts > 1)
    printf("kernel: %u harts\n", g_nharts);
  printf("kernel: run %s\n", run);

  proc_start_init(run);
  smp_release();
  kernel_enter_scheduler();
}
