// The arithmetic behind fpu.h. One template per operation serves both formats: an operand is
// unpacked to a sign, an unbiased exponent and a 64-bit significand whose leading one is at
// bit 62, the exact result (or a truncation of it with a sticky bit) is formed in 64 or 128
// bits, and round_pack() rounds and encodes it with the flags of IEEE 754-2008 section 7 as
// RISC-V specifies them (tininess after rounding, canonical NaNs). See docs/fpu.md.
#include "models/cpu/fpu.h"

#include "models/cpu/fpu_host.h"

#include <limits>
#include <type_traits>
#include <utility>

namespace vmplat::cpu::fp {
namespace {

using u128 = unsigned __int128;

// Field layout of binary32 (B = uint32_t) and binary64 (B = uint64_t).
template <typename B>
struct Format {
  static constexpr int kBits = 8 * sizeof(B);
  static constexpr int kFracBits = sizeof(B) == 4 ? 23 : 52;
  static constexpr int kExpMax = (1 << (kBits - 1 - kFracBits)) - 1;  // all-ones exponent
  static constexpr int kBias = kExpMax >> 1;
  static constexpr B kSign = B(1) << (kBits - 1);
  static constexpr B kFracMask = (B(1) << kFracBits) - 1;
  static constexpr B kInf = B(kExpMax) << kFracBits;
  static constexpr B kQuiet = B(1) << (kFracBits - 1);
  static constexpr B kCanonicalNan = kInf | kQuiet;
  static constexpr B kMaxFinite = kInf - 1;
  // Bits below the significand when its leading one is at bit 62: the round bit and the
  // bits that make the sticky bit.
  static constexpr int kExtra = 62 - kFracBits;

