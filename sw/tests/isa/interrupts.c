/* Interrupts (privileged spec 3.1.9, 3.1.6.1, Sstc, the PLIC and CLINT of the virt map):
 * machine software interrupt from the CLINT's msip, machine timer from mtimecmp, supervisor
 * timer from stimecmp (menvcfg.STCE), external interrupts through the PLIC from the UART's
 * transmitter-empty interrupt in the M and S contexts, priority between pending
 * interrupts, global enables per mode, delegation, and WFI waking on a pending interrupt. */
#include "test.h"
#include "trap.h"

#define CSR_STIMECMP 0x14d
#define MENVCFG_STCE (1UL << 63)

#define PLIC_PRIORITY(src) (VP_PLIC_BASE + 4 * (src))
#define PLIC_PENDING (VP_PLIC_BASE + 0x1000)
#define PLIC_ENABLE(ctx) (VP_PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (VP_PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define PLIC_CLAIM(ctx) (VP_PLIC_BASE + 0x200004 + 0x1000 * (ctx))
#define PLIC_CTX_M 0
#define PLIC_CTX_S 1

#define UART_IER (VP_UART_BASE + 1)
#define UART_IER_THRE 0x02

#define MIP(irq) (1UL << (irq))

static uint64_t mtime(void) { return VP_MMIO64(VP_CLINT_MTIME); }

/* Spins until a trap was recorded or ticks of mtime passed (10 MHz: 10000 = 1 ms). Waits
 * for an interrupt that must come are long: QEMU delivers its timer interrupts from a host
 * timer, many milliseconds late on a loaded machine. A wait that must see nothing is short. */
#define WAIT_MUST_COME 10000000
#define WAIT_MUST_NOT 1000
static void wait_trap(uint64_t ticks)
{
  uint64_t start = mtime();
  while (g_trap.count == 0 && mtime() - start < ticks) {
  }
}

static uint64_t s_order[4];
static unsigned s_taken;
static uint64_t s_irq_time;
static uint64_t s_claimed;

static void note(uint64_t cause)
{
  if (s_taken < 4)
    s_order[s_taken] = cause;
  ++s_taken;
}

/* Hooks quiet the source they were called for, so the interrupted code can go on. */
static void clint_hook(uint64_t cause)
{
  note(cause);
  s_irq_time = mtime();
  if ((cause & 63) == IRQ_MSI)
    VP_MMIO32(VP_CLINT_MSIP) = 0;
  if ((cause & 63) == IRQ_MTI)
    VP_MMIO64(VP_CLINT_MTIMECMP) = -1UL;
}

static void stimer_hook(uint64_t cause)
{
  note(cause);
  s_irq_time = mtime();
  asm volatile("csrw %0, %1" : : "i"(CSR_STIMECMP), "r"(-1UL));
}

static void plic_hook_ctx(uint64_t cause, int ctx)
{
  note(cause);
  s_claimed = VP_MMIO32(PLIC_CLAIM(ctx));
  VP_MMIO8(UART_IER) = 0;
  VP_MMIO32(PLIC_CLAIM(ctx)) = (uint32_t)s_claimed;
}

static void plic_hook_m(uint64_t cause) { plic_hook_ctx(cause, PLIC_CTX_M); }
static void plic_hook_s(uint64_t cause) { plic_hook_ctx(cause, PLIC_CTX_S); }

static void reset_irq_state(void (*hook)(uint64_t))
{
  trap_clear();
  s_taken = 0;
  s_claimed = 0;
  s_order[0] = s_order[1] = s_order[2] = s_order[3] = 0;
  g_irq_hook = hook;
}

