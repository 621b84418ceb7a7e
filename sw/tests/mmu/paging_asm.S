/* The S-mode trap entry and the U-mode program of paging.c.
 *
 * s_trap_entry: sscratch holds the top of a trap stack while S or U code runs; the entry
 * swaps it with sp, saves every register in a 32-slot frame (slot i = x_i, slot 2 = the
 * interrupted sp) and calls s_trap(frame). Traps do not nest.
 *
 * user_text: one page-aligned page of U-mode code, mapped at USER_CODE_VA. It talks to
 * the kernel by ecall: a7 = 1 prints a0, a7 = 2 ends the program. Compressed
 * instructions are off so the kernel can skip a faulting instruction with sepc + 4.
 */
  .option norvc

  .text
  .globl s_trap_entry
  .align 2
s_trap_entry:
  csrrw sp, sscratch, sp
  addi sp, sp, -256
  sd x1, 8(sp)
  sd x3, 24(sp)
  sd x4, 32(sp)
  sd x5, 40(sp)
  sd x6, 48(sp)
  sd x7, 56(sp)
  sd x8, 64(sp)
  sd x9, 72(sp)
  sd x10, 80(sp)
  sd x11, 88(sp)
  sd x12, 96(sp)
  sd x13, 104(sp)
  sd x14, 112(sp)
  sd x15, 120(sp)
  sd x16, 128(sp)
  sd x17, 136(sp)
  sd x18, 144(sp)
  sd x19, 152(sp)
  sd x20, 160(sp)
  sd x21, 168(sp)
  sd x22, 176(sp)
  sd x23, 184(sp)
  sd x24, 192(sp)
  sd x25, 200(sp)
  sd x26, 208(sp)
  sd x27, 216(sp)
  sd x28, 224(sp)
  sd x29, 232(sp)
  sd x30, 240(sp)
  sd x31, 248(sp)
  csrr t0, sscratch
  sd t0, 16(sp)
  mv a0, sp
  call s_trap
  ld x1, 8(sp)
  ld x3, 24(sp)
  ld x4, 32(sp)
  ld x5, 40(sp)
  ld x6, 48(sp)
  ld x7, 56(sp)
  ld x8, 64(sp)
  ld x9, 72(sp)
  ld x10, 80(sp)
  ld x11, 88(sp)
  ld x12, 96(sp)
  ld x13, 104(sp)
  ld x14, 112(sp)
  ld x15, 120(sp)
  ld x16, 128(sp)
  ld x17, 136(sp)
  ld x18, 144(sp)
  ld x19, 152(sp)
  ld x20, 160(sp)
  ld x21, 168(sp)
  ld x22, 176(sp)
  ld x23, 184(sp)
  ld x24, 192(sp)
  ld x25, 200(sp)
  ld x26, 208(sp)
  ld x27, 216(sp)
  ld x28, 224(sp)
  ld x29, 232(sp)
  ld x30, 240(sp)
  ld x31, 248(sp)
  addi sp, sp, 256
  csrrw sp, sscratch, sp
  sret

/* Loads and stores the S-mode tests provoke faults with: 4-byte instructions. */
  .globl s_load
s_load:
  ld a0, 0(a0)
  ret
  .globl s_store
s_store:
  sd a1, 0(a0)
  ret

/* Virtual addresses the U program uses (paging.c maps them). */
  .equ DATA_VA, 0x40001000
  .equ RO_VA, 0x40002000
  .equ DEMAND_VA, 0x40003000
  .equ KERNEL_VA, 0x80000000

  .section .text.user, "ax"
  .balign 4096
  .globl user_text
user_text:
  li s0, DATA_VA
  li t0, 0x1234
  sd t0, 0(s0)
  ld a0, 0(s0)
  li a7, 1
  ecall
  /* A page the kernel maps on the first touch: the store faults once, then retries. */
  li s1, DEMAND_VA
  li t0, 77
  sd t0, 8(s1)
  ld a0, 8(s1)
  li a7, 1
  ecall
  /* Read-only page: loads work, a store and an AMO fault (the kernel skips them). */
  li s2, RO_VA
  ld a0, 0(s2)
  li a7, 1
  ecall
  sd a0, 0(s2)
  li t0, 1
  amoadd.d zero, t0, (s2)
  /* Kernel memory is not U: a load page fault. */
  li t1, KERNEL_VA
  ld a0, 0(t1)
  /* The data page is not executable: an instruction page fault (the kernel returns to ra). */
  jalr ra, 0(s0)
  li a0, 0x600d
  li a7, 1
  ecall
  /* LR/SC on a translated address: the reservation holds, SC writes 0 (success). */
  lr.d t0, (s0)
  addi t0, t0, 1
  sc.d a0, t0, (s0)
  li a7, 1
  ecall
  ld a0, 0(s0)
  ecall
  /* A misaligned doubleword across the data page and the read-only page: the load
     translates both pages; the store faults on the second, with tval = its address. */
  li t1, DATA_VA + 0xffc
  ld a0, 0(t1)
  ecall
  sd a0, 0(t1)
  li a7, 2
  ecall
1:
  j 1b
  .balign 4096
  .globl user_text_end
user_text_end:
