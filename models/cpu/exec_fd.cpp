// The F and D extensions (unprivileged spec chapters 11 and 12): the FP registers with
// NaN-boxing of single values, fcsr (rounding mode and accrued exception flags), and
// mstatus.FS (privileged 3.1.6.6). The IEEE arithmetic itself is models/cpu/fpu.h.
//
// Each FP op has its own small handler, instantiated from a template per kind of op (a
// rounding binary op on doubles, a compare of singles, ...) with the arithmetic function as
// a template argument, and the dispatch switch (exec.cpp) calls it through a table: the glue
// around the arithmetic is then a few instructions, and the integer loop stays as it was.
#include "models/cpu/fpu.h"
#include "models/cpu/hart.h"
#include "models/cpu/hart_access.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

namespace {

using fp::nan_box;
using fp::Rm;
using fp::unbox_f32;

// The arithmetic with the signatures the handler kinds take.
using D2 = uint64_t (*)(uint64_t, uint64_t, Rm, uint8_t&);  // rounding, double result
using S2 = uint32_t (*)(uint32_t, uint32_t, Rm, uint8_t&);
using D1 = uint64_t (*)(uint64_t, Rm, uint8_t&);
using S1 = uint32_t (*)(uint32_t, Rm, uint8_t&);

// Adapters: the same shapes for ops that do not round, and conversions with the hart's
// register views (32-bit integer results sign-extended, 11.7).
uint64_t sgnj_d(uint64_t a, uint64_t b, Rm, uint8_t&) { return fp::f64_sgnj(a, b); }
uint64_t sgnjn_d(uint64_t a, uint64_t b, Rm, uint8_t&) { return fp::f64_sgnjn(a, b); }
uint64_t sgnjx_d(uint64_t a, uint64_t b, Rm, uint8_t&) { return fp::f64_sgnjx(a, b); }
uint32_t sgnj_s(uint32_t a, uint32_t b, Rm, uint8_t&) { return fp::f32_sgnj(a, b); }
uint32_t sgnjn_s(uint32_t a, uint32_t b, Rm, uint8_t&) { return fp::f32_sgnjn(a, b); }
uint32_t sgnjx_s(uint32_t a, uint32_t b, Rm, uint8_t&) { return fp::f32_sgnjx(a, b); }
uint64_t min_d(uint64_t a, uint64_t b, Rm, uint8_t& f) { return fp::f64_min(a, b, f); }
uint64_t max_d(uint64_t a, uint64_t b, Rm, uint8_t& f) { return fp::f64_max(a, b, f); }
uint32_t min_s(uint32_t a, uint32_t b, Rm, uint8_t& f) { return fp::f32_min(a, b, f); }
uint32_t max_s(uint32_t a, uint32_t b, Rm, uint8_t& f) { return fp::f32_max(a, b, f); }
uint64_t eq_d(uint64_t a, uint64_t b, Rm, uint8_t& f) { return fp::f64_eq(a, b, f); }
uint64_t lt_d(uint64_t a, uint64_t b, Rm, uint8_t& f) { return fp::f64_lt(a, b, f); }
uint64_t le_d(uint64_t a, uint64_t b, Rm, uint8_t& f) { return fp::f64_le(a, b, f); }
uint64_t eq_s(uint32_t a, uint32_t b, Rm, uint8_t& f) { return fp::f32_eq(a, b, f); }
uint64_t lt_s(uint32_t a, uint32_t b, Rm, uint8_t& f) { return fp::f32_lt(a, b, f); }
uint64_t le_s(uint32_t a, uint32_t b, Rm, uint8_t& f) { return fp::f32_le(a, b, f); }
uint64_t class_d(uint64_t a, Rm, uint8_t&) { return fp::f64_classify(a); }
uint64_t class_s(uint32_t a, Rm, uint8_t&) { return fp::f32_classify(a); }
uint64_t sext(int32_t v) { return uint64_t(int64_t(v)); }
uint64_t cvt_w_d(uint64_t a, Rm r, uint8_t& f) { return sext(fp::f64_to_i32(a, r, f)); }
uint64_t cvt_wu_d(uint64_t a, Rm r, uint8_t& f) { return sext(int32_t(fp::f64_to_u32(a, r, f))); }
uint64_t cvt_l_d(uint64_t a, Rm r, uint8_t& f) { return uint64_t(fp::f64_to_i64(a, r, f)); }
uint64_t cvt_lu_d(uint64_t a, Rm r, uint8_t& f) { return fp::f64_to_u64(a, r, f); }
uint64_t cvt_w_s(uint32_t a, Rm r, uint8_t& f) { return sext(fp::f32_to_i32(a, r, f)); }
uint64_t cvt_wu_s(uint32_t a, Rm r, uint8_t& f) { return sext(int32_t(fp::f32_to_u32(a, r, f))); }
uint64_t cvt_l_s(uint32_t a, Rm r, uint8_t& f) { return uint64_t(fp::f32_to_i64(a, r, f)); }
uint64_t cvt_lu_s(uint32_t a, Rm r, uint8_t& f) { return fp::f32_to_u64(a, r, f); }
uint64_t cvt_d_w(uint64_t x, Rm r, uint8_t& f) { return fp::i32_to_f64(int32_t(x), r, f); }
uint64_t cvt_d_wu(uint64_t x, Rm r, uint8_t& f) { return fp::u32_to_f64(uint32_t(x), r, f); }
uint64_t cvt_d_l(uint64_t x, Rm r, uint8_t& f) { return fp::i64_to_f64(int64_t(x), r, f); }
uint64_t cvt_d_lu(uint64_t x, Rm r, uint8_t& f) { return fp::u64_to_f64(x, r, f); }
uint64_t cvt_s_w(uint64_t x, Rm r, uint8_t& f) { return nan_box(fp::i32_to_f32(int32_t(x), r, f)); }
uint64_t cvt_s_wu(uint64_t x, Rm r, uint8_t& f)
{
  return nan_box(fp::u32_to_f32(uint32_t(x), r, f));
}
uint64_t cvt_s_l(uint64_t x, Rm r, uint8_t& f) { return nan_box(fp::i64_to_f32(int64_t(x), r, f)); }
uint64_t cvt_s_lu(uint64_t x, Rm r, uint8_t& f) { return nan_box(fp::u64_to_f32(x, r, f)); }
uint64_t cvt_d_s(uint64_t a, Rm, uint8_t& f) { return fp::f32_to_f64(unbox_f32(a), f); }
uint64_t cvt_s_d(uint64_t a, Rm r, uint8_t& f) { return nan_box(fp::f64_to_f32(a, r, f)); }
uint64_t mv_x_w(uint64_t a, Rm, uint8_t&) { return sext(int32_t(uint32_t(a))); }
uint64_t mv_x_d(uint64_t a, Rm, uint8_t&) { return a; }
uint64_t mv_w_x(uint64_t x, Rm, uint8_t&) { return nan_box(uint32_t(x)); }
uint64_t mv_d_x(uint64_t x, Rm, uint8_t&) { return x; }

}  // namespace