  static bool sign(B a) { return (a >> (kBits - 1)) != 0; }
  static int exponent(B a) { return static_cast<int>((a >> kFracBits) & kExpMax); }
  static bool is_nan(B a) { return (a & ~kSign) > kInf; }
  static bool is_snan(B a) { return is_nan(a) && (a & kQuiet) == 0; }
  static bool is_inf(B a) { return (a & ~kSign) == kInf; }
  static bool is_zero(B a) { return (a & ~kSign) == 0; }
  static B signed_zero(bool s) { return s ? kSign : 0; }
  static B signed_inf(bool s) { return (s ? kSign : 0) | kInf; }
};

static_assert(Format<uint32_t>::kCanonicalNan == kCanonicalNan32);
static_assert(Format<uint64_t>::kCanonicalNan == kCanonicalNan64);
static_assert(Format<uint32_t>::kBias == 127 && Format<uint64_t>::kBias == 1023);

// A finite nonzero value: (-1)^sign * sig * 2^(exp - 62), with sig's leading one at bit 62.
struct Unpacked {
  bool sign;
  int exp;
  uint64_t sig;
};

inline int clz64(uint64_t x)
{
  return __builtin_clzll(x);
}

inline int clz128(u128 x)
{
  uint64_t hi = static_cast<uint64_t>(x >> 64);
  return hi != 0 ? clz64(hi) : 64 + clz64(static_cast<uint64_t>(x));
}

// x >> n, with every bit shifted out ORed into bit 0 (the sticky bit).
inline uint64_t shift_right_jam(uint64_t x, int n)
{
  if (n <= 0)
    return x;
  if (n >= 64)
    return x != 0;
  return (x >> n) | ((x << (64 - n)) != 0);
}

inline u128 shift_right_jam(u128 x, int n)
{
  if (n <= 0)
    return x;
  if (n >= 128)
    return x != 0;
  return (x >> n) | ((x << (128 - n)) != 0);
}

template <typename B>
Unpacked unpack(B a)
{
  using F = Format<B>;
  int e = F::exponent(a);
  uint64_t frac = a & F::kFracMask;
  if (e != 0)
    return {F::sign(a), e - F::kBias, (frac | (uint64_t(1) << F::kFracBits)) << F::kExtra};
  // Subnormal: frac * 2^(1 - bias - kFracBits), renormalized.
  int shift = clz64(frac) - 1;
  return {F::sign(a), 63 - F::kBias - F::kFracBits - shift, frac << shift};
}

// Whether rounding a nonzero remainder `rem` (out of a unit of 2 * half) increments the
// magnitude (IEEE 754-2008 4.3). The hart never passes an rm outside Rm (11.2).
inline bool round_up(Rm rm, bool sign, bool odd, uint64_t rem, uint64_t half)
{
  switch (rm) {
    case Rm::kRTZ: return false;
    case Rm::kRDN: return sign;
    case Rm::kRUP: return !sign;
    case Rm::kRMM: return rem >= half;
    case Rm::kRNE: break;
  }
  return rem > half || (rem == half && odd);
}

template <typename B>
B overflow(bool sign, Rm rm, uint8_t& flags)
{
  using F = Format<B>;
  flags |= flag::kOF | flag::kNX;
  // IEEE 754-2008 7.4: directed and truncating modes stop at the largest finite value on
  // the side they round towards zero.
  bool to_inf =
      rm == Rm::kRNE || rm == Rm::kRMM || (rm == Rm::kRDN && sign) || (rm == Rm::kRUP && !sign);
  return (sign ? F::kSign : 0) | (to_inf ? F::kInf : F::kMaxFinite);
}

// Rounds (-1)^sign * sig * 2^(exp - 62) (sig != 0; bit 0 may be a sticky bit) to the format.
template <typename B>
B round_pack(bool sign, int exp, uint64_t sig, Rm rm, uint8_t& flags)
{
  using F = Format<B>;
  constexpr uint64_t kRemMask = (uint64_t(1) << F::kExtra) - 1;
  constexpr uint64_t kHalf = uint64_t(1) << (F::kExtra - 1);
  constexpr uint64_t kAllOnes = (uint64_t(1) << (F::kFracBits + 1)) - 1;
  if (sig >> 63) {
    sig = shift_right_jam(sig, 1);
    ++exp;
  } else {
    int shift = clz64(sig) - 1;
    sig <<= shift;
    exp -= shift;
  }
  const B sign_bit = sign ? F::kSign : 0;
  int biased = exp + F::kBias;
  if (biased >= 1) {
    uint64_t mant = sig >> F::kExtra;  // implicit bit included
    uint64_t rem = sig & kRemMask;
    if (rem != 0) {
      flags |= flag::kNX;
      if (round_up(rm, sign, mant & 1, rem, kHalf)) {
        ++mant;
        if (mant >> (F::kFracBits + 1)) {
          mant >>= 1;
          ++biased;
        }
      }
    }
    if (biased >= F::kExpMax)
      return overflow<B>(sign, rm, flags);
    // The implicit bit adds one to the exponent field, hence biased - 1.
    return sign_bit | ((B(biased - 1) << F::kFracBits) + B(mant));
  }
  // Below the normal range. Tininess after rounding (11.2 via IEEE 754-2008 7.5): the value
  // is tiny unless rounding it to full precision with an unbounded exponent reaches the
  // smallest normal, which only a value just under it (biased == 0, all ones) can do.
  bool tiny = true;
  if (biased == 0 && (sig >> F::kExtra) == kAllOnes) {
    uint64_t rem = sig & kRemMask;
    tiny = rem == 0 || !round_up(rm, sign, true, rem, kHalf);
  }
  sig = shift_right_jam(sig, 1 - biased);
  uint64_t mant = sig >> F::kExtra;
  uint64_t rem = sig & kRemMask;
  if (rem != 0) {
    flags |= tiny ? (flag::kNX | flag::kUF) : flag::kNX;
    // A carry out of the subnormal significand lands in the exponent field: the smallest
    // normal, encoded correctly by the same addition.
    if (round_up(rm, sign, mant & 1, rem, kHalf))
      ++mant;
  }
  return sign_bit | B(mant);
}

// The sum of two zeros, or of exactly cancelling values (IEEE 754-2008 6.3).
template <typename B>
B zero_sum(bool sign_a, bool sign_b, Rm rm)
{
  if (sign_a == sign_b)
    return Format<B>::signed_zero(sign_a);
  return Format<B>::signed_zero(rm == Rm::kRDN);
}

template <typename B>
B nan_result(bool invalid, uint8_t& flags)
{
  if (invalid)
    flags |= flag::kNV;
  return Format<B>::kCanonicalNan;
}

template <typename B>
B add(B a, B b, Rm rm, uint8_t& flags)
{
  using F = Format<B>;
  if (F::is_nan(a) || F::is_nan(b))
    return nan_result<B>(F::is_snan(a) || F::is_snan(b), flags);
  if (F::is_inf(a)) {
    if (F::is_inf(b) && F::sign(a) != F::sign(b))
      return nan_result<B>(true, flags);
    return a;
  }
  if (F::is_inf(b))
    return b;
  if (F::is_zero(a))
    return F::is_zero(b) ? zero_sum<B>(F::sign(a), F::sign(b), rm) : b;
  if (F::is_zero(b))
    return a;
  Unpacked x = unpack(a), y = unpack(b);
  if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig))
    std::swap(x, y);
  // Both significands are below 2^63, so the sum fits; the sticky bit of the smaller
  // operand keeps the difference's rounding right (x.sig has many trailing zeros).
  uint64_t ys = shift_right_jam(y.sig, x.exp - y.exp);
  if (x.sign == y.sign)
    return round_pack<B>(x.sign, x.exp, x.sig + ys, rm, flags);
  uint64_t diff = x.sig - ys;
  if (diff == 0)
    return zero_sum<B>(x.sign, y.sign, rm);
  return round_pack<B>(x.sign, x.exp, diff, rm, flags);
}

