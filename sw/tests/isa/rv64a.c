/* RV64A: LR/SC success and failure, every AMO in its W and D forms with the old value
 * returned (sign-extended for W) and the new value in memory, W forms leaving the other
 * half of the doubleword alone, and the aq/rl encodings. */
#include "test.h"

#define SEXT32(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))

static volatile uint64_t s_word[4] __attribute__((aligned(16)));

#define AMO(op, addr, src)                                                              \
  ({                                                                                    \
    uint64_t old_;                                                                      \
    asm volatile(op " %0, %2, (%1)" : "=&r"(old_) : "r"(addr), "r"((uint64_t)(src))     \
                 : "memory");                                                           \
    old_;                                                                               \
  })

static inline uint64_t smin(uint64_t a, uint64_t b) { return (int64_t)a < (int64_t)b ? a : b; }
static inline uint64_t smax(uint64_t a, uint64_t b) { return (int64_t)a > (int64_t)b ? a : b; }
static inline uint64_t umin(uint64_t a, uint64_t b) { return a < b ? a : b; }
static inline uint64_t umax(uint64_t a, uint64_t b) { return a > b ? a : b; }
static inline uint32_t smin32(uint32_t a, uint32_t b) { return (int32_t)a < (int32_t)b ? a : b; }
static inline uint32_t smax32(uint32_t a, uint32_t b) { return (int32_t)a > (int32_t)b ? a : b; }
static inline uint32_t umin32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static inline uint32_t umax32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* D form: rd = old, memory = f(old, src). */
#define T_AMOD(name, insn, init, src, result)                                           \
  s_word[0] = (init);                                                                   \
  CHECK(name ".rd", AMO(insn, &s_word[0], src), (init));                                \
  CHECK(name ".mem", s_word[0], (result));

/* W form on the low word of s_word[1]; the high word must not change. */
#define T_AMOW(name, insn, init, src, result)                                           \
  s_word[1] = 0xa5a5a5a500000000UL | (uint32_t)(init);                                 \
  CHECK(name ".rd", AMO(insn, &s_word[1], src), SEXT32(init));                          \
  CHECK(name ".mem", s_word[1], 0xa5a5a5a500000000UL | (uint32_t)(result));

#define D1 0x8000000000000005UL
#define D2 0x7ffffffffffffff0UL
#define W1 0x80000005UL
#define W2 0x7ffffff0UL

static void test_amo(void)
{
  T_AMOD("amoswap.d", "amoswap.d", D1, D2, D2)
  T_AMOD("amoadd.d", "amoadd.d", D1, D2, D1 + D2)
  T_AMOD("amoxor.d", "amoxor.d", D1, D2, D1 ^ D2)
  T_AMOD("amoand.d", "amoand.d", D1, D2, D1 & D2)
  T_AMOD("amoor.d", "amoor.d", D1, D2, D1 | D2)
  T_AMOD("amomin.d", "amomin.d", D1, D2, smin(D1, D2))
  T_AMOD("amomax.d", "amomax.d", D1, D2, smax(D1, D2))
  T_AMOD("amominu.d", "amominu.d", D1, D2, umin(D1, D2))
  T_AMOD("amomaxu.d", "amomaxu.d", D1, D2, umax(D1, D2))
  T_AMOD("amomin.d.rev", "amomin.d", D2, D1, smin(D1, D2))
  T_AMOD("amomaxu.d.rev", "amomaxu.d", D2, D1, umax(D1, D2))

  T_AMOW("amoswap.w", "amoswap.w", W1, W2, W2)
  T_AMOW("amoadd.w", "amoadd.w", W1, W2, W1 + W2)
  T_AMOW("amoadd.w.carry", "amoadd.w", 0xffffffffUL, 1, 0)
  T_AMOW("amoxor.w", "amoxor.w", W1, W2, W1 ^ W2)
  T_AMOW("amoand.w", "amoand.w", W1, W2, W1 & W2)
  T_AMOW("amoor.w", "amoor.w", W1, W2, W1 | W2)
  T_AMOW("amomin.w", "amomin.w", W1, W2, smin32(W1, W2))
  T_AMOW("amomax.w", "amomax.w", W1, W2, smax32(W1, W2))
  T_AMOW("amominu.w", "amominu.w", W1, W2, umin32(W1, W2))
  T_AMOW("amomaxu.w", "amomaxu.w", W1, W2, umax32(W1, W2))
  T_AMOW("amomax.w.upper_ignored", "amomax.w", 0x5UL, 0xffffffff00000003UL, 0x5UL)
  T_AMOW("amomin.w.upper_ignored", "amomin.w", 0x5UL, 0x00000001fffffffeUL, 0xfffffffeUL)

  T_AMOD("amoadd.d.aq", "amoadd.d.aq", 1, 2, 3)
  T_AMOD("amoadd.d.rl", "amoadd.d.rl", 1, 2, 3)
  T_AMOD("amoadd.d.aqrl", "amoadd.d.aqrl", 1, 2, 3)
  T_AMOW("amoswap.w.aqrl", "amoswap.w.aqrl", 1, 2, 2)
  T_AMOW("amoor.w.aq", "amoor.w.aq", 1, 2, 3)

  /* rd = x0 still performs the memory operation. */
  s_word[0] = 10;
  asm volatile("amoadd.d x0, %1, (%0)" : : "r"(&s_word[0]), "r"(5UL) : "memory");
  CHECK("amoadd.d.rd_x0", s_word[0], 15);
}

