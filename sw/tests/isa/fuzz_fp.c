/* Random differential test of the F and D instructions (see fuzz_fp.h): every operation in
 * every rounding mode on seeded operands biased to the special values; one hash of the
 * results and fflags per operation, checked against the hash QEMU computes. vmplat's
 * output can then be compared line by line with QEMU's (diff.qemu.fuzz_fp), and the host
 * unit test runs the same operations through cpu::fp against the same hashes. */
#include <stdio.h>

#include "fp.h"
#include "fuzz_fp.h"

DEFINE_FP_RR(fadd_s, "fadd.s")
DEFINE_FP_RR(fsub_s, "fsub.s")
DEFINE_FP_RR(fmul_s, "fmul.s")
DEFINE_FP_RR(fdiv_s, "fdiv.s")
DEFINE_FP_R(fsqrt_s, "fsqrt.s")
DEFINE_FP_RRR(fmadd_s, "fmadd.s")
DEFINE_FP_RRR(fmsub_s, "fmsub.s")
DEFINE_FP_RRR(fnmsub_s, "fnmsub.s")
DEFINE_FP_RRR(fnmadd_s, "fnmadd.s")
DEFINE_FP_NR(fmin_s, "fmin.s")
DEFINE_FP_NR(fmax_s, "fmax.s")
DEFINE_FP_NR(fsgnj_s, "fsgnj.s")
DEFINE_FP_NR(fsgnjn_s, "fsgnjn.s")
DEFINE_FP_NR(fsgnjx_s, "fsgnjx.s")
DEFINE_FP_CMP(feq_s, "feq.s")
DEFINE_FP_CMP(flt_s, "flt.s")
DEFINE_FP_CMP(fle_s, "fle.s")
DEFINE_FP_X(fclass_s, "fclass.s")
DEFINE_FP_X(fmv_x_w, "fmv.x.w")
DEFINE_FP_XR(fcvt_w_s, "fcvt.w.s")
DEFINE_FP_XR(fcvt_wu_s, "fcvt.wu.s")
DEFINE_FP_XR(fcvt_l_s, "fcvt.l.s")
DEFINE_FP_XR(fcvt_lu_s, "fcvt.lu.s")
DEFINE_FP_FX(fcvt_s_w, "fcvt.s.w")
DEFINE_FP_FX(fcvt_s_wu, "fcvt.s.wu")
DEFINE_FP_FX(fcvt_s_l, "fcvt.s.l")
DEFINE_FP_FX(fcvt_s_lu, "fcvt.s.lu")
DEFINE_FP_F(fmv_w_x, "fmv.w.x")
DEFINE_FP_RR(fadd_d, "fadd.d")
DEFINE_FP_RR(fsub_d, "fsub.d")
DEFINE_FP_RR(fmul_d, "fmul.d")
DEFINE_FP_RR(fdiv_d, "fdiv.d")
DEFINE_FP_R(fsqrt_d, "fsqrt.d")
DEFINE_FP_RRR(fmadd_d, "fmadd.d")
DEFINE_FP_RRR(fmsub_d, "fmsub.d")
DEFINE_FP_RRR(fnmsub_d, "fnmsub.d")
DEFINE_FP_RRR(fnmadd_d, "fnmadd.d")
DEFINE_FP_NR(fmin_d, "fmin.d")
DEFINE_FP_NR(fmax_d, "fmax.d")
DEFINE_FP_NR(fsgnj_d, "fsgnj.d")
DEFINE_FP_NR(fsgnjn_d, "fsgnjn.d")
DEFINE_FP_NR(fsgnjx_d, "fsgnjx.d")
DEFINE_FP_CMP(feq_d, "feq.d")
DEFINE_FP_CMP(flt_d, "flt.d")
DEFINE_FP_CMP(fle_d, "fle.d")
DEFINE_FP_X(fclass_d, "fclass.d")
DEFINE_FP_X(fmv_x_d, "fmv.x.d")
DEFINE_FP_XR(fcvt_w_d, "fcvt.w.d")
DEFINE_FP_XR(fcvt_wu_d, "fcvt.wu.d")
DEFINE_FP_XR(fcvt_l_d, "fcvt.l.d")
DEFINE_FP_XR(fcvt_lu_d, "fcvt.lu.d")
DEFINE_FP_NORM(fcvt_d_w, "fcvt.d.w ft3, %2\n\tfmv.x.d %0, ft3")
DEFINE_FP_NORM(fcvt_d_wu, "fcvt.d.wu ft3, %2\n\tfmv.x.d %0, ft3")
DEFINE_FP_FX(fcvt_d_l, "fcvt.d.l")
DEFINE_FP_FX(fcvt_d_lu, "fcvt.d.lu")
DEFINE_FP_F(fmv_d_x, "fmv.d.x")
DEFINE_FP_R(fcvt_s_d, "fcvt.s.d")
DEFINE_FP_NORM(fcvt_d_s, "fcvt.d.s ft3, ft0\n\tfmv.x.d %0, ft3")

static const fp_fn kFns[FUZZ_FP_NUM_OPS] = {
    fadd_s,    fsub_s,    fmul_s,    fdiv_s,    fsqrt_s,   fmadd_s,   fmsub_s,   fnmsub_s,
    fnmadd_s,  fmin_s,    fmax_s,    fsgnj_s,   fsgnjn_s,  fsgnjx_s,  feq_s,     flt_s,
    fle_s,     fclass_s,  fmv_x_w,   fcvt_w_s,  fcvt_wu_s, fcvt_l_s,  fcvt_lu_s, fcvt_s_w,
    fcvt_s_wu, fcvt_s_l,  fcvt_s_lu, fmv_w_x,   fadd_d,    fsub_d,    fmul_d,    fdiv_d,
    fsqrt_d,   fmadd_d,   fmsub_d,   fnmsub_d,  fnmadd_d,  fmin_d,    fmax_d,    fsgnj_d,
    fsgnjn_d,  fsgnjx_d,  feq_d,     flt_d,     fle_d,     fclass_d,  fmv_x_d,   fcvt_w_d,
    fcvt_wu_d, fcvt_l_d,  fcvt_lu_d, fcvt_d_w,  fcvt_d_wu, fcvt_d_l,  fcvt_d_lu, fmv_d_x,
    fcvt_s_d,  fcvt_d_s};

static uint64_t exec(int op, int rm, int is_dyn, uint64_t a, uint64_t b, uint64_t c,
                     uint64_t *flags)
{
  if (is_dyn)
    write_csr(frm, rm);
  struct fres r = kFns[op](is_dyn ? DYN : rm, a, b, c);
  *flags = r.flags;
  return r.v;
}

int main(void)
{
  write_csr(fcsr, 0);
  char name[48];
  for (int op = 0; op < FUZZ_FP_NUM_OPS; ++op) {
    snprintf(name, sizeof name, "fuzz_fp.%s", kFuzzFpOps[op].name);
    CHECK(name, fuzz_fp_run_op(op, exec), kFuzzFpOps[op].expected_hash);
  }
  return t_done("fuzz_fp");
}