template <typename B>
B mul(B a, B b, Rm rm, uint8_t& flags)
{
  using F = Format<B>;
  if (F::is_nan(a) || F::is_nan(b))
    return nan_result<B>(F::is_snan(a) || F::is_snan(b), flags);
  bool sign = F::sign(a) != F::sign(b);
  if (F::is_inf(a) || F::is_inf(b)) {
    if (F::is_zero(a) || F::is_zero(b))
      return nan_result<B>(true, flags);
    return F::signed_inf(sign);
  }
  if (F::is_zero(a) || F::is_zero(b))
    return F::signed_zero(sign);
  Unpacked x = unpack(a), y = unpack(b);
  u128 p = static_cast<u128>(x.sig) * y.sig;  // in [2^124, 2^126)
  uint64_t hi = static_cast<uint64_t>(p >> 64) | (static_cast<uint64_t>(p) != 0);
  return round_pack<B>(sign, x.exp + y.exp + 2, hi, rm, flags);
}

template <typename B>
B div(B a, B b, Rm rm, uint8_t& flags)
{
  using F = Format<B>;
  if (F::is_nan(a) || F::is_nan(b))
    return nan_result<B>(F::is_snan(a) || F::is_snan(b), flags);
  bool sign = F::sign(a) != F::sign(b);
  if (F::is_inf(a)) {
    if (F::is_inf(b))
      return nan_result<B>(true, flags);
    return F::signed_inf(sign);
  }
  if (F::is_inf(b))
    return F::signed_zero(sign);
  if (F::is_zero(b)) {
    if (F::is_zero(a))
      return nan_result<B>(true, flags);
    flags |= flag::kDZ;
    return F::signed_inf(sign);
  }
  if (F::is_zero(a))
    return F::signed_zero(sign);
  Unpacked x = unpack(a), y = unpack(b);
  if constexpr (sizeof(B) == 4) {
    // 24-bit significands: a 64-bit quotient of 38 or 39 bits is plenty.
    uint64_t n = (x.sig >> F::kExtra) << 38, d = y.sig >> F::kExtra;
    uint64_t q = n / d;
    return round_pack<B>(sign, x.exp - y.exp + 24, q | (q * d != n), rm, flags);
  } else {
    // x.sig / y.sig is in (1/2, 2): the quotient of x.sig * 2^62 has 62 or 63 bits.
    u128 n = static_cast<u128>(x.sig) << 62;
    uint64_t q = static_cast<uint64_t>(n / y.sig);
    bool sticky = static_cast<u128>(q) * y.sig != n;
    return round_pack<B>(sign, x.exp - y.exp, q | sticky, rm, flags);
  }
}

