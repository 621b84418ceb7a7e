/* Random differential test of the compressed decoder: seeded blocks of random RV64C
 * integer instructions (every arithmetic form, the register-register forms, c.lw/c.ld/
 * c.sw/c.sd on a scratch area) over all eight compressed registers and, for c.mv/c.add/
 * c.slli/c.addi/c.li, the wider register set; one hash per block, the total checked
 * against the value QEMU computes. Reserved encodings and HINTs are never generated. */

#include "fuzz.h"
#include "test.h"

#define BLOCKS 48
#define BLOCK_INSNS 128
#define EXPECTED_HASH 0x130fe65000c328b6UL /* as computed by qemu-system-riscv64 7.2 */

/* Registers the random code uses. a0 (x10) holds the state pointer and is never written or
 * read as data (its value depends on the image layout);
 * s0 and s1 are saved and restored around the block. */
static const uint8_t kRegs[] = {5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31};
/* x8..x15 without x10, as 3-bit register fields (x8 = 0). */
static const uint8_t kCRegs[] = {0, 1, 3, 4, 5, 6, 7};
#define NREGS (sizeof kRegs / sizeof kRegs[0])

/* Registers first, then scratch; the compressed loads/stores reach 256 bytes from a0. */
static uint64_t s_state[NREGS + 32];
/* Generated code at a fixed address outside the ELF (see fuzz_alu.c). */
#define CODE ((volatile uint16_t *)0x83ff8000UL)
static uint64_t s_rng = 0x2545f4914f6cdd1dUL;
static unsigned s_pos;

static uint64_t rnd(void)
{
  s_rng ^= s_rng << 13;
  s_rng ^= s_rng >> 7;
  s_rng ^= s_rng << 17;
  return s_rng;
}

static void emit16(uint32_t h) { CODE[s_pos++] = (uint16_t)h; }

static void emit32(uint32_t w)
{
  emit16(w & 0xffff);
  emit16(w >> 16);
}

static uint32_t wide_reg(void) { return kRegs[rnd() % NREGS]; }
static uint32_t c_reg(void) { return kCRegs[rnd() % 7]; }

/* A 6-bit immediate split as the CI format wants it: bit 5 at 12, bits 4:0 at 6:2. */
static uint32_t ci_imm(uint32_t imm6) { return ((imm6 >> 5) & 1) << 12 | (imm6 & 31) << 2; }

static uint32_t nonzero6(void) { return 1 + rnd() % 63; }

static void random_insn(void)
{
  switch (rnd() % 16) {
    case 0: /* c.addi (nzimm != 0) */
      emit16(0x0001 | ci_imm(nonzero6()) | wide_reg() << 7);
      break;
    case 1: /* c.addiw */
      emit16(0x2001 | ci_imm(rnd() % 64) | wide_reg() << 7);
      break;
    case 2: /* c.li */
      emit16(0x4001 | ci_imm(rnd() % 64) | wide_reg() << 7);
      break;
    case 3: /* c.lui (nzimm != 0, rd != x2) */
      emit16(0x6001 | ci_imm(nonzero6()) | wide_reg() << 7);
      break;
    case 4: /* c.srli, c.srai (shamt != 0) */
      emit16(0x8001 | (uint32_t)(rnd() % 2) << 10 | ci_imm(nonzero6()) | c_reg() << 7);
      break;
    case 5: /* c.andi */
      emit16(0x8801 | ci_imm(rnd() % 64) | c_reg() << 7);
      break;
    case 6:
    case 7: /* c.sub, c.xor, c.or, c.and */
      emit16(0x8c01 | c_reg() << 7 | (uint32_t)(rnd() % 4) << 5 | c_reg() << 2);
      break;
    case 8: /* c.subw, c.addw */
      emit16(0x9c01 | c_reg() << 7 | (uint32_t)(rnd() % 2) << 5 | c_reg() << 2);
      break;
    case 9: /* c.slli (shamt != 0) */
      emit16(0x0002 | ci_imm(nonzero6()) | wide_reg() << 7);
      break;
    case 10: /* c.mv (rs2 != 0) */
      emit16(0x8002 | wide_reg() << 7 | wide_reg() << 2);
      break;
    case 11: /* c.add (rs2 != 0) */
      emit16(0x9002 | wide_reg() << 7 | wide_reg() << 2);
      break;
    case 12: { /* c.lw rd', uimm(a0): uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5 */
      uint32_t u = 4 * (rnd() % 32);
      emit16(0x4000 | ((u >> 3) & 7) << 10 | 2 << 7 | ((u >> 2) & 1) << 6 |
             ((u >> 6) & 1) << 5 | c_reg() << 2);
      break;
    }
    case 13: { /* c.ld rd', uimm(a0): uimm[5:3] at 12:10, uimm[7:6] at 6:5 */
      uint32_t u = 8 * (rnd() % 32);
      emit16(0x6000 | ((u >> 3) & 7) << 10 | 2 << 7 | ((u >> 6) & 3) << 5 | c_reg() << 2);
      break;
    }
    case 14: { /* c.sw */
      uint32_t u = 4 * (rnd() % 32);
      emit16(0xc000 | ((u >> 3) & 7) << 10 | 2 << 7 | ((u >> 2) & 1) << 6 |
             ((u >> 6) & 1) << 5 | c_reg() << 2);
      break;
    }
    default: { /* c.sd */
      uint32_t u = 8 * (rnd() % 32);
      emit16(0xe000 | ((u >> 3) & 7) << 10 | 2 << 7 | ((u >> 6) & 3) << 5 | c_reg() << 2);
      break;
    }
  }
}

static uint32_t ld(uint32_t rd, uint32_t off, uint32_t rs1)
{
  return off << 20 | rs1 << 15 | 3 << 12 | rd << 7 | 0x03;
}

static uint32_t sd(uint32_t rs2, uint32_t off, uint32_t rs1)
{
  return (off >> 5) << 25 | rs2 << 20 | rs1 << 15 | 3 << 12 | (off & 31) << 7 | 0x23;
}

static void generate_block(void)
{
  s_pos = 0;
  emit32(0xff010113); /* addi sp, sp, -16 */
  emit32(sd(8, 0, 2));
  emit32(sd(9, 8, 2));
  for (unsigned i = 0; i < NREGS; ++i)
    emit32(ld(kRegs[i], 8 * i, 10));
  for (unsigned i = 0; i < BLOCK_INSNS; ++i)
    random_insn();
  for (unsigned i = 0; i < NREGS; ++i)
    emit32(sd(kRegs[i], 8 * i, 10));
  emit32(ld(8, 0, 2));
  emit32(ld(9, 8, 2));
  emit32(0x01010113); /* addi sp, sp, 16 */
  emit32(0x00008067); /* ret */
}

int main(void)
{
  static const struct fuzz_test test = {
      "fuzz_rvc", s_state, sizeof s_state / sizeof s_state[0], NREGS, generate_block,
      (const void *)CODE, rnd, BLOCKS, EXPECTED_HASH};
  return fuzz_run(&test);
}
