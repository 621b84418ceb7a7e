/* The F and D instructions as C functions, one per instruction (fp.h: DEFINE_FP_<SHAPE>),
 * shared by rv64f, rv64d and fuzz_fp: `struct fres fn(int rm, uint64_t a, uint64_t b,
 * uint64_t c)` runs the instruction on the operands with rounding mode rm and returns the
 * result and fflags. The list is in the order of FUZZ_FP_OPS (fuzz_fp.h). FCVT.D.S, FCVT.D.W
 * and FCVT.D.WU are exact, and the assembler takes no rounding mode for them: NORM shape. */
#ifndef VMPLAT_FP_OPS_H
#define VMPLAT_FP_OPS_H

#include "fp.h"

/* OP(shape, function, instruction text) */
#define FP_INSNS(OP) \
  OP(RR, fadd_s, "fadd.s")                                    \
  OP(RR, fsub_s, "fsub.s")                                    \
  OP(RR, fmul_s, "fmul.s")                                    \
  OP(RR, fdiv_s, "fdiv.s")                                    \
  OP(R, fsqrt_s, "fsqrt.s")                                   \
  OP(RRR, fmadd_s, "fmadd.s")                                 \
  OP(RRR, fmsub_s, "fmsub.s")                                 \
  OP(RRR, fnmsub_s, "fnmsub.s")                               \
  OP(RRR, fnmadd_s, "fnmadd.s")                               \
  OP(NR, fmin_s, "fmin.s")                                    \
  OP(NR, fmax_s, "fmax.s")                                    \
  OP(NR, fsgnj_s, "fsgnj.s")                                  \
  OP(NR, fsgnjn_s, "fsgnjn.s")                                \
  OP(NR, fsgnjx_s, "fsgnjx.s")                                \
  OP(CMP, feq_s, "feq.s")                                     \
  OP(CMP, flt_s, "flt.s")                                     \
  OP(CMP, fle_s, "fle.s")                                     \
  OP(X, fclass_s, "fclass.s")                                 \
  OP(X, fmv_x_w, "fmv.x.w")                                   \
  OP(XR, fcvt_w_s, "fcvt.w.s")                                \
  OP(XR, fcvt_wu_s, "fcvt.wu.s")                              \
  OP(XR, fcvt_l_s, "fcvt.l.s")                                \
  OP(XR, fcvt_lu_s, "fcvt.lu.s")                              \
  OP(FX, fcvt_s_w, "fcvt.s.w")                                \
  OP(FX, fcvt_s_wu, "fcvt.s.wu")                              \
  OP(FX, fcvt_s_l, "fcvt.s.l")                                \
  OP(FX, fcvt_s_lu, "fcvt.s.lu")                              \
  OP(F, fmv_w_x, "fmv.w.x")                                   \
  OP(RR, fadd_d, "fadd.d")                                    \
  OP(RR, fsub_d, "fsub.d")                                    \
  OP(RR, fmul_d, "fmul.d")                                    \
  OP(RR, fdiv_d, "fdiv.d")                                    \
  OP(R, fsqrt_d, "fsqrt.d")                                   \
  OP(RRR, fmadd_d, "fmadd.d")                                 \
  OP(RRR, fmsub_d, "fmsub.d")                                 \
  OP(RRR, fnmsub_d, "fnmsub.d")                               \
  OP(RRR, fnmadd_d, "fnmadd.d")                               \
  OP(NR, fmin_d, "fmin.d")                                    \
  OP(NR, fmax_d, "fmax.d")                                    \
  OP(NR, fsgnj_d, "fsgnj.d")                                  \
  OP(NR, fsgnjn_d, "fsgnjn.d")                                \
  OP(NR, fsgnjx_d, "fsgnjx.d")                                \
  OP(CMP, feq_d, "feq.d")                                     \
  OP(CMP, flt_d, "flt.d")                                     \
  OP(CMP, fle_d, "fle.d")                                     \
  OP(X, fclass_d, "fclass.d")                                 \
  OP(X, fmv_x_d, "fmv.x.d")                                   \
  OP(XR, fcvt_w_d, "fcvt.w.d")                                \
  OP(XR, fcvt_wu_d, "fcvt.wu.d")                              \
  OP(XR, fcvt_l_d, "fcvt.l.d")                                \
  OP(XR, fcvt_lu_d, "fcvt.lu.d")                              \
  OP(NORM, fcvt_d_w, "fcvt.d.w ft3, %2\n\tfmv.x.d %0, ft3")   \
  OP(NORM, fcvt_d_wu, "fcvt.d.wu ft3, %2\n\tfmv.x.d %0, ft3") \
  OP(FX, fcvt_d_l, "fcvt.d.l")                                \
  OP(FX, fcvt_d_lu, "fcvt.d.lu")                              \
  OP(F, fmv_d_x, "fmv.d.x")                                   \
  OP(R, fcvt_s_d, "fcvt.s.d")                                 \
  OP(NORM, fcvt_d_s, "fcvt.d.s ft3, ft0\n\tfmv.x.d %0, ft3")

#define FP_DECLARE(shape, fn, insn) struct fres fn(int rm, uint64_t a, uint64_t b, uint64_t c);
FP_INSNS(FP_DECLARE)
#undef FP_DECLARE

#endif