// The handlers, friends of the hart. Each returns false after raising a trap.
struct FpExec {
  using Handler = bool (*)(Hart& h, const Insn& in, uint64_t rs1_value, uint64_t& rd);
  static const Handler kTable[unsigned(kLastFpOp) - unsigned(kFirstFpOp) + 1];

  // FS = Off makes every FP instruction illegal (3.1.6.6); on a hart without F and D, FS is
  // read-only zero, so this also makes them illegal there.
  static bool enabled(Hart& h, const Insn& in)
  {
    if (h.m_mstatus & mstatus::kFS)
      return true;
    h.raise(exc::kIllegalInstr, in.raw);
    return false;
  }
  // The rounding mode: static, or dynamic (7) from frm, where frm 5-7 is reserved and makes
  // the instruction illegal (11.2). Static 5 and 6 never decode.
  static bool rounding(Hart& h, const Insn& in, Rm& rm)
  {
    unsigned bits = insn_rm(in);
    if (bits == 7)
      bits = (h.m_fcsr >> 5) & 7;
    if (bits > 4) {
      h.raise(exc::kIllegalInstr, in.raw);
      return false;
    }
    rm = Rm(bits);
    return true;
  }
  // The end of an op: its flags accrue in fflags; FS becomes Dirty when an f register was
  // written or fflags changed.
  static bool wrote_f(Hart& h, uint8_t flags)
  {
    h.m_fcsr |= flags;
    h.m_mstatus |= mstatus::kFSDirty;
    return true;
  }
  static bool wrote_x(Hart& h, uint8_t flags)
  {
    if (flags) {
      h.m_fcsr |= flags;
      h.m_mstatus |= mstatus::kFSDirty;
    }
    return true;
  }

