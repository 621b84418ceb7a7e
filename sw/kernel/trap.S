/* S-mode trap entry and return to U-mode.
 * While a process runs, sscratch holds its struct trapframe; inside the kernel it is 0, so a
 * trap taken in S-mode is told apart: an armed device probe, or the software interrupt a
 * hart takes while it waits for the kernel lock (smp.c), else a kernel bug (the kernel runs
 * with interrupts off).
 * Each hart has one kernel stack: tp points at the hart's struct cpu in the kernel (the
 * trapframe holds it at 264, its first word is the stack top). Every trap from U starts at
 * the top of the stack and never returns there, it leaves through user_return. */
  .section .text
  .globl trap_entry
  .align 2
trap_entry:
  csrrw sp, sscratch, sp
  beqz sp, 1f
  sd x1, 8(sp)
  .irp n, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
  sd x\n, (8 * \n)(sp)
  .endr
  .irp n, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  sd x\n, (8 * \n)(sp)
  .endr
  csrr t0, sscratch
  sd t0, 16(sp)
  csrw sscratch, zero
  csrr t0, sepc
  sd t0, 256(sp)
  mv a0, sp
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  ld tp, 264(sp)
  ld sp, 0(tp)
  call trap_user
  j .
1:
  csrrw sp, sscratch, sp
  csrw sscratch, t0
  la t0, g_probe_armed
  ld t0, 0(t0)
  beqz t0, 2f
  /* An access fault in probe_read32: skip its 4-byte load and record the fault (the
   * stored value is just nonzero). Only t0 is used, saved in sscratch. */
  csrr t0, sepc
  addi t0, t0, 4
  csrw sepc, t0
  la t0, g_probe_faulted
  sd t0, 0(t0)
  csrrw t0, sscratch, zero
  sret
2:
  csrrw t0, sscratch, zero
  /* The software interrupt of a lock wait: served on the kernel stack, then back. */
  addi sp, sp, -128
  sd ra, 0(sp)
  sd t0, 8(sp)
  sd t1, 16(sp)
  sd t2, 24(sp)
  .irp n, 10, 11, 12, 13, 14, 15, 16, 17
  sd x\n, (8 * \n - 48)(sp)
  .endr
  .irp n, 28, 29, 30, 31
  sd x\n, (8 * \n - 128)(sp)
  .endr
  csrr t0, scause
  li t1, (1 << 63) | 1
  bne t0, t1, 3f
  call ipi_handle
  ld ra, 0(sp)
  ld t0, 8(sp)
  ld t1, 16(sp)
  ld t2, 24(sp)
  .irp n, 10, 11, 12, 13, 14, 15, 16, 17
  ld x\n, (8 * \n - 48)(sp)
  .endr
  .irp n, 28, 29, 30, 31
  ld x\n, (8 * \n - 128)(sp)
  .endr
  addi sp, sp, 128
  sret
3:
  csrr a0, scause
  csrr a1, sepc
  csrr a2, stval
  call kernel_trap
  j .

/* uint32_t probe_read32(uint64_t addr): a load that may fault while g_probe_armed is set. */
  .globl probe_read32
probe_read32:
  .option push
  .option norvc
  lw a0, 0(a0)
  .option pop
  ret

  .globl user_return
user_return:
  csrw sscratch, a0
  ld t0, 256(a0)
  csrw sepc, t0
  ld x1, 8(a0)
  ld x2, 16(a0)
  .irp n, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16
  ld x\n, (8 * \n)(a0)
  .endr
  .irp n, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
  ld x\n, (8 * \n)(a0)
  .endr
  ld a0, 80(a0)
  sret