// Upper estimates of floor(sqrt(x)) for x in [2^62, 2^64), indexed by x's top 8 bits:
// the root of the bucket's upper end, capped at 2^32 - 1 (the largest possible root).
constexpr uint64_t isqrt_estimate(uint64_t top8)
{
  u128 end = static_cast<u128>(top8 + 1) << 56;
  uint64_t r = 0;
  for (int bit = 32; bit >= 0; --bit) {
    uint64_t t = r | (uint64_t(1) << bit);
    if (static_cast<u128>(t) * t <= end)
      r = t;
  }
  return r > 0xffffffff ? 0xffffffff : r + 1;
}

struct IsqrtTable {
  uint32_t v[192];
  constexpr IsqrtTable() : v()
  {
    for (int i = 0; i < 192; ++i) v[i] = static_cast<uint32_t>(isqrt_estimate(64 + i));
  }
};
constexpr IsqrtTable kIsqrtTable;

// floor(sqrt(x)) for x in [2^62, 2^64): integer Newton steps from an upper estimate stay
// above the root (AM-GM) and reach it, or one more, after three steps from 7 good bits.
inline uint64_t isqrt_top(uint64_t x)
{
  uint64_t r = kIsqrtTable.v[(x >> 56) - 64];
  for (int i = 0; i < 3; ++i) r = (r + x / r) >> 1;
  while (static_cast<u128>(r) * r > x) --r;
  return r;
}

// floor(sqrt(n)) for 0 < n < 2^120; inexact is set when n is not a perfect square.
inline uint64_t isqrt(u128 n, bool& inexact)
{
  // An even shift brings n's top bit to bit 62 or 63.
  int e = 128 - clz128(n) - 64;
  e += e & 1;
  uint64_t r;
  if (e <= 0) {
    r = isqrt_top(static_cast<uint64_t>(n << -e)) >> (-e / 2);
  } else {
    // The root of the truncated top part, scaled, is a lower estimate good to 31 bits; one
    // Newton step from it lands on the root or just above.
    r = isqrt_top(static_cast<uint64_t>(n >> e)) << (e / 2);
    r = static_cast<uint64_t>((r + n / r) >> 1);
    while (static_cast<u128>(r) * r > n) --r;
  }
  inexact = static_cast<u128>(r) * r != n;
  return r;
}

template <typename B>
B sqrt(B a, Rm rm, uint8_t& flags)
{
  using F = Format<B>;
  if (F::is_nan(a))
    return nan_result<B>(F::is_snan(a), flags);
  if (F::is_zero(a))
    return a;  // sqrt(-0) = -0 (IEEE 754-2008 5.4.1)
  if (F::sign(a))
    return nan_result<B>(true, flags);
  if (F::is_inf(a))
    return a;
  // With p-bit significand m, a = m * 2^(e - p + 1). The radicand m * 2^k, k = p + 3 or
  // p + 4 to make the power of two even, has an integer root of p + 2 bits: the
  // significand, the round bit and one more, with the remainder as sticky bit.
  constexpr int kP = F::kFracBits + 1;
  Unpacked x = unpack(a);
  uint64_t m = x.sig >> F::kExtra;
  int t = x.exp - kP + 1 - (kP + 3);
  int k = kP + 3;
  if (t & 1) {
    ++k;
    --t;
  }
  bool inexact;
  uint64_t root = isqrt(static_cast<u128>(m) << k, inexact);
  return round_pack<B>(false, 62 + t / 2, root | inexact, rm, flags);
}