  // f[rd] = F(f[rs1], f[rs2]), rounding with rm when kRounds.
  template <D2 F, bool kRounds>
  static bool d2(Hart& h, const Insn& in, uint64_t, uint64_t&)
  {
    Rm rm = Rm::kRNE;
    if (!enabled(h, in) || (kRounds && !rounding(h, in, rm)))
      return false;
    uint8_t flags = 0;
    h.m_f[in.rd] = F(h.m_f[in.rs1], h.m_f[in.rs2], rm, flags);
    return wrote_f(h, flags);
  }
  template <S2 F, bool kRounds>
  static bool s2(Hart& h, const Insn& in, uint64_t, uint64_t&)
  {
    Rm rm = Rm::kRNE;
    if (!enabled(h, in) || (kRounds && !rounding(h, in, rm)))
      return false;
    uint8_t flags = 0;
    h.m_f[in.rd] = nan_box(F(unbox_f32(h.m_f[in.rs1]), unbox_f32(h.m_f[in.rs2]), rm, flags));
    return wrote_f(h, flags);
  }
  template <D1 F>
  static bool d1(Hart& h, const Insn& in, uint64_t, uint64_t&)
  {
    Rm rm;
    if (!enabled(h, in) || !rounding(h, in, rm))
      return false;
    uint8_t flags = 0;
    h.m_f[in.rd] = F(h.m_f[in.rs1], rm, flags);
    return wrote_f(h, flags);
  }
  template <S1 F>
  static bool s1(Hart& h, const Insn& in, uint64_t, uint64_t&)
  {
    Rm rm;
    if (!enabled(h, in) || !rounding(h, in, rm))
      return false;
    uint8_t flags = 0;
    h.m_f[in.rd] = nan_box(F(unbox_f32(h.m_f[in.rs1]), rm, flags));
    return wrote_f(h, flags);
  }
  // Fused multiply-adds; with NX already accrued they may take the faster _nx form.
  template <bool kNegProduct, bool kNegAddend>
  static bool fma_d(Hart& h, const Insn& in, uint64_t, uint64_t&)
  {
    Rm rm;
    if (!enabled(h, in) || !rounding(h, in, rm))
      return false;
    uint8_t flags = 0;
    const uint64_t a = h.m_f[in.rs1], b = h.m_f[in.rs2], c = h.m_f[insn_rs3(in)];
    h.m_f[in.rd] = (h.m_fcsr & fp::flag::kNX)
                       ? fp::f64_muladd_nx(a, b, c, kNegProduct, kNegAddend, rm, flags)
                       : fp::f64_muladd(a, b, c, kNegProduct, kNegAddend, rm, flags);
    return wrote_f(h, flags);
  }
  template <bool kNegProduct, bool kNegAddend>
  static bool fma_s(Hart& h, const Insn& in, uint64_t, uint64_t&)
  {
    Rm rm;
    if (!enabled(h, in) || !rounding(h, in, rm))
      return false;
    uint8_t flags = 0;
    const uint32_t a = unbox_f32(h.m_f[in.rs1]), b = unbox_f32(h.m_f[in.rs2]);
    const uint32_t c = unbox_f32(h.m_f[insn_rs3(in)]);
    h.m_f[in.rd] = nan_box((h.m_fcsr & fp::flag::kNX)
                               ? fp::f32_muladd_nx(a, b, c, kNegProduct, kNegAddend, rm, flags)
                               : fp::f32_muladd(a, b, c, kNegProduct, kNegAddend, rm, flags));
    return wrote_f(h, flags);
  }
  // rd (integer) = F(f[rs1], f[rs2]): compares.
  template <uint64_t (*F)(uint64_t, uint64_t, Rm, uint8_t&)>
  static bool cmp_d(Hart& h, const Insn& in, uint64_t, uint64_t& rd)
  {
    if (!enabled(h, in))
      return false;
    uint8_t flags = 0;
    rd = F(h.m_f[in.rs1], h.m_f[in.rs2], Rm::kRNE, flags);
    return wrote_x(h, flags);
  }
  template <uint64_t (*F)(uint32_t, uint32_t, Rm, uint8_t&)>
  static bool cmp_s(Hart& h, const Insn& in, uint64_t, uint64_t& rd)
  {
    if (!enabled(h, in))
      return false;
    uint8_t flags = 0;
    rd = F(unbox_f32(h.m_f[in.rs1]), unbox_f32(h.m_f[in.rs2]), Rm::kRNE, flags);
    return wrote_x(h, flags);
  }
  // rd (integer) = F(f[rs1]): conversions to integers (kRounds), classify, moves.
  template <uint64_t (*F)(uint64_t, Rm, uint8_t&), bool kRounds>
  static bool to_x_d(Hart& h, const Insn& in, uint64_t, uint64_t& rd)
  {
    Rm rm = Rm::kRNE;
    if (!enabled(h, in) || (kRounds && !rounding(h, in, rm)))
      return false;
    uint8_t flags = 0;
    rd = F(h.m_f[in.rs1], rm, flags);
    return wrote_x(h, flags);
  }
  template <uint64_t (*F)(uint32_t, Rm, uint8_t&), bool kRounds>
  static bool to_x_s(Hart& h, const Insn& in, uint64_t, uint64_t& rd)
  {
    Rm rm = Rm::kRNE;
    if (!enabled(h, in) || (kRounds && !rounding(h, in, rm)))
      return false;
    uint8_t flags = 0;
    rd = F(unbox_f32(h.m_f[in.rs1]), rm, flags);
    return wrote_x(h, flags);
  }
  // f[rd] = F(x): from the integer rs1 (conversions, moves) or, for the two format
  // conversions, from f[rs1] (kFromF).
  template <uint64_t (*F)(uint64_t, Rm, uint8_t&), bool kRounds, bool kFromF>
  static bool to_f(Hart& h, const Insn& in, uint64_t rs1_value, uint64_t&)
  {
    Rm rm = Rm::kRNE;
    if (!enabled(h, in) || (kRounds && !rounding(h, in, rm)))
      return false;
    uint8_t flags = 0;
    h.m_f[in.rd] = F(kFromF ? h.m_f[in.rs1] : rs1_value, rm, flags);
    return wrote_f(h, flags);
  }
  // Loads and stores move raw bits: FLW NaN-boxes, FSW stores the low 32 bits unchecked.
  template <typename T>
  static bool load(Hart& h, const Insn& in, uint64_t rs1_value, uint64_t&)
  {
    if (!enabled(h, in))
      return false;
    T v;
    if (!h.load(rs1_value + uint64_t(int64_t(in.imm)), v))
      return false;
    h.m_f[in.rd] = sizeof(T) == 4 ? nan_box(uint32_t(v)) : uint64_t(v);
    return wrote_f(h, 0);
  }
  template <typename T>
  static bool store(Hart& h, const Insn& in, uint64_t rs1_value, uint64_t&)
  {
    return enabled(h, in) && h.store(rs1_value + uint64_t(int64_t(in.imm)), T(h.m_f[in.rs2]));
  }
};

