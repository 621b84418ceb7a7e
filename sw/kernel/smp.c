/* Several harts: the kernel lock, inter-processor interrupts, TLB shootdowns and idle harts.
 *
 * One big kernel lock (an amoswap spinlock) is held from a trap's entry into the kernel to
 * the return to U-mode, so the rest of the kernel runs as on one hart. The exception is the
 * software interrupt: its handler takes no lock, so that a hart waiting for shootdown
 * acknowledgements while holding the lock is answered by every other hart, wherever it is:
 * - in U-mode the interrupt is taken at once;
 * - spinning for the lock, a hart opens an interrupt window (sstatus.SIE with only SSIE in
 *   sie) and takes it as a trap from S-mode (trap.S);
 * - between taking a trap and the lock, or between releasing the lock and sret, it takes it
 *   a few instructions later, at the window or back in U-mode;
 * - asleep in the idle loop, it lets the interrupt in after each wfi (idle harts are
 *   targets only when an address space they ran is freed: see vm_free_user).
 * Only the lock holder sends a shootdown, so there is one request at a time (m_shoot).
 * A hart has at most one IPI outstanding (cpu.ipi_pending, cleared by its handler): a
 * second one would merge with it in msip or sip.SSIP, so it is not sent, and the handler
 * that runs for the first serves it. Every IPI sent is thus one machine and one
 * supervisor software interrupt, and one IPI received.
 *
 * IPIs: S-mode writes the target's CLINT msip (PMP is open over the CLINT); the target takes
 * a machine software interrupt, whose M-mode handler (boot.c) clears msip and sets mip.SSIP,
 * as an SBI firmware does; the kernel then takes the supervisor software interrupt. */
#include <stdio.h>

#include "kernel.h"

#define SIE_SSIE (1UL << 1)
#define SIP_SSIP (1UL << 1)
#define SSTATUS_SIE (1UL << 1)
#define BIT(h) (1U << (h))

struct cpu g_cpus[MAX_HARTS];
unsigned g_nharts = 1;

static volatile uint32_t m_lock;
static volatile uint32_t m_online = 1; /* harts in the kernel; hart 0 from the start */
static volatile uint32_t m_idle;       /* harts asleep in smp_idle and not yet woken */

/* The shootdown in flight: the harts in `pending` fence the ASID (count 0) or count pages
 * from va, step bytes apart, then clear their bit. */
static struct {
  uint64_t asid, va, count, step;
  volatile uint32_t pending;
} m_shoot;

/* The kernel's secondary harts wait in boot.c until hart 0 sets this (in .data: hart 0
 * clears .bss while they already read it). */
__attribute__((section(".data"))) volatile uint64_t g_smp_release = 0;

static uint64_t read_cycle(void)
{
  return read_csr(cycle);
}

/* Runs with interrupts off; while the lock is taken, lets software interrupts in (only
 * them), so that this hart answers shootdowns while it waits. */
void bkl_lock(void)
{
  while (__atomic_exchange_n(&m_lock, 1, __ATOMIC_ACQUIRE)) {
    unsigned long sie = read_csr(sie);
    write_csr(sie, SIE_SSIE);
    set_csr(sstatus, SSTATUS_SIE);
    while (__atomic_load_n(&m_lock, __ATOMIC_RELAXED))
      ;
    clear_csr(sstatus, SSTATUS_SIE);
    write_csr(sie, sie);
  }
}

void bkl_unlock(void)
{
  __atomic_store_n(&m_lock, 0, __ATOMIC_RELEASE);
}

static void send_ipi(unsigned hart)
{
  if (__atomic_exchange_n(&g_cpus[hart].ipi_pending, 1, __ATOMIC_SEQ_CST))
    return;
  VP_MMIO32(VP_CLINT_MSIP + 4UL * hart) = 1;
  g_count.ipis_sent++;
}

/* Work arrived: wake one idle hart (the lowest), which then schedules. A hart is woken at
 * most once per sleep, so no IPI is merged into another one. */
void smp_kick(void)
{
  uint32_t idle = m_idle;
  if (!idle)
    return;
  unsigned h = (unsigned)__builtin_ctz(idle);
  m_idle = idle & ~BIT(h);
  g_count.wakeups++;
  send_ipi(h);
}

/* Whether every other hart in the kernel is asleep: with nothing runnable, nothing can
 * happen any more. */
bool smp_all_idle(void)
{
  return (m_idle | BIT(mycpu()->id)) == m_online;
}

/* Called with the lock held and nothing to run: sleeps in wfi until woken by smp_kick, with
 * the lock released; returns with it held again. The hart runs no address space meanwhile
 * (satp holds the kernel's root). wfi runs with interrupts off, so that an IPI between the
 * test and the wfi is not lost (wfi returns on a pending interrupt all the same), and the
 * interrupt is taken right after it. */
