// IEEE 754-2008 binary32/binary64 arithmetic with the RISC-V F and D rules (unprivileged
// spec v20191213, chapters 11 and 12), in software, bit-exact on every host.
//
// Every function works on raw bit patterns (binary32 in uint32_t, binary64 in uint64_t), is
// pure and allocation-free, takes the rounding mode where the result can be inexact, and ORs
// the exception flags it raises into `flags` (fflags bit order, 11.2). It never clears a flag.
// The rules the hart relies on (docs/fpu.md explains how each is met):
// - Every NaN result is the canonical NaN (11.3); a signaling NaN operand raises NV.
// - Tininess is detected after rounding; UF is raised only when the result is tiny and
//   inexact; OF always comes with NX; an overflow gives infinity or the largest finite value
//   according to the rounding mode and sign.
// - An exact zero sum of operands of opposite signs is +0, or -0 in kRDN.
// - The fused multiply-adds round once; 0 * inf raises NV even when the addend is a quiet
//   NaN (11.6).
// - min/max are IEEE 754-2019 minimumNumber/maximumNumber (F v2.2): -0 < +0, a single NaN
//   operand gives the other operand, two NaNs give the canonical NaN, sNaN raises NV.
// - Conversions to integers saturate per the table of 11.7: NaN and +inf give the largest
//   value, -inf the smallest, an out-of-range input clips and raises NV without NX.
//
// Speed: in round-to-nearest-even, common operands take the host's FPU where its result is
// provably the same, flags included (fpu_host.h); everything else is computed in software.
//
// What stays with the hart: resolving the dynamic rounding mode from frm and raising an
// illegal-instruction exception for rm 5, 6 or frm 5-7 (a value outside Rm must never reach
// these functions); NaN-boxing of singles in the 64-bit f registers (nan_box/unbox_f32);
// sign-extending 32-bit integer results (FCVT.W[U].S/D, FMV.X.W) to 64 bits.
#ifndef VMPLAT_MODELS_CPU_FPU_H
#define VMPLAT_MODELS_CPU_FPU_H

#include <cstdint>

