/* Runs a benchmark function in S mode under Sv39 (bench firmware of sw/bench/mmu).
 *
 * sv39_run(fn, pages): from M mode, opens PMP, builds an Sv39 table with identity
 * gigapages for the devices (0x0) and DRAM (0x8000_0000), supervisor-only and global,
 * plus `pages` 4 KiB pages at BENCH_VA backed by consecutive frames at BENCH_PA (0 for
 * none), then enters fn in S mode with the MMU on. fn ends the run with vp_exit (if it
 * returns, the run ends with exit code 1). No trap
 * is delegated: any fault ends the run through the default M-mode handler (exit 3).
 */
#ifndef VMPLAT_BENCH_MMU_SV39_H
#define VMPLAT_BENCH_MMU_SV39_H

#define BENCH_VA 0x40000000UL
#define BENCH_PA 0x82000000UL
#define BENCH_MAX_PAGES 8192UL

__attribute__((noreturn)) void sv39_run(void (*fn)(void), unsigned long pages);

/* The same set-up, then returns to its caller in S mode with the MMU on (the caller's code,
 * data and stack are in DRAM, identity-mapped): sw/bench/bench.h's Sv39 builds. */
void sv39_enter(unsigned long pages);

#endif
