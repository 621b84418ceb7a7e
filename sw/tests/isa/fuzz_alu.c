/* Random differential test of the integer pipeline: blocks of pseudo-random RV64IM
 * instructions (every OP, OP-32, OP-IMM, OP-IMM-32 form, LUI, AUIPC, and loads and stores
 * of every width at any alignment into a scratch area), generated
 * into a code buffer, run, and their register results hashed. The generator is seeded, so
 * the program is the same on every machine: one hash line per block lets the differential
 * test point at the first block where vmplat and QEMU part, and the final hash is checked
 * against the value QEMU computes. */

#include "fuzz.h"
#include "test.h"

#define BLOCKS 48
#define BLOCK_INSNS 96
#define EXPECTED_HASH 0x6f6c82e56bb62390UL /* as computed by qemu-system-riscv64 7.2 */

/* The registers the random code uses; a0 (x10) holds the state pointer and is never written. */
static const uint8_t kRegs[] = {5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31};
#define NREGS (sizeof kRegs / sizeof kRegs[0])

#define SCRATCH_BYTES 1024
/* Registers first, then the scratch memory the random loads and stores use. */
static uint64_t s_state[NREGS + SCRATCH_BYTES / 8];
/* The generated code lives at a fixed address near the top of the image's 64 MiB, outside
 * the ELF, so AUIPC results (and the hash) do not change when the test program does. */
#define CODE ((volatile uint32_t *)0x83ff0000UL)
static uint64_t s_rng = 0x9e3779b97f4a7c15UL;

static uint64_t rnd(void)
{
  s_rng ^= s_rng << 13;
  s_rng ^= s_rng >> 7;
  s_rng ^= s_rng << 17;
  return s_rng;
}

static uint32_t pick_rd(void)
{
  return rnd() % 16 == 0 ? 0 : kRegs[rnd() % NREGS];
}

static uint32_t pick_rs(void)
{
  return rnd() % 10 == 0 ? 0 : kRegs[rnd() % NREGS];
}

static uint32_t r_type(uint32_t f7, uint32_t f3, uint32_t opcode)
{
  return f7 << 25 | pick_rs() << 20 | pick_rs() << 15 | f3 << 12 | pick_rd() << 7 | opcode;
}

static uint32_t i_type(uint32_t imm12, uint32_t f3, uint32_t opcode)
{
  return (imm12 & 0xfff) << 20 | pick_rs() << 15 | f3 << 12 | pick_rd() << 7 | opcode;
}

/* Immediates biased towards the edges: 0, +-1, the extremes of 12 bits. */
static uint32_t imm12(void)
{
  static const uint32_t kEdges[] = {0, 1, 0xfff, 0x7ff, 0x800, 0x7fe, 0x801};
  return rnd() % 4 == 0 ? kEdges[rnd() % 7] : (uint32_t)rnd();
}

/* An a0-relative offset into the scratch area with room for a doubleword. */
static uint32_t scratch_offset(void)
{
  return 8 * NREGS + rnd() % (SCRATCH_BYTES - 7);
}

static uint32_t random_insn(void)
{
  static const uint8_t kOp[][2] = {{0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4},
                                   {0, 5}, {0x20, 5}, {0, 6}, {0, 7}, {1, 0}, {1, 1},
                                   {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}};
  static const uint8_t kOp32[][2] = {{0, 0}, {0x20, 0}, {0, 1}, {0, 5}, {0x20, 5},
                                     {1, 0}, {1, 4}, {1, 5}, {1, 6}, {1, 7}};
  static const uint8_t kOpImmF3[] = {0, 2, 3, 4, 6, 7};
  static const uint8_t kLoadF3[] = {0, 1, 2, 3, 4, 5, 6}; /* lb lh lw ld lbu lhu lwu */
  switch (rnd() % 10) {
    case 0:
    case 1: {
      unsigned k = rnd() % (sizeof kOp / sizeof kOp[0]);
      return r_type(kOp[k][0], kOp[k][1], 0x33);
    }
    case 2: {
      unsigned k = rnd() % (sizeof kOp32 / sizeof kOp32[0]);
      return r_type(kOp32[k][0], kOp32[k][1], 0x3b);
    }
    case 3:
    case 4:
      return i_type(imm12(), kOpImmF3[rnd() % 6], 0x13);
    case 5: {
      /* slli, srli, srai (6-bit shamt) or slliw, srliw, sraiw (5-bit) and addiw */
      uint32_t sh6 = rnd() % 64, sh5 = rnd() % 32;
      switch (rnd() % 7) {
        case 0: return i_type(sh6, 1, 0x13);
        case 1: return i_type(sh6, 5, 0x13);
        case 2: return i_type(0x400 | sh6, 5, 0x13);
        case 3: return i_type(sh5, 1, 0x1b);
        case 4: return i_type(sh5, 5, 0x1b);
        case 5: return i_type(0x400 | sh5, 5, 0x1b);
        default: return i_type(imm12(), 0, 0x1b);
      }
    }
    case 6:
      return (uint32_t)(rnd() & 0xfffff000) | pick_rd() << 7 | 0x37; /* lui */
    case 7:
      return (uint32_t)(rnd() & 0xfffff000) | pick_rd() << 7 | 0x17; /* auipc */
    case 8:
      return scratch_offset() << 20 | 10 << 15 | (uint32_t)kLoadF3[rnd() % 7] << 12 |
             pick_rd() << 7 | 0x03;
    default: {
      uint32_t off = scratch_offset();
      return (off >> 5) << 25 | pick_rs() << 20 | 10 << 15 | (uint32_t)(rnd() % 4) << 12 |
             (off & 31) << 7 | 0x23;
    }
  }
}

static void generate_block(void)
{
  unsigned n = 0;
  for (unsigned i = 0; i < NREGS; ++i) /* ld reg, 8*i(a0) */
    CODE[n++] = (8 * i) << 20 | 10 << 15 | 3 << 12 | (uint32_t)kRegs[i] << 7 | 0x03;
  for (unsigned i = 0; i < BLOCK_INSNS; ++i)
    CODE[n++] = random_insn();
  for (unsigned i = 0; i < NREGS; ++i) { /* sd reg, 8*i(a0) */
    uint32_t off = 8 * i;
    CODE[n++] = (off >> 5) << 25 | (uint32_t)kRegs[i] << 20 | 10 << 15 | 3 << 12 |
                  (off & 31) << 7 | 0x23;
  }
  CODE[n++] = 0x00008067; /* ret */
}

int main(void)
{
  static const struct fuzz_test test = {
      "fuzz_alu", s_state, sizeof s_state / sizeof s_state[0], NREGS, generate_block,
      (const void *)CODE, rnd, BLOCKS, EXPECTED_HASH};
  return fuzz_run(&test);
}