template <typename B>
B muladd(B a, B b, B c, bool negate_product, bool negate_addend, Rm rm, uint8_t& flags)
{
  using F = Format<B>;
  bool inf_times_zero = (F::is_inf(a) && F::is_zero(b)) || (F::is_zero(a) && F::is_inf(b));
  if (F::is_nan(a) || F::is_nan(b) || F::is_nan(c)) {
    // 11.6: 0 * inf is invalid even when the addend is a quiet NaN.
    return nan_result<B>(F::is_snan(a) || F::is_snan(b) || F::is_snan(c) || inf_times_zero, flags);
  }
  if (inf_times_zero)
    return nan_result<B>(true, flags);
  bool sp = (F::sign(a) != F::sign(b)) != negate_product;
  bool sc = F::sign(c) != negate_addend;
  if (F::is_inf(a) || F::is_inf(b)) {
    if (F::is_inf(c) && sc != sp)
      return nan_result<B>(true, flags);
    return F::signed_inf(sp);
  }
  if (F::is_inf(c))
    return F::signed_inf(sc);
  if (F::is_zero(a) || F::is_zero(b)) {
    if (F::is_zero(c))
      return zero_sum<B>(sp, sc, rm);
    return (c & ~F::kSign) | (sc ? F::kSign : 0);
  }
  Unpacked x = unpack(a), y = unpack(b);
  u128 p = static_cast<u128>(x.sig) * y.sig;  // value p * 2^(ep - 124), p < 2^126
  int ep = x.exp + y.exp;
  if (F::is_zero(c)) {
    uint64_t hi = static_cast<uint64_t>(p >> 64) | (static_cast<uint64_t>(p) != 0);
    return round_pack<B>(sp, ep + 2, hi, rm, flags);
  }
  Unpacked z = unpack(c);
  u128 q = static_cast<u128>(z.sig) << 62;  // value q * 2^(z.exp - 124)
  int e = ep;
  if (ep >= z.exp) {
    q = shift_right_jam(q, ep - z.exp);
  } else {
    p = shift_right_jam(p, z.exp - ep);
    e = z.exp;
  }
  u128 sum;
  bool sign;
  if (sp == sc) {
    sum = p + q;
    sign = sp;
  } else if (p >= q) {
    sum = p - q;
    sign = sp;
  } else {
    sum = q - p;
    sign = sc;
  }
  if (sum == 0)
    return zero_sum<B>(sp, sc, rm);
  // Leading one to bit 126, then the high half with the low half as sticky bit.
  int lz = clz128(sum);
  sum <<= lz - 1;
  uint64_t hi = static_cast<uint64_t>(sum >> 64) | (static_cast<uint64_t>(sum) != 0);
  return round_pack<B>(sign, e + 3 - lz, hi, rm, flags);
}

// a < b on non-NaN values, with -0 < +0 (the order min/max use).
template <typename B>
bool total_less(B a, B b)
{
  using F = Format<B>;
  if (F::sign(a) != F::sign(b))
    return F::sign(a);
  return F::sign(a) ? a > b : a < b;
}

template <typename B>
B min_max(B a, B b, bool want_max, uint8_t& flags)
{
  using F = Format<B>;
  if (F::is_snan(a) || F::is_snan(b))
    flags |= flag::kNV;
  if (F::is_nan(a))
    return F::is_nan(b) ? F::kCanonicalNan : b;
  if (F::is_nan(b))
    return a;
  return total_less(a, b) != want_max ? a : b;
}

template <typename B>
bool eq(B a, B b, uint8_t& flags)
{
  using F = Format<B>;
  if (F::is_nan(a) || F::is_nan(b)) {
    if (F::is_snan(a) || F::is_snan(b))
      flags |= flag::kNV;
    return false;
  }
  return a == b || (F::is_zero(a) && F::is_zero(b));
}

template <typename B>
bool lt(B a, B b, uint8_t& flags)
{
  using F = Format<B>;
  if (F::is_nan(a) || F::is_nan(b)) {
    flags |= flag::kNV;
    return false;
  }
  return !(F::is_zero(a) && F::is_zero(b)) && total_less(a, b);
}

template <typename B>
bool le(B a, B b, uint8_t& flags)
{
  using F = Format<B>;
  if (F::is_nan(a) || F::is_nan(b)) {
    flags |= flag::kNV;
    return false;
  }
  return (F::is_zero(a) && F::is_zero(b)) || !total_less(b, a);
}

