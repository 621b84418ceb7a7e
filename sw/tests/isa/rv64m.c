/* RV64M: every multiply and divide, the W forms, division by zero and signed overflow
 * (unprivileged spec 13.2: no trap, defined results). Expected values come from the
 * reference functions below, folded by the compiler from constant operands. */
#include "test.h"

typedef __int128 i128;
typedef unsigned __int128 u128;

#define SEXT32(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))

static inline uint64_t ref_mulh(int64_t a, int64_t b) { return (uint64_t)(((i128)a * b) >> 64); }
static inline uint64_t ref_mulhu(uint64_t a, uint64_t b)
{
  return (uint64_t)(((u128)a * b) >> 64);
}
static inline uint64_t ref_mulhsu(int64_t a, uint64_t b)
{
  return (uint64_t)(((i128)a * (i128)(u128)b) >> 64);
}
static inline uint64_t ref_div(int64_t a, int64_t b)
{
  if (b == 0)
    return ~0UL;
  if (a == INT64_MIN && b == -1)
    return (uint64_t)a;
  return (uint64_t)(a / b);
}
static inline uint64_t ref_rem(int64_t a, int64_t b)
{
  if (b == 0)
    return (uint64_t)a;
  if (a == INT64_MIN && b == -1)
    return 0;
  return (uint64_t)(a % b);
}
static inline uint64_t ref_divu(uint64_t a, uint64_t b) { return b == 0 ? ~0UL : a / b; }
static inline uint64_t ref_remu(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }
static inline uint64_t ref_divw(uint64_t a, uint64_t b)
{
  int32_t x = (int32_t)a, y = (int32_t)b;
  if (y == 0)
    return ~0UL;
  if (x == INT32_MIN && y == -1)
    return SEXT32(x);
  return SEXT32(x / y);
}
static inline uint64_t ref_remw(uint64_t a, uint64_t b)
{
  int32_t x = (int32_t)a, y = (int32_t)b;
  if (y == 0)
    return SEXT32(x);
  if (x == INT32_MIN && y == -1)
    return 0;
  return SEXT32(x % y);
}
static inline uint64_t ref_divuw(uint64_t a, uint64_t b)
{
  uint32_t x = (uint32_t)a, y = (uint32_t)b;
  return y == 0 ? ~0UL : SEXT32(x / y);
}
static inline uint64_t ref_remuw(uint64_t a, uint64_t b)
{
  uint32_t x = (uint32_t)a, y = (uint32_t)b;
  return y == 0 ? SEXT32(x) : SEXT32(x % y);
}

#define PAIRS(X)                                       \
  X(0, 0x0UL, 0x0UL)                                   \
  X(1, 0x7UL, 0x0UL)                                   \
  X(2, 0x8000000000000000UL, 0xffffffffffffffffUL)     \
  X(3, 0xffffffff80000000UL, 0xffffffffffffffffUL)     \
  X(4, 0x123456789abcdef0UL, 0x0fedcba987654321UL)     \
  X(5, 0xfffffffffffffff9UL, 0x3UL)                    \
  X(6, 0x7UL, 0xfffffffffffffffdUL)                    \
  X(7, 0xfffffffffffffff9UL, 0xfffffffffffffffdUL)     \
  X(8, 0xffffffffffffffffUL, 0xffffffffffffffffUL)     \
  X(9, 0x7fffffffffffffffUL, 0x7fffffffffffffffUL)     \
  X(10, 0x00000000ffffffffUL, 0x0000000100000000UL)    \
  X(11, 0x0000000180000000UL, 0x00000001ffffffffUL)

#define T_M(i, a, b)                                                                  \
  CHECK("mul." #i, OP_RR("mul", a, b), (a) * (b));                                    \
  CHECK("mulh." #i, OP_RR("mulh", a, b), ref_mulh((int64_t)(a), (int64_t)(b)));       \
  CHECK("mulhsu." #i, OP_RR("mulhsu", a, b), ref_mulhsu((int64_t)(a), (b)));          \
  CHECK("mulhu." #i, OP_RR("mulhu", a, b), ref_mulhu((a), (b)));                      \
  CHECK("div." #i, OP_RR("div", a, b), ref_div((int64_t)(a), (int64_t)(b)));          \
  CHECK("divu." #i, OP_RR("divu", a, b), ref_divu((a), (b)));                         \
  CHECK("rem." #i, OP_RR("rem", a, b), ref_rem((int64_t)(a), (int64_t)(b)));          \
  CHECK("remu." #i, OP_RR("remu", a, b), ref_remu((a), (b)));                         \
  CHECK("mulw." #i, OP_RR("mulw", a, b), SEXT32((a) * (b)));                          \
  CHECK("divw." #i, OP_RR("divw", a, b), ref_divw((a), (b)));                         \
  CHECK("divuw." #i, OP_RR("divuw", a, b), ref_divuw((a), (b)));                      \
  CHECK("remw." #i, OP_RR("remw", a, b), ref_remw((a), (b)));                         \
  CHECK("remuw." #i, OP_RR("remuw", a, b), ref_remuw((a), (b)));

int main(void)
{
  PAIRS(T_M)
  /* The spec's own table (13.2) for the corner cases, spelled out. */
  CHECK("div.by_zero", OP_RR("div", 42, 0), 0xffffffffffffffffUL);
  CHECK("rem.by_zero", OP_RR("rem", 42, 0), 42);
  CHECK("divu.by_zero", OP_RR("divu", 42, 0), 0xffffffffffffffffUL);
  CHECK("remu.by_zero", OP_RR("remu", 42, 0), 42);
  CHECK("div.overflow", OP_RR("div", 0x8000000000000000UL, -1L), 0x8000000000000000UL);
  CHECK("rem.overflow", OP_RR("rem", 0x8000000000000000UL, -1L), 0);
  CHECK("divw.by_zero", OP_RR("divw", 0x12345678UL, 0xffffffff00000000UL), 0xffffffffffffffffUL);
  CHECK("remw.by_zero", OP_RR("remw", 0x80000001UL, 0), 0xffffffff80000001UL);
  CHECK("divuw.by_zero", OP_RR("divuw", 5, 0), 0xffffffffffffffffUL);
  CHECK("remuw.by_zero", OP_RR("remuw", 0x80000001UL, 0), 0xffffffff80000001UL);
  CHECK("divw.overflow", OP_RR("divw", 0x80000000UL, -1L), 0xffffffff80000000UL);
  CHECK("remw.overflow", OP_RR("remw", 0x80000000UL, -1L), 0);
  return t_done("rv64m");
}
