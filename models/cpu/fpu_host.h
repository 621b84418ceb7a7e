// The host FPU as a fast path for cpu::fp (fpu.cpp), inline there: internal to the
// arithmetic, not part of its interface.
//
// In round-to-nearest-even, with operands that are normal numbers or zeros, the host's IEEE
// 754 binary32/binary64 operations (x86-64 SSE, the default rounding mode, no flush to
// zero) give the RISC-V result bit for bit whenever that result is a normal number well
// above the underflow threshold: then no NaN, infinity, overflow or underflow is involved,
// and the only flag the operation can raise is NX. That flag is computed exactly from an
// error term: TwoSum for add and sub, a fused multiply-add for mul (a*b - r), div (r*b - a)
// and sqrt (r*r - a), exact as long as the error term itself cannot underflow, which the
// exponent thresholds below guarantee. Anything else returns false and the software path
// decides. The fused multiply-add has no cheap exactness test: its fast path serves only a
// caller whose accrued flags already hold NX (a sticky flag: raising it again changes
// nothing), as QEMU's hardfloat does.
//
// The host's fused multiply-add instruction is required (checked once at start-up with
// __builtin_cpu_supports); without it every operation takes the software path. Results are
// the same either way: the fast path only changes the speed.
#pragma once

#include <cstdint>
#include <cstring>

#include "models/cpu/fpu.h"

