/* Region-of-interest marks through the sim-control device (tests/system/roi_test.py): a
 * snapshot before any reset, then a region of a known number of instructions, written in
 * assembly so the count is exact, a checkpoint request, and the run ended by END. */
#include <stdio.h>

#include "simctl.h"

/* Loop counts; roi_test.py knows them. Each iteration is two instructions. */
#define LOOP_N 1000
#define MORE_M 500

/* From the RESET_STATS store up to the SNAPSHOT "loop" store: the reset store itself, 2N
 * loop instructions and the NAME store, 2N + 2. From the "loop" SNAPSHOT store to the
 * "more" one: that store, 2M loop instructions and the NAME store, 2M + 2. A command takes
 * effect before its own store retires, so each region begins with one store and ends just
 * before the next. */
static void measured(void)
{
  const uintptr_t base = VP_SIMCTL_BASE;
  asm volatile("li t0, %[n]\n"
               "li t1, %[m]\n"
               "li t2, %[reset]\n"
               "li t3, %[snapshot]\n"
               "li t4, 0x706f6f6c\n" /* "loop" */
               "li t5, 0x65726f6d\n" /* "more" */
               "sw t2, 12(%[base])\n"
               "1: addi t0, t0, -1\n"
               "bnez t0, 1b\n"
               "sw t4, 16(%[base])\n"
               "sw t3, 12(%[base])\n"
               "2: addi t1, t1, -1\n"
               "bnez t1, 2b\n"
               "sw t5, 16(%[base])\n"
               "sw t3, 12(%[base])\n"
               :
               : [base] "r"(base), [n] "i"(LOOP_N), [m] "i"(MORE_M),
                 [reset] "i"(SIMCTL_RESET_STATS), [snapshot] "i"(SIMCTL_SNAPSHOT)
               : "t0", "t1", "t2", "t3", "t4", "t5", "memory");
}

int main(void)
{
  simctl_snapshot("start");
  printf("roi: magic 0x%08x version %u\n", (unsigned)VP_MMIO32(VP_SIMCTL_MAGIC),
         (unsigned)VP_MMIO32(VP_SIMCTL_VERSION));
  measured();
  simctl_checkpoint("after");
  printf("roi: %u snapshots\n", (unsigned)VP_MMIO32(VP_SIMCTL_COUNT));
  simctl_end(7);
}
