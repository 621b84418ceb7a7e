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
#include "platform.h"

/* The Sv39 build of each benchmark (cpu_<name>_sv39.elf, bench/cpu_bench.py --sv39) runs
 * its work in S mode with translation on: an identity map of two 1 GiB pages, the first
 * for the devices (read/write), the second for DRAM (read/write/execute). */
static uint64_t bench_sv39_root[512] __attribute__((aligned(4096)));

static inline void bench_enter_sv39(void)
{
  const uint64_t v = 0x01, r = 0x02, w = 0x04, x = 0x08, a = 0x40, d = 0x80;
  bench_sv39_root[0] = (0x00000000UL >> 12) << 10 | v | r | w | a | d;
  bench_sv39_root[2] = (0x80000000UL >> 12) << 10 | v | r | w | x | a | d;
  write_csr(pmpaddr0, ~0UL);
  write_csr(pmpcfg0, 0x1f); /* NAPOT over everything, read/write/execute */
  write_csr(mcounteren, 7); /* S mode reads cycle, time and instret */
  write_csr(satp, (8UL << 60) | ((uintptr_t)bench_sv39_root >> 12));
  asm volatile("sfence.vma zero, zero" ::: "memory");
  const unsigned long ms = read_csr(mstatus);
  write_csr(mstatus, (ms & ~(3UL << 11)) | (1UL << 11)); /* MPP = S */
  asm volatile("la t0, 1f\n csrw mepc, t0\n mret\n 1:" ::: "t0", "memory");
}
#endif

/* Where a benchmark's measured work starts: returns instret (in the Sv39 build, in S mode
 * under translation from here on). */
static inline uint64_t bench_start(void)
{
#ifdef BENCH_SV39
  bench_enter_sv39();
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
