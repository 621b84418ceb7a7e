// The software FPU (models/cpu/fpu.h) against the RISC-V F/D rules: hand-computed corner
// cases for every function, seeded random comparisons with the host's IEEE arithmetic (x86-64
// SSE also detects tininess after rounding) in the four modes the host has, and RMM checked
// by its own cases and by the property "RMM equals RNE except exactly at ties".
#include <catch2/catch.hpp>

#include <cfenv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "models/cpu/fpu.h"
#include "models/cpu/fpu_host.h"
#include "sw/tests/isa/fuzz_fp.h"

using namespace vmplat::cpu::fp;
namespace fp = vmplat::cpu::fp;

namespace {

constexpr uint8_t NX = flag::kNX, UF = flag::kUF, OF = flag::kOF, DZ = flag::kDZ, NV = flag::kNV;
constexpr Rm RNE = Rm::kRNE, RTZ = Rm::kRTZ, RDN = Rm::kRDN, RUP = Rm::kRUP, RMM = Rm::kRMM;
constexpr Rm kAllModes[] = {RNE, RTZ, RDN, RUP, RMM};
constexpr Rm kHostModes[] = {RNE, RTZ, RDN, RUP};

const char* rm_name(Rm rm)
{
  static const char* const kNames[] = {"rne", "rtz", "rdn", "rup", "rmm"};
  return kNames[static_cast<int>(rm)];
}

template <typename To, typename From>
To bit_cast(From v)
{
  static_assert(sizeof(To) == sizeof(From));
  To r;
  std::memcpy(&r, &v, sizeof r);
  return r;
}

std::string hex(uint64_t v)
{
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// ---------------------------------------------------------------------------------------
// Formats and operand generation.

template <typename B>
struct Fmt {
  static constexpr int kFracBits = sizeof(B) == 4 ? 23 : 52;
  static constexpr int kExpBits = 8 * sizeof(B) - 1 - kFracBits;
  static constexpr int kExpMax = (1 << kExpBits) - 1;
  static constexpr int kBias = kExpMax >> 1;
  static constexpr B kSign = B(1) << (8 * sizeof(B) - 1);
  static constexpr B kFracMask = (B(1) << kFracBits) - 1;
  static constexpr B kInf = B(kExpMax) << kFracBits;
  static constexpr B kQuiet = B(1) << (kFracBits - 1);
  static constexpr B kCanonicalNan = kInf | kQuiet;
  static constexpr B kMinNormal = B(1) << kFracBits;
  static constexpr B kMaxFinite = kInf - 1;
  static constexpr B kOne = B(kBias) << kFracBits;
  static bool is_nan(B a) { return (a & ~kSign) > kInf; }
  static B make(bool sign, int biased_exp, B frac)
  {
    return (sign ? kSign : 0) | (B(biased_exp) << kFracBits) | (frac & kFracMask);
  }
  static int exp(B a) { return static_cast<int>((a >> kFracBits) & kExpMax); }
};

using F32 = Fmt<uint32_t>;
using F64 = Fmt<uint64_t>;

struct Rng {
  uint64_t s;
  uint64_t next()
  {
    // splitmix64
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
  bool coin() { return next() & 1; }
};

// Fractions that make exact results, ties and carries likely: few significant bits, all
// ones, a lone low bit, or random.
template <typename B>
B random_fraction(Rng& rng)
{
  using F = Fmt<B>;
  B r = static_cast<B>(rng.next());
  switch (rng.below(6)) {
    case 0: return r & (F::kFracMask << (F::kFracBits - 1 - rng.below(F::kFracBits)));
    case 1: return F::kFracMask;
    case 2: return F::kFracMask ^ (r & 7);
    case 3: return r & 7;
    default: return r & F::kFracMask;
  }
}

// Values that exercise every class and every boundary, often.
template <typename B>
B interesting(Rng& rng)
{
  using F = Fmt<B>;
  bool s = rng.coin();
  switch (rng.below(12)) {
    case 0: {
      static const B kSpecial[] = {0,
                                   F::kInf,
                                   F::kCanonicalNan,
                                   F::kCanonicalNan | 0x15,         // quiet NaN with payload
                                   F::kInf | 1,                     // signaling NaN
                                   F::kInf | (F::kQuiet >> 1) | 9,  // signaling NaN, payload
                                   1,                               // smallest subnormal
                                   F::kMinNormal - 1,               // largest subnormal
                                   F::kMinNormal,
                                   F::kMaxFinite,
                                   F::kOne,
                                   F::kOne + F::kMinNormal,  // 2
                                   F::kOne - 1};             // just below 1
      return (s ? F::kSign : 0) | kSpecial[rng.below(sizeof kSpecial / sizeof kSpecial[0])];
    }
    case 1:  // subnormal
      return F::make(s, 0, random_fraction<B>(rng) | rng.below(2));
    case 2:  // around the smallest normal
      return F::make(s, 1 - rng.below(2), random_fraction<B>(rng));
    case 3:  // around the largest finite value
      return F::make(s, F::kExpMax - 1 - rng.below(2), random_fraction<B>(rng));
    case 4:  // any exponent
      return F::make(s, rng.below(F::kExpMax), random_fraction<B>(rng));
    case 5:  // raw bits
      return static_cast<B>(rng.next());
    default:  // near one
      return F::make(s, F::kBias - 8 + static_cast<int>(rng.below(17)), random_fraction<B>(rng));
  }
}

// A second operand related to the first so results land on rounding, cancellation,
// underflow and overflow boundaries.
template <typename B>
B related(Rng& rng, B a)
{
  using F = Fmt<B>;
  int ea = F::exp(a);
  bool s = rng.coin();
  switch (rng.below(8)) {
    case 0:  // a few ulps away, either sign: cancellation
      return (a ^ (s ? F::kSign : 0)) + B(rng.below(5)) - 2;
    case 1: {  // about p bits below: the sum rounds at the boundary
      int e = ea - F::kFracBits - 2 + static_cast<int>(rng.below(4));
      return e >= 0 && e < F::kExpMax ? F::make(s, e, random_fraction<B>(rng)) : a;
    }
    case 2: {  // the product lands near the smallest normal
      int e = 2 * F::kBias - ea - static_cast<int>(rng.below(F::kFracBits + 3));
      return e >= 0 && e < F::kExpMax ? F::make(s, e, random_fraction<B>(rng)) : a;
    }
    case 3: {  // the product lands near the largest finite value
      int e = 2 * F::kBias + F::kBias - ea + static_cast<int>(rng.below(3)) - F::kBias;
      return e >= 0 && e < F::kExpMax ? F::make(s, e, random_fraction<B>(rng)) : a;
    }
    case 4: {  // the quotient lands near the smallest normal or the largest value
      int e = rng.coin() ? ea + F::kBias - 1 + static_cast<int>(rng.below(F::kFracBits + 3))
                         : ea - F::kBias + static_cast<int>(rng.below(3));
      return e >= 0 && e < F::kExpMax ? F::make(s, e, random_fraction<B>(rng)) : a;
    }
    default: return interesting<B>(rng);
  }
}

// ---------------------------------------------------------------------------------------
// The host's arithmetic under <cfenv>. Operands and results go through volatile objects so
// the compiler neither folds nor moves the operation across the fenv calls.

int host_mode(Rm rm)
{
  switch (rm) {
    case RTZ: return FE_TOWARDZERO;
    case RDN: return FE_DOWNWARD;
    case RUP: return FE_UPWARD;
    default: return FE_TONEAREST;
  }
}

uint8_t host_flags()
{
  int e = std::fetestexcept(FE_ALL_EXCEPT);
  return ((e & FE_INEXACT) ? NX : 0) | ((e & FE_UNDERFLOW) ? UF : 0) |
         ((e & FE_OVERFLOW) ? OF : 0) | ((e & FE_DIVBYZERO) ? DZ : 0) | ((e & FE_INVALID) ? NV : 0);
}

// Sets the host's rounding mode for a scope.
struct HostMode {
  explicit HostMode(Rm rm) { std::fesetround(host_mode(rm)); }
  ~HostMode() { std::fesetround(FE_TONEAREST); }
};

// Runs fn in the host's current mode and returns the flags it raised.
template <typename Fn>
uint8_t host_run(Fn fn)
{
  std::feclearexcept(FE_ALL_EXCEPT);
  fn();
  return host_flags();
}

template <typename T>
T vol(T v)
{
  volatile T x = v;
  return x;
}

template <typename T>
using Host = typename std::conditional<sizeof(T) == 4, float, double>::type;

template <typename B>
B host_bits(Host<B> v)
{
  B b = bit_cast<B>(v);
  return Fmt<B>::is_nan(b) ? Fmt<B>::kCanonicalNan : b;
}

__attribute__((target("fma"))) float host_fmaf(float a, float b, float c)
{
  return __builtin_fmaf(a, b, c);
}
__attribute__((target("fma"))) double host_fma(double a, double b, double c)
{
  return __builtin_fma(a, b, c);
}

bool host_has_fma()
{
  __builtin_cpu_init();
  return __builtin_cpu_supports("fma");
}

// Counts disagreements and keeps the first few for the report.
struct Mismatches {
  std::vector<std::string> first;
  unsigned count = 0;
  unsigned cases = 0;
  // describe() names the case; it is only called for a mismatch.
  template <typename Describe>
  void check(Describe describe, uint64_t got, uint8_t got_flags, uint64_t want, uint8_t want_flags)
  {
    ++cases;
    if (got == want && got_flags == want_flags)
      return;
    if (++count <= 10)
      first.push_back(describe() + ": got " + hex(got) + " flags " + hex(got_flags) +
                      ", expected " + hex(want) + " flags " + hex(want_flags));
  }
  void require()
  {
    for (const auto& m : first) UNSCOPED_INFO(m);
    INFO(count << " mismatches in " << cases << " cases");
    CHECK(count == 0);
    CHECK(cases > 0);
  }
};

constexpr unsigned kRandomCases = 200000;  // per operation and rounding mode

// Binary arithmetic: ours against the host's.
template <typename B, typename Ours, typename Theirs>
void compare_binary(const char* name, uint64_t seed, Ours ours, Theirs theirs)
{
  Mismatches mm;
  for (Rm rm : kHostModes) {
    HostMode mode(rm);
    Rng rng{seed};
    for (unsigned i = 0; i < kRandomCases; ++i) {
      B a = interesting<B>(rng);
      B b = rng.coin() ? related<B>(rng, a) : interesting<B>(rng);
      if (rng.coin())
        std::swap(a, b);
      uint8_t f = 0;
      B got = ours(a, b, rm, f);
      Host<B> h;
      uint8_t hf =
          host_run([&] { h = vol(theirs(vol(bit_cast<Host<B>>(a)), vol(bit_cast<Host<B>>(b)))); });
      mm.check(
          [&] {
            return std::string(name) + "." + rm_name(rm) + "(" + hex(a) + ", " + hex(b) + ")";
          },
          got, f, host_bits<B>(h), hf);
    }
  }
  mm.require();
}

// Unary operations and conversions between the formats.
template <typename A, typename R, typename Ours, typename Theirs>
void compare_unary(const char* name, uint64_t seed, Ours ours, Theirs theirs)
{
  Mismatches mm;
  for (Rm rm : kHostModes) {
    HostMode mode(rm);
    Rng rng{seed};
    for (unsigned i = 0; i < kRandomCases; ++i) {
      A a = interesting<A>(rng);
      uint8_t f = 0;
      R got = ours(a, rm, f);
      Host<R> h;
      uint8_t hf = host_run([&] { h = vol(theirs(vol(bit_cast<Host<A>>(a)))); });
      mm.check([&] { return std::string(name) + "." + rm_name(rm) + "(" + hex(a) + ")"; }, got, f,
               host_bits<R>(h), hf);
    }
  }
  mm.require();
}

// The four fused forms against the host's fma on negated operands (negation is exact).
template <typename B, typename Ours, typename Theirs>
void compare_muladd(const char* name, uint64_t seed, Ours ours, Theirs theirs)
{
  using H = Host<B>;
  Mismatches mm;
  for (Rm rm : kHostModes) {
    HostMode mode(rm);
    Rng rng{seed};
    for (unsigned i = 0; i < kRandomCases; ++i) {
      B a = interesting<B>(rng);
      B b = rng.coin() ? related<B>(rng, a) : interesting<B>(rng);
      B c;
      switch (rng.below(3)) {
        case 0: {  // near the exact product, for cancellation
          uint8_t ignored = 0;
          B p = ours(a, b, 0, false, false, RTZ, ignored);
          c = (p ^ (rng.coin() ? Fmt<B>::kSign : 0)) + B(rng.below(5)) - 2;
          break;
        }
        case 1: c = related<B>(rng, a); break;
        default: c = interesting<B>(rng);
      }
      bool np = rng.coin(), na = rng.coin();
      uint8_t f = 0;
      B got = ours(a, b, c, np, na, rm, f);
      H h;
      uint8_t hf = host_run([&] {
        H x = vol(bit_cast<H>(a)), y = vol(bit_cast<H>(b)), z = vol(bit_cast<H>(c));
        h = vol(theirs(np ? -x : x, y, na ? -z : z));
      });
      // IEEE 754 leaves NV for 0 * inf + qNaN to the implementation; RISC-V raises it
      // (hand cases below), x86 does not.
      using F = Fmt<B>;
      bool inf_zero = ((a & ~F::kSign) == F::kInf && (b & ~F::kSign) == 0) ||
                      ((b & ~F::kSign) == F::kInf && (a & ~F::kSign) == 0);
      if (inf_zero && F::is_nan(c))
        hf |= NV;
      mm.check(
          [&] {
            return std::string(name) + "." + rm_name(rm) + "(" + hex(a) + ", " + hex(b) + ", " +
                   hex(c) + ", " + std::to_string(np) + std::to_string(na) + ")";
          },
          got, f, host_bits<B>(h), hf);
    }
  }
  mm.require();
}

// Integers that make conversions round: few or many significant bits, near powers of two,
// the extremes.
uint64_t interesting_int(Rng& rng)
{
  uint64_t r = rng.next();
  switch (rng.below(6)) {
    case 0: {
      static const uint64_t kEdges[] = {0,
                                        1,
                                        0x7fffffff,
                                        0x80000000,
                                        0xffffffff,
                                        0x7fffffffffffffff,
                                        0x8000000000000000,
                                        0xffffffffffffffff,
                                        0xffffffff80000000};
      return kEdges[rng.below(sizeof kEdges / sizeof kEdges[0])];
    }
    case 1: return (uint64_t(1) << rng.below(64)) + rng.below(5) - 2;
    case 2: return r >> rng.below(64);
    case 3: return (r >> rng.below(64)) << rng.below(40);
    case 4: return static_cast<uint64_t>(static_cast<int32_t>(r >> rng.below(32)));
    default: return r;
  }
}

template <typename I, typename R, typename Ours>
void compare_from_int(const char* name, uint64_t seed, Ours ours)
{
  Mismatches mm;
  for (Rm rm : kHostModes) {
    HostMode mode(rm);
    Rng rng{seed};
    for (unsigned i = 0; i < kRandomCases; ++i) {
      I v = static_cast<I>(interesting_int(rng));
      uint8_t f = 0;
      R got = ours(v, rm, f);
      Host<R> h;
      uint8_t hf = host_run([&] { h = vol(static_cast<Host<R>>(vol(v))); });
      mm.check([&] { return std::string(name) + "." + rm_name(rm) + "(" + hex(v) + ")"; }, got, f,
               host_bits<R>(h), hf);
    }
  }
  mm.require();
}

// Comparisons: results and flags (== is quiet, < and <= signal on any NaN).
template <typename B, typename Ours, typename Theirs>
void compare_predicate(const char* name, uint64_t seed, Ours ours, Theirs theirs)
{
  Mismatches mm;
  Rng rng{seed};
  for (unsigned i = 0; i < kRandomCases; ++i) {
    B a = interesting<B>(rng);
    B b = rng.below(4) == 0 ? a : rng.coin() ? related<B>(rng, a) : interesting<B>(rng);
    uint8_t f = 0;
    bool got = ours(a, b, f);
    bool h;
    uint8_t hf =
        host_run([&] { h = vol(theirs(vol(bit_cast<Host<B>>(a)), vol(bit_cast<Host<B>>(b)))); });
    mm.check([&] { return std::string(name) + "(" + hex(a) + ", " + hex(b) + ")"; }, got, f, h, hf);
  }
  mm.require();
}

// RMM, which the host lacks, by the property that it equals RNE (result and flags) except
// exactly at a tie, where it rounds away from zero and RNE to the even neighbour. A tie is
// recognized from the exact result, computed in a wider host format (double for binary32,
// x87 long double with its 64-bit significand for binary64): when the wider operation is
// inexact the exact result has more significant bits than the wider format, so it cannot
// be a tie, which needs exactly p + 1.
template <typename B>
using Wide = typename std::conditional<sizeof(B) == 4, double, long double>::type;

template <typename B>
Wide<B> wide_value(B bits)
{
  return static_cast<Wide<B>>(bit_cast<Host<B>>(bits));
}

struct RmmStats {
  Mismatches mm;
  unsigned ties = 0;
  unsigned unknown = 0;
};

// ours(rm, flags) computes the operation; exact(known) its exact value in the wider format
// (known = false when even the wider format could not hold a value that might be a tie).
template <typename B, typename Ours, typename Exact, typename Describe>
void check_rmm_case(RmmStats& st, Ours ours, Exact exact, Describe describe)
{
  using F = Fmt<B>;
  uint8_t f_rne = 0, f_rmm = 0, f_rtz = 0;
  B rne = ours(RNE, f_rne), rmm = ours(RMM, f_rmm), rtz = ours(RTZ, f_rtz);
  bool known = true;
  Wide<B> w;
  uint8_t hf = host_run([&] { w = vol(exact(known)); });
  bool inexact = (hf & NX) != 0;
  B want = rne;
  bool finite = (rtz & ~F::kSign) < F::kInf;
  if (!known) {
    ++st.unknown;
    return;
  }
  if (!inexact && finite && (f_rtz & NX)) {
    B away = rtz + 1;  // the next value away from zero (the largest finite goes to infinity)
    Wide<B> lo = wide_value<B>(rtz);
    Wide<B> mid = (away & ~F::kSign) == F::kInf ? lo + (lo - wide_value<B>(rtz - 1)) / 2
                                                : (lo + wide_value<B>(away)) / 2;
    if (w == mid) {
      ++st.ties;
      want = away;
      // RNE must pick the even one of the two: checked here as well.
      st.mm.check([&] { return describe() + " rne at a tie"; }, rne, f_rne,
                  (rtz & 1) == 0 ? rtz : away, f_rne);
    }
  }
  st.mm.check([&] { return describe() + " rmm"; }, rmm, f_rmm, want, f_rne);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Random comparisons with the host.

TEST_CASE("fpu random: f32 add/sub/mul/div match the host in RNE/RTZ/RDN/RUP")
{
  compare_binary<uint32_t>("f32_add", 1, f32_add, [](float a, float b) { return a + b; });
  compare_binary<uint32_t>("f32_sub", 2, f32_sub, [](float a, float b) { return a - b; });
  compare_binary<uint32_t>("f32_mul", 3, f32_mul, [](float a, float b) { return a * b; });
  compare_binary<uint32_t>("f32_div", 4, f32_div, [](float a, float b) { return a / b; });
}

TEST_CASE("fpu random: f64 add/sub/mul/div match the host in RNE/RTZ/RDN/RUP")
{
  compare_binary<uint64_t>("f64_add", 5, f64_add, [](double a, double b) { return a + b; });
  compare_binary<uint64_t>("f64_sub", 6, f64_sub, [](double a, double b) { return a - b; });
  compare_binary<uint64_t>("f64_mul", 7, f64_mul, [](double a, double b) { return a * b; });
  compare_binary<uint64_t>("f64_div", 8, f64_div, [](double a, double b) { return a / b; });
}

TEST_CASE("fpu random: sqrt and format conversions match the host in RNE/RTZ/RDN/RUP")
{
  compare_unary<uint32_t, uint32_t>("f32_sqrt", 9, f32_sqrt, [](float a) { return std::sqrt(a); });
  compare_unary<uint64_t, uint64_t>("f64_sqrt", 10, f64_sqrt,
                                    [](double a) { return std::sqrt(a); });
  compare_unary<uint64_t, uint32_t>("f64_to_f32", 11, f64_to_f32,
                                    [](double a) { return static_cast<float>(a); });
  compare_unary<uint32_t, uint64_t>(
      "f32_to_f64", 12, [](uint32_t a, Rm, uint8_t& f) { return f32_to_f64(a, f); },
      [](float a) { return static_cast<double>(a); });
}

TEST_CASE("fpu random: fused multiply-add matches the host's fma in RNE/RTZ/RDN/RUP")
{
  if (!host_has_fma()) {
    WARN("the host has no FMA instructions: fused multiply-add not compared");
    return;
  }
  compare_muladd<uint32_t>("f32_muladd", 13, f32_muladd, host_fmaf);
  compare_muladd<uint64_t>("f64_muladd", 14, f64_muladd, host_fma);
}

TEST_CASE("fpu random: integer to float conversions match the host in RNE/RTZ/RDN/RUP")
{
  compare_from_int<int32_t, uint32_t>("i32_to_f32", 15, i32_to_f32);
  compare_from_int<uint32_t, uint32_t>("u32_to_f32", 16, u32_to_f32);
  compare_from_int<int64_t, uint32_t>("i64_to_f32", 17, i64_to_f32);
  compare_from_int<uint64_t, uint32_t>("u64_to_f32", 18, u64_to_f32);
  compare_from_int<int32_t, uint64_t>("i32_to_f64", 19, i32_to_f64);
  compare_from_int<uint32_t, uint64_t>("u32_to_f64", 20, u32_to_f64);
  compare_from_int<int64_t, uint64_t>("i64_to_f64", 21, i64_to_f64);
  compare_from_int<uint64_t, uint64_t>("u64_to_f64", 22, u64_to_f64);
}

TEST_CASE("fpu random: comparisons match the host, quiet == and signaling < <=")
{
  compare_predicate<uint32_t>("f32_eq", 23, f32_eq, [](float a, float b) { return a == b; });
  compare_predicate<uint32_t>("f32_lt", 24, f32_lt, [](float a, float b) { return a < b; });
  compare_predicate<uint32_t>("f32_le", 25, f32_le, [](float a, float b) { return a <= b; });
  compare_predicate<uint64_t>("f64_eq", 26, f64_eq, [](double a, double b) { return a == b; });
  compare_predicate<uint64_t>("f64_lt", 27, f64_lt, [](double a, double b) { return a < b; });
  compare_predicate<uint64_t>("f64_le", 28, f64_le, [](double a, double b) { return a <= b; });
}

TEST_CASE("fpu random: RMM equals RNE except at ties, where it rounds away from zero")
{
  RmmStats st;
  Rng rng{29};
  using L = long double;
  for (unsigned i = 0; i < kRandomCases; ++i) {
    uint32_t a = interesting<uint32_t>(rng), b = related<uint32_t>(rng, a),
             c = interesting<uint32_t>(rng);
    uint64_t x = interesting<uint64_t>(rng), y = related<uint64_t>(rng, x),
             z = interesting<uint64_t>(rng);
    double da = wide_value(a), db = wide_value(b), dc = wide_value(c);
    L lx = wide_value(x), ly = wide_value(y), lz = wide_value(z);
    auto d32 = [&](const char* op) {
      return [=] { return std::string(op) + "(" + hex(a) + ", " + hex(b) + ", " + hex(c) + ")"; };
    };
    auto d64 = [&](const char* op) {
      return [=] { return std::string(op) + "(" + hex(x) + ", " + hex(y) + ", " + hex(z) + ")"; };
    };
    check_rmm_case<uint32_t>(
        st, [&](Rm rm, uint8_t& f) { return f32_add(a, b, rm, f); },
        [&](bool&) { return vol(da) + vol(db); }, d32("f32_add"));
    check_rmm_case<uint32_t>(
        st, [&](Rm rm, uint8_t& f) { return f32_mul(a, b, rm, f); },
        [&](bool&) { return vol(da) * vol(db); }, d32("f32_mul"));
    check_rmm_case<uint32_t>(
        st, [&](Rm rm, uint8_t& f) { return f32_div(a, b, rm, f); },
        [&](bool&) { return vol(da) / vol(db); }, d32("f32_div"));
    check_rmm_case<uint32_t>(
        st, [&](Rm rm, uint8_t& f) { return f32_sqrt(a, rm, f); },
        [&](bool&) { return std::sqrt(vol(da)); }, d32("f32_sqrt"));
    check_rmm_case<uint32_t>(
        st, [&](Rm rm, uint8_t& f) { return f32_muladd(a, b, c, false, true, rm, f); },
        [&](bool&) { return static_cast<double>(vol(L(da * db)) - vol(L(dc))); },
        d32("f32_muladd(msub)"));
    check_rmm_case<uint32_t>(
        st, [&](Rm rm, uint8_t& f) { return f64_to_f32(y, rm, f); },
        [&](bool&) { return static_cast<double>(vol(ly)); }, d64("f64_to_f32"));
    check_rmm_case<uint32_t>(
        st, [&](Rm rm, uint8_t& f) { return i64_to_f32(static_cast<int64_t>(x), rm, f); },
        [&](bool&) { return static_cast<double>(vol(L(static_cast<int64_t>(x)))); },
        d64("i64_to_f32"));
    check_rmm_case<uint64_t>(
        st, [&](Rm rm, uint8_t& f) { return f64_add(x, y, rm, f); },
        [&](bool&) { return vol(lx) + vol(ly); }, d64("f64_add"));
    check_rmm_case<uint64_t>(
        st, [&](Rm rm, uint8_t& f) { return f64_mul(x, y, rm, f); },
        [&](bool&) { return vol(lx) * vol(ly); }, d64("f64_mul"));
    check_rmm_case<uint64_t>(
        st, [&](Rm rm, uint8_t& f) { return f64_div(x, y, rm, f); },
        [&](bool&) { return vol(lx) / vol(ly); }, d64("f64_div"));
    check_rmm_case<uint64_t>(
        st, [&](Rm rm, uint8_t& f) { return f64_sqrt(x, rm, f); },
        [&](bool&) { return std::sqrt(vol(lx)); }, d64("f64_sqrt"));
    check_rmm_case<uint64_t>(
        st, [&](Rm rm, uint8_t& f) { return f64_muladd(x, y, z, true, false, rm, f); },
        [&](bool& known) {
          std::feclearexcept(FE_ALL_EXCEPT);
          L p = vol(vol(lx) * vol(ly));
          known = !std::fetestexcept(FE_INEXACT);  // the product alone did not fit
          return vol(lz) - p;
        },
        d64("f64_muladd(nmsub)"));
    check_rmm_case<uint64_t>(
        st, [&](Rm rm, uint8_t& f) { return u64_to_f64(x, rm, f); },
        [&](bool&) { return vol(static_cast<L>(x)); }, d64("u64_to_f64"));
  }
  st.mm.require();
  INFO(st.ties << " ties, " << st.unknown << " cases with an unknown exact value");
  CHECK(st.ties > 1000);
}

// ---------------------------------------------------------------------------------------
// Hand-computed cases. Values are bit patterns; "want" lists the result in RNE, RTZ, RDN,
// RUP, RMM order where a case runs in every mode.

namespace {

// binary32 values used below.
constexpr uint32_t kP0 = 0x00000000, kN0 = 0x80000000, kOne = 0x3f800000, kNOne = 0xbf800000,
                   kTwo = 0x40000000, kHalf = 0x3f000000, kPInf = 0x7f800000, kNInf = 0xff800000,
                   kQNaN = 0x7fc00000, kQNaNPayload = 0x7fc12345, kNegQNaN = 0xffc00001,
                   kSNaN = 0x7f800001, kSNaNPayload = 0x7fa00042, kMinSub = 0x00000001,
                   kMaxSub = 0x007fffff, kMinNorm = 0x00800000, kMax = 0x7f7fffff,
                   kNMax = 0xff7fffff;
// binary64 values used below.
constexpr uint64_t dP0 = 0, dN0 = 0x8000000000000000, dOne = 0x3ff0000000000000,
                   dNOne = 0xbff0000000000000, dTwo = 0x4000000000000000,
                   dHalf = 0x3fe0000000000000, dPInf = 0x7ff0000000000000,
                   dNInf = 0xfff0000000000000, dQNaN = 0x7ff8000000000000,
                   dQNaNPayload = 0x7ff800000000abcd, dSNaN = 0x7ff0000000000001,
                   dSNaNPayload = 0x7ff4000000000042, dMinSub = 1, dMaxSub = 0x000fffffffffffff,
                   dMinNorm = 0x0010000000000000, dMax = 0x7fefffffffffffff,
                   dNMax = 0xffefffffffffffff;

void expect(const std::string& what, uint64_t got, uint8_t got_flags, uint64_t want,
            uint8_t want_flags)
{
  INFO(what << ": got " << hex(got) << " flags " << hex(got_flags) << ", expected " << hex(want)
            << " flags " << hex(want_flags));
  CHECK(got == want);
  CHECK(got_flags == want_flags);
}

struct Binary {
  const char* what;
  uint64_t a, b;
  Rm rm;
  uint64_t want;
  uint8_t flags;
};

// The same operands in every mode: one expected result per mode, the same flags.
struct EveryMode {
  const char* what;
  uint64_t a, b;
  uint64_t want[5];  // RNE, RTZ, RDN, RUP, RMM
  uint8_t flags;
};

template <typename B>
using BinaryFn = B (*)(B, B, Rm, uint8_t&);

template <typename B>
void run(const char* fn_name, BinaryFn<B> fn, std::initializer_list<Binary> cases)
{
  for (const Binary& c : cases) {
    uint8_t f = 0;
    B got = fn(static_cast<B>(c.a), static_cast<B>(c.b), c.rm, f);
    expect(std::string(fn_name) + " " + c.what + " " + rm_name(c.rm), got, f, c.want, c.flags);
  }
}

template <typename B>
void run(const char* fn_name, BinaryFn<B> fn, std::initializer_list<EveryMode> cases)
{
  for (const EveryMode& c : cases)
    for (Rm rm : kAllModes) {
      uint8_t f = 0;
      B got = fn(static_cast<B>(c.a), static_cast<B>(c.b), rm, f);
      expect(std::string(fn_name) + " " + c.what + " " + rm_name(rm), got, f,
             c.want[static_cast<int>(rm)], c.flags);
    }
}

}  // namespace

TEST_CASE("fpu hand: add and sub of special values, NaN results and signed zeros")
{
  run<uint32_t>("f32_add", f32_add,
                {{"1+1", kOne, kOne, RNE, kTwo, 0},
                 {"qNaN payload", kQNaNPayload, kOne, RNE, kQNaN, 0},
                 {"negative qNaN", kOne, kNegQNaN, RNE, kQNaN, 0},
                 {"sNaN", kSNaN, kOne, RNE, kQNaN, NV},
                 {"sNaN payload + qNaN", kQNaN, kSNaNPayload, RNE, kQNaN, NV},
                 {"inf-inf", kPInf, kNInf, RNE, kQNaN, NV},
                 {"inf+inf", kPInf, kPInf, RNE, kPInf, 0},
                 {"-inf+max", kNInf, kMax, RNE, kNInf, 0},
                 {"+0 + -0", kP0, kN0, RNE, kP0, 0},
                 {"+0 + -0", kP0, kN0, RDN, kN0, 0},
                 {"+0 + -0", kP0, kN0, RUP, kP0, 0},
                 {"-0 + -0", kN0, kN0, RNE, kN0, 0},
                 {"-0 + -0", kN0, kN0, RUP, kN0, 0},
                 {"+0 + +0", kP0, kP0, RDN, kP0, 0},
                 {"1 + -1", kOne, kNOne, RNE, kP0, 0},
                 {"1 + -1", kOne, kNOne, RTZ, kP0, 0},
                 {"1 + -1", kOne, kNOne, RUP, kP0, 0},
                 {"1 + -1", kOne, kNOne, RMM, kP0, 0},
                 {"1 + -1", kOne, kNOne, RDN, kN0, 0},
                 {"sub + -sub", 0x00000123, 0x80000123, RDN, kN0, 0},
                 {"-0 + subnormal is exact", kN0, kMinSub, RNE, kMinSub, 0},
                 {"subnormal + subnormal = normal", kMaxSub, kMinSub, RNE, kMinNorm, 0},
                 {"max + -max", kMax, kNMax, RNE, kP0, 0}});
  run<uint32_t>("f32_sub", f32_sub,
                {{"1-1", kOne, kOne, RNE, kP0, 0},
                 {"1-1", kOne, kOne, RDN, kN0, 0},
                 {"-0 - +0", kN0, kP0, RNE, kN0, 0},
                 {"+0 - +0", kP0, kP0, RDN, kN0, 0},
                 {"inf-inf", kPInf, kPInf, RNE, kQNaN, NV},
                 {"-inf - -inf", kNInf, kNInf, RTZ, kQNaN, NV},
                 {"2-1", kTwo, kOne, RNE, kOne, 0},
                 {"minnorm - maxsub", kMinNorm, kMaxSub, RNE, kMinSub, 0},
                 {"sNaN", kOne, kSNaN, RNE, kQNaN, NV}});
  run<uint64_t>("f64_add", f64_add,
                {{"1+1", dOne, dOne, RNE, dTwo, 0},
                 {"qNaN payload", dQNaNPayload, dOne, RNE, dQNaN, 0},
                 {"sNaN", dOne, dSNaN, RNE, dQNaN, NV},
                 {"sNaN payload + qNaN", dSNaNPayload, dQNaN, RNE, dQNaN, NV},
                 {"inf-inf", dNInf, dPInf, RNE, dQNaN, NV},
                 {"+0 + -0", dP0, dN0, RNE, dP0, 0},
                 {"+0 + -0", dP0, dN0, RDN, dN0, 0},
                 {"-0 + -0", dN0, dN0, RNE, dN0, 0},
                 {"1 + -1", dOne, dNOne, RMM, dP0, 0},
                 {"1 + -1", dOne, dNOne, RDN, dN0, 0},
                 {"subnormal + subnormal = normal", dMaxSub, dMinSub, RNE, dMinNorm, 0},
                 {"-inf + max", dNInf, dMax, RUP, dNInf, 0}});
  run<uint64_t>("f64_sub", f64_sub,
                {{"1-1", dOne, dOne, RDN, dN0, 0},
                 {"1-1", dOne, dOne, RUP, dP0, 0},
                 {"-0 - +0", dN0, dP0, RNE, dN0, 0},
                 {"inf-inf", dPInf, dPInf, RNE, dQNaN, NV},
                 {"minnorm - maxsub", dMinNorm, dMaxSub, RNE, dMinSub, 0}});
}

TEST_CASE("fpu hand: halfway and near-halfway sums in every rounding mode, RMM included")
{
  run<uint32_t>(
      "f32_add", f32_add,
      {{"1 + 2^-24 (tie, even below)",
        kOne,
        0x33800000,
        {kOne, kOne, kOne, 0x3f800001, 0x3f800001},
        NX},
       {"(1+2^-23) + 2^-24 (tie, even above)",
        0x3f800001,
        0x33800000,
        {0x3f800002, 0x3f800001, 0x3f800001, 0x3f800002, 0x3f800002},
        NX},
       {"-1 - 2^-24 (tie)", kNOne, 0xb3800000, {kNOne, kNOne, 0xbf800001, kNOne, 0xbf800001}, NX},
       {"-(1+2^-23) - 2^-24 (tie)",
        0xbf800001,
        0xb3800000,
        {0xbf800002, 0xbf800001, 0xbf800002, 0xbf800001, 0xbf800002},
        NX},
       {"1 + 1.5*2^-24 (above half)",
        kOne,
        0x33c00000,
        {0x3f800001, kOne, kOne, 0x3f800001, 0x3f800001},
        NX},
       {"1 + 2^-25 (below half)", kOne, 0x33000000, {kOne, kOne, kOne, 0x3f800001, kOne}, NX},
       {"1 - 2^-25 (tie across the binade boundary)",
        kOne,
        0xb3000000,
        {kOne, 0x3f7fffff, 0x3f7fffff, kOne, kOne},
        NX},
       {"1 - 1.5*2^-25 (nearer the lower neighbour)",
        kOne,
        0xb3400000,
        {0x3f7fffff, 0x3f7fffff, 0x3f7fffff, kOne, 0x3f7fffff},
        NX},
       {"2^-126 - 2^-149 exact",
        kMinNorm,
        0x80000001,
        {kMaxSub, kMaxSub, kMaxSub, kMaxSub, kMaxSub},
        0}});
  run<uint64_t>("f64_add", f64_add,
                {{"1 + 2^-53 (tie, even below)",
                  dOne,
                  0x3ca0000000000000,
                  {dOne, dOne, dOne, 0x3ff0000000000001, 0x3ff0000000000001},
                  NX},
                 {"(1+2^-52) + 2^-53 (tie, even above)",
                  0x3ff0000000000001,
                  0x3ca0000000000000,
                  {0x3ff0000000000002, 0x3ff0000000000001, 0x3ff0000000000001, 0x3ff0000000000002,
                   0x3ff0000000000002},
                  NX},
                 {"-1 - 2^-53 (tie)",
                  dNOne,
                  0xbca0000000000000,
                  {dNOne, dNOne, 0xbff0000000000001, dNOne, 0xbff0000000000001},
                  NX},
                 {"1 + 2^-54 (below half)",
                  dOne,
                  0x3c90000000000000,
                  {dOne, dOne, dOne, 0x3ff0000000000001, dOne},
                  NX},
                 {"1 + 1.5*2^-53 (above half)",
                  dOne,
                  0x3ca8000000000000,
                  {0x3ff0000000000001, dOne, dOne, 0x3ff0000000000001, 0x3ff0000000000001},
                  NX},
                 {"1 + 2^-53 + 2^-105 (a sticky bit far below the tie)",
                  0x3ff0000000000000,
                  0x3ca0000000000001,
                  {0x3ff0000000000001, dOne, dOne, 0x3ff0000000000001, 0x3ff0000000000001},
                  NX}});
}

TEST_CASE("fpu hand: overflow gives infinity or the largest finite value by mode and sign")
{
  // max + max and -max - max: OF always comes with NX.
  run<uint32_t>("f32_add", f32_add,
                {{"max+max", kMax, kMax, RNE, kPInf, OF | NX},
                 {"max+max", kMax, kMax, RTZ, kMax, OF | NX},
                 {"max+max", kMax, kMax, RDN, kMax, OF | NX},
                 {"max+max", kMax, kMax, RUP, kPInf, OF | NX},
                 {"max+max", kMax, kMax, RMM, kPInf, OF | NX},
                 {"-max-max", kNMax, kNMax, RNE, kNInf, OF | NX},
                 {"-max-max", kNMax, kNMax, RTZ, kNMax, OF | NX},
                 {"-max-max", kNMax, kNMax, RDN, kNInf, OF | NX},
                 {"-max-max", kNMax, kNMax, RUP, kNMax, OF | NX},
                 {"-max-max", kNMax, kNMax, RMM, kNInf, OF | NX},
                 // max + half an ulp: a tie; the odd max rounds up in RNE and overflows, RTZ
                 // and RDN stay at max without overflow (rounded result is not above max).
                 {"max + 2^103", kMax, 0x73000000, RNE, kPInf, OF | NX},
                 {"max + 2^103", kMax, 0x73000000, RTZ, kMax, NX},
                 {"max + 2^103", kMax, 0x73000000, RDN, kMax, NX},
                 {"max + 2^103", kMax, 0x73000000, RUP, kPInf, OF | NX},
                 {"max + 2^103", kMax, 0x73000000, RMM, kPInf, OF | NX},
                 // max + a quarter ulp rounds back to max except upwards.
                 {"max + 2^102", kMax, 0x72800000, RNE, kMax, NX},
                 {"max + 2^102", kMax, 0x72800000, RMM, kMax, NX},
                 {"max + 2^102", kMax, 0x72800000, RUP, kPInf, OF | NX},
                 {"max + 2^102", kMax, 0x72800000, RDN, kMax, NX},
                 {"max + 0 is exact", kMax, kP0, RUP, kMax, 0}});
  run<uint32_t>("f32_mul", f32_mul,
                {{"max*2", kMax, kTwo, RNE, kPInf, OF | NX},
                 {"max*-2", kMax, 0xc0000000, RUP, kNMax, OF | NX},
                 {"max*-2", kMax, 0xc0000000, RDN, kNInf, OF | NX},
                 {"max*-2", kMax, 0xc0000000, RTZ, kNMax, OF | NX},
                 {"max*-2", kMax, 0xc0000000, RMM, kNInf, OF | NX},
                 {"max*1 is exact", kMax, kOne, RUP, kMax, 0}});
  run<uint64_t>("f64_add", f64_add,
                {{"max+max", dMax, dMax, RNE, dPInf, OF | NX},
                 {"max+max", dMax, dMax, RTZ, dMax, OF | NX},
                 {"max+max", dMax, dMax, RDN, dMax, OF | NX},
                 {"max+max", dMax, dMax, RUP, dPInf, OF | NX},
                 {"max+max", dMax, dMax, RMM, dPInf, OF | NX},
                 {"-max-max", dNMax, dNMax, RDN, dNInf, OF | NX},
                 {"-max-max", dNMax, dNMax, RUP, dNMax, OF | NX},
                 {"-max-max", dNMax, dNMax, RTZ, dNMax, OF | NX},
                 {"max + 2^970 (tie)", dMax, 0x7c90000000000000, RNE, dPInf, OF | NX},
                 {"max + 2^970 (tie)", dMax, 0x7c90000000000000, RTZ, dMax, NX},
                 {"max + 2^970 (tie)", dMax, 0x7c90000000000000, RMM, dPInf, OF | NX}});
  run<uint64_t>("f64_mul", f64_mul,
                {{"max*2", dMax, dTwo, RNE, dPInf, OF | NX},
                 {"max*-2", dMax, 0xc000000000000000, RUP, dNMax, OF | NX},
                 {"max*-2", dMax, 0xc000000000000000, RMM, dNInf, OF | NX}});
}

TEST_CASE("fpu hand: underflow is tininess after rounding and inexact")
{
  run<uint32_t>("f32_mul", f32_mul,
                {// (1 - 2^-23) * 2^-126 (1 + 2^-23) = 2^-126 (1 - 2^-46): tiny before rounding, but
                 // with 24 bits and no exponent limit it rounds to 2^-126 in RNE, RUP, RMM: not
                 // tiny, so NX without UF. In RTZ and RDN it stays below: tiny, UF.
                 {"just under minnorm", 0x3f7ffffe, 0x00800001, RNE, kMinNorm, NX},
                 {"just under minnorm", 0x3f7ffffe, 0x00800001, RUP, kMinNorm, NX},
                 {"just under minnorm", 0x3f7ffffe, 0x00800001, RMM, kMinNorm, NX},
                 {"just under minnorm", 0x3f7ffffe, 0x00800001, RTZ, kMaxSub, UF | NX},
                 {"just under minnorm", 0x3f7ffffe, 0x00800001, RDN, kMaxSub, UF | NX},
                 {"-just under minnorm", 0xbf7ffffe, 0x00800001, RDN, 0x80800000, NX},
                 {"-just under minnorm", 0xbf7ffffe, 0x00800001, RUP, 0x807fffff, UF | NX},
                 // (1 - 2^-24) * 2^-126 = 2^-126 - 2^-150: exact with 24 bits, so tiny; as a
                 // subnormal it is a tie that RNE resolves up to the smallest normal: UF and NX.
                 {"minnorm - 2^-150", 0x3f7fffff, kMinNorm, RNE, kMinNorm, UF | NX},
                 {"minnorm - 2^-150", 0x3f7fffff, kMinNorm, RMM, kMinNorm, UF | NX},
                 {"minnorm - 2^-150", 0x3f7fffff, kMinNorm, RUP, kMinNorm, UF | NX},
                 {"minnorm - 2^-150", 0x3f7fffff, kMinNorm, RTZ, kMaxSub, UF | NX},
                 {"minnorm - 2^-150", 0x3f7fffff, kMinNorm, RDN, kMaxSub, UF | NX},
                 // Exact subnormal results raise nothing.
                 {"minsub*1", kMinSub, kOne, RNE, kMinSub, 0},
                 {"2^-148 * 0.5", 0x00000002, kHalf, RNE, kMinSub, 0},
                 {"minnorm*0.5", kMinNorm, kHalf, RNE, 0x00400000, 0},
                 // 3 * 2^-149 * 0.5: a tie between two subnormals.
                 {"1.5 minsub", 0x00000003, kHalf, RNE, 0x00000002, UF | NX},
                 {"1.5 minsub", 0x00000003, kHalf, RTZ, 0x00000001, UF | NX},
                 {"1.5 minsub", 0x00000003, kHalf, RDN, 0x00000001, UF | NX},
                 {"1.5 minsub", 0x00000003, kHalf, RUP, 0x00000002, UF | NX},
                 {"1.5 minsub", 0x00000003, kHalf, RMM, 0x00000002, UF | NX},
                 // 2^-150: a tie between 0 and the smallest subnormal.
                 {"minsub/2", kMinSub, kHalf, RNE, kP0, UF | NX},
                 {"minsub/2", kMinSub, kHalf, RTZ, kP0, UF | NX},
                 {"minsub/2", kMinSub, kHalf, RUP, kMinSub, UF | NX},
                 {"minsub/2", kMinSub, kHalf, RMM, kMinSub, UF | NX},
                 {"-minsub/2", kMinSub, 0xbf000000, RNE, kN0, UF | NX},
                 {"-minsub/2", kMinSub, 0xbf000000, RDN, 0x80000001, UF | NX},
                 {"-minsub/2", kMinSub, 0xbf000000, RUP, kN0, UF | NX},
                 {"-minsub/2", kMinSub, 0xbf000000, RMM, 0x80000001, UF | NX},
                 {"minsub*minsub", kMinSub, kMinSub, RNE, kP0, UF | NX},
                 {"minsub*minsub", kMinSub, kMinSub, RUP, kMinSub, UF | NX},
                 {"-minsub*minsub", 0x80000001, kMinSub, RDN, 0x80000001, UF | NX}});
  run<uint32_t>("f32_div", f32_div,
                {{"minnorm/2 exact", kMinNorm, kTwo, RNE, 0x00400000, 0},
                 {"minsub/3", kMinSub, 0x40400000, RNE, kP0, UF | NX},
                 {"minsub/3", kMinSub, 0x40400000, RUP, kMinSub, UF | NX},
                 // 2^-126 / (1 + 2^-23) = 2^-126 - 2^-149 + 2^-172 - ...: tiny in any mode
                 {"minnorm/(1+2^-23)", kMinNorm, 0x3f800001, RNE, kMaxSub, UF | NX},
                 {"minnorm/(1+2^-23)", kMinNorm, 0x3f800001, RUP, kMinNorm, UF | NX},
                 {"minnorm/(1+2^-23)", kMinNorm, 0x3f800001, RTZ, kMaxSub, UF | NX}});
  run<uint64_t>(
      "f64_mul", f64_mul,
      {{"just under minnorm", 0x3feffffffffffffe, 0x0010000000000001, RNE, dMinNorm, NX},
       {"just under minnorm", 0x3feffffffffffffe, 0x0010000000000001, RMM, dMinNorm, NX},
       {"just under minnorm", 0x3feffffffffffffe, 0x0010000000000001, RTZ, dMaxSub, UF | NX},
       {"minnorm - 2^-1075", 0x3fefffffffffffff, dMinNorm, RNE, dMinNorm, UF | NX},
       {"minnorm - 2^-1075", 0x3fefffffffffffff, dMinNorm, RDN, dMaxSub, UF | NX},
       {"minsub*1", dMinSub, dOne, RNE, dMinSub, 0},
       {"minsub/2", dMinSub, dHalf, RNE, dP0, UF | NX},
       {"minsub/2", dMinSub, dHalf, RMM, dMinSub, UF | NX},
       {"minsub/2", dMinSub, dHalf, RUP, dMinSub, UF | NX},
       {"-minsub/2", dMinSub, 0xbfe0000000000000, RDN, 0x8000000000000001, UF | NX},
       {"1.5 minsub", 3, dHalf, RNE, 2, UF | NX},
       {"1.5 minsub", 3, dHalf, RTZ, 1, UF | NX}});
}

TEST_CASE("fpu hand: multiply and divide special values, divide by zero")
{
  run<uint32_t>("f32_mul", f32_mul,
                {{"0*inf", kP0, kPInf, RNE, kQNaN, NV},
                 {"-inf*0", kNInf, kP0, RNE, kQNaN, NV},
                 {"inf*-1", kPInf, kNOne, RNE, kNInf, 0},
                 {"-0*1", kN0, kOne, RNE, kN0, 0},
                 {"-0*-0", kN0, kN0, RNE, kP0, 0},
                 {"qNaN*0", kQNaNPayload, kP0, RNE, kQNaN, 0},
                 {"sNaN*inf", kSNaN, kPInf, RNE, kQNaN, NV},
                 {"1.5*1.5", 0x3fc00000, 0x3fc00000, RNE, 0x40100000, 0},
                 // (1+2^-23)^2 = 1 + 2^-22 + 2^-46
                 {"(1+u)^2", 0x3f800001, 0x3f800001, RNE, 0x3f800002, NX},
                 {"(1+u)^2", 0x3f800001, 0x3f800001, RUP, 0x3f800003, NX},
                 {"subnormal*2^23 normalizes", 0x00000003, 0x4b000000, RNE, 0x01400000, 0}});
  run<uint32_t>("f32_div", f32_div,
                {{"1/0", kOne, kP0, RNE, kPInf, DZ},
                 {"-1/0", kNOne, kP0, RNE, kNInf, DZ},
                 {"1/-0", kOne, kN0, RNE, kNInf, DZ},
                 {"minsub/0", kMinSub, kP0, RNE, kPInf, DZ},
                 {"0/0", kP0, kP0, RNE, kQNaN, NV},
                 {"inf/inf", kPInf, kNInf, RNE, kQNaN, NV},
                 {"inf/0 (no DZ)", kPInf, kN0, RNE, kNInf, 0},
                 {"qNaN/0 (no DZ)", kQNaN, kP0, RNE, kQNaN, 0},
                 {"sNaN/0", kSNaN, kP0, RNE, kQNaN, NV},
                 {"0/inf", kP0, kNInf, RNE, kN0, 0},
                 {"1/inf", kOne, kPInf, RNE, kP0, 0},
                 {"1/3", kOne, 0x40400000, RNE, 0x3eaaaaab, NX},
                 {"1/3", kOne, 0x40400000, RTZ, 0x3eaaaaaa, NX},
                 {"1/3", kOne, 0x40400000, RDN, 0x3eaaaaaa, NX},
                 {"1/3", kOne, 0x40400000, RUP, 0x3eaaaaab, NX},
                 {"1/3", kOne, 0x40400000, RMM, 0x3eaaaaab, NX},
                 {"-2/3", 0xc0000000, 0x40400000, RDN, 0xbf2aaaab, NX},
                 {"-2/3", 0xc0000000, 0x40400000, RNE, 0xbf2aaaab, NX},
                 {"6/3", 0x40c00000, 0x40400000, RNE, kTwo, 0},
                 {"max/minsub", kMax, kMinSub, RNE, kPInf, OF | NX},
                 {"max/minsub", kMax, kMinSub, RTZ, kMax, OF | NX},
                 {"subnormal/subnormal", 0x00000006, 0x00000003, RNE, kTwo, 0}});
  run<uint64_t>("f64_mul", f64_mul,
                {{"0*inf", dN0, dPInf, RNE, dQNaN, NV},
                 {"inf*-1", dPInf, dNOne, RNE, dNInf, 0},
                 {"qNaN*1", dQNaNPayload, dOne, RNE, dQNaN, 0},
                 {"sNaN*1", dSNaNPayload, dOne, RNE, dQNaN, NV},
                 // (1+2^-52)^2 = 1 + 2^-51 + 2^-104
                 {"(1+u)^2", 0x3ff0000000000001, 0x3ff0000000000001, RNE, 0x3ff0000000000002, NX},
                 {"(1+u)^2", 0x3ff0000000000001, 0x3ff0000000000001, RUP, 0x3ff0000000000003, NX}});
  run<uint64_t>("f64_div", f64_div,
                {{"1/0", dOne, dP0, RNE, dPInf, DZ},
                 {"-1/0", dNOne, dP0, RNE, dNInf, DZ},
                 {"0/0", dN0, dP0, RNE, dQNaN, NV},
                 {"inf/inf", dPInf, dPInf, RNE, dQNaN, NV},
                 {"inf/-0", dPInf, dN0, RNE, dNInf, 0},
                 {"1/3", dOne, 0x4008000000000000, RNE, 0x3fd5555555555555, NX},
                 {"1/3", dOne, 0x4008000000000000, RUP, 0x3fd5555555555556, NX},
                 {"1/3", dOne, 0x4008000000000000, RMM, 0x3fd5555555555555, NX},
                 {"2/3", dTwo, 0x4008000000000000, RNE, 0x3fe5555555555555, NX},
                 {"2/3", dTwo, 0x4008000000000000, RMM, 0x3fe5555555555555, NX},
                 {"2/3", dTwo, 0x4008000000000000, RUP, 0x3fe5555555555556, NX},
                 {"6/3", 0x4018000000000000, 0x4008000000000000, RNE, dTwo, 0},
                 {"max/minsub", dMax, dMinSub, RDN, dMax, OF | NX}});
}

namespace {

struct Unary {
  const char* what;
  uint64_t a;
  Rm rm;
  uint64_t want;
  uint8_t flags;
};

// fn(a, rm, flags) for any result type, compared as its bit pattern (integers zero-extended
// from their own width).
template <typename A, typename Fn>
void run_unary(const char* fn_name, Fn fn, std::initializer_list<Unary> cases)
{
  for (const Unary& c : cases) {
    uint8_t f = 0;
    auto got = fn(static_cast<A>(c.a), c.rm, f);
    using R = std::make_unsigned_t<decltype(got)>;
    expect(std::string(fn_name) + " " + c.what + " " + rm_name(c.rm), static_cast<R>(got), f,
           c.want, c.flags);
  }
}

struct Fused {
  const char* what;
  uint64_t a, b, c;
  bool negate_product, negate_addend;
  Rm rm;
  uint64_t want;
  uint8_t flags;
};

template <typename B>
void run_fused(const char* fn_name, B (*fn)(B, B, B, bool, bool, Rm, uint8_t&),
               std::initializer_list<Fused> cases)
{
  static const char* const kForms[2][2] = {{"fmadd", "fmsub"}, {"fnmsub", "fnmadd"}};
  for (const Fused& c : cases) {
    uint8_t f = 0;
    B got = fn(static_cast<B>(c.a), static_cast<B>(c.b), static_cast<B>(c.c), c.negate_product,
               c.negate_addend, c.rm, f);
    expect(std::string(fn_name) + " " + kForms[c.negate_product][c.negate_addend] + " " + c.what +
               " " + rm_name(c.rm),
           got, f, c.want, c.flags);
  }
}

struct NoRound {
  const char* what;
  uint64_t a, b;
  uint64_t want;
  uint8_t flags;
};

template <typename B, typename R>
void run_no_round(const char* fn_name, R (*fn)(B, B, uint8_t&),
                  std::initializer_list<NoRound> cases)
{
  for (const NoRound& c : cases) {
    uint8_t f = 0;
    R got = fn(static_cast<B>(c.a), static_cast<B>(c.b), f);
    expect(std::string(fn_name) + " " + c.what, got, f, c.want, c.flags);
  }
}

constexpr bool F = false, T = true;

}  // namespace

TEST_CASE("fpu hand: square root")
{
  run_unary<uint32_t>("f32_sqrt", f32_sqrt,
                      {{"4", 0x40800000, RNE, kTwo, 0},
                       {"2", kTwo, RNE, 0x3fb504f3, NX},
                       {"2", kTwo, RTZ, 0x3fb504f3, NX},
                       {"2", kTwo, RDN, 0x3fb504f3, NX},
                       {"2", kTwo, RUP, 0x3fb504f4, NX},
                       {"2", kTwo, RMM, 0x3fb504f3, NX},
                       {"+0", kP0, RNE, kP0, 0},
                       {"-0", kN0, RNE, kN0, 0},
                       {"-1", kNOne, RNE, kQNaN, NV},
                       {"-minsub", 0x80000001, RNE, kQNaN, NV},
                       {"-inf", kNInf, RNE, kQNaN, NV},
                       {"inf", kPInf, RNE, kPInf, 0},
                       {"qNaN", kQNaNPayload, RNE, kQNaN, 0},
                       {"-qNaN", kNegQNaN, RNE, kQNaN, 0},
                       {"sNaN", kSNaN, RNE, kQNaN, NV},
                       {"2^-148 (subnormal, exact)", 0x00000002, RNE, 0x1a800000, 0},
                       {"2^-149", kMinSub, RNE, 0x1a3504f3, NX},
                       // sqrt(max) = 2^64 (1 - 2^-25 - 2^-51 - ...): just under the tie.
                       {"max", kMax, RNE, 0x5f7fffff, NX},
                       {"max", kMax, RMM, 0x5f7fffff, NX},
                       {"max", kMax, RUP, 0x5f800000, NX}});
  run_unary<uint64_t>("f64_sqrt", f64_sqrt,
                      {{"4", 0x4010000000000000, RNE, dTwo, 0},
                       {"2", dTwo, RNE, 0x3ff6a09e667f3bcd, NX},
                       {"2", dTwo, RTZ, 0x3ff6a09e667f3bcc, NX},
                       {"2", dTwo, RDN, 0x3ff6a09e667f3bcc, NX},
                       {"2", dTwo, RUP, 0x3ff6a09e667f3bcd, NX},
                       {"2", dTwo, RMM, 0x3ff6a09e667f3bcd, NX},
                       {"-0", dN0, RNE, dN0, 0},
                       {"-1", dNOne, RNE, dQNaN, NV},
                       {"-inf", dNInf, RNE, dQNaN, NV},
                       {"inf", dPInf, RNE, dPInf, 0},
                       {"qNaN", dQNaNPayload, RNE, dQNaN, 0},
                       {"sNaN", dSNaNPayload, RNE, dQNaN, NV},
                       {"2^-1074 (exact)", dMinSub, RNE, 0x1e60000000000000, 0},
                       {"2^-1072 (exact)", 4, RNE, 0x1e70000000000000, 0}});
}

TEST_CASE("fpu hand: fused multiply-add rounds once, and 0 * inf is invalid even with a qNaN")
{
  run_fused<uint32_t>(
      "f32_muladd", f32_muladd,
      {// (1+2^-23)^2 - (1+2^-22) = 2^-46 exactly; unfused it would be 0.
       {"error term", 0x3f800001, 0x3f800001, 0x3f800002, F, T, RNE, 0x28800000, 0},
       // (1+2^-23)^2 + (2^-24 - 2^-46) = 1 + 2^-22 + 2^-24: a tie. Rounding the product first
       // would give 1 + 2^-22 + 2^-23 in RUP, and then 1 + 2^-21 after the addition.
       {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, F, F, RNE, 0x3f800002, NX},
       {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, F, F, RTZ, 0x3f800002, NX},
       {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, F, F, RDN, 0x3f800002, NX},
       {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, F, F, RUP, 0x3f800003, NX},
       {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, F, F, RMM, 0x3f800003, NX},
       {"-tie", 0x3f800001, 0x3f800001, 0x337ffffc, T, T, RMM, 0xbf800003, NX},
       {"-tie", 0x3f800001, 0x3f800001, 0x337ffffc, T, T, RDN, 0xbf800003, NX},
       {"-tie", 0x3f800001, 0x3f800001, 0x337ffffc, T, T, RUP, 0xbf800002, NX},
       // 2 * max overflows alone, but 2 * max - max is max exactly.
       {"no intermediate overflow", kTwo, kMax, kMax, F, T, RNE, kMax, 0},
       {"1*1+1", kOne, kOne, kOne, F, F, RNE, kTwo, 0},
       {"1*1-1", kOne, kOne, kOne, F, T, RNE, kP0, 0},
       {"1*1-1", kOne, kOne, kOne, F, T, RDN, kN0, 0},
       {"-(1*1)+1", kOne, kOne, kOne, T, F, RNE, kP0, 0},
       {"-(1*1)+1", kOne, kOne, kOne, T, F, RDN, kN0, 0},
       {"-(1*1)-1", kOne, kOne, kOne, T, T, RNE, 0xc0000000, 0},
       {"+0*1 + -0", kP0, kOne, kN0, F, F, RNE, kP0, 0},
       {"+0*1 + -0", kP0, kOne, kN0, F, F, RDN, kN0, 0},
       {"-0*1 + -0", kN0, kOne, kN0, F, F, RNE, kN0, 0},
       {"-(+0*1) - +0", kP0, kOne, kP0, T, T, RNE, kN0, 0},
       {"-(+0*1) + -0", kP0, kOne, kN0, T, F, RUP, kN0, 0},
       {"0*1 + minsub", kP0, kOne, kMinSub, F, F, RNE, kMinSub, 0},
       {"0*1 - minsub", kP0, kOne, kMinSub, F, T, RNE, 0x80000001, 0},
       {"minsub*0.5 + 0", kMinSub, kHalf, kP0, F, F, RNE, kP0, UF | NX},
       {"minsub*0.5 - 0", kMinSub, kHalf, kP0, F, T, RNE, kP0, UF | NX},
       {"minsub*0.5 + 0", kMinSub, kHalf, kP0, F, F, RUP, kMinSub, UF | NX},
       {"minnorm*0.5 + 0", kMinNorm, kHalf, kP0, F, F, RNE, 0x00400000, 0},
       {"0*inf + qNaN", kP0, kPInf, kQNaN, F, F, RNE, kQNaN, NV},
       {"inf*-0 + qNaN payload", kPInf, kN0, kQNaNPayload, F, T, RNE, kQNaN, NV},
       {"0*inf + 1", kP0, kNInf, kOne, T, F, RNE, kQNaN, NV},
       {"inf*1 - inf", kPInf, kOne, kPInf, F, T, RNE, kQNaN, NV},
       {"inf*1 + -inf", kPInf, kOne, kNInf, F, F, RNE, kQNaN, NV},
       {"-(inf*1) - -inf", kPInf, kOne, kNInf, T, T, RNE, kQNaN, NV},
       {"-(inf*1) - inf", kPInf, kOne, kPInf, T, T, RNE, kNInf, 0},
       {"1*1 + inf", kOne, kOne, kPInf, F, F, RNE, kPInf, 0},
       {"max*2 - inf", kMax, kTwo, kPInf, F, T, RNE, kNInf, 0},
       {"qNaN*1 + 1", kQNaNPayload, kOne, kOne, F, F, RNE, kQNaN, 0},
       {"1*qNaN + inf", kOne, kNegQNaN, kPInf, F, F, RNE, kQNaN, 0},
       {"1*1 + sNaN", kOne, kOne, kSNaN, F, F, RNE, kQNaN, NV},
       {"sNaN*0 + qNaN", kSNaNPayload, kP0, kQNaN, F, F, RNE, kQNaN, NV},
       {"max*max overflows", kMax, kMax, kNMax, F, F, RTZ, kMax, OF | NX},
       {"max*max overflows", kMax, kMax, kNMax, F, F, RNE, kPInf, OF | NX}});
  run_fused<uint64_t>("f64_muladd", f64_muladd,
                      {{"error term", 0x3ff0000000000001, 0x3ff0000000000001, 0x3ff0000000000002, F,
                        T, RNE, 0x3970000000000000, 0},
                       // (1+2^-52)^2 + (2^-53 - 2^-104) = 1 + 2^-51 + 2^-53: a tie.
                       {"tie", 0x3ff0000000000001, 0x3ff0000000000001, 0x3c9ffffffffffffc, F, F,
                        RNE, 0x3ff0000000000002, NX},
                       {"tie", 0x3ff0000000000001, 0x3ff0000000000001, 0x3c9ffffffffffffc, F, F,
                        RUP, 0x3ff0000000000003, NX},
                       {"tie", 0x3ff0000000000001, 0x3ff0000000000001, 0x3c9ffffffffffffc, F, F,
                        RMM, 0x3ff0000000000003, NX},
                       {"tie", 0x3ff0000000000001, 0x3ff0000000000001, 0x3c9ffffffffffffc, F, F,
                        RTZ, 0x3ff0000000000002, NX},
                       {"no intermediate overflow", dTwo, dMax, dMax, F, T, RNE, dMax, 0},
                       {"-(1*1)-1", dOne, dOne, dOne, T, T, RNE, 0xc000000000000000, 0},
                       {"1*1-1", dOne, dOne, dOne, F, T, RDN, dN0, 0},
                       {"-(1*1)+1", dOne, dOne, dOne, T, F, RNE, dP0, 0},
                       {"-(+0*1) - +0", dP0, dOne, dP0, T, T, RNE, dN0, 0},
                       {"0*inf + qNaN", dP0, dPInf, dQNaN, F, F, RNE, dQNaN, NV},
                       {"inf*0 + qNaN payload", dNInf, dP0, dQNaNPayload, T, T, RNE, dQNaN, NV},
                       {"inf*1 - inf", dPInf, dOne, dPInf, F, T, RNE, dQNaN, NV},
                       {"qNaN*1 + 1", dQNaNPayload, dOne, dOne, F, F, RNE, dQNaN, 0},
                       {"1*1 + sNaN", dOne, dOne, dSNaN, F, F, RNE, dQNaN, NV},
                       {"minsub*0.5 + 0", dMinSub, dHalf, dP0, F, F, RMM, dMinSub, UF | NX}});
}

TEST_CASE("fpu hand: min and max (-0 < +0, one NaN gives the other operand)")
{
  for (auto [name, fn, lo] :
       {std::tuple<const char*, uint32_t (*)(uint32_t, uint32_t, uint8_t&), bool>{"f32_min",
                                                                                  f32_min, true},
        {"f32_max", f32_max, false}}) {
    auto pick = [lo = lo](uint32_t small, uint32_t large) { return lo ? small : large; };
    run_no_round<uint32_t, uint32_t>(
        name, fn,
        {{"-0,+0", kN0, kP0, pick(kN0, kP0), 0},
         {"+0,-0", kP0, kN0, pick(kN0, kP0), 0},
         {"1,2", kOne, kTwo, pick(kOne, kTwo), 0},
         {"-1,-2", kNOne, 0xc0000000, pick(0xc0000000, kNOne), 0},
         {"-inf,max", kNInf, kMax, pick(kNInf, kMax), 0},
         {"minsub,-minsub", kMinSub, 0x80000001, pick(0x80000001, kMinSub), 0},
         {"1,1", kOne, kOne, kOne, 0},
         {"qNaN,1", kQNaNPayload, kOne, kOne, 0},
         {"1,qNaN", kOne, kNegQNaN, kOne, 0},
         {"qNaN,-0", kQNaN, kN0, kN0, 0},
         {"sNaN,1", kSNaN, kOne, kOne, NV},
         {"1,sNaN", kOne, kSNaNPayload, kOne, NV},
         {"qNaN,qNaN", kQNaNPayload, kNegQNaN, kQNaN, 0},
         {"sNaN,qNaN", kSNaN, kQNaNPayload, kQNaN, NV}});
  }
  for (auto [name, fn, lo] :
       {std::tuple<const char*, uint64_t (*)(uint64_t, uint64_t, uint8_t&), bool>{"f64_min",
                                                                                  f64_min, true},
        {"f64_max", f64_max, false}}) {
    auto pick = [lo = lo](uint64_t small, uint64_t large) { return lo ? small : large; };
    run_no_round<uint64_t, uint64_t>(
        name, fn,
        {{"-0,+0", dN0, dP0, pick(dN0, dP0), 0},
         {"+0,-0", dP0, dN0, pick(dN0, dP0), 0},
         {"1,2", dOne, dTwo, pick(dOne, dTwo), 0},
         {"-1,-2", dNOne, 0xc000000000000000, pick(0xc000000000000000, dNOne), 0},
         {"-minsub,minsub", 0x8000000000000001, dMinSub, pick(0x8000000000000001, dMinSub), 0},
         {"qNaN,1", dQNaNPayload, dOne, dOne, 0},
         {"sNaN,-inf", dSNaN, dNInf, dNInf, NV},
         {"qNaN,qNaN", dQNaNPayload, dQNaN, dQNaN, 0},
         {"qNaN,sNaN", dQNaN, dSNaNPayload, dQNaN, NV}});
  }
}

TEST_CASE("fpu hand: comparisons, quiet equality and signaling order")
{
  run_no_round<uint32_t, bool>("f32_eq", f32_eq,
                               {{"+0,-0", kP0, kN0, 1, 0},
                                {"1,1", kOne, kOne, 1, 0},
                                {"1,1+u", kOne, 0x3f800001, 0, 0},
                                {"inf,inf", kPInf, kPInf, 1, 0},
                                {"qNaN,qNaN", kQNaN, kQNaN, 0, 0},
                                {"qNaN,1", kQNaNPayload, kOne, 0, 0},
                                {"sNaN,1", kSNaN, kOne, 0, NV},
                                {"1,sNaN", kOne, kSNaNPayload, 0, NV}});
  run_no_round<uint32_t, bool>("f32_lt", f32_lt,
                               {{"-0,+0", kN0, kP0, 0, 0},
                                {"1,2", kOne, kTwo, 1, 0},
                                {"2,1", kTwo, kOne, 0, 0},
                                {"-2,-1", 0xc0000000, kNOne, 1, 0},
                                {"-1,-1", kNOne, kNOne, 0, 0},
                                {"-inf,-max", kNInf, kNMax, 1, 0},
                                {"max,inf", kMax, kPInf, 1, 0},
                                {"-minsub,+0", 0x80000001, kP0, 1, 0},
                                {"minsub,minnorm", kMinSub, kMinNorm, 1, 0},
                                {"qNaN,1", kQNaN, kOne, 0, NV},
                                {"1,qNaN", kOne, kNegQNaN, 0, NV},
                                {"sNaN,1", kSNaN, kOne, 0, NV}});
  run_no_round<uint32_t, bool>("f32_le", f32_le,
                               {{"-0,+0", kN0, kP0, 1, 0},
                                {"+0,-0", kP0, kN0, 1, 0},
                                {"-1,-1", kNOne, kNOne, 1, 0},
                                {"2,1", kTwo, kOne, 0, 0},
                                {"-1,-2", kNOne, 0xc0000000, 0, 0},
                                {"1,qNaN", kOne, kQNaN, 0, NV},
                                {"qNaN,qNaN", kQNaN, kQNaN, 0, NV}});
  run_no_round<uint64_t, bool>("f64_eq", f64_eq,
                               {{"+0,-0", dP0, dN0, 1, 0},
                                {"1,1", dOne, dOne, 1, 0},
                                {"qNaN,qNaN", dQNaN, dQNaN, 0, 0},
                                {"sNaN,sNaN", dSNaN, dSNaN, 0, NV}});
  run_no_round<uint64_t, bool>("f64_lt", f64_lt,
                               {{"-0,+0", dN0, dP0, 0, 0},
                                {"-2,-1", 0xc000000000000000, dNOne, 1, 0},
                                {"-minsub,+0", 0x8000000000000001, dP0, 1, 0},
                                {"qNaN,1", dQNaNPayload, dOne, 0, NV}});
  run_no_round<uint64_t, bool>("f64_le", f64_le,
                               {{"-0,+0", dN0, dP0, 1, 0},
                                {"1,1", dOne, dOne, 1, 0},
                                {"2,1", dTwo, dOne, 0, 0},
                                {"1,qNaN", dOne, dQNaN, 0, NV}});
}

TEST_CASE("fpu hand: classify gives one bit per class")
{
  const std::pair<uint32_t, uint32_t> k32[] = {{kNInf, fclass::kNegInf},
                                               {kNOne, fclass::kNegNormal},
                                               {kNMax, fclass::kNegNormal},
                                               {0x80800000, fclass::kNegNormal},
                                               {0x80000001, fclass::kNegSubnormal},
                                               {0x807fffff, fclass::kNegSubnormal},
                                               {kN0, fclass::kNegZero},
                                               {kP0, fclass::kPosZero},
                                               {kMinSub, fclass::kPosSubnormal},
                                               {kMaxSub, fclass::kPosSubnormal},
                                               {kMinNorm, fclass::kPosNormal},
                                               {kMax, fclass::kPosNormal},
                                               {kPInf, fclass::kPosInf},
                                               {kSNaN, fclass::kSignalingNan},
                                               {0xff800001, fclass::kSignalingNan},
                                               {kSNaNPayload, fclass::kSignalingNan},
                                               {kQNaN, fclass::kQuietNan},
                                               {kNegQNaN, fclass::kQuietNan},
                                               {0x7fffffff, fclass::kQuietNan}};
  for (auto [a, want] : k32) {
    INFO("f32_classify(" << hex(a) << ")");
    CHECK(f32_classify(a) == want);
  }
  const std::pair<uint64_t, uint32_t> k64[] = {{dNInf, fclass::kNegInf},
                                               {dNOne, fclass::kNegNormal},
                                               {0x8000000000000001, fclass::kNegSubnormal},
                                               {dN0, fclass::kNegZero},
                                               {dP0, fclass::kPosZero},
                                               {dMaxSub, fclass::kPosSubnormal},
                                               {dMinNorm, fclass::kPosNormal},
                                               {dPInf, fclass::kPosInf},
                                               {dSNaN, fclass::kSignalingNan},
                                               {0x7ff7ffffffffffff, fclass::kSignalingNan},
                                               {dQNaN, fclass::kQuietNan},
                                               {0xfff8000000000001, fclass::kQuietNan}};
  for (auto [a, want] : k64) {
    INFO("f64_classify(" << hex(a) << ")");
    CHECK(f64_classify(a) == want);
  }
  CHECK(fclass::kQuietNan == 0x200);
  CHECK(fclass::kNegInf == 0x001);
}

TEST_CASE("fpu hand: conversions between binary32 and binary64")
{
  run_unary<uint32_t>("f32_to_f64", [](uint32_t a, Rm, uint8_t& f) { return f32_to_f64(a, f); },
                      {{"1", kOne, RNE, dOne, 0},
                       {"-0", kN0, RNE, dN0, 0},
                       {"-inf", kNInf, RNE, dNInf, 0},
                       {"minsub becomes normal", kMinSub, RNE, 0x36a0000000000000, 0},
                       {"maxsub", kMaxSub, RNE, 0x380fffffc0000000, 0},
                       {"max", kMax, RNE, 0x47efffffe0000000, 0},
                       {"qNaN payload", kQNaNPayload, RNE, dQNaN, 0},
                       {"-qNaN", kNegQNaN, RNE, dQNaN, 0},
                       {"sNaN", kSNaNPayload, RNE, dQNaN, NV}});
  run_unary<uint64_t>("f64_to_f32", f64_to_f32,
                      {{"1", dOne, RNE, kOne, 0},
                       {"-0", dN0, RNE, kN0, 0},
                       {"inf", dPInf, RNE, kPInf, 0},
                       {"qNaN payload", dQNaNPayload, RNE, kQNaN, 0},
                       {"sNaN", dSNaN, RNE, kQNaN, NV},
                       {"1 + 2^-24 (tie)", 0x3ff0000010000000, RNE, kOne, NX},
                       {"1 + 2^-24 (tie)", 0x3ff0000010000000, RMM, 0x3f800001, NX},
                       {"1 + 2^-24 (tie)", 0x3ff0000010000000, RUP, 0x3f800001, NX},
                       {"-1 - 2^-24 (tie)", 0xbff0000010000000, RDN, 0xbf800001, NX},
                       {"-1 - 2^-24 (tie)", 0xbff0000010000000, RTZ, kNOne, NX},
                       {"f32 max exactly", 0x47efffffe0000000, RUP, kMax, 0},
                       {"f64 max", dMax, RNE, kPInf, OF | NX},
                       {"f64 max", dMax, RTZ, kMax, OF | NX},
                       {"f64 max", dMax, RDN, kMax, OF | NX},
                       {"f64 -max", dNMax, RUP, kNMax, OF | NX},
                       {"f64 -max", dNMax, RMM, kNInf, OF | NX},
                       {"2^-149 exactly", 0x36a0000000000000, RNE, kMinSub, 0},
                       {"2^-150 (tie with 0)", 0x3690000000000000, RNE, kP0, UF | NX},
                       {"2^-150 (tie with 0)", 0x3690000000000000, RMM, kMinSub, UF | NX},
                       {"f64 minsub", dMinSub, RNE, kP0, UF | NX},
                       {"f64 minsub", dMinSub, RUP, kMinSub, UF | NX},
                       {"-f64 minsub", 0x8000000000000001, RDN, 0x80000001, UF | NX},
                       {"-f64 minsub", 0x8000000000000001, RTZ, kN0, UF | NX},
                       // 2^-126 (1 - 2^-25): tiny before rounding; rounds to 2^-126 with 24
                       // bits in RNE (no UF), stays tiny in RTZ (UF).
                       {"just under minnorm", 0x380ffffff0000000, RNE, kMinNorm, NX},
                       {"just under minnorm", 0x380ffffff0000000, RTZ, kMaxSub, UF | NX},
                       {"2^-126 exactly", 0x3810000000000000, RNE, kMinNorm, 0}});
}

TEST_CASE("fpu hand: float to integer saturates per the table of 11.7")
{
  constexpr uint64_t kI64Max = 0x7fffffffffffffff, kI64Min = 0x8000000000000000,
                     kU64Max = 0xffffffffffffffff;
  // NaN, +-inf, out of range on each side: NV without NX, clipped result.
  run_unary<uint32_t>("f32_to_i32", f32_to_i32,
                      {{"qNaN", kQNaN, RNE, 0x7fffffff, NV},
                       {"-qNaN", kNegQNaN, RNE, 0x7fffffff, NV},
                       {"sNaN", kSNaN, RNE, 0x7fffffff, NV},
                       {"inf", kPInf, RNE, 0x7fffffff, NV},
                       {"-inf", kNInf, RNE, 0x80000000, NV},
                       {"2^31", 0x4f000000, RNE, 0x7fffffff, NV},
                       {"-2^31", 0xcf000000, RNE, 0x80000000, 0},
                       {"2^31 - 128", 0x4effffff, RNE, 0x7fffff80, 0},
                       {"-2^32", 0xcf800000, RTZ, 0x80000000, NV},
                       {"max", kMax, RNE, 0x7fffffff, NV},
                       {"-0", kN0, RNE, 0, 0},
                       {"2.5", 0x40200000, RNE, 2, NX},
                       {"2.5", 0x40200000, RTZ, 2, NX},
                       {"2.5", 0x40200000, RDN, 2, NX},
                       {"2.5", 0x40200000, RUP, 3, NX},
                       {"2.5", 0x40200000, RMM, 3, NX},
                       {"-2.5", 0xc0200000, RNE, 0xfffffffe, NX},
                       {"-2.5", 0xc0200000, RTZ, 0xfffffffe, NX},
                       {"-2.5", 0xc0200000, RDN, 0xfffffffd, NX},
                       {"-2.5", 0xc0200000, RUP, 0xfffffffe, NX},
                       {"-2.5", 0xc0200000, RMM, 0xfffffffd, NX},
                       {"1.5", 0x3fc00000, RNE, 2, NX},
                       {"0.5", kHalf, RNE, 0, NX},
                       {"0.5", kHalf, RMM, 1, NX},
                       {"minsub", kMinSub, RNE, 0, NX},
                       {"minsub", kMinSub, RUP, 1, NX},
                       {"-minsub", 0x80000001, RDN, 0xffffffff, NX},
                       {"-minsub", 0x80000001, RTZ, 0, NX}});
  run_unary<uint32_t>("f32_to_u32", f32_to_u32,
                      {{"qNaN", kQNaN, RNE, 0xffffffff, NV},
                       {"inf", kPInf, RNE, 0xffffffff, NV},
                       {"-inf", kNInf, RNE, 0, NV},
                       {"2^31", 0x4f000000, RNE, 0x80000000, 0},
                       {"2^32", 0x4f800000, RNE, 0xffffffff, NV},
                       {"2^32 - 256", 0x4f7fffff, RNE, 0xffffff00, 0},
                       {"-1", kNOne, RNE, 0, NV},
                       {"-2^31", 0xcf000000, RNE, 0, NV},
                       // -0.5 rounds to 0 (valid, NX) or to -1 (invalid, NV) by mode.
                       {"-0.5", 0xbf000000, RNE, 0, NX},
                       {"-0.5", 0xbf000000, RTZ, 0, NX},
                       {"-0.5", 0xbf000000, RUP, 0, NX},
                       {"-0.5", 0xbf000000, RDN, 0, NV},
                       {"-0.5", 0xbf000000, RMM, 0, NV},
                       {"-minsub", 0x80000001, RNE, 0, NX},
                       {"-0", kN0, RNE, 0, 0},
                       {"2.5", 0x40200000, RMM, 3, NX}});
  run_unary<uint32_t>("f32_to_i64", f32_to_i64,
                      {{"qNaN", kQNaN, RNE, kI64Max, NV},
                       {"inf", kPInf, RNE, kI64Max, NV},
                       {"-inf", kNInf, RNE, kI64Min, NV},
                       {"2^63", 0x5f000000, RNE, kI64Max, NV},
                       {"-2^63", 0xdf000000, RNE, kI64Min, 0},
                       {"2^32", 0x4f800000, RNE, 0x100000000, 0},
                       {"-2.5", 0xc0200000, RMM, 0xfffffffffffffffd, NX},
                       {"-2.5", 0xc0200000, RNE, 0xfffffffffffffffe, NX}});
  run_unary<uint32_t>("f32_to_u64", f32_to_u64,
                      {{"qNaN", kQNaN, RNE, kU64Max, NV},
                       {"-inf", kNInf, RNE, 0, NV},
                       {"2^63", 0x5f000000, RNE, 0x8000000000000000, 0},
                       {"2^64", 0x5f800000, RNE, kU64Max, NV},
                       {"-1", kNOne, RNE, 0, NV},
                       {"-0.5", 0xbf000000, RNE, 0, NX},
                       {"-0.5", 0xbf000000, RDN, 0, NV}});
  run_unary<uint64_t>(
      "f64_to_i32", f64_to_i32,
      {{"qNaN", dQNaN, RNE, 0x7fffffff, NV},
       {"-inf", dNInf, RNE, 0x80000000, NV},
       {"2^31 - 1", 0x41dfffffffc00000, RNE, 0x7fffffff, 0},
       // 2^31 - 0.5: a tie between 2^31 - 1 and 2^31 (out of range): NV alone, or NX.
       {"2^31 - 0.5", 0x41dfffffffe00000, RNE, 0x7fffffff, NV},
       {"2^31 - 0.5", 0x41dfffffffe00000, RMM, 0x7fffffff, NV},
       {"2^31 - 0.5", 0x41dfffffffe00000, RUP, 0x7fffffff, NV},
       {"2^31 - 0.5", 0x41dfffffffe00000, RTZ, 0x7fffffff, NX},
       {"2^31 - 0.5", 0x41dfffffffe00000, RDN, 0x7fffffff, NX},
       // -2^31 - 0.5: a tie between -2^31 and -2^31 - 1 (out of range).
       {"-2^31 - 0.5", 0xc1e0000000100000, RNE, 0x80000000, NX},
       {"-2^31 - 0.5", 0xc1e0000000100000, RTZ, 0x80000000, NX},
       {"-2^31 - 0.5", 0xc1e0000000100000, RUP, 0x80000000, NX},
       {"-2^31 - 0.5", 0xc1e0000000100000, RMM, 0x80000000, NV},
       {"-2^31 - 0.5", 0xc1e0000000100000, RDN, 0x80000000, NV},
       {"1e300", 0x7e37e43c8800759c, RNE, 0x7fffffff, NV},
       {"minsub", dMinSub, RUP, 1, NX},
       {"-0.75", 0xbfe8000000000000, RNE, 0xffffffff, NX}});
  run_unary<uint64_t>("f64_to_u32", f64_to_u32,
                      {{"qNaN", dQNaNPayload, RNE, 0xffffffff, NV},
                       {"-inf", dNInf, RNE, 0, NV},
                       {"2^32 - 1", 0x41efffffffe00000, RNE, 0xffffffff, 0},
                       {"2^32 - 0.5 (tie, rounds out)", 0x41effffffff00000, RNE, 0xffffffff, NV},
                       {"2^32 - 0.5 (tie)", 0x41effffffff00000, RTZ, 0xffffffff, NX},
                       {"-0.25", 0xbfd0000000000000, RDN, 0, NV},
                       {"-0.25", 0xbfd0000000000000, RNE, 0, NX}});
  run_unary<uint64_t>("f64_to_i64", f64_to_i64,
                      {{"qNaN", dQNaN, RNE, kI64Max, NV},
                       {"sNaN", dSNaN, RNE, kI64Max, NV},
                       {"inf", dPInf, RNE, kI64Max, NV},
                       {"-inf", dNInf, RNE, kI64Min, NV},
                       {"2^63", 0x43e0000000000000, RNE, kI64Max, NV},
                       {"-2^63", 0xc3e0000000000000, RNE, kI64Min, 0},
                       {"2^63 - 1024", 0x43dfffffffffffff, RNE, 0x7ffffffffffffc00, 0},
                       {"-2^63 - 2048", 0xc3e0000000000001, RNE, kI64Min, NV},
                       {"2^53 + 2", 0x4340000000000001, RNE, 0x20000000000002, 0},
                       {"2.5", 0x4004000000000000, RNE, 2, NX},
                       {"2.5", 0x4004000000000000, RMM, 3, NX},
                       {"-2.5", 0xc004000000000000, RMM, 0xfffffffffffffffd, NX},
                       {"-2.5", 0xc004000000000000, RUP, 0xfffffffffffffffe, NX}});
  run_unary<uint64_t>("f64_to_u64", f64_to_u64,
                      {{"qNaN", dQNaN, RNE, kU64Max, NV},
                       {"-inf", dNInf, RNE, 0, NV},
                       {"2^63", 0x43e0000000000000, RNE, 0x8000000000000000, 0},
                       {"2^64 - 2048", 0x43efffffffffffff, RNE, 0xfffffffffffff800, 0},
                       {"2^64", 0x43f0000000000000, RNE, kU64Max, NV},
                       {"max", dMax, RTZ, kU64Max, NV},
                       {"-1", dNOne, RNE, 0, NV},
                       {"-0.5 (tie)", 0xbfe0000000000000, RNE, 0, NX},
                       {"-0.5 (tie)", 0xbfe0000000000000, RMM, 0, NV},
                       {"0.5 (tie)", dHalf, RMM, 1, NX}});
}

TEST_CASE("fpu hand: integer to float conversions round, zero is +0")
{
  run_unary<int32_t>("i32_to_f32", i32_to_f32,
                     {{"0", 0, RDN, kP0, 0},
                      {"1", 1, RNE, kOne, 0},
                      {"-1", static_cast<uint32_t>(-1), RNE, kNOne, 0},
                      {"INT32_MIN", 0x80000000, RNE, 0xcf000000, 0},
                      {"2^24+1 (tie)", 0x1000001, RNE, 0x4b800000, NX},
                      {"2^24+1 (tie)", 0x1000001, RTZ, 0x4b800000, NX},
                      {"2^24+1 (tie)", 0x1000001, RDN, 0x4b800000, NX},
                      {"2^24+1 (tie)", 0x1000001, RUP, 0x4b800001, NX},
                      {"2^24+1 (tie)", 0x1000001, RMM, 0x4b800001, NX},
                      {"-(2^24+1) (tie)", static_cast<uint32_t>(-0x1000001), RDN, 0xcb800001, NX},
                      {"-(2^24+1) (tie)", static_cast<uint32_t>(-0x1000001), RMM, 0xcb800001, NX},
                      {"-(2^24+1) (tie)", static_cast<uint32_t>(-0x1000001), RNE, 0xcb800000, NX},
                      {"2^24+3 (tie, even above)", 0x1000003, RNE, 0x4b800002, NX},
                      {"INT32_MAX", 0x7fffffff, RNE, 0x4f000000, NX},
                      {"INT32_MAX", 0x7fffffff, RTZ, 0x4effffff, NX}});
  run_unary<uint32_t>("u32_to_f32", u32_to_f32,
                      {{"0", 0, RNE, kP0, 0},
                       {"UINT32_MAX", 0xffffffff, RNE, 0x4f800000, NX},
                       {"UINT32_MAX", 0xffffffff, RTZ, 0x4f7fffff, NX},
                       {"2^31", 0x80000000, RNE, 0x4f000000, 0}});
  run_unary<int64_t>("i64_to_f32", i64_to_f32,
                     {{"INT64_MIN", 0x8000000000000000, RNE, 0xdf000000, 0},
                      {"INT64_MAX", 0x7fffffffffffffff, RNE, 0x5f000000, NX},
                      {"INT64_MAX", 0x7fffffffffffffff, RDN, 0x5effffff, NX},
                      {"-1", 0xffffffffffffffff, RNE, kNOne, 0}});
  run_unary<uint64_t>("u64_to_f32", u64_to_f32,
                      {{"UINT64_MAX", 0xffffffffffffffff, RNE, 0x5f800000, NX},
                       {"UINT64_MAX", 0xffffffffffffffff, RTZ, 0x5f7fffff, NX},
                       {"2^63 + 2^39 (tie)", 0x8000008000000000, RNE, 0x5f000000, NX},
                       {"2^63 + 2^39 (tie)", 0x8000008000000000, RMM, 0x5f000001, NX},
                       {"2^63 + 2^39 + 1", 0x8000008000000001, RNE, 0x5f000001, NX}});
  run_unary<int32_t>("i32_to_f64", i32_to_f64,
                     {{"0", 0, RDN, dP0, 0},
                      {"-1", 0xffffffff, RNE, dNOne, 0},
                      {"INT32_MIN", 0x80000000, RNE, 0xc1e0000000000000, 0},
                      {"INT32_MAX", 0x7fffffff, RTZ, 0x41dfffffffc00000, 0}});
  run_unary<uint32_t>("u32_to_f64", u32_to_f64,
                      {{"UINT32_MAX", 0xffffffff, RNE, 0x41efffffffe00000, 0}});
  run_unary<int64_t>(
      "i64_to_f64", i64_to_f64,
      {{"0", 0, RDN, dP0, 0},
       {"INT64_MIN", 0x8000000000000000, RNE, 0xc3e0000000000000, 0},
       {"2^53+1 (tie)", 0x20000000000001, RNE, 0x4340000000000000, NX},
       {"2^53+1 (tie)", 0x20000000000001, RMM, 0x4340000000000001, NX},
       {"2^53+1 (tie)", 0x20000000000001, RUP, 0x4340000000000001, NX},
       {"2^53+1 (tie)", 0x20000000000001, RTZ, 0x4340000000000000, NX},
       {"-(2^53+1) (tie)", static_cast<uint64_t>(-0x20000000000001), RDN, 0xc340000000000001, NX},
       {"2^53+3 (tie, even above)", 0x20000000000003, RNE, 0x4340000000000002, NX},
       {"INT64_MAX", 0x7fffffffffffffff, RNE, 0x43e0000000000000, NX},
       {"INT64_MAX", 0x7fffffffffffffff, RTZ, 0x43dfffffffffffff, NX}});
  run_unary<uint64_t>("u64_to_f64", u64_to_f64,
                      {{"UINT64_MAX", 0xffffffffffffffff, RNE, 0x43f0000000000000, NX},
                       {"UINT64_MAX", 0xffffffffffffffff, RTZ, 0x43efffffffffffff, NX},
                       {"UINT64_MAX", 0xffffffffffffffff, RMM, 0x43f0000000000000, NX},
                       {"2^63", 0x8000000000000000, RNE, 0x43e0000000000000, 0}});
}

TEST_CASE("fpu hand: NaN-boxing and sign injection keep payloads")
{
  CHECK(nan_box(kOne) == 0xffffffff3f800000);
  CHECK(unbox_f32(0xffffffff3f800000) == kOne);
  CHECK(unbox_f32(0x000000003f800000) == kCanonicalNan32);
  CHECK(unbox_f32(0xfffffffe3f800000) == kCanonicalNan32);
  CHECK(unbox_f32(dOne) == kCanonicalNan32);
  CHECK(f32_sgnj(kOne, kN0) == kNOne);
  CHECK(f32_sgnjn(kOne, kN0) == kOne);
  CHECK(f32_sgnjx(kNOne, kN0) == kOne);
  CHECK(f32_sgnj(kSNaN, kN0) == 0xff800001);  // no canonicalization, no quieting
  CHECK(f32_sgnjn(kNegQNaN, kNegQNaN) == 0x7fc00001);
  CHECK(f64_sgnj(dOne, dN0) == dNOne);
  CHECK(f64_sgnjn(dNOne, dNOne) == dOne);
  CHECK(f64_sgnjx(dNOne, dNOne) == dOne);
  CHECK(f64_sgnjx(dSNaN, dN0) == 0xfff0000000000001);
}

// ---------------------------------------------------------------------------------------
// The firmware's random differential test (sw/tests/isa/fuzz_fp.h) run through cpu::fp: the
// same operands, the same register conventions (NaN-boxed singles, sign-extended 32-bit
// integer results), and the hashes QEMU computed running the instructions.

namespace {

uint64_t fuzz_exec(int op, int rm_index, int, uint64_t a, uint64_t b, uint64_t c,
                   uint64_t* flags_out)
{
  const Rm rm = static_cast<Rm>(rm_index);
  uint8_t f = 0;
  auto s = [](uint64_t reg) { return unbox_f32(reg); };
  auto sext = [](uint32_t v) {
    return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(v)));
  };
  uint64_t v = 0;
  switch (op) {
    case FZ_FADD_S: v = nan_box(f32_add(s(a), s(b), rm, f)); break;
    case FZ_FSUB_S: v = nan_box(f32_sub(s(a), s(b), rm, f)); break;
    case FZ_FMUL_S: v = nan_box(f32_mul(s(a), s(b), rm, f)); break;
    case FZ_FDIV_S: v = nan_box(f32_div(s(a), s(b), rm, f)); break;
    case FZ_FSQRT_S: v = nan_box(f32_sqrt(s(a), rm, f)); break;
    case FZ_FMADD_S: v = nan_box(f32_muladd(s(a), s(b), s(c), false, false, rm, f)); break;
    case FZ_FMSUB_S: v = nan_box(f32_muladd(s(a), s(b), s(c), false, true, rm, f)); break;
    case FZ_FNMSUB_S: v = nan_box(f32_muladd(s(a), s(b), s(c), true, false, rm, f)); break;
    case FZ_FNMADD_S: v = nan_box(f32_muladd(s(a), s(b), s(c), true, true, rm, f)); break;
    case FZ_FMIN_S: v = nan_box(f32_min(s(a), s(b), f)); break;
    case FZ_FMAX_S: v = nan_box(f32_max(s(a), s(b), f)); break;
    case FZ_FSGNJ_S: v = nan_box(f32_sgnj(s(a), s(b))); break;
    case FZ_FSGNJN_S: v = nan_box(f32_sgnjn(s(a), s(b))); break;
    case FZ_FSGNJX_S: v = nan_box(f32_sgnjx(s(a), s(b))); break;
    case FZ_FEQ_S: v = f32_eq(s(a), s(b), f); break;
    case FZ_FLT_S: v = f32_lt(s(a), s(b), f); break;
    case FZ_FLE_S: v = f32_le(s(a), s(b), f); break;
    case FZ_FCLASS_S: v = f32_classify(s(a)); break;
    case FZ_FMV_X_W: v = sext(static_cast<uint32_t>(a)); break;
    case FZ_FCVT_W_S: v = sext(static_cast<uint32_t>(f32_to_i32(s(a), rm, f))); break;
    case FZ_FCVT_WU_S: v = sext(f32_to_u32(s(a), rm, f)); break;
    case FZ_FCVT_L_S: v = static_cast<uint64_t>(f32_to_i64(s(a), rm, f)); break;
    case FZ_FCVT_LU_S: v = f32_to_u64(s(a), rm, f); break;
    case FZ_FCVT_S_W: v = nan_box(i32_to_f32(static_cast<int32_t>(a), rm, f)); break;
    case FZ_FCVT_S_WU: v = nan_box(u32_to_f32(static_cast<uint32_t>(a), rm, f)); break;
    case FZ_FCVT_S_L: v = nan_box(i64_to_f32(static_cast<int64_t>(a), rm, f)); break;
    case FZ_FCVT_S_LU: v = nan_box(u64_to_f32(a, rm, f)); break;
    case FZ_FMV_W_X: v = nan_box(static_cast<uint32_t>(a)); break;
    case FZ_FADD_D: v = f64_add(a, b, rm, f); break;
    case FZ_FSUB_D: v = f64_sub(a, b, rm, f); break;
    case FZ_FMUL_D: v = f64_mul(a, b, rm, f); break;
    case FZ_FDIV_D: v = f64_div(a, b, rm, f); break;
    case FZ_FSQRT_D: v = f64_sqrt(a, rm, f); break;
    case FZ_FMADD_D: v = f64_muladd(a, b, c, false, false, rm, f); break;
    case FZ_FMSUB_D: v = f64_muladd(a, b, c, false, true, rm, f); break;
    case FZ_FNMSUB_D: v = f64_muladd(a, b, c, true, false, rm, f); break;
    case FZ_FNMADD_D: v = f64_muladd(a, b, c, true, true, rm, f); break;
    case FZ_FMIN_D: v = f64_min(a, b, f); break;
    case FZ_FMAX_D: v = f64_max(a, b, f); break;
    case FZ_FSGNJ_D: v = f64_sgnj(a, b); break;
    case FZ_FSGNJN_D: v = f64_sgnjn(a, b); break;
    case FZ_FSGNJX_D: v = f64_sgnjx(a, b); break;
    case FZ_FEQ_D: v = f64_eq(a, b, f); break;
    case FZ_FLT_D: v = f64_lt(a, b, f); break;
    case FZ_FLE_D: v = f64_le(a, b, f); break;
    case FZ_FCLASS_D: v = f64_classify(a); break;
    case FZ_FMV_X_D: v = a; break;
    case FZ_FCVT_W_D: v = sext(static_cast<uint32_t>(f64_to_i32(a, rm, f))); break;
    case FZ_FCVT_WU_D: v = sext(f64_to_u32(a, rm, f)); break;
    case FZ_FCVT_L_D: v = static_cast<uint64_t>(f64_to_i64(a, rm, f)); break;
    case FZ_FCVT_LU_D: v = f64_to_u64(a, rm, f); break;
    case FZ_FCVT_D_W: v = i32_to_f64(static_cast<int32_t>(a), RNE, f); break;
    case FZ_FCVT_D_WU: v = u32_to_f64(static_cast<uint32_t>(a), RNE, f); break;
    case FZ_FCVT_D_L: v = i64_to_f64(static_cast<int64_t>(a), rm, f); break;
    case FZ_FCVT_D_LU: v = u64_to_f64(a, rm, f); break;
    case FZ_FMV_D_X: v = a; break;
    case FZ_FCVT_S_D: v = nan_box(f64_to_f32(a, rm, f)); break;
    case FZ_FCVT_D_S: v = f32_to_f64(s(a), f); break;
    default: FAIL("fuzz_fp operation " << op << " has no cpu::fp counterpart");
  }
  *flags_out = f;
  return v;
}

}  // namespace

TEST_CASE("fpu fuzz_fp: cpu::fp reproduces QEMU's results on the firmware's random operations")
{
  for (int op = 0; op < FUZZ_FP_NUM_OPS; ++op) {
    INFO(kFuzzFpOps[op].name);
    CHECK(hex(fuzz_fp_run_op(op, fuzz_exec)) == hex(kFuzzFpOps[op].expected_hash));
  }
}

// ---------------------------------------------------------------------------------------
// The host fast path (fpu_host.h) against the software path: the same results and flags.

namespace {

// Operands for the fast path's edges: every class (interesting), exponents around the
// thresholds where it must hand over to software (the error terms' underflow limits, the
// smallest normal, overflow), and pairs that cancel.
template <typename B>
B edge(Rng& rng, B other)
{
  using F = Fmt<B>;
  const bool s = rng.coin();
  // Around 2^-100 (binary32) or 2^-966 (binary64), and half of it (sqrt's operand).
  const int safe = sizeof(B) == 4 ? 127 - 100 : 1023 - 966;
  switch (rng.below(8)) {
    case 0: return F::make(s, safe - 3 + int(rng.below(7)), random_fraction<B>(rng));
    case 1: return F::make(s, F::kBias - (F::kBias - safe) / 2 + int(rng.below(5)) - 2,
                           random_fraction<B>(rng));
    case 2: return other ^ F::kSign;                          // exact cancellation
    case 3: return (other ^ F::kSign) + B(rng.below(5)) - 2;  // near cancellation
    case 4: return F::make(s, int(rng.below(F::kExpMax)), random_fraction<B>(rng));
    default: return interesting<B>(rng);
  }
}

template <typename B, typename Op>
void compare_fast_with_soft(const char* name, Op op, bool nx_may_drop)
{
  if (!fp::host::available())
    WARN("the host has no FMA instructions: " << name << " has no fast path to compare");
  Rng rng{0x5eed0000u + sizeof(B)};
  for (unsigned i = 0; i < 400000; ++i) {
    const B a = rng.coin() ? interesting<B>(rng) : edge<B>(rng, 0);
    const B b = edge<B>(rng, a);
    const B c = edge<B>(rng, b);
    uint8_t fast_flags = 0, soft_flags = 0;
    fp::host::enable(true);
    const B fast = op(a, b, c, fast_flags);
    fp::host::enable(false);
    const B soft = op(a, b, c, soft_flags);
    fp::host::enable(true);
    const uint8_t ignore = nx_may_drop ? fp::flag::kNX : 0;
    if (fast != soft || (fast_flags | ignore) != (soft_flags | ignore)) {
      FAIL(name << "(" << hex(a) << ", " << hex(b) << ", " << hex(c) << "): fast " << hex(fast)
                << " flags " << int(fast_flags) << ", software " << hex(soft) << " flags "
                << int(soft_flags));
    }
  }
}

}  // namespace

TEST_CASE("fpu host fast path: the same results and flags as the software path")
{
  const Rm rne = Rm::kRNE;
  compare_fast_with_soft<uint32_t>("f32_add", [&](uint32_t a, uint32_t b, uint32_t, uint8_t& f) {
    return fp::f32_add(a, b, rne, f);
  }, false);
  compare_fast_with_soft<uint32_t>("f32_sub", [&](uint32_t a, uint32_t b, uint32_t, uint8_t& f) {
    return fp::f32_sub(a, b, rne, f);
  }, false);
  compare_fast_with_soft<uint32_t>("f32_mul", [&](uint32_t a, uint32_t b, uint32_t, uint8_t& f) {
    return fp::f32_mul(a, b, rne, f);
  }, false);
  compare_fast_with_soft<uint32_t>("f32_div", [&](uint32_t a, uint32_t b, uint32_t, uint8_t& f) {
    return fp::f32_div(a, b, rne, f);
  }, false);
  compare_fast_with_soft<uint32_t>("f32_sqrt", [&](uint32_t a, uint32_t, uint32_t, uint8_t& f) {
    return fp::f32_sqrt(a, rne, f);
  }, false);
  compare_fast_with_soft<uint32_t>(
      "f32_muladd_nx",
      [&](uint32_t a, uint32_t b, uint32_t c, uint8_t& f) {
        return fp::f32_muladd_nx(a, b, c, (a & 1) != 0, (b & 1) != 0, rne, f);
      },
      true);
  compare_fast_with_soft<uint64_t>("f64_add", [&](uint64_t a, uint64_t b, uint64_t, uint8_t& f) {
    return fp::f64_add(a, b, rne, f);
  }, false);
  compare_fast_with_soft<uint64_t>("f64_sub", [&](uint64_t a, uint64_t b, uint64_t, uint8_t& f) {
    return fp::f64_sub(a, b, rne, f);
  }, false);
  compare_fast_with_soft<uint64_t>("f64_mul", [&](uint64_t a, uint64_t b, uint64_t, uint8_t& f) {
    return fp::f64_mul(a, b, rne, f);
  }, false);
  compare_fast_with_soft<uint64_t>("f64_div", [&](uint64_t a, uint64_t b, uint64_t, uint8_t& f) {
    return fp::f64_div(a, b, rne, f);
  }, false);
  compare_fast_with_soft<uint64_t>("f64_sqrt", [&](uint64_t a, uint64_t, uint64_t, uint8_t& f) {
    return fp::f64_sqrt(a, rne, f);
  }, false);
  compare_fast_with_soft<uint64_t>(
      "f64_muladd_nx",
      [&](uint64_t a, uint64_t b, uint64_t c, uint8_t& f) {
        return fp::f64_muladd_nx(a, b, c, (a & 1) != 0, (b & 1) != 0, rne, f);
      },
      true);
}

TEST_CASE("fpu host fast path: takes the common cases (a fast path that never fires is no test)")
{
  // 1.5 * 2.25, 1/3, sqrt(2), 0.1 + 0.2: plain operands, normal results, so the host
  // decides; the software path gives the same bits.
  REQUIRE(fp::host::available());
  uint32_t r32;
  uint64_t r64;
  uint8_t f = 0;
  CHECK(fp::host::mul<uint64_t>(0x3ff8000000000000, 0x4002000000000000, r64, f));
  CHECK(r64 == 0x400b000000000000);
  CHECK(f == 0);
  CHECK(fp::host::div<uint64_t>(0x3ff0000000000000, 0x4008000000000000, r64, f));
  CHECK(r64 == 0x3fd5555555555555);
  CHECK(f == fp::flag::kNX);
  f = 0;
  CHECK(fp::host::sqrt<uint64_t>(0x4000000000000000, r64, f));
  CHECK(r64 == 0x3ff6a09e667f3bcd);
  CHECK(f == fp::flag::kNX);
  f = 0;
  CHECK(fp::host::add<uint64_t>(0x3fb999999999999a, 0x3fc999999999999a, r64, f));
  CHECK(r64 == 0x3fd3333333333334);
  CHECK(f == fp::flag::kNX);
  f = 0;
  CHECK(fp::host::add<uint32_t>(0x3f800000, 0x3f800000, r32, f));
  CHECK(r32 == 0x40000000);
  CHECK(f == 0);
  // ... and hands over what it must not decide: a subnormal operand, an overflow, a NaN.
  CHECK_FALSE(fp::host::mul<uint64_t>(0x0000000000000001, 0x3ff0000000000000, r64, f));
  CHECK_FALSE(fp::host::mul<uint64_t>(0x7fe0000000000000, 0x4000000000000000, r64, f));
  CHECK_FALSE(fp::host::add<uint64_t>(0x7ff8000000000000, 0x3ff0000000000000, r64, f));
  CHECK_FALSE(fp::host::div<uint64_t>(0x3ff0000000000000, 0, r64, f));
}