template <typename B>
uint32_t classify(B a)
{
  using F = Format<B>;
  bool s = F::sign(a);
  if (F::is_nan(a))
    return F::is_snan(a) ? fclass::kSignalingNan : fclass::kQuietNan;
  if (F::is_inf(a))
    return s ? fclass::kNegInf : fclass::kPosInf;
  if (F::is_zero(a))
    return s ? fclass::kNegZero : fclass::kPosZero;
  if (F::exponent(a) == 0)
    return s ? fclass::kNegSubnormal : fclass::kPosSubnormal;
  return s ? fclass::kNegNormal : fclass::kPosNormal;
}

// Format conversion; exact from binary32 to binary64.
template <typename To, typename From>
To convert(From a, Rm rm, uint8_t& flags)
{
  using F = Format<From>;
  using T = Format<To>;
  if (F::is_nan(a))
    return nan_result<To>(F::is_snan(a), flags);
  if (F::is_inf(a))
    return T::signed_inf(F::sign(a));
  if (F::is_zero(a))
    return T::signed_zero(F::sign(a));
  Unpacked x = unpack(a);
  return round_pack<To>(x.sign, x.exp, x.sig, rm, flags);
}

// Conversion to a 32- or 64-bit integer, saturating per the table of 11.7.
template <typename I, typename B>
I to_int(B a, Rm rm, uint8_t& flags)
{
  using F = Format<B>;
  using Limits = std::numeric_limits<I>;
  constexpr uint64_t kMaxPos = static_cast<uint64_t>(Limits::max());
  constexpr uint64_t kMaxNegMagnitude =
      std::is_signed_v<I> ? static_cast<uint64_t>(Limits::max()) + 1 : 0;
  if (F::is_nan(a)) {
    flags |= flag::kNV;
    return Limits::max();
  }
  bool sign = F::sign(a);
  if (F::is_zero(a))
    return 0;
  bool invalid = F::is_inf(a);
  uint64_t mag = 0;
  bool inexact = false;
  if (!invalid) {
    Unpacked x = unpack(a);  // |a| = x.sig * 2^(x.exp - 62)
    int shift = 62 - x.exp;
    if (shift < -1) {
      invalid = true;  // |a| >= 2^64
    } else if (shift <= 0) {
      mag = x.sig << -shift;
    } else {
      uint64_t rem, half;
      if (shift >= 64) {  // |a| < 1/2: a nonzero remainder below one half
        rem = 1;
        half = uint64_t(1) << 63;
      } else {
        mag = x.sig >> shift;
        rem = x.sig & ((uint64_t(1) << shift) - 1);
        half = uint64_t(1) << (shift - 1);
      }
      if (rem != 0) {
        inexact = true;
        mag += round_up(rm, sign, mag & 1, rem, half);
      }
    }
    invalid = invalid || mag > (sign ? kMaxNegMagnitude : kMaxPos);
  }
  if (invalid) {
    flags |= flag::kNV;
    return sign ? Limits::min() : Limits::max();
  }
  if (inexact)
    flags |= flag::kNX;
  return static_cast<I>(sign ? 0 - mag : mag);
}

// Conversion of a sign and an integer magnitude.
template <typename B>
B from_int(bool sign, uint64_t mag, Rm rm, uint8_t& flags)
{
  if (mag == 0)
    return 0;
  return round_pack<B>(sign, 62, mag, rm, flags);
}

// |v| of a signed integer, INT64_MIN included.
template <typename I>
uint64_t magnitude(I v)
{
  uint64_t u = static_cast<uint64_t>(static_cast<int64_t>(v));
  return v < 0 ? 0 - u : u;
}

