/* Zifencei: code written by stores becomes visible to fetch after fence.i, including code
 * that was already executed (and so may sit in a decoded-instruction cache). */
#include "test.h"

#define INSN_ADDI_A0(imm) ((((uint32_t)(imm)&0xfff) << 20) | 0x00000513u) /* addi a0, x0, imm */
#define INSN_ADD_A0_A0 0x00a50533u                                         /* add a0, a0, a0 */
#define INSN_RET 0x00008067u                                               /* jalr x0, 0(ra) */

static volatile uint32_t s_code[16] __attribute__((aligned(64)));

typedef uint64_t (*code_fn)(void);

static uint64_t call_code(void)
{
  asm volatile("fence.i" ::: "memory");
  return ((code_fn)(uintptr_t)s_code)();
}

int main(void)
{
  s_code[0] = INSN_ADDI_A0(1);
  s_code[1] = INSN_RET;
  CHECK("fence.i.first", call_code(), 1);

  s_code[0] = INSN_ADDI_A0(-7);
  CHECK("fence.i.rewrite", call_code(), (uint64_t)-7);

  /* A byte store patching only part of an instruction. */
  ((volatile uint8_t *)s_code)[3] = 0x06; /* imm[11:4] = 0x06: addi a0, x0, 0x60 | imm[3:0] */
  CHECK("fence.i.byte_patch", call_code(), 0x069);

  /* Replace the return with more code, then grow the function again. */
  s_code[0] = INSN_ADDI_A0(3);
  s_code[1] = INSN_ADD_A0_A0;
  s_code[2] = INSN_RET;
  CHECK("fence.i.longer", call_code(), 6);

  uint64_t sum = 0;
  for (int i = 0; i < 64; ++i) {
    s_code[0] = INSN_ADDI_A0(i);
    sum += call_code();
  }
  CHECK("fence.i.loop", sum, 2 * (63 * 64 / 2));

  /* Compressed code written at run time: c.li a0, 9; c.jr ra. */
  s_code[0] = 0x80824525u;
  CHECK("fence.i.compressed", call_code(), 9);
  return t_done("zifencei");
}
