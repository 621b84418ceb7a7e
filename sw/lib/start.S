/* Start-up for bare-metal M-mode firmware: stack, gp, .bss, a default trap vector, main.
 * The firmware runs on hart 0: every other hart (a0 = its id, as the boot ROM of QEMU's
 * virt machine and vmplat leave it) parks for good in WFI with no interrupt enabled, unless
 * the firmware defines vp_secondary_entry (a pointer, weak and 0 here): then it jumps there
 * with a0 and a1 as it got them, no stack and no gp, while hart 0 may still be clearing
 * .bss (the kernel uses it). */
  .section .text.init, "ax"
  .globl _start
_start:
  bnez a0, vp_secondary
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la sp, __stack_top
  la t0, vp_default_trap
  csrw mtvec, t0
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  call main
  call vp_exit

/* Any trap the program did not expect ends the run with a message and code 3. */
  .align 2
  .weak vp_default_trap
vp_default_trap:
  la sp, __stack_top
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  call vp_unexpected_trap

vp_secondary:
  .option push
  .option norelax
  la t0, vp_secondary_entry
  .option pop
  ld t0, 0(t0)
  beqz t0, vp_park_hart
  jr t0

vp_park_hart:
  csrw mie, zero
1:
  wfi
  j 1b

  .section .data
  .balign 8
  .weak vp_secondary_entry
vp_secondary_entry:
  .dword 0
