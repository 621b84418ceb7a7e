/* RV64I: every computational instruction (register and immediate, W forms, shift edge
 * cases), LUI/AUIPC, every branch taken and not taken, JAL/JALR (link value, low bit
 * cleared, rd == rs1), loads and stores of every width and sign, FENCE, x0 hard-wired.
 * The expected values are C expressions of constants, folded by the compiler, so the
 * instruction under test never checks itself. */
#include "test.h"

#define SEXT32(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))
#define S64(x) ((int64_t)(x))

/* Unsigned less-than as a function: with a constant 0 operand a plain "<" warns. */
static inline uint64_t ltu(uint64_t a, uint64_t b) { return a < b; }

/* Operand pairs covering zero, signs, overflow, the 32-bit boundary and shift amounts with
 * bits above the shift width. */
#define PAIRS(X)                                     \
  X(0, 0x0UL, 0x0UL)                                 \
  X(1, 0x1UL, 0xffffffffffffffffUL)                  \
  X(2, 0x7fffffffffffffffUL, 0x1UL)                  \
  X(3, 0x8000000000000000UL, 0xffffffffffffffffUL)   \
  X(4, 0x123456789abcdef0UL, 0x0fedcba987654321UL)   \
  X(5, 0xffffffff80000000UL, 0x7fffffffUL)           \
  X(6, 0xfffffffffffffff9UL, 0x3UL)                  \
  X(7, 0x00000000ffffffffUL, 0x3fUL)                 \
  X(8, 0x80000000UL, 0x41UL)                         \
  X(9, 0xfedcba9876543210UL, 0x1fUL)