static void test_software(void)
{
  reset_irq_state(clint_hook);
  VP_MMIO32(VP_CLINT_MSIP) = 1;
  CHECK("msi.mip_set", read_csr(mip) & MIP(IRQ_MSI), MIP(IRQ_MSI));
  write_csr(mie, MIP(IRQ_MSI));
  wait_trap(WAIT_MUST_NOT);
  CHECK("msi.masked_by_mstatus.mie", g_trap.count, 0);
  set_csr(mstatus, MSTATUS_MIE);
  wait_trap(WAIT_MUST_COME);
  clear_csr(mstatus, MSTATUS_MIE);
  CHECK("msi.taken.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_MSI);
  CHECK("msi.taken.count", g_trap.count, 1);
  CHECK("msi.mpie_saved", g_trap.status & (MSTATUS_MIE | MSTATUS_MPIE), MSTATUS_MPIE);
  CHECK("msi.cleared.mip", read_csr(mip) & MIP(IRQ_MSI), 0);
  write_csr(mie, 0);
}

static void test_machine_timer(void)
{
  reset_irq_state(clint_hook);
  VP_MMIO64(VP_CLINT_MTIMECMP) = -1UL;
  CHECK("mti.idle.mip", read_csr(mip) & MIP(IRQ_MTI), 0);
  uint64_t deadline = mtime() + 2000;
  VP_MMIO64(VP_CLINT_MTIMECMP) = deadline;
  CHECK("mtimecmp.readback", VP_MMIO64(VP_CLINT_MTIMECMP), deadline);
  write_csr(mie, MIP(IRQ_MTI));
  set_csr(mstatus, MSTATUS_MIE);
  wait_trap(WAIT_MUST_COME);
  clear_csr(mstatus, MSTATUS_MIE);
  CHECK("mti.taken.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_MTI);
  CHECK("mti.not_early", s_irq_time >= deadline, 1);
  CHECK("mti.cleared.mip", read_csr(mip) & MIP(IRQ_MTI), 0);

  /* WFI with MIE clear: wakes on the pending, enabled interrupt and takes no trap. */
  reset_irq_state(clint_hook);
  deadline = mtime() + 1000;
  VP_MMIO64(VP_CLINT_MTIMECMP) = deadline;
  while ((read_csr(mip) & MIP(IRQ_MTI)) == 0)
    asm volatile("wfi");
  CHECK("wfi.woke_after_deadline", mtime() >= deadline, 1);
  check_no_trap("wfi.mie_clear");
  VP_MMIO64(VP_CLINT_MTIMECMP) = -1UL;
  write_csr(mie, 0);
}

static void test_priority(void)
{
  /* MSI and MTI pending together: MSI (higher priority, 3.1.9) is taken first. */
  reset_irq_state(clint_hook);
  VP_MMIO64(VP_CLINT_MTIMECMP) = 0;
  VP_MMIO32(VP_CLINT_MSIP) = 1;
  write_csr(mie, MIP(IRQ_MSI) | MIP(IRQ_MTI));
  set_csr(mstatus, MSTATUS_MIE);
  uint64_t start = mtime();
  while (s_taken < 2 && mtime() - start < WAIT_MUST_COME) {
  }
  clear_csr(mstatus, MSTATUS_MIE);
  CHECK("priority.count", s_taken, 2);
  CHECK("priority.first_msi", s_order[0], CAUSE_INTERRUPT | IRQ_MSI);
  CHECK("priority.second_mti", s_order[1], CAUSE_INTERRUPT | IRQ_MTI);
  write_csr(mie, 0);
}

static uint64_t spin_lower(uint64_t ticks)
{
  wait_trap(ticks);
  return 0;
}

static uint64_t spin_with_sie(uint64_t ticks)
{
  set_csr(sstatus, MSTATUS_SIE);
  wait_trap(ticks);
  clear_csr(sstatus, MSTATUS_SIE);
  return 0;
}

static void test_lower_modes(void)
{
  /* M interrupts are always enabled while the hart runs below M, whatever mstatus.MIE. */
  reset_irq_state(clint_hook);
  write_csr(mie, MIP(IRQ_MSI));
  VP_MMIO32(VP_CLINT_MSIP) = 1;
  run_in_mode(PRIV_U, spin_lower, WAIT_MUST_COME);
  CHECK("msi.from_u.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_MSI);
  CHECK("msi.from_u.from", g_trap.from, PRIV_U);
  CHECK("msi.from_u.handler", g_trap.handler, PRIV_M);
  write_csr(mie, 0);

  /* A delegated S interrupt is taken in S from U even with SIE clear, never in M. */
  reset_irq_state(0);
  write_csr(mideleg, MIP(IRQ_SSI));
  write_csr(mie, MIP(IRQ_SSI));
  set_csr(mip, MIP(IRQ_SSI));
  set_csr(mstatus, MSTATUS_MIE | MSTATUS_SIE);
  wait_trap(WAIT_MUST_NOT);
  clear_csr(mstatus, MSTATUS_MIE | MSTATUS_SIE);
  CHECK("ssi.delegated.not_in_m", g_trap.count, 0);
  run_in_mode(PRIV_U, spin_lower, WAIT_MUST_COME);
  CHECK("ssi.from_u.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_SSI);
  CHECK("ssi.from_u.handler", g_trap.handler, PRIV_S);
  CHECK("ssi.from_u.spp", g_trap.from, PRIV_U);
  clear_csr(mip, MIP(IRQ_SSI));
  /* In S with SIE clear it waits. */
  write_csr(mie, MIP(IRQ_SSI));
  set_csr(mip, MIP(IRQ_SSI));
  reset_irq_state(0);
  run_in_mode(PRIV_S, spin_lower, WAIT_MUST_NOT);
  CHECK("ssi.in_s.masked_by_sie", g_trap.count, 0);
  run_in_mode(PRIV_S, spin_with_sie, WAIT_MUST_COME);
  CHECK("ssi.in_s.sie.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_SSI);
  CHECK("ssi.in_s.sie.spie", g_trap.status & (MSTATUS_SIE | MSTATUS_SPIE), MSTATUS_SPIE);
  clear_csr(mip, MIP(IRQ_SSI));
  write_csr(mideleg, 0);
  write_csr(mie, 0);
}

static void set_stimecmp(uint64_t v) { asm volatile("csrw %0, %1" : : "i"(CSR_STIMECMP), "r"(v)); }
static uint64_t get_stimecmp(void)
{
  uint64_t v;
  asm volatile("csrr %0, %1" : "=r"(v) : "i"(CSR_STIMECMP));
  return v;
}

static void test_supervisor_timer(void)
{
  set_csr(menvcfg, MENVCFG_STCE);
  write_csr(mcounteren, 2); /* TM: S may read time */
  set_stimecmp(-1UL);
  CHECK("stimecmp.readback", get_stimecmp(), -1UL);
  CHECK("sti.idle.mip", read_csr(mip) & MIP(IRQ_STI), 0);
  set_stimecmp(0);
  CHECK("sti.past.mip", read_csr(mip) & MIP(IRQ_STI), MIP(IRQ_STI));
  set_stimecmp(-1UL);
  CHECK("sti.rearmed.mip", read_csr(mip) & MIP(IRQ_STI), 0);

  /* Delegated: taken in S when the deadline passes. */
  reset_irq_state(stimer_hook);
  write_csr(mideleg, MIP(IRQ_STI));
  write_csr(mie, MIP(IRQ_STI));
  uint64_t deadline = mtime() + 2000;
  set_stimecmp(deadline);
  run_in_mode(PRIV_S, spin_with_sie, WAIT_MUST_COME);
  CHECK("sti.delegated.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_STI);
  CHECK("sti.delegated.handler", g_trap.handler, PRIV_S);
  CHECK("sti.delegated.not_early", s_irq_time >= deadline, 1);
  CHECK("sti.delegated.cleared", read_csr(mip) & MIP(IRQ_STI), 0);

  /* Not delegated: the same interrupt goes to M, taken from S. */
  reset_irq_state(stimer_hook);
  write_csr(mideleg, 0);
  set_stimecmp(mtime() + 500);
  run_in_mode(PRIV_S, spin_lower, WAIT_MUST_COME);
  CHECK("sti.m.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_STI);
  CHECK("sti.m.handler", g_trap.handler, PRIV_M);
  CHECK("sti.m.from", g_trap.from, PRIV_S);

  /* With STCE clear, stimecmp is not accessible from S (Sstc: illegal instruction). */
  clear_csr(menvcfg, MENVCFG_STCE);
  write_csr(mie, 0);
  write_csr(mcounteren, 0);
}

static uint64_t s_read_stimecmp(uint64_t unused)
{
  (void)unused;
  return get_stimecmp();
}

static void test_stce_gate(void)
{
  clear_csr(menvcfg, MENVCFG_STCE);
  trap_clear();
  run_in_mode(PRIV_S, s_read_stimecmp, 0);
  CHECK("stimecmp.stce0.s.cause", g_trap.cause, 2);
  set_csr(menvcfg, MENVCFG_STCE);
  write_csr(mcounteren, 2);
  trap_clear();
  run_in_mode(PRIV_S, s_read_stimecmp, 0);
  check_no_trap("stimecmp.stce1.s");
  clear_csr(menvcfg, MENVCFG_STCE);
  write_csr(mcounteren, 0);
}

static void plic_setup(int ctx, uint32_t threshold)
{
  VP_MMIO32(PLIC_PRIORITY(VP_UART_IRQ)) = 1;
  VP_MMIO32(PLIC_ENABLE(PLIC_CTX_M)) = ctx == PLIC_CTX_M ? 1u << VP_UART_IRQ : 0;
  VP_MMIO32(PLIC_ENABLE(PLIC_CTX_S)) = ctx == PLIC_CTX_S ? 1u << VP_UART_IRQ : 0;
  VP_MMIO32(PLIC_THRESHOLD(ctx)) = threshold;
}

static void test_plic(void)
{
  /* The console is polled and idle: THR is empty, so enabling its interrupt raises it. */
  reset_irq_state(plic_hook_m);
  plic_setup(PLIC_CTX_M, 1);
  CHECK("plic.priority.readback", VP_MMIO32(PLIC_PRIORITY(VP_UART_IRQ)), 1);
  CHECK("plic.enable.readback", VP_MMIO32(PLIC_ENABLE(PLIC_CTX_M)), 1u << VP_UART_IRQ);
  write_csr(mie, MIP(IRQ_MEI));
  set_csr(mstatus, MSTATUS_MIE);
  VP_MMIO8(UART_IER) = UART_IER_THRE;
  wait_trap(WAIT_MUST_NOT);
  CHECK("plic.threshold.masks", g_trap.count, 0);
  CHECK("plic.threshold.pending", (VP_MMIO32(PLIC_PENDING) >> VP_UART_IRQ) & 1, 1);
  CHECK("plic.threshold.meip_clear", read_csr(mip) & MIP(IRQ_MEI), 0);
  VP_MMIO32(PLIC_THRESHOLD(PLIC_CTX_M)) = 0;
  wait_trap(WAIT_MUST_COME);
  clear_csr(mstatus, MSTATUS_MIE);
  CHECK("plic.m.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_MEI);
  CHECK("plic.m.count", g_trap.count, 1);
  CHECK("plic.m.claim", s_claimed, VP_UART_IRQ);
  CHECK("plic.m.after_complete.claim", VP_MMIO32(PLIC_CLAIM(PLIC_CTX_M)), 0);
  CHECK("plic.m.after_complete.meip", read_csr(mip) & MIP(IRQ_MEI), 0);
  write_csr(mie, 0);

  /* The S context, delegated, taken in S. */
  reset_irq_state(plic_hook_s);
  plic_setup(PLIC_CTX_S, 0);
  write_csr(mideleg, MIP(IRQ_SEI));
  write_csr(mie, MIP(IRQ_SEI));
  VP_MMIO8(UART_IER) = UART_IER_THRE;
  CHECK("plic.s.seip", read_csr(mip) & MIP(IRQ_SEI), MIP(IRQ_SEI));
  CHECK("plic.s.meip_clear", read_csr(mip) & MIP(IRQ_MEI), 0);
  run_in_mode(PRIV_S, spin_with_sie, WAIT_MUST_COME);
  CHECK("plic.s.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_SEI);
  CHECK("plic.s.handler", g_trap.handler, PRIV_S);
  CHECK("plic.s.claim", s_claimed, VP_UART_IRQ);
  CHECK("plic.s.after_complete.seip", read_csr(mip) & MIP(IRQ_SEI), 0);
  write_csr(mideleg, 0);
  write_csr(mie, 0);
  VP_MMIO32(PLIC_ENABLE(PLIC_CTX_S)) = 0;
  VP_MMIO32(PLIC_PRIORITY(VP_UART_IRQ)) = 0;
}

int main(void)
{
  trap_install();
  write_csr(mie, 0);
  test_software();
  test_machine_timer();
  test_priority();
  test_lower_modes();
  test_supervisor_timer();
  test_stce_gate();
  test_plic();
  g_irq_hook = 0;
  return t_done("interrupts");
}
