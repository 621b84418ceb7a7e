/* Does a hart run at the same speed whether or not another hart is busy? (vmplat only: it
 * prints simulated time, so it is no differential test.)
 *
 * One loop of loads and stores, timed with mtime three times: on hart 1 from the reset
 * while hart 0 spins on a flag in DRAM; on hart 0 while hart 1 spins; on hart 1 alone, hart
 * 0 asleep in WFI. The harts share nothing but the memory, and a spinning hart reads one
 * doubleword, so a run beside a spinning hart may be slower by some memory contention, not
 * by much: the checks allow twice the time alone. Run it with 2 harts
 * (tests/system/smp.cmake: fast and timed memory).
 */
#include <stdio.h>

#include "platform.h"
#include "test.h"

#define ITER 20000
#define MIP_MSIP (1UL << 3)

static volatile uint64_t g_count __attribute__((aligned(64)));
static volatile uint64_t g_phase __attribute__((aligned(64)));
static volatile uint64_t g_ticks[3] __attribute__((aligned(64)));

void smp_trap(uint64_t cause)
{
  void vp_unexpected_trap(unsigned long, unsigned long, unsigned long);
  vp_unexpected_trap(cause, read_csr(mepc), read_csr(mtval));
}

static uint64_t timed_loop(void)
{
  const uint64_t t0 = VP_MMIO64(VP_CLINT_MTIME);
  for (unsigned i = 0; i < ITER; ++i)
    g_count = g_count + 1;
  return VP_MMIO64(VP_CLINT_MTIME) - t0;
}

void smp_main(unsigned long hartid, const void *dtb)
{
  (void)dtb;
  if (hartid == 1) {
    /* From the reset, beside hart 0 spinning. */
    g_ticks[1] = timed_loop();
    asm volatile("fence rw, rw" ::: "memory");
    g_phase = 1;
    /* Spinning while hart 0 runs the loop. */
    while (g_phase != 2) {
    }
    /* Alone. */
    g_ticks[0] = timed_loop();
    asm volatile("fence rw, rw" ::: "memory");
    g_phase = 3;
    VP_MMIO32(VP_CLINT_MSIP) = 1; /* wake hart 0 */
    for (;;)
      asm volatile("wfi");
  }
  if (hartid != 0)
    for (;;)
      asm volatile("wfi");

  while (g_phase != 1) {
  }
  g_ticks[2] = timed_loop();
  /* Asleep while hart 1 runs alone: WFI wakes for MSIP (enabled in mie, not taken: MIE
   * stays clear). */
  write_csr(mie, MIP_MSIP);
  asm volatile("fence rw, rw" ::: "memory");
  g_phase = 2;
  while (g_phase != 3)
    asm volatile("wfi" ::: "memory");
  VP_MMIO32(VP_CLINT_MSIP) = 0;
  write_csr(mie, 0);
  printf("fairness: the loop alone %lu ticks; on hart 1 beside hart 0 spinning %lu ticks; "
         "on hart 0 beside hart 1 spinning %lu ticks\n",
         (unsigned long)g_ticks[0], (unsigned long)g_ticks[1], (unsigned long)g_ticks[2]);
  CHECK("fairness.count", g_count, 3 * ITER);
  CHECK("fairness.hart1_beside_spinner", g_ticks[1] <= 2 * g_ticks[0], 1);
  CHECK("fairness.hart0_beside_spinner", g_ticks[2] <= 2 * g_ticks[0], 1);
  vp_exit(t_done("fairness"));
}
