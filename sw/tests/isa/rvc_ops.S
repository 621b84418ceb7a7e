/* RV64C forms, one small function each (C calling convention: a0, a1 in, a0 out), written
 * with explicit c.* mnemonics so the assembler cannot choose the 32-bit encoding. */
  .option rvc
  .text

.macro FN name
  .globl \name
  .type \name, @function
  .align 2
\name:
.endm

FN rvc_addi
  c.addi a0, -32
  c.jr ra
FN rvc_addiw
  c.addiw a0, 1
  c.jr ra
FN rvc_li
  c.li a0, -17
  c.jr ra
FN rvc_lui_neg
  c.lui a0, 0xfffe1
  c.jr ra
FN rvc_lui_pos
  c.lui a0, 31
  c.jr ra
FN rvc_srli
  c.srli a0, 60
  c.jr ra
FN rvc_srai
  c.srai a0, 4
  c.jr ra
FN rvc_andi
  c.andi a0, -6
  c.jr ra
FN rvc_slli
  c.slli a0, 36
  c.jr ra
FN rvc_sub
  c.sub a0, a1
  c.jr ra
FN rvc_xor
  c.xor a0, a1
  c.jr ra
FN rvc_or
  c.or a0, a1
  c.jr ra
FN rvc_and
  c.and a0, a1
  c.jr ra
FN rvc_subw
  c.subw a0, a1
  c.jr ra
FN rvc_addw
  c.addw a0, a1
  c.jr ra
FN rvc_mv
  c.mv a0, a1
  c.jr ra
FN rvc_add
  c.add a0, a1
  c.jr ra
FN rvc_nop
  c.nop
  c.li a0, 5
  c.jr ra

/* sp-relative forms: returns the addi16sp/addi4spn distances packed as 16*a + b. */
FN rvc_sp_arith
  c.mv t0, sp
  c.addi16sp sp, -64
  sub a0, t0, sp
  c.addi4spn a1, sp, 24
  sub a1, a1, sp
  c.slli a0, 4
  c.add a0, a1
  c.addi16sp sp, 64
  c.jr ra

/* Stores a0 with c.sdsp/c.swsp, reloads with c.ldsp/c.lwsp: returns ld + lw. */
FN rvc_sp_mem
  c.addi16sp sp, -32
  c.sdsp a0, 8(sp)
  c.swsp a0, 20(sp)
  c.ldsp a1, 8(sp)
  c.lwsp a2, 20(sp)
  c.add a1, a2
  c.mv a0, a1
  c.addi16sp sp, 32
  c.jr ra

/* a0 = buffer: c.sw a1 at +4, c.sd a1 at +8, then returns c.lw +4 ^ c.ld +8. */
FN rvc_mem
  c.sw a1, 4(a0)
  c.sd a1, 8(a0)
  c.lw a2, 4(a0)
  c.ld a3, 8(a0)
  c.xor a2, a3
  c.mv a0, a2
  c.jr ra

FN rvc_beqz
  c.beqz a0, 1f
  c.li a0, 0
  c.jr ra
1:
  c.li a0, 1
  c.jr ra
FN rvc_bnez
  c.bnez a0, 1f
  c.li a0, 0
  c.jr ra
1:
  c.li a0, 1
  c.jr ra

/* c.j skips one instruction: returns 1. */
FN rvc_j
  c.li a0, 1
  c.j 1f
  c.li a0, 2
1:
  c.jr ra

/* c.jalr: returns link - call site (2). */
FN rvc_jalr
  c.mv t1, ra
  la a1, 2f
1:
  c.jalr a1
  c.mv ra, t1
  c.jr ra
2:
  la a2, 1b
  sub a0, ra, a2
  c.jr ra

/* A 32-bit instruction at an address that is 2 mod 4. */
FN rvc_unaligned32
  c.nop
  .option push
  .option norvc
  addi a0, a0, 100
  .option pop
  c.jr ra

/* c.ebreak; returns its address so the test can compare with mepc. */
FN rvc_ebreak
  la a0, 1f
1:
  c.ebreak
  c.jr ra

/* The all-zero halfword, defined to be illegal; returns its address. */
FN rvc_zero
  la a0, 1f
1:
  .2byte 0x0000
  c.jr ra

/* c.lui a0, 0 is reserved (illegal); returns its address. */
FN rvc_lui_zero
  la a0, 1f
1:
  .2byte 0x6501
  c.jr ra