namespace vmplat::cpu::fp::host {

// Whether the fast path is used: the host has FMA instructions and it was not switched off
// (enable(false), for tests that compare it with the software path).
inline const bool kHostFma = [] {
  __builtin_cpu_init();  // this runs as a static initializer, possibly before its own
  return __builtin_cpu_supports("fma") != 0;
}();
inline bool g_enabled = true;
inline bool available() { return kHostFma && g_enabled; }
inline void enable(bool on) { g_enabled = on; }

// T is the host type of the format B.
template <typename B>
struct Fmt;
template <>
struct Fmt<uint32_t> {
  using T = float;
  static constexpr int kFracBits = 23;
  static constexpr int kExpMax = 0xff;
  // Smallest biased exponent for which the error terms of mul, div and sqrt cannot
  // underflow: a product's error is a multiple of ulp(a) * ulp(b) = 2^(ea + eb - 46), which
  // binary32 represents down to 2^-149; results at or above 2^-100 keep it well clear.
  static constexpr int kSafeExp = 127 - 100;
};
template <>
struct Fmt<uint64_t> {
  using T = double;
  static constexpr int kFracBits = 52;
  static constexpr int kExpMax = 0x7ff;
  // The same for binary64: ulp(a) * ulp(b) = 2^(ea + eb - 104) against 2^-1074.
  static constexpr int kSafeExp = 1023 - 966;
};

template <typename B>
inline int exp_field(B bits)
{
  return static_cast<int>((bits >> Fmt<B>::kFracBits) & Fmt<B>::kExpMax);
}
template <typename B>
inline bool is_zero(B bits)
{
  return B(bits << 1) == 0;
}
// A normal number or a zero: no NaN, infinity or subnormal.
template <typename B>
inline bool plain(B bits)
{
  const int e = exp_field(bits);
  return (e != 0 && e != Fmt<B>::kExpMax) || is_zero(bits);
}
// A normal number far enough above the underflow threshold (see kSafeExp), and finite.
template <typename B>
inline bool safe(B bits)
{
  const int e = exp_field(bits);
  return e >= Fmt<B>::kSafeExp && e != Fmt<B>::kExpMax;
}

template <typename B>
inline typename Fmt<B>::T val(B bits)
{
  typename Fmt<B>::T v;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}
template <typename B>
inline B bits_of(typename Fmt<B>::T v)
{
  B b;
  std::memcpy(&b, &v, sizeof(b));
  return b;
}

template <typename B>
__attribute__((target("fma"))) inline typename Fmt<B>::T fused(typename Fmt<B>::T a,
                                                                 typename Fmt<B>::T b,
                                                                 typename Fmt<B>::T c)
{
  if constexpr (sizeof(B) == 4)
    return __builtin_fmaf(a, b, c);
  else
    return __builtin_fma(a, b, c);
}

// Each returns true with the result in r and NX ORed into flags when it decided; false
// when the software path must. rm must be kRNE (the caller checks). muladd_nx is only for
// a caller whose accrued flags hold NX: the result may then omit it.

template <typename B>
inline bool add(B a, B b, B& r, uint8_t& flags)
{
  if (!plain(a) || !plain(b))
    return false;
  using T = typename Fmt<B>::T;
  const T x = val(a), y = val(b);
  const T s = x + y;
  const B sb = bits_of<B>(s);
  // A zero sum of plain operands is exact (x = -y, or two zeros) and IEEE's sign rule for it
  // in RNE is the host's; any other result must be a normal number (no overflow, no
  // subnormal: TwoSum needs neither, but the flags would).
  if (!is_zero(sb) && (exp_field(sb) == 0 || exp_field(sb) == Fmt<B>::kExpMax))
    return false;
  // TwoSum (Knuth): the exact rounding error of s, itself representable.
  const T yv = s - x;
  const T err = (x - (s - yv)) + (y - yv);
  if (err != 0)
    flags |= flag::kNX;
  r = sb;
  return true;
}

template <typename B>
__attribute__((target("fma"))) inline bool mul(B a, B b, B& r, uint8_t& flags)
{
  if (!plain(a) || !plain(b))
    return false;
  using T = typename Fmt<B>::T;
  const T x = val(a), y = val(b);
  const T p = x * y;
  const B pb = bits_of<B>(p);
  if (is_zero(a) || is_zero(b)) {
    r = pb;  // an exact zero with the product's sign
    return true;
  }
  if (!safe(pb))
    return false;
  if (fused<B>(x, y, -p) != 0)
    flags |= flag::kNX;
  r = pb;
  return true;
}

template <typename B>
__attribute__((target("fma"))) inline bool div(B a, B b, B& r, uint8_t& flags)
{
  if (!plain(a) || !plain(b) || is_zero(b))
    return false;
  using T = typename Fmt<B>::T;
  const T x = val(a), y = val(b);
  const T q = x / y;
  const B qb = bits_of<B>(q);
  if (is_zero(a)) {
    r = qb;
    return true;
  }
  // The remainder x - q*y is a multiple of ulp(q) * ulp(y): both q and x safe keep it
  // representable.
  if (!safe(qb) || !safe(a))
    return false;
  if (fused<B>(q, y, -x) != 0)
    flags |= flag::kNX;
  r = qb;
  return true;
}

template <typename B>
__attribute__((target("fma"))) inline bool sqrt(B a, B& r, uint8_t& flags)
{
  if (!plain(a))
    return false;
  using T = typename Fmt<B>::T;
  if (is_zero(a)) {
    r = a;  // sqrt(+-0) = +-0, exact
    return true;
  }
  if (a >> (8 * sizeof(B) - 1) || !safe(a))
    return false;  // negative: NV; tiny: leave it to the software path
  const T x = val(a);
  const T s = sizeof(B) == 4 ? T(__builtin_sqrtf(float(x))) : T(__builtin_sqrt(double(x)));
  if (fused<B>(s, s, -x) != 0)
    flags |= flag::kNX;
  r = bits_of<B>(s);
  return true;
}

template <typename B>
__attribute__((target("fma"))) inline bool muladd_nx(B a, B b, B c, B& r)
{
  if (!plain(a) || !plain(b) || !plain(c))
    return false;
  const B s = bits_of<B>(fused<B>(val(a), val(b), val(c)));
  if (!safe(s))
    return false;  // zero (its sign depends on exactness), tiny, or overflowed
  r = s;
  return true;
}

}  // namespace vmplat::cpu::fp::host
