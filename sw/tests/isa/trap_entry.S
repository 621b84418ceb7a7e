/* Trap entries and the privilege switch behind trap.h.
 * A frame is 32 doublewords: x1..x31 at their register number, slot 0 holds the vector
 * index (-1 for a direct entry), slot 2 the interrupted sp. */
#define FRAME 256
#define MODE_MAGIC 0x15a

  .option norvc

.macro SAVE_REST
  sd t0, 0(sp)
  sd x1, 8(sp)
  addi t0, sp, FRAME
  sd t0, 16(sp)
  sd x3, 24(sp)
  sd x4, 32(sp)
  .irp n, 6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  sd x\n, \n*8(sp)
  .endr
.endm

.macro RESTORE
  ld x1, 8(sp)
  ld x3, 24(sp)
  ld x4, 32(sp)
  .irp n, 5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
  ld x\n, \n*8(sp)
  .endr
  addi sp, sp, FRAME
.endm

/* One handler family per mode: direct entry, 16 vectored entries, the common body. */
.macro HANDLER mode, ret
  .text
  .align 2
  .globl isa_\mode\()trap_entry
isa_\mode\()trap_entry:
  addi sp, sp, -FRAME
  sd t0, 40(sp)
  li t0, -1
  j isa_\mode\()trap_body

  .align 8
  .globl isa_\mode\()trap_vectors
isa_\mode\()trap_vectors:
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  j isa_\mode\()vec_\i
  .endr
  .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
isa_\mode\()vec_\i:
  addi sp, sp, -FRAME
  sd t0, 40(sp)
  li t0, \i
  j isa_\mode\()trap_body
  .endr

isa_\mode\()trap_body:
  SAVE_REST
  mv a0, sp
  call isa_\mode\()trap
  RESTORE
  \ret
.endm

  HANDLER m, mret
  HANDLER s, sret

/* uint64_t run_in_mode(int priv, uint64_t (*fn)(uint64_t), uint64_t arg) */
  .text
  .align 2
  .globl run_in_mode
run_in_mode:
  addi sp, sp, -112
  sd ra, 0(sp)
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
  sd s\n, (\n+1)*8(sp)
  .endr
  la t0, isa_saved_sp
  sd sp, 0(t0)
  li t0, 3 << 11
  csrc mstatus, t0
  slli t1, a0, 11
  csrs mstatus, t1
  la t0, isa_mode_entry
  csrw mepc, t0
  mv t2, a1
  mv a0, a2
  mret
isa_mode_entry:
  jalr t2
  li a7, MODE_MAGIC
  ecall
/* The M handler resumes here, in M mode, when it sees the ecall above. */
  .globl isa_mode_return
isa_mode_return:
  la t0, isa_saved_sp
  ld sp, 0(t0)
  ld ra, 0(sp)
  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
  ld s\n, (\n+1)*8(sp)
  .endr
  addi sp, sp, 112
  ret

  .bss
  .align 3
isa_saved_sp:
  .dword 0
