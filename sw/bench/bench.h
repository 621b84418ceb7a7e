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

#ifdef BENCH_SV39
/* The Sv39 build of each benchmark (cpu_<name>_sv39.elf, bench/cpu_bench.py --sv39) runs
 * its work in S mode with translation on, under the identity map of 1 GiB pages that the
 * MMU benchmarks use (sw/bench/mmu/sv39.h). */
#include "platform.h"
#include "sv39.h"
#endif

/* Where a benchmark's measured work starts: returns instret (in the Sv39 build, in S mode
 * under translation from here on). */
static inline uint64_t bench_start(void)
{
#ifdef BENCH_SV39
  write_csr(mcounteren, 7); /* S mode reads cycle, time and instret */
  sv39_enter(0);
#endif
  return bench_instret();
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