#define LR(insn, addr)                                                                  \
  ({                                                                                    \
    uint64_t v_;                                                                        \
    asm volatile(insn " %0, (%1)" : "=r"(v_) : "r"(addr) : "memory");                   \
    v_;                                                                                 \
  })
#define SC(insn, addr, val)                                                             \
  ({                                                                                    \
    uint64_t f_;                                                                        \
    asm volatile(insn " %0, %2, (%1)" : "=&r"(f_) : "r"(addr), "r"((uint64_t)(val))     \
                 : "memory");                                                           \
    f_;                                                                                 \
  })

static void test_lrsc(void)
{
  s_word[0] = 0x1111222233334444UL;
  CHECK("lr.d.value", LR("lr.d", &s_word[0]), 0x1111222233334444UL);
  CHECK("sc.d.success", SC("sc.d", &s_word[0], 0x55UL), 0);
  CHECK("sc.d.success.mem", s_word[0], 0x55);
  CHECK("sc.d.again_fails", SC("sc.d", &s_word[0], 0x66UL) != 0, 1);
  CHECK("sc.d.again_fails.mem", s_word[0], 0x55);

  s_word[1] = 0xa5a5a5a580000001UL;
  CHECK("lr.w.sign_extends", LR("lr.w", &s_word[1]), 0xffffffff80000001UL);
  CHECK("sc.w.success", SC("sc.w", &s_word[1], 0x12345678UL), 0);
  CHECK("sc.w.success.mem", s_word[1], 0xa5a5a5a512345678UL);

  s_word[2] = 7;
  s_word[3] = 9;
  (void)LR("lr.d", &s_word[2]);
  CHECK("sc.d.other_address_fails", SC("sc.d", &s_word[3], 1) != 0, 1);
  CHECK("sc.d.other_address_fails.mem", s_word[3], 9);
  CHECK("sc.d.after_failure_fails", SC("sc.d", &s_word[2], 1) != 0, 1);
  CHECK("sc.d.after_failure_fails.mem", s_word[2], 7);

  (void)LR("lr.d.aq", &s_word[2]);
  CHECK("sc.d.rl.success", SC("sc.d.rl", &s_word[2], 8), 0);
  (void)LR("lr.w.aqrl", &s_word[2]);
  CHECK("sc.w.aqrl.success", SC("sc.w.aqrl", &s_word[2], 0xffffffffUL), 0);
  CHECK("sc.w.aqrl.mem", s_word[2], 0xffffffffUL);

  /* The usual atomic-increment loop, as compilers and kernels write it. */
  s_word[0] = 0;
  for (int i = 0; i < 100; ++i) {
    uint64_t tmp, fail;
    asm volatile("1: lr.d %0, (%2)\n addi %0, %0, 3\n sc.d %1, %0, (%2)\n bnez %1, 1b"
                 : "=&r"(tmp), "=&r"(fail) : "r"(&s_word[0]) : "memory");
  }
  CHECK("lrsc.loop", s_word[0], 300);
}

int main(void)
{
  test_amo();
  test_lrsc();
  return t_done("rv64a");
}