// In the order of the F/D ops in decode.h (S forms, then D forms, then the two conversions
// between the formats); the static_assert below checks the length.
const FpExec::Handler FpExec::kTable[] = {
    // F
    load<uint32_t>, store<uint32_t>, fma_s<false, false>, fma_s<false, true>,
    fma_s<true, false>, fma_s<true, true>, s2<fp::f32_add, true>, s2<fp::f32_sub, true>,
    s2<fp::f32_mul, true>, s2<fp::f32_div, true>, s1<fp::f32_sqrt>, s2<sgnj_s, false>,
    s2<sgnjn_s, false>, s2<sgnjx_s, false>, s2<min_s, false>, s2<max_s, false>,
    to_x_s<cvt_w_s, true>, to_x_s<cvt_wu_s, true>, to_x_s<cvt_l_s, true>, to_x_s<cvt_lu_s, true>,
    to_x_d<mv_x_w, false>, cmp_s<eq_s>, cmp_s<lt_s>, cmp_s<le_s>, to_x_s<class_s, false>,
    to_f<cvt_s_w, true, false>, to_f<cvt_s_wu, true, false>, to_f<cvt_s_l, true, false>,
    to_f<cvt_s_lu, true, false>, to_f<mv_w_x, false, false>,
    // D
    load<uint64_t>, store<uint64_t>, fma_d<false, false>, fma_d<false, true>,
    fma_d<true, false>, fma_d<true, true>, d2<fp::f64_add, true>, d2<fp::f64_sub, true>,
    d2<fp::f64_mul, true>, d2<fp::f64_div, true>, d1<fp::f64_sqrt>, d2<sgnj_d, false>,
    d2<sgnjn_d, false>, d2<sgnjx_d, false>, d2<min_d, false>, d2<max_d, false>,
    to_x_d<cvt_w_d, true>, to_x_d<cvt_wu_d, true>, to_x_d<cvt_l_d, true>, to_x_d<cvt_lu_d, true>,
    to_x_d<mv_x_d, false>, cmp_d<eq_d>, cmp_d<lt_d>, cmp_d<le_d>, to_x_d<class_d, false>,
    to_f<cvt_d_w, true, false>, to_f<cvt_d_wu, true, false>, to_f<cvt_d_l, true, false>,
    to_f<cvt_d_lu, true, false>, to_f<mv_d_x, false, false>,
    // Between the formats
    to_f<cvt_s_d, true, true>, to_f<cvt_d_s, true, true>,
};
static_assert(sizeof(FpExec::kTable) / sizeof(FpExec::kTable[0]) ==
                  unsigned(kLastFpOp) - unsigned(kFirstFpOp) + 1,
              "one handler per F/D op");

bool Hart::exec_fp(const Insn& in, uint64_t rs1_value, uint64_t& rd)
{
  return FpExec::kTable[unsigned(in.op) - unsigned(kFirstFpOp)](*this, in, rs1_value, rd);
}

}  // namespace vmplat::cpu