// The host fast path where it decides (round to nearest even only, fpu_host.h), else the
// software path.
enum class ArithOp { kAdd, kMul, kDiv, kSqrt };
template <ArithOp op, typename B>
B with_host(B a, B b, Rm rm, uint8_t& flags)
{
  if (rm == Rm::kRNE && host::available()) {
    B r;
    const bool decided = op == ArithOp::kAdd   ? host::add(a, b, r, flags)
                         : op == ArithOp::kMul ? host::mul(a, b, r, flags)
                         : op == ArithOp::kDiv ? host::div(a, b, r, flags)
                                               : host::sqrt(a, r, flags);
    if (decided)
      return r;
  }
  return op == ArithOp::kAdd   ? add(a, b, rm, flags)
         : op == ArithOp::kMul ? mul(a, b, rm, flags)
         : op == ArithOp::kDiv ? div(a, b, rm, flags)
                               : sqrt(a, rm, flags);
}
template <typename B>
B muladd_with_host(B a, B b, B c, bool negate_product, bool negate_addend, Rm rm,
                   uint8_t& flags)
{
  B r;
  if (rm == Rm::kRNE && host::available() &&
      host::muladd_nx(negate_product ? a ^ Format<B>::kSign : a, b,
                      negate_addend ? c ^ Format<B>::kSign : c, r))
    return r;
  return muladd(a, b, c, negate_product, negate_addend, rm, flags);
}

}  // namespace

uint32_t f32_add(uint32_t a, uint32_t b, Rm rm, uint8_t& flags)
{
  return with_host<ArithOp::kAdd>(a, b, rm, flags);
}
uint32_t f32_sub(uint32_t a, uint32_t b, Rm rm, uint8_t& flags)
{
  return f32_add(a, b ^ Format<uint32_t>::kSign, rm, flags);
}
uint32_t f32_mul(uint32_t a, uint32_t b, Rm rm, uint8_t& flags)
{
  return with_host<ArithOp::kMul>(a, b, rm, flags);
}
uint32_t f32_div(uint32_t a, uint32_t b, Rm rm, uint8_t& flags)
{
  return with_host<ArithOp::kDiv>(a, b, rm, flags);
}
uint32_t f32_sqrt(uint32_t a, Rm rm, uint8_t& flags)
{
  return with_host<ArithOp::kSqrt>(a, decltype(a){0}, rm, flags);
}
uint32_t f32_muladd(uint32_t a, uint32_t b, uint32_t c, bool negate_product, bool negate_addend,
                    Rm rm, uint8_t& flags)
{
  return muladd(a, b, c, negate_product, negate_addend, rm, flags);
}
uint32_t f32_muladd_nx(uint32_t a, uint32_t b, uint32_t c, bool negate_product, bool negate_addend,
                       Rm rm, uint8_t& flags)
{
  return muladd_with_host(a, b, c, negate_product, negate_addend, rm, flags);
}
uint32_t f32_min(uint32_t a, uint32_t b, uint8_t& flags)
{
  return min_max(a, b, false, flags);
}
uint32_t f32_max(uint32_t a, uint32_t b, uint8_t& flags)
{
  return min_max(a, b, true, flags);
}
bool f32_eq(uint32_t a, uint32_t b, uint8_t& flags)
{
  return eq(a, b, flags);
}
bool f32_lt(uint32_t a, uint32_t b, uint8_t& flags)
{
  return lt(a, b, flags);
}
bool f32_le(uint32_t a, uint32_t b, uint8_t& flags)
{
  return le(a, b, flags);
}
uint32_t f32_classify(uint32_t a)
{
  return classify(a);
}
uint64_t f32_to_f64(uint32_t a, uint8_t& flags)
{
  return convert<uint64_t>(a, Rm::kRNE, flags);
}
int32_t f32_to_i32(uint32_t a, Rm rm, uint8_t& flags)
{
  return to_int<int32_t>(a, rm, flags);
}
uint32_t f32_to_u32(uint32_t a, Rm rm, uint8_t& flags)
{
  return to_int<uint32_t>(a, rm, flags);
}
int64_t f32_to_i64(uint32_t a, Rm rm, uint8_t& flags)
{
  return to_int<int64_t>(a, rm, flags);
}
uint64_t f32_to_u64(uint32_t a, Rm rm, uint8_t& flags)
{
  return to_int<uint64_t>(a, rm, flags);
}
uint32_t i32_to_f32(int32_t v, Rm rm, uint8_t& flags)
{
  return from_int<uint32_t>(v < 0, magnitude(v), rm, flags);
}
uint32_t u32_to_f32(uint32_t v, Rm rm, uint8_t& flags)
{
  return from_int<uint32_t>(false, v, rm, flags);
}
uint32_t i64_to_f32(int64_t v, Rm rm, uint8_t& flags)
{
  return from_int<uint32_t>(v < 0, magnitude(v), rm, flags);
}
uint32_t u64_to_f32(uint64_t v, Rm rm, uint8_t& flags)
{
  return from_int<uint32_t>(false, v, rm, flags);
}

