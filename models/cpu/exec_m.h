// The M extension (unprivileged spec chapter 7) as pure functions: the high halves of
// products, and division with the spec's results for division by zero and overflow
// (table 7.1: x / 0 = all ones, x % 0 = x; MIN / -1 = MIN, MIN % -1 = 0), which raise no
// exception.
#pragma once

#include <cstdint>

namespace vmplat::cpu::rv64m {

inline int64_t sext32(uint64_t v) { return int64_t(int32_t(uint32_t(v))); }

inline uint64_t mulh(uint64_t a, uint64_t b)
{
  return uint64_t((__int128(int64_t(a)) * __int128(int64_t(b))) >> 64);
}
inline uint64_t mulhsu(uint64_t a, uint64_t b)
{
  return uint64_t((__int128(int64_t(a)) * __int128((unsigned __int128)b)) >> 64);
}
inline uint64_t mulhu(uint64_t a, uint64_t b) { return uint64_t(((unsigned __int128)a * b) >> 64); }
inline uint64_t mulw(uint64_t a, uint64_t b) { return uint64_t(sext32(uint32_t(a) * uint32_t(b))); }

inline uint64_t div(uint64_t a, uint64_t b)
{
  if (b == 0)
    return ~0ull;
  if (int64_t(a) == INT64_MIN && int64_t(b) == -1)
    return a;
  return uint64_t(int64_t(a) / int64_t(b));
}
inline uint64_t divu(uint64_t a, uint64_t b) { return b == 0 ? ~0ull : a / b; }
inline uint64_t rem(uint64_t a, uint64_t b)
{
  if (b == 0)
    return a;
  if (int64_t(a) == INT64_MIN && int64_t(b) == -1)
    return 0;
  return uint64_t(int64_t(a) % int64_t(b));
}
inline uint64_t remu(uint64_t a, uint64_t b) { return b == 0 ? a : a % b; }

inline uint64_t divw(uint64_t a, uint64_t b)
{
  const int32_t s1 = int32_t(a), s2 = int32_t(b);
  return uint64_t(int64_t(s2 == 0 ? -1 : (s1 == INT32_MIN && s2 == -1) ? s1 : s1 / s2));
}
inline uint64_t divuw(uint64_t a, uint64_t b)
{
  const uint32_t u1 = uint32_t(a), u2 = uint32_t(b);
  return uint64_t(sext32(u2 == 0 ? ~0u : u1 / u2));
}
inline uint64_t remw(uint64_t a, uint64_t b)
{
  const int32_t s1 = int32_t(a), s2 = int32_t(b);
  return uint64_t(int64_t(s2 == 0 ? s1 : (s1 == INT32_MIN && s2 == -1) ? 0 : s1 % s2));
}
inline uint64_t remuw(uint64_t a, uint64_t b)
{
  const uint32_t u1 = uint32_t(a), u2 = uint32_t(b);
  return uint64_t(sext32(u2 == 0 ? u1 : u1 % u2));
}

}  // namespace vmplat::cpu::rv64m