namespace vmplat::cpu::fp {

// The rm field's encodings (11.2, table 11.1); 7 (dynamic) is resolved by the hart.
enum class Rm : uint8_t { kRNE = 0, kRTZ = 1, kRDN = 2, kRUP = 3, kRMM = 4 };

// Exception flags in fflags bit order (11.2).
namespace flag {
constexpr uint8_t kNX = 1;   // inexact
constexpr uint8_t kUF = 2;   // underflow
constexpr uint8_t kOF = 4;   // overflow
constexpr uint8_t kDZ = 8;   // divide by zero
constexpr uint8_t kNV = 16;  // invalid operation
}  // namespace flag

constexpr uint32_t kCanonicalNan32 = 0x7fc00000;
constexpr uint64_t kCanonicalNan64 = 0x7ff8000000000000;

// FCLASS result bits (11.9, table 11.5).
namespace fclass {
constexpr uint32_t kNegInf = 1u << 0;
constexpr uint32_t kNegNormal = 1u << 1;
constexpr uint32_t kNegSubnormal = 1u << 2;
constexpr uint32_t kNegZero = 1u << 3;
constexpr uint32_t kPosZero = 1u << 4;
constexpr uint32_t kPosSubnormal = 1u << 5;
constexpr uint32_t kPosNormal = 1u << 6;
constexpr uint32_t kPosInf = 1u << 7;
constexpr uint32_t kSignalingNan = 1u << 8;
constexpr uint32_t kQuietNan = 1u << 9;
}  // namespace fclass

// NaN-boxing (12.2): a single in a 64-bit register has its upper 32 bits all ones; a value
// that is not so boxed reads as the canonical NaN.
constexpr uint64_t nan_box(uint32_t a)
{
  return 0xffffffff00000000ull | a;
}
constexpr uint32_t unbox_f32(uint64_t reg)
{
  return (reg >> 32) == 0xffffffffu ? static_cast<uint32_t>(reg) : kCanonicalNan32;
}

// Sign injection (FSGNJ, FSGNJN, FSGNJX; 11.6): bit operations, NaN payloads kept, no flags.
constexpr uint32_t f32_sgnj(uint32_t a, uint32_t b)
{
  return (a & 0x7fffffffu) | (b & 0x80000000u);
}
constexpr uint32_t f32_sgnjn(uint32_t a, uint32_t b)
{
  return (a & 0x7fffffffu) | (~b & 0x80000000u);
}
constexpr uint32_t f32_sgnjx(uint32_t a, uint32_t b)
{
  return a ^ (b & 0x80000000u);
}
constexpr uint64_t f64_sgnj(uint64_t a, uint64_t b)
{
  return (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull);
}
constexpr uint64_t f64_sgnjn(uint64_t a, uint64_t b)
{
  return (a & 0x7fffffffffffffffull) | (~b & 0x8000000000000000ull);
}
constexpr uint64_t f64_sgnjx(uint64_t a, uint64_t b)
{
  return a ^ (b & 0x8000000000000000ull);
}

// binary32 (F).
uint32_t f32_add(uint32_t a, uint32_t b, Rm rm, uint8_t& flags);
uint32_t f32_sub(uint32_t a, uint32_t b, Rm rm, uint8_t& flags);
uint32_t f32_mul(uint32_t a, uint32_t b, Rm rm, uint8_t& flags);
uint32_t f32_div(uint32_t a, uint32_t b, Rm rm, uint8_t& flags);
uint32_t f32_sqrt(uint32_t a, Rm rm, uint8_t& flags);
// (+-)(a * b) (+-) c with one rounding: FMADD (false, false), FMSUB (false, true),
// FNMSUB (true, false), FNMADD (true, true). The _nx form is for a caller whose accrued
// flags already hold NX: it may leave NX out of flags, which allows a faster path
// (fpu_host.h); the result and every other flag are the same.
uint32_t f32_muladd(uint32_t a, uint32_t b, uint32_t c, bool negate_product, bool negate_addend,
                    Rm rm, uint8_t& flags);
uint32_t f32_muladd_nx(uint32_t a, uint32_t b, uint32_t c, bool negate_product, bool negate_addend,
                       Rm rm, uint8_t& flags);
uint32_t f32_min(uint32_t a, uint32_t b, uint8_t& flags);
uint32_t f32_max(uint32_t a, uint32_t b, uint8_t& flags);
bool f32_eq(uint32_t a, uint32_t b, uint8_t& flags);  // quiet: NV only for a signaling NaN
bool f32_lt(uint32_t a, uint32_t b, uint8_t& flags);  // signaling: NV for any NaN
bool f32_le(uint32_t a, uint32_t b, uint8_t& flags);  // signaling: NV for any NaN
uint32_t f32_classify(uint32_t a);                    // one fclass:: bit
uint64_t f32_to_f64(uint32_t a, uint8_t& flags);      // exact but for NaNs
int32_t f32_to_i32(uint32_t a, Rm rm, uint8_t& flags);
uint32_t f32_to_u32(uint32_t a, Rm rm, uint8_t& flags);
int64_t f32_to_i64(uint32_t a, Rm rm, uint8_t& flags);
uint64_t f32_to_u64(uint32_t a, Rm rm, uint8_t& flags);
uint32_t i32_to_f32(int32_t v, Rm rm, uint8_t& flags);
uint32_t u32_to_f32(uint32_t v, Rm rm, uint8_t& flags);
uint32_t i64_to_f32(int64_t v, Rm rm, uint8_t& flags);
uint32_t u64_to_f32(uint64_t v, Rm rm, uint8_t& flags);

// binary64 (D).
uint64_t f64_add(uint64_t a, uint64_t b, Rm rm, uint8_t& flags);
uint64_t f64_sub(uint64_t a, uint64_t b, Rm rm, uint8_t& flags);
uint64_t f64_mul(uint64_t a, uint64_t b, Rm rm, uint8_t& flags);
uint64_t f64_div(uint64_t a, uint64_t b, Rm rm, uint8_t& flags);
uint64_t f64_sqrt(uint64_t a, Rm rm, uint8_t& flags);
uint64_t f64_muladd(uint64_t a, uint64_t b, uint64_t c, bool negate_product, bool negate_addend,
                    Rm rm, uint8_t& flags);
uint64_t f64_muladd_nx(uint64_t a, uint64_t b, uint64_t c, bool negate_product, bool negate_addend,
                       Rm rm, uint8_t& flags);
uint64_t f64_min(uint64_t a, uint64_t b, uint8_t& flags);
uint64_t f64_max(uint64_t a, uint64_t b, uint8_t& flags);
bool f64_eq(uint64_t a, uint64_t b, uint8_t& flags);
bool f64_lt(uint64_t a, uint64_t b, uint8_t& flags);
bool f64_le(uint64_t a, uint64_t b, uint8_t& flags);
uint32_t f64_classify(uint64_t a);
uint32_t f64_to_f32(uint64_t a, Rm rm, uint8_t& flags);
int32_t f64_to_i32(uint64_t a, Rm rm, uint8_t& flags);
uint32_t f64_to_u32(uint64_t a, Rm rm, uint8_t& flags);
int64_t f64_to_i64(uint64_t a, Rm rm, uint8_t& flags);
uint64_t f64_to_u64(uint64_t a, Rm rm, uint8_t& flags);
// Exact: rm is there so every FCVT has the same shape (the hart still validates the field).
uint64_t i32_to_f64(int32_t v, Rm rm, uint8_t& flags);
uint64_t u32_to_f64(uint32_t v, Rm rm, uint8_t& flags);
uint64_t i64_to_f64(int64_t v, Rm rm, uint8_t& flags);
uint64_t u64_to_f64(uint64_t v, Rm rm, uint8_t& flags);

}  // namespace vmplat::cpu::fp

#endif