void smp_idle(void)
{
  struct cpu *c = mycpu();
  if (c->mm) {
    c->mm->running &= ~BIT(c->id);
    c->mm = NULL;
  }
  write_csr(satp, (8UL << 60) | (pa_of(vm_kernel_root()) >> PAGE_SHIFT));
  stop_timer();
  m_idle |= BIT(c->id);
  bkl_unlock();
  unsigned long sie = read_csr(sie);
  write_csr(sie, SIE_SSIE);
  while (__atomic_load_n(&m_idle, __ATOMIC_ACQUIRE) & BIT(c->id)) {
    uint64_t before = read_instret();
    asm volatile("wfi");
    /* instret is per hart; only the lock holder may add to g_count. */
    c->idle_instret += read_instret() - before;
    set_csr(sstatus, SSTATUS_SIE);
    clear_csr(sstatus, SSTATUS_SIE);
  }
  write_csr(sie, sie);
  bkl_lock();
  set_timer();
}

/* Asks every other hart running mm to fence the ASID (count 0) or count pages from va, step
 * bytes apart, and waits for all of them; the caller has changed the PTEs and fenced its own
 * TLB. Harts that ran mm earlier and hold its ASID's entries still flush it as a whole when
 * they switch to it again (mm->stale). With one hart this does nothing. */
void tlb_shootdown(struct mm *mm, uint64_t va, uint64_t count, uint64_t step)
{
  const uint32_t self = BIT(mycpu()->id);
  mm->stale |= mm->ran & ~mm->running & ~self;
  tlb_shootdown_harts(mm->running & ~self, g_use_asids ? mm->asid : 0, va, count, step);
}

/* The same for the harts in targets, whatever they run. */
void tlb_shootdown_harts(uint32_t targets, uint16_t asid, uint64_t va, uint64_t count,
                         uint64_t step)
{
  if (!targets)
    return;
  m_shoot.asid = asid;
  m_shoot.va = va;
  m_shoot.count = count;
  m_shoot.step = step;
  const uint64_t start = read_cycle();
  __atomic_store_n(&m_shoot.pending, targets, __ATOMIC_RELEASE);
  for (unsigned h = 0; h < MAX_HARTS; h++)
    if (targets & BIT(h))
      send_ipi(h);
  while (__atomic_load_n(&m_shoot.pending, __ATOMIC_ACQUIRE))
    ;
  const uint64_t cycles = read_cycle() - start;
  g_count.shootdowns++;
  g_count.shootdown_cycles += cycles;
  if (cycles > g_count.shootdown_cycles_max)
    g_count.shootdown_cycles_max = cycles;
}

/* The supervisor software interrupt, from U-mode or from a lock wait: a shootdown request
 * for this hart is served (its fences are the only ones between the trap and its sret, so
 * vmplat's mmu.shootdown.* counts exactly them); any other IPI only woke the hart. */
void ipi_handle(void)
{
  struct cpu *c = mycpu();
  const uint32_t self = BIT(c->id);
  clear_csr(sip, SIP_SSIP);
  __atomic_store_n(&c->ipi_pending, 0, __ATOMIC_SEQ_CST);
  c->ipis_received++;
  if (!(__atomic_load_n(&m_shoot.pending, __ATOMIC_SEQ_CST) & self))
    return;
  const uint64_t asid = m_shoot.asid, count = m_shoot.count, step = m_shoot.step;
  if (count == 0) {
    asm volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
    c->shoot_asids++;
    c->shoot_fences++;
  } else {
    for (uint64_t i = 0, va = m_shoot.va; i < count; i++, va += step)
      asm volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory");
    c->shoot_pages += count;
    c->shoot_fences += count;
  }
  __atomic_fetch_and(&m_shoot.pending, ~self, __ATOMIC_RELEASE);
}

/* Hart 0, kernel initialised: the other harts leave their wait in boot.c. */
void smp_release(void)
{
  __atomic_store_n(&g_smp_release, 1, __ATOMIC_RELEASE);
  __sync_synchronize();
  for (unsigned h = 1; h < g_nharts; h++)
    VP_MMIO32(VP_CLINT_MSIP + 4UL * h) = 1;
}

/* A secondary hart's S-mode entry (boot.c mrets here): the kernel's root, then the
 * scheduler, which puts it to sleep until there is work. */
void kernel_secondary(void)
{
  extern void trap_entry(void);
  write_csr(stvec, (unsigned long)trap_entry);
  write_csr(sscratch, 0);
  write_csr(satp, (8UL << 60) | (pa_of(vm_kernel_root()) >> PAGE_SHIFT));
  asm volatile("sfence.vma zero, zero" ::: "memory");
  bkl_lock();
  g_count.sfence_all++;
  m_online |= BIT(mycpu()->id);
  kernel_enter_scheduler();
}
