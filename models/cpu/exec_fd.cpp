// The F and D extensions (unprivileged spec chapters 11 and 12): the FP registers with
// NaN-boxing of single values, fcsr (rounding mode and accrued exception flags), and
// mstatus.FS (privileged 3.1.6.6). The IEEE arithmetic itself is models/cpu/fpu.h.
#include "models/cpu/fpu.h"
#include "models/cpu/hart.h"
#include "models/cpu/hart_access.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

using fp::nan_box;
using fp::unbox_f32;

void Hart::fp_dirty() { m_mstatus |= mstatus::kFSDirty; }

bool Hart::exec_fp(const Insn& in, uint64_t rs1_value, uint64_t& rd)
{
  // With FS = Off every FP instruction is illegal (3.1.6.6); with F and D absent FS is
  // read-only zero, so this one test also makes them illegal on an IMAC hart.
  if (!(m_mstatus & mstatus::kFS)) {
    raise(exc::kIllegalInstr, in.raw);
    return false;
  }
  uint64_t* const f = m_f;
  // The rounding mode of ops that round: static, or dynamic (7) from frm, where frm 5-7
  // is reserved and makes the instruction illegal. (Static 5 and 6 never decode.)
  unsigned rm_bits = insn_rm(in);
  if (rm_bits == 7)
    rm_bits = (m_fcsr >> 5) & 7;
  const auto rm = fp::Rm(rm_bits);
  const bool rm_valid = rm_bits <= 4;
  uint8_t flags = 0;
  const uint64_t va = rs1_value + uint64_t(int64_t(in.imm));

  switch (in.op) {
    // Loads and stores move raw bits: FLW NaN-boxes, FSW stores the low 32 bits unchecked.
    case Op::kFlw: {
      uint32_t v;
      if (!load(va, v))
        return false;
      f[in.rd] = nan_box(v);
      fp_dirty();
      return true;
    }
    case Op::kFld: {
      uint64_t v;
      if (!load(va, v))
        return false;
      f[in.rd] = v;
      fp_dirty();
      return true;
    }
    case Op::kFsw: return store(va, uint32_t(f[in.rs2]));
    case Op::kFsd: return store(va, f[in.rs2]);
    default: break;
  }

  // Every other op: does it round, and is its rounding mode legal?
  const bool rounds = [&] {
    switch (in.op) {
      case Op::kFsgnjS: case Op::kFsgnjnS: case Op::kFsgnjxS: case Op::kFminS: case Op::kFmaxS:
      case Op::kFmvXW: case Op::kFeqS: case Op::kFltS: case Op::kFleS: case Op::kFclassS:
      case Op::kFmvWX:
      case Op::kFsgnjD: case Op::kFsgnjnD: case Op::kFsgnjxD: case Op::kFminD: case Op::kFmaxD:
      case Op::kFmvXD: case Op::kFeqD: case Op::kFltD: case Op::kFleD: case Op::kFclassD:
      case Op::kFmvDX:
        return false;
      default:
        return true;
    }
  }();
  if (rounds && !rm_valid) {
    raise(exc::kIllegalInstr, in.raw);
    return false;
  }

  const uint32_t s1 = unbox_f32(f[in.rs1]), s2 = unbox_f32(f[in.rs2]);
  const uint64_t d1 = f[in.rs1], d2 = f[in.rs2];
  // Results: to an FP register (NaN-boxed for singles), or to the integer rd.
  bool to_f = true;
  uint64_t fres = 0;
  switch (in.op) {
    case Op::kFmaddS: case Op::kFmsubS: case Op::kFnmsubS: case Op::kFnmaddS: {
      const bool neg_prod = in.op == Op::kFnmsubS || in.op == Op::kFnmaddS;
      const bool neg_add = in.op == Op::kFmsubS || in.op == Op::kFnmaddS;
      const uint32_t s3 = unbox_f32(f[insn_rs3(in)]);
      fres = nan_box(fp::f32_muladd(s1, s2, s3, neg_prod, neg_add, rm, flags));
      break;
    }
    case Op::kFmaddD: case Op::kFmsubD: case Op::kFnmsubD: case Op::kFnmaddD: {
      const bool neg_prod = in.op == Op::kFnmsubD || in.op == Op::kFnmaddD;
      const bool neg_add = in.op == Op::kFmsubD || in.op == Op::kFnmaddD;
      fres = fp::f64_muladd(d1, d2, f[insn_rs3(in)], neg_prod, neg_add, rm, flags);
      break;
    }
    case Op::kFaddS: fres = nan_box(fp::f32_add(s1, s2, rm, flags)); break;
    case Op::kFsubS: fres = nan_box(fp::f32_sub(s1, s2, rm, flags)); break;
    case Op::kFmulS: fres = nan_box(fp::f32_mul(s1, s2, rm, flags)); break;
    case Op::kFdivS: fres = nan_box(fp::f32_div(s1, s2, rm, flags)); break;
    case Op::kFsqrtS: fres = nan_box(fp::f32_sqrt(s1, rm, flags)); break;
    case Op::kFaddD: fres = fp::f64_add(d1, d2, rm, flags); break;
    case Op::kFsubD: fres = fp::f64_sub(d1, d2, rm, flags); break;
    case Op::kFmulD: fres = fp::f64_mul(d1, d2, rm, flags); break;
    case Op::kFdivD: fres = fp::f64_div(d1, d2, rm, flags); break;
    case Op::kFsqrtD: fres = fp::f64_sqrt(d1, rm, flags); break;
    // Sign injection is bit manipulation: no flags, NaN payloads kept.
    case Op::kFsgnjS: fres = nan_box(fp::f32_sgnj(s1, s2)); break;
    case Op::kFsgnjnS: fres = nan_box(fp::f32_sgnjn(s1, s2)); break;
    case Op::kFsgnjxS: fres = nan_box(fp::f32_sgnjx(s1, s2)); break;
    case Op::kFsgnjD: fres = fp::f64_sgnj(d1, d2); break;
    case Op::kFsgnjnD: fres = fp::f64_sgnjn(d1, d2); break;
    case Op::kFsgnjxD: fres = fp::f64_sgnjx(d1, d2); break;
    case Op::kFminS: fres = nan_box(fp::f32_min(s1, s2, flags)); break;
    case Op::kFmaxS: fres = nan_box(fp::f32_max(s1, s2, flags)); break;
    case Op::kFminD: fres = fp::f64_min(d1, d2, flags); break;
    case Op::kFmaxD: fres = fp::f64_max(d1, d2, flags); break;
    case Op::kFcvtSD: fres = nan_box(fp::f64_to_f32(d1, rm, flags)); break;
    case Op::kFcvtDS: fres = fp::f32_to_f64(s1, flags); break;
    // Integer sources.
    case Op::kFcvtSW: fres = nan_box(fp::i32_to_f32(int32_t(rs1_value), rm, flags)); break;
    case Op::kFcvtSWu: fres = nan_box(fp::u32_to_f32(uint32_t(rs1_value), rm, flags)); break;
    case Op::kFcvtSL: fres = nan_box(fp::i64_to_f32(int64_t(rs1_value), rm, flags)); break;
    case Op::kFcvtSLu: fres = nan_box(fp::u64_to_f32(rs1_value, rm, flags)); break;
    case Op::kFcvtDW: fres = fp::i32_to_f64(int32_t(rs1_value), rm, flags); break;
    case Op::kFcvtDWu: fres = fp::u32_to_f64(uint32_t(rs1_value), rm, flags); break;
    case Op::kFcvtDL: fres = fp::i64_to_f64(int64_t(rs1_value), rm, flags); break;
    case Op::kFcvtDLu: fres = fp::u64_to_f64(rs1_value, rm, flags); break;
    case Op::kFmvWX: fres = nan_box(uint32_t(rs1_value)); break;
    case Op::kFmvDX: fres = rs1_value; break;
    default: to_f = false; break;
  }
  if (!to_f) {
    // Integer results; 32-bit ones are sign-extended (FCVT.WU too, spec 11.7).
    uint64_t x = 0;
    switch (in.op) {
      case Op::kFcvtWS: x = uint64_t(int64_t(int32_t(fp::f32_to_i32(s1, rm, flags)))); break;
      case Op::kFcvtWuS: x = uint64_t(int64_t(int32_t(fp::f32_to_u32(s1, rm, flags)))); break;
      case Op::kFcvtLS: x = uint64_t(fp::f32_to_i64(s1, rm, flags)); break;
      case Op::kFcvtLuS: x = fp::f32_to_u64(s1, rm, flags); break;
      case Op::kFcvtWD: x = uint64_t(int64_t(int32_t(fp::f64_to_i32(d1, rm, flags)))); break;
      case Op::kFcvtWuD: x = uint64_t(int64_t(int32_t(fp::f64_to_u32(d1, rm, flags)))); break;
      case Op::kFcvtLD: x = uint64_t(fp::f64_to_i64(d1, rm, flags)); break;
      case Op::kFcvtLuD: x = fp::f64_to_u64(d1, rm, flags); break;
      // FMV.X.W moves the low 32 bits whatever the boxing, sign-extended.
      case Op::kFmvXW: x = uint64_t(sext32(f[in.rs1])); break;
      case Op::kFmvXD: x = d1; break;
      case Op::kFeqS: x = fp::f32_eq(s1, s2, flags); break;
      case Op::kFltS: x = fp::f32_lt(s1, s2, flags); break;
      case Op::kFleS: x = fp::f32_le(s1, s2, flags); break;
      case Op::kFeqD: x = fp::f64_eq(d1, d2, flags); break;
      case Op::kFltD: x = fp::f64_lt(d1, d2, flags); break;
      case Op::kFleD: x = fp::f64_le(d1, d2, flags); break;
      case Op::kFclassS: x = fp::f32_classify(s1); break;
      case Op::kFclassD: x = fp::f64_classify(d1); break;
      default:
        raise(exc::kIllegalInstr, in.raw);
        return false;
    }
    rd = x;
  } else {
    f[in.rd] = fres;
    fp_dirty();
  }
  if (flags) {
    m_fcsr |= flags;
    fp_dirty();
  }
  return true;
}

}  // namespace vmplat::cpu