#define T_RR(i, a, b)                                                                     \
  CHECK("add." #i, OP_RR("add", a, b), (a) + (b));                                        \
  CHECK("sub." #i, OP_RR("sub", a, b), (a) - (b));                                        \
  CHECK("sll." #i, OP_RR("sll", a, b), (a) << ((b)&63));                                  \
  CHECK("srl." #i, OP_RR("srl", a, b), (a) >> ((b)&63));                                  \
  CHECK("sra." #i, OP_RR("sra", a, b), S64(a) >> ((b)&63));                               \
  CHECK("slt." #i, OP_RR("slt", a, b), S64(a) < S64(b));                                  \
  CHECK("sltu." #i, OP_RR("sltu", a, b), (a) < (b));                                      \
  CHECK("xor." #i, OP_RR("xor", a, b), (a) ^ (b));                                        \
  CHECK("or." #i, OP_RR("or", a, b), (a) | (b));                                          \
  CHECK("and." #i, OP_RR("and", a, b), (a) & (b));                                        \
  CHECK("addw." #i, OP_RR("addw", a, b), SEXT32((a) + (b)));                              \
  CHECK("subw." #i, OP_RR("subw", a, b), SEXT32((a) - (b)));                              \
  CHECK("sllw." #i, OP_RR("sllw", a, b), SEXT32((uint32_t)(a) << ((b)&31)));              \
  CHECK("srlw." #i, OP_RR("srlw", a, b), SEXT32((uint32_t)(a) >> ((b)&31)));              \
  CHECK("sraw." #i, OP_RR("sraw", a, b), (uint64_t)(int64_t)((int32_t)(a) >> ((b)&31)));

#define IMMS(X, a) X(a, 0) X(a, 1) X(a, -1) X(a, 2047) X(a, -2048) X(a, 0x555)
#define T_RI(a, imm)                                                                      \
  CHECK("addi." #a "." #imm, OP_RI("addi", a, imm), (a) + (uint64_t)(int64_t)(imm));      \
  CHECK("slti." #a "." #imm, OP_RI("slti", a, imm), S64(a) < (int64_t)(imm));             \
  CHECK("sltiu." #a "." #imm, OP_RI("sltiu", a, imm), ltu((a), (uint64_t)(int64_t)(imm)));    \
  CHECK("xori." #a "." #imm, OP_RI("xori", a, imm), (a) ^ (uint64_t)(int64_t)(imm));      \
  CHECK("ori." #a "." #imm, OP_RI("ori", a, imm), (a) | (uint64_t)(int64_t)(imm));        \
  CHECK("andi." #a "." #imm, OP_RI("andi", a, imm), (a) & (uint64_t)(int64_t)(imm));     \
  CHECK("addiw." #a "." #imm, OP_RI("addiw", a, imm), SEXT32((a) + (uint64_t)(int64_t)(imm)));

#define SHAMTS(X, a) X(a, 0) X(a, 1) X(a, 31) X(a, 32) X(a, 63)
#define T_SH(a, sh)                                                                       \
  CHECK("slli." #a "." #sh, OP_RI("slli", a, sh), (a) << (sh));                           \
  CHECK("srli." #a "." #sh, OP_RI("srli", a, sh), (a) >> (sh));                           \
  CHECK("srai." #a "." #sh, OP_RI("srai", a, sh), S64(a) >> (sh));
#define SHAMTS_W(X, a) X(a, 0) X(a, 1) X(a, 16) X(a, 31)
#define T_SHW(a, sh)                                                                      \
  CHECK("slliw." #a "." #sh, OP_RI("slliw", a, sh), SEXT32((uint32_t)(a) << (sh)));       \
  CHECK("srliw." #a "." #sh, OP_RI("srliw", a, sh), SEXT32((uint32_t)(a) >> (sh)));       \
  CHECK("sraiw." #a "." #sh, OP_RI("sraiw", a, sh), (uint64_t)(int64_t)((int32_t)(a) >> (sh)));

#define BRANCH(op, a, b)                                                                  \
  ({                                                                                      \
    uint64_t t_;                                                                          \
    asm volatile(NORVC(op " %1, %2, 1f\n li %0, 0\n j 2f\n1: li %0, 1\n2:")               \
                 : "=&r"(t_) : "r"((uint64_t)(a)), "r"((uint64_t)(b)));                   \
    t_;                                                                                   \
  })
#define T_BR(i, a, b)                                                                     \
  CHECK("beq." #i, BRANCH("beq", a, b), (a) == (b));                                      \
  CHECK("bne." #i, BRANCH("bne", a, b), (a) != (b));                                      \
  CHECK("blt." #i, BRANCH("blt", a, b), S64(a) < S64(b));                                 \
  CHECK("bge." #i, BRANCH("bge", a, b), S64(a) >= S64(b));                                \
  CHECK("bltu." #i, BRANCH("bltu", a, b), (a) < (b));                                     \
  CHECK("bgeu." #i, BRANCH("bgeu", a, b), (a) >= (b));                                    \
  CHECK("beq.self." #i, BRANCH("beq", a, a), 1);

static void test_register_ops(void)
{
  PAIRS(T_RR)
  IMMS(T_RI, 0x0UL)
  IMMS(T_RI, 0x7ffffffffffff800UL)
  IMMS(T_RI, 0xffffffff7fffffffUL)
  IMMS(T_RI, 0x8000000000000000UL)
  SHAMTS(T_SH, 0x8000000000000001UL)
  SHAMTS(T_SH, 0x00000000f0000000UL)
  SHAMTS_W(T_SHW, 0x00000000f0000001UL)
  SHAMTS_W(T_SHW, 0xffffffff7fffffffUL)
  PAIRS(T_BR)
}

static void test_upper_immediates(void)
{
  uint64_t v, here;
  asm volatile(NORVC("lui %0, 0x80000") : "=r"(v));
  CHECK("lui.sign", v, 0xffffffff80000000UL);
  asm volatile(NORVC("lui %0, 0x7ffff") : "=r"(v));
  CHECK("lui.pos", v, 0x7ffff000UL);
  asm volatile(NORVC("1: auipc %0, 0x1\n la %1, 1b") : "=r"(v), "=r"(here));
  CHECK("auipc.pos", v - here, 0x1000);
  asm volatile(NORVC("1: auipc %0, 0x80000\n la %1, 1b") : "=r"(v), "=r"(here));
  CHECK("auipc.neg", v - here, 0xffffffff80000000UL);
  asm volatile(NORVC("addi x0, x0, 5\n lui x0, 0x12345\n mv %0, x0") : "=r"(v));
  CHECK("x0.hardwired", v, 0);
}

static void test_jumps(void)
{
  uint64_t link, site, reached;
  asm volatile(NORVC("li %2, 0\n 1: jal %0, 2f\n li %2, 99\n 2: la %1, 1b\n addi %2, %2, 1")
               : "=&r"(link), "=&r"(site), "=&r"(reached));
  CHECK("jal.link", link - site, 4);
  CHECK("jal.skipped", reached, 1);
  asm volatile(NORVC("la t0, 2f\n addi t0, t0, -1\n li %2, 0\n"
                     "1: jalr %0, 2(t0)\n li %2, 99\n 2: la %1, 1b\n addi %2, %2, 1")
               : "=&r"(link), "=&r"(site), "=&r"(reached) : : "t0");
  CHECK("jalr.lowbit.link", link - site, 4);
  CHECK("jalr.lowbit.target", reached, 1);
  asm volatile(NORVC("la t0, 2f\n li %1, 0\n 1: jalr t0, 0(t0)\n li %1, 99\n"
                     " 2: la %0, 1b\n sub %0, t0, %0\n addi %1, %1, 1")
               : "=&r"(link), "=&r"(reached) : : "t0");
  CHECK("jalr.rd_eq_rs1.link", link, 4);
  CHECK("jalr.rd_eq_rs1.target", reached, 1);
  asm volatile(NORVC("la t0, 2f\n li %0, 0\n jalr x0, -4(t0)\n li %0, 99\n 1: j 3f\n"
                     "2: nop\n 3: addi %0, %0, 1")
               : "=&r"(reached) : : "t0");
  CHECK("jalr.negative_offset", reached, 1);
}

static volatile uint64_t s_mem[4] __attribute__((aligned(16)));

#define LOAD(op, off)                                                                     \
  ({                                                                                      \
    uint64_t v_;                                                                          \
    asm volatile(NORVC(op " %0, %2(%1)") : "=r"(v_) : "r"(s_mem), "i"(off) : "memory");    \
    v_;                                                                                   \
  })
#define STORE(op, off, v)                                                                 \
  asm volatile(NORVC(op " %1, %2(%0)") : : "r"(s_mem), "r"((uint64_t)(v)), "i"(off) : "memory")

static void test_loads_stores(void)
{
  s_mem[0] = 0x8877665544332211UL;
  s_mem[1] = 0x00ff7f80fffe0102UL;
  CHECK("lb.pos", LOAD("lb", 0), 0x11);
  CHECK("lb.neg", LOAD("lb", 7), 0xffffffffffffff88UL);
  CHECK("lbu.neg", LOAD("lbu", 7), 0x88);
  CHECK("lb.80", LOAD("lb", 12), 0xffffffffffffff80UL);
  CHECK("lb.7f", LOAD("lb", 13), 0x7f);
  CHECK("lh.pos", LOAD("lh", 0), 0x2211);
  CHECK("lh.neg", LOAD("lh", 6), 0xffffffffffff8877UL);
  CHECK("lhu.neg", LOAD("lhu", 6), 0x8877);
  CHECK("lw.pos", LOAD("lw", 0), 0x44332211);
  CHECK("lw.neg", LOAD("lw", 4), 0xffffffff88776655UL);
  CHECK("lwu.neg", LOAD("lwu", 4), 0x88776655UL);
  CHECK("ld", LOAD("ld", 0), 0x8877665544332211UL);
  CHECK("ld.offset8", LOAD("ld", 8), 0x00ff7f80fffe0102UL);
  CHECK("lh.offset", LOAD("lh", 12), 0x7f80);
  CHECK("lw.offset", LOAD("lw", 12), 0x00ff7f80UL);

  s_mem[2] = 0;
  STORE("sb", 16, 0x1234567890abcdefUL);
  CHECK("sb", s_mem[2], 0xef);
  STORE("sh", 18, 0xfedcUL);
  CHECK("sh", s_mem[2], 0xfedc00efUL);
  STORE("sw", 20, 0xffffffffa5a5a5a5UL);
  CHECK("sw", s_mem[2], 0xa5a5a5a5fedc00efUL);
  STORE("sd", 24, 0x0123456789abcdefUL);
  CHECK("sd", s_mem[3], 0x0123456789abcdefUL);
  CHECK("sd.neighbour", s_mem[2], 0xa5a5a5a5fedc00efUL);
  STORE("sb", 31, 0x80);
  CHECK("sb.top", s_mem[3], 0x8023456789abcdefUL);
  uint64_t v;
  asm volatile(NORVC("sd %1, -8(%2)\n ld %0, -8(%2)")
               : "=&r"(v) : "r"(0x55aa55aa55aa55aaUL), "r"(&s_mem[2]) : "memory");
  CHECK("sd.ld.negative_offset", v, 0x55aa55aa55aa55aaUL);
}

static void test_fence(void)
{
  s_mem[0] = 1;
  asm volatile("fence\n fence rw, rw\n fence r, r\n fence w, w\n fence.tso\n fence iorw, iorw"
               ::: "memory");
  s_mem[0] += 1;
  CHECK("fence.executes", s_mem[0], 2);
}

int main(void)
{
  test_register_ops();
  test_upper_immediates();
  test_jumps();
  test_loads_stores();
  test_fence();
  return t_done("rv64i");
}
