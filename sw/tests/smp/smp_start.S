/* Start-up for firmware that every hart runs (QEMU's -bios none -kernel X.elf and vmplat
 * --smp N start all harts at the entry in M mode with a0 = hart id, a1 = device tree).
 *
 * sw/lib/start.S gives every hart the same stack and clears .bss under the others' feet;
 * here each hart takes its own 8 KiB of the 64 KiB stack region (hart h's top is
 * __stack_top - h * 8 KiB), records its a0/a1 and mhartid in .data (which nobody clears),
 * and waits until hart 0 has cleared .bss and set smp_released. Harts with an id of
 * SMP_MAX_HARTS or more have no stack: they sleep for good.
 *
 * Then smp_main(mhartid, dtb) runs on every hart; hart 0 ends the run through the
 * finisher, the others never return from it. */
#define SMP_MAX_HARTS 8
#define SMP_STACK_SHIFT 13 /* 8 KiB per hart */
#define FRAME 128          /* ra, t0-t6, a0-a7: 16 doublewords */

  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la t0, smp_trap_entry
  csrw mtvec, t0
  csrr t0, mhartid
  li t1, SMP_MAX_HARTS
  bgeu t0, t1, .Lpark
  slli t1, t0, 3
  la t2, smp_boot_a0
  add t2, t2, t1
  sd a0, 0(t2)
  la t2, smp_boot_a1
  add t2, t2, t1
  sd a1, 0(t2)
  la sp, __stack_top
  slli t1, t0, SMP_STACK_SHIFT
  sub sp, sp, t1
  bnez t0, .Lwait

  la t1, __bss_start
  la t2, __bss_end
1:
  bgeu t1, t2, 2f
  sd zero, 0(t1)
  addi t1, t1, 8
  j 1b
2:
  fence rw, w
  la t1, smp_released
  li t2, 1
  sw t2, 0(t1)
  j .Lmain

.Lwait:
  la t1, smp_released
3:
  lw t2, 0(t1)
  beqz t2, 3b
  fence r, rw

.Lmain:
  csrr a0, mhartid
  call smp_main
.Lpark:
  wfi
  j .Lpark

/* M-mode trap entry of every hart: saves the caller-saved registers on the hart's stack and
 * calls smp_trap(mcause), which handles the software interrupt and ends the run on anything
 * else. */
  .text
  .align 2
  .globl smp_trap_entry
smp_trap_entry:
  addi sp, sp, -FRAME
  sd ra, 0(sp)
  sd t0, 8(sp)
  sd t1, 16(sp)
  sd t2, 24(sp)
  sd t3, 32(sp)
  sd t4, 40(sp)
  sd t5, 48(sp)
  sd t6, 56(sp)
  sd a0, 64(sp)
  sd a1, 72(sp)
  sd a2, 80(sp)
  sd a3, 88(sp)
  sd a4, 96(sp)
  sd a5, 104(sp)
  sd a6, 112(sp)
  sd a7, 120(sp)
  csrr a0, mcause
  call smp_trap
  ld ra, 0(sp)
  ld t0, 8(sp)
  ld t1, 16(sp)
  ld t2, 24(sp)
  ld t3, 32(sp)
  ld t4, 40(sp)
  ld t5, 48(sp)
  ld t6, 56(sp)
  ld a0, 64(sp)
  ld a1, 72(sp)
  ld a2, 80(sp)
  ld a3, 88(sp)
  ld a4, 96(sp)
  ld a5, 104(sp)
  ld a6, 112(sp)
  ld a7, 120(sp)
  addi sp, sp, FRAME
  mret

/* Written before .bss is cleared, so in .data. */
  .data
  .align 3
  .globl smp_boot_a0, smp_boot_a1, smp_released
smp_boot_a0:
  .fill SMP_MAX_HARTS, 8, -1
smp_boot_a1:
  .fill SMP_MAX_HARTS, 8, -1
smp_released:
  .word 0
