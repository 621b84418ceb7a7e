/* Shared by the CPU benchmarks: each runs a fixed amount of work, verifies its result and
 * exits 0 only if the result is right. bench/cpu_bench.py measures them on vmplat and QEMU;
 * the instret line lets a QEMU run with -icount size the work without vmplat. */
#ifndef VMPLAT_BENCH_H
#define VMPLAT_BENCH_H

#include <stdint.h>
#include <stdio.h>

static inline uint64_t bench_instret(void)
{
  uint64_t v;
  asm volatile("csrr %0, instret" : "=r"(v));
  return v;
}

/* Prints the verdict line and returns the exit code: 0 when got == expected. */
static inline int bench_finish(const char *name, uint64_t start_instret, uint64_t got,
                               uint64_t expected)
{
  uint64_t instret = bench_instret() - start_instret;
  int ok = got == expected;
  printf("bench %s: result 0x%lx %s (instret %lu)\n", name, (unsigned long)got,
         ok ? "ok" : "WRONG", (unsigned long)instret);
  if (!ok)
    printf("bench %s: expected 0x%lx\n", name, (unsigned long)expected);
  return ok ? 0 : 1;
}

#endif
