/* fpswitch[:N]: processes that keep different values in the FP registers (and different
 * rounding modes in frm) across many context switches, each checking at the end that it
 * computed exactly what an undisturbed run computes: the kernel saves and restores FP
 * state per process (lazily: sw/kernel/fp.c). Built for RV64GC (lp64d).
 * Default N = 20000 iterations, yielding every 100, with 3 processes. */
#include <string.h>

#include "ulib.h"

#define PROCS 3
#define YIELD_EVERY 100

/* A recurrence that keeps x and y in FP registers through the yields (callee-saved fs
 * registers across the ecall) and depends on every rounding. */
static double work(double seed, uint64_t n, int yield)
{
  double x = seed, y = 1.0 / seed;
  for (uint64_t i = 1; i <= n; i++) {
    x = x * 1.0000001 + y;
    y = y * 0.9999999 - 1e-9 * x;
    if (yield && i % YIELD_EVERY == 0)
      sys_yield();
  }
  return x + y;
}

static void set_frm(unsigned rm) { asm volatile("fsrm %0" ::"r"(rm)); }
static unsigned get_frm(void)
{
  unsigned rm;
  asm volatile("frrm %0" : "=r"(rm));
  return rm;
}

static uint64_t bits_of(double d)
{
  uint64_t u;
  memcpy(&u, &d, sizeof(u));
  return u;
}

int main(const char *arg)
{
  uint64_t n = 20000, rounds = 1;
  parse_size(arg, &n, &rounds);
  /* The references, computed before any other process uses the FPU. Each process has its
   * own seed and rounding mode (RNE, RTZ, RUP). */
  static const double seeds[PROCS] = {1.5, 2.75, 0.3};
  uint64_t expect[PROCS];
  for (int k = 0; k < PROCS; k++) {
    set_frm((unsigned)(k == 0 ? 0 : k == 1 ? 1 : 3));
    expect[k] = bits_of(work(seeds[k], n, 0));
  }
  set_frm(0);
  uflush();
  for (int k = 1; k < PROCS; k++) {
    if (sys_fork() == 0) {
      set_frm((unsigned)(k == 1 ? 1 : 3));
      uint64_t got = bits_of(work(seeds[k], n, 1));
      sys_exit(got == expect[k] && get_frm() == (unsigned)(k == 1 ? 1 : 3) ? 0 : 1);
    }
  }
  uint64_t got = bits_of(work(seeds[0], n, 1));
  int bad = got != expect[0] || get_frm() != 0;
  for (int k = 1; k < PROCS; k++) {
    int status = 0;
    sys_wait(&status);
    bad += status != 0;
  }
  printf("%s fpswitch procs=%d iterations=%lu yields=%lu wrong=%d\n", bad ? "FAIL" : "PASS", PROCS,
         (unsigned long)n, (unsigned long)(n / YIELD_EVERY * PROCS), bad);
  return bad ? 1 : 0;
}
