/* Drives every signal of vmplat's waveform (--vcd, docs/debugging.md) through a sequence
 * that tests/system/waves_test.py checks in the VCD:
 *   - privilege M -> U, M -> S, M -> U with ecalls delegated to S, each return through a trap
 *     taken from a lower level, so the VCD's entries into a higher level equal the traps the
 *     hart counts (every trap here comes from below);
 *   - the machine timer: an edge while MTIE is set (exact) waited for in WFI, an interrupt
 *     taken from U, and an edge while MTIE is clear (drawn when the hart next looks);
 *   - the Sstc timer: an interrupt delegated to S, taken from U;
 *   - msip and ssip from software; the UART's PLIC source and the M context's output.
 * Exits through the finisher with the number of failed checks. */
#include "platform.h"
#include "test.h"
#include "trap.h"

#define CSR_STIMECMP 0x14d
#define MENVCFG_STCE (1UL << 63)
#define MIP(irq) (1UL << (irq))
#define CAUSE_ECALL_U 8

#define PLIC_PRIORITY(src) (VP_PLIC_BASE + 4 * (src))
#define PLIC_ENABLE_M (VP_PLIC_BASE + 0x2000)
#define PLIC_THRESHOLD_M (VP_PLIC_BASE + 0x200000)
#define UART_IER (VP_UART_BASE + 1)
#define UART_IER_THRE 0x02

/* Far enough ahead that the hart is still before it when the write retires. */
#define TIMER_TICKS 300

static uint64_t mtime(void) { return VP_MMIO64(VP_CLINT_MTIME); }

/* a7 = 0: run_in_mode's own return is an ecall with a magic a7, which a7 may still hold. */
static uint64_t ecall_once(uint64_t arg)
{
  register uint64_t a7 asm("a7") = 0;
  asm volatile("ecall" : "+r"(a7) : : "memory");
  return arg;
}

static uint64_t spin_for_trap(uint64_t ticks)
{
  uint64_t start = mtime();
  while (g_trap.count == 0 && mtime() - start < ticks) {
  }
  return g_trap.count;
}

static void mtimer_hook(uint64_t cause)
{
  (void)cause;
  VP_MMIO64(VP_CLINT_MTIMECMP) = -1UL;
}

static void stimer_hook(uint64_t cause)
{
  (void)cause;
  asm volatile("csrw %0, %1" : : "i"(CSR_STIMECMP), "r"(-1UL));
}

static void test_privilege(void)
{
  for (int i = 0; i < 3; ++i)
    run_in_mode(PRIV_U, ecall_once, 0);
  for (int i = 0; i < 2; ++i)
    run_in_mode(PRIV_S, ecall_once, 0);
  /* U's ecalls go to S, and S passes run_in_mode's own ecall on to M. */
  write_csr(medeleg, 1UL << CAUSE_ECALL_U);
  trap_clear();
  for (int i = 0; i < 2; ++i)
    run_in_mode(PRIV_U, ecall_once, 0);
  CHECK("priv.delegated_ecalls", g_trap.count, 2);
  CHECK("priv.delegated_handler", g_trap.handler, PRIV_S);
  write_csr(medeleg, 0);
}

static void test_machine_timer(void)
{
  /* Enabled: WFI with mstatus.MIE clear wakes on the edge without a trap. */
  VP_MMIO64(VP_CLINT_MTIMECMP) = mtime() + TIMER_TICKS;
  write_csr(mie, MIP(IRQ_MTI));
  while ((read_csr(mip) & MIP(IRQ_MTI)) == 0)
    asm volatile("wfi");
  VP_MMIO64(VP_CLINT_MTIMECMP) = -1UL;

  /* Taken from U. */
  trap_clear();
  g_irq_hook = mtimer_hook;
  VP_MMIO64(VP_CLINT_MTIMECMP) = mtime() + TIMER_TICKS;
  run_in_mode(PRIV_U, spin_for_trap, 10000000);
  CHECK("mti.from_u.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_MTI);
  CHECK("mti.from_u.from", g_trap.from, PRIV_U);
  g_irq_hook = 0;
  write_csr(mie, 0);

  /* Disabled: the hart only notices when it next looks (here: the compare write). */
  uint64_t deadline = mtime() + TIMER_TICKS;
  VP_MMIO64(VP_CLINT_MTIMECMP) = deadline;
  while ((read_csr(mip) & MIP(IRQ_MTI)) == 0) {
  }
  CHECK("mti.disabled.not_early", mtime() >= deadline, 1);
  VP_MMIO64(VP_CLINT_MTIMECMP) = -1UL;
}

static void test_supervisor_timer(void)
{
  asm volatile("csrs 0x30a, %0" : : "r"(MENVCFG_STCE)); /* menvcfg */
  write_csr(mcounteren, 2); /* time, for S */
  write_csr(mideleg, MIP(IRQ_STI));
  write_csr(mie, MIP(IRQ_STI));
  trap_clear();
  g_irq_hook = stimer_hook;
  asm volatile("csrw %0, %1" : : "i"(CSR_STIMECMP), "r"(mtime() + TIMER_TICKS));
  run_in_mode(PRIV_U, spin_for_trap, 10000000);
  CHECK("sti.from_u.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_STI);
  CHECK("sti.from_u.handler", g_trap.handler, PRIV_S);
  g_irq_hook = 0;
  write_csr(mie, 0);
  write_csr(mideleg, 0);
}

static void test_software_and_plic(void)
{
  VP_MMIO32(VP_CLINT_MSIP) = 1;
  CHECK("msip.set", read_csr(mip) & MIP(IRQ_MSI), MIP(IRQ_MSI));
  VP_MMIO32(VP_CLINT_MSIP) = 0;
  set_csr(mip, MIP(IRQ_SSI));
  clear_csr(mip, MIP(IRQ_SSI));

  /* The UART's transmitter-empty interrupt raises source 10 and, enabled, context 0. No
   * console output meanwhile: it would lower and raise the line. */
  VP_MMIO32(PLIC_PRIORITY(VP_UART_IRQ)) = 1;
  VP_MMIO32(PLIC_THRESHOLD_M) = 0;
  VP_MMIO32(PLIC_ENABLE_M) = 1U << VP_UART_IRQ;
  VP_MMIO8(UART_IER) = UART_IER_THRE;
  uint64_t meip = read_csr(mip) & MIP(IRQ_MEI);
  VP_MMIO8(UART_IER) = 0;
  VP_MMIO32(PLIC_ENABLE_M) = 0;
  CHECK("plic.meip", meip, MIP(IRQ_MEI));
}

int main(void)
{
  trap_install();
  test_privilege();
  test_machine_timer();
  test_supervisor_timer();
  test_software_and_plic();
  return t_done("waves");
}
