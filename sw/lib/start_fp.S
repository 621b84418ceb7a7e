/* Start-up for RV64GC (lp64d) firmware. mstatus.FS resets to Off, where every floating-point
 * instruction and fcsr access is illegal (privileged spec 3.1.6.6), and compiled code may
 * use one anywhere, main's prologue included: so FS becomes Initial and fcsr zero (round to
 * nearest, no flags) before anything else, then start.S's code runs, renamed, unchanged.
 *
 * On a hart without F and D the first of these traps. The usual trap path (C, printf) may
 * itself use the FPU, so a trap here goes to no_fpu below, which says so on the UART and
 * fails through the finisher with code 3, like any unexpected trap. */
#define MSTATUS_FS_INITIAL (1 << 13)
#define UART_BASE 0x10000000
#define UART_LSR_THRE 0x20
#define FINISHER_BASE 0x100000
#define FINISHER_FAIL_3 ((3 << 16) | 0x3333)

  .section .text.init, "ax"
  .globl _start
_start:
  la t0, no_fpu
  csrw mtvec, t0
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  csrw fcsr, zero
  j vp_start_common

  .align 2
no_fpu:
  la t0, no_fpu_message
  li t1, UART_BASE
1:
  lbu t2, 0(t0)
  beqz t2, 3f
2:
  lbu t3, 5(t1)
  andi t3, t3, UART_LSR_THRE
  beqz t3, 2b
  sb t2, 0(t1)
  addi t0, t0, 1
  j 1b
3:
  li t0, FINISHER_BASE
  li t1, FINISHER_FAIL_3
  sw t1, 0(t0)
  j 3b

  .section .rodata
no_fpu_message:
  .string "no FPU: this firmware needs the F and D extensions (mstatus.FS or fcsr trapped)\n"

#define _start vp_start_common
#include "start.S"
