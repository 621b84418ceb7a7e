/* The exploration workloads for Linux user space (docs/linux.md, "Workloads"): the logic of
 * our own kernel's programs in sw/user, ported to Linux system calls and glibc. Each checks
 * every byte it wrote, prints one line "PASS name ..." or "FAIL name ..." (the same on
 * vmplat and on QEMU: it depends only on the data), then one line "vmstat name ..." with
 * what /proc/vmstat counted meanwhile (page faults, swap traffic: these depend on the
 * kernel's timing and memory, so they differ between machines). The exit code is 0 when
 * the workload passed, 1 when it failed, 2 for a bad argument.
 *
 * All of them are one static binary, vmwork, that runs the workload named by argv[0] (the
 * init links each name to it) or by its first argument: `vmwork memhog 96`. */
#ifndef VMPLAT_LINUX_WORK_H
#define VMPLAT_LINUX_WORK_H

#include <stddef.h>
#include <stdint.h>

#include "workloads.h"

/* The /proc/vmstat counters a summary shows, and the time, at one moment. */
struct vmstat {
  uint64_t pgfault, pgmajfault, pswpin, pswpout, thp_fault_alloc;
  double seconds; /* CLOCK_MONOTONIC */
};
void vmstat_read(struct vmstat *now);
/* "vmstat <prog> pgfault=... pgmajfault=... pswpin=... pswpout=... thp=... seconds=..."
 * with the counts since `before`. */
void vmstat_report(const char *prog, const struct vmstat *before);

/* The i-th argument (argv[1] is the first) as an unsigned number in [min, max], or `def`
 * when there are fewer arguments; anything else ends the program with a usage line and
 * exit code 2. */
uint64_t arg_number(int argc, char **argv, int i, uint64_t def, uint64_t min, uint64_t max,
                    const char *what);
/* Anonymous private memory, or a FAIL line and exit code 1. */
void *map_memory(const char *prog, uint64_t bytes);
/* With VMWORK_ROI=1 in the environment, a workload's measured phase is a region of interest
 * of vmplat's sim-control device (roi.c): roi_begin resets the statistics, roi_end takes the
 * snapshot `name`. Without it they do nothing; without the device they say so on stderr. */
void roi_begin(void);
void roi_end(const char *name);


int seqscan_main(int argc, char **argv);
int randacc_main(int argc, char **argv);
int ptrchase_main(int argc, char **argv);
int matmul_main(int argc, char **argv);
int memhog_main(int argc, char **argv);
int forktest_main(int argc, char **argv);
int cowswap_main(int argc, char **argv);
int threads_main(int argc, char **argv);
int roi_main(int argc, char **argv);

#endif