uint64_t f64_add(uint64_t a, uint64_t b, Rm rm, uint8_t& flags)
{
  return with_host<ArithOp::kAdd>(a, b, rm, flags);
}
uint64_t f64_sub(uint64_t a, uint64_t b, Rm rm, uint8_t& flags)
{
  return f64_add(a, b ^ Format<uint64_t>::kSign, rm, flags);
}
uint64_t f64_mul(uint64_t a, uint64_t b, Rm rm, uint8_t& flags)
{
  return with_host<ArithOp::kMul>(a, b, rm, flags);
}
uint64_t f64_div(uint64_t a, uint64_t b, Rm rm, uint8_t& flags)
{
  return with_host<ArithOp::kDiv>(a, b, rm, flags);
}
uint64_t f64_sqrt(uint64_t a, Rm rm, uint8_t& flags)
{
  return with_host<ArithOp::kSqrt>(a, decltype(a){0}, rm, flags);
}
uint64_t f64_muladd(uint64_t a, uint64_t b, uint64_t c, bool negate_product, bool negate_addend,
                    Rm rm, uint8_t& flags)
{
  return muladd(a, b, c, negate_product, negate_addend, rm, flags);
}
uint64_t f64_muladd_nx(uint64_t a, uint64_t b, uint64_t c, bool negate_product, bool negate_addend,
                       Rm rm, uint8_t& flags)
{
  return muladd_with_host(a, b, c, negate_product, negate_addend, rm, flags);
}
uint64_t f64_min(uint64_t a, uint64_t b, uint8_t& flags)
{
  return min_max(a, b, false, flags);
}
uint64_t f64_max(uint64_t a, uint64_t b, uint8_t& flags)
{
  return min_max(a, b, true, flags);
}
bool f64_eq(uint64_t a, uint64_t b, uint8_t& flags)
{
  return eq(a, b, flags);
}
bool f64_lt(uint64_t a, uint64_t b, uint8_t& flags)
{
  return lt(a, b, flags);
}
bool f64_le(uint64_t a, uint64_t b, uint8_t& flags)
{
  return le(a, b, flags);
}
uint32_t f64_classify(uint64_t a)
{
  return classify(a);
}
uint32_t f64_to_f32(uint64_t a, Rm rm, uint8_t& flags)
{
  return convert<uint32_t>(a, rm, flags);
}
int32_t f64_to_i32(uint64_t a, Rm rm, uint8_t& flags)
{
  return to_int<int32_t>(a, rm, flags);
}
uint32_t f64_to_u32(uint64_t a, Rm rm, uint8_t& flags)
{
  return to_int<uint32_t>(a, rm, flags);
}
int64_t f64_to_i64(uint64_t a, Rm rm, uint8_t& flags)
{
  return to_int<int64_t>(a, rm, flags);
}
uint64_t f64_to_u64(uint64_t a, Rm rm, uint8_t& flags)
{
  return to_int<uint64_t>(a, rm, flags);
}
uint64_t i32_to_f64(int32_t v, Rm rm, uint8_t& flags)
{
  return from_int<uint64_t>(v < 0, magnitude(v), rm, flags);
}
uint64_t u32_to_f64(uint32_t v, Rm rm, uint8_t& flags)
{
  return from_int<uint64_t>(false, v, rm, flags);
}
uint64_t i64_to_f64(int64_t v, Rm rm, uint8_t& flags)
{
  return from_int<uint64_t>(v < 0, magnitude(v), rm, flags);
}
uint64_t u64_to_f64(uint64_t v, Rm rm, uint8_t& flags)
{
  return from_int<uint64_t>(false, v, rm, flags);
}

}  // namespace vmplat::cpu::fp
