/* An RV64GC/lp64d program for the GDB stub's FP test (tests/system/gdb_test.py, case fp):
 * GDB refuses to debug an lp64d ELF on a target without FP registers, so this is what a
 * user of the default toolchain debugs. A debugger stops in fp_scale, reads its double
 * argument and fcsr, writes f registers and fflags, and the console line shows the result:
 * without one it prints "debugme_fp: scaled=7.5 fflags=0x0". */
#include <stdint.h>
#include <stdio.h>

#include "platform.h"

volatile double g_factor = 2.5;

double __attribute__((noinline)) fp_scale(double x)
{
  return x * g_factor;
}

int main(void)
{
  const double scaled = fp_scale(3.0);
  uint64_t fflags;
  asm volatile("frflags %0" : "=r"(fflags));
  printf("debugme_fp: scaled=%g fflags=0x%lx\n", scaled, (unsigned long)fflags);
  return 0;
}
