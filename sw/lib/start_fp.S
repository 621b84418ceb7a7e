/* Start-up for RV64GC (lp64d) firmware. mstatus.FS resets to Off, where every floating-point
 * instruction and fcsr access is illegal (privileged spec 3.1.6.6), and compiled code may
 * use one anywhere, main's prologue included: so FS becomes Initial and fcsr zero (round to
 * nearest, no flags) before anything else, then start.S's code runs, renamed, unchanged. */
#define MSTATUS_FS_INITIAL (1 << 13)

  .section .text.init, "ax"
  .globl _start
_start:
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  csrw fcsr, zero
  /* falls through into start.S */

#define _start vp_start_common
#include "start.S"
