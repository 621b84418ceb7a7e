/* The floating-point context status (privileged spec 3.1.6.6): with mstatus.FS = Off every
 * F/D instruction (all four fused opcodes, every OP-FP group, the loads and stores, the
 * compressed ones) and every access to fcsr, fflags and frm is an illegal instruction (from
 * M and from S); writing an f register or fcsr makes FS Dirty from Initial or Clean; SD
 * summarizes a Dirty FS and is read-only; sstatus shows FS and SD and writes FS; misa has F
 * and D. The checks that print run with FS on: compiled code may use the FPU anywhere. */
#include <stdio.h>

#include "fp.h"
#include "trap.h"

#define MISA_D (1UL << ('D' - 'A'))
#define MISA_F (1UL << ('F' - 'A'))

static volatile uint64_t s_scratch[4];

static void set_fs(uint64_t fs)
{
  clear_csr(mstatus, MSTATUS_FS);
  set_csr(mstatus, fs);
}

static uint64_t fs_of(uint64_t status)
{
  return status & MSTATUS_FS;
}

/* Executes insn (a1 = s_scratch, x results to t0, 16 bytes of stack free at sp) after
 * trap_clear(); returns its address. */
#define FP_PROBE(option, insn)                                                            \
  ({                                                                                      \
    uint64_t site_;                                                                       \
    trap_clear();                                                                         \
    asm volatile("mv a1, %1\n\taddi sp, sp, -16\n\t.option push\n\t.option " option     \
                 "\n\tla %0, 1f\n1: " insn "\n\t.option pop\n\taddi sp, sp, 16"            \
                 : "=&r"(site_)                                                           \
                 : "r"(s_scratch)                                                         \
                 : "memory", "t0", "a1", "ft0", "ft1", "ft2", "ft3", "fa0");              \
    site_;                                                                                \
  })

struct off_case {
  const char *name;
  int compressed;
  uint64_t (*probe)(void);
};

#define OFF_CASE(fn, option, insn)  \
  static uint64_t fn(void)          \
  {                                 \
    return FP_PROBE(option, insn);  \
  }
OFF_CASE(p_fadd_s, "norvc", "fadd.s ft0, ft1, ft2")
OFF_CASE(p_fadd_d, "norvc", "fadd.d ft0, ft1, ft2")
OFF_CASE(p_fmadd_d, "norvc", "fmadd.d ft0, ft1, ft2, ft3")
OFF_CASE(p_fsqrt_d, "norvc", "fsqrt.d ft0, ft1")
OFF_CASE(p_fdiv_s, "norvc", "fdiv.s ft0, ft1, ft2")
OFF_CASE(p_fmin_d, "norvc", "fmin.d ft0, ft1, ft2")
OFF_CASE(p_fsgnj_s, "norvc", "fsgnj.s ft0, ft1, ft2")
OFF_CASE(p_feq_d, "norvc", "feq.d t0, ft1, ft2")
OFF_CASE(p_fclass_s, "norvc", "fclass.s t0, ft1")
OFF_CASE(p_fcvt_w_s, "norvc", "fcvt.w.s t0, ft1")
OFF_CASE(p_fcvt_d_l, "norvc", "fcvt.d.l ft0, t0")
OFF_CASE(p_fcvt_s_d, "norvc", "fcvt.s.d ft0, ft1")
OFF_CASE(p_fmv_x_w, "norvc", "fmv.x.w t0, ft1")
OFF_CASE(p_fmv_w_x, "norvc", "fmv.w.x ft0, t0")
OFF_CASE(p_fmv_x_d, "norvc", "fmv.x.d t0, ft1")
OFF_CASE(p_fmv_d_x, "norvc", "fmv.d.x ft0, t0")
OFF_CASE(p_flw, "norvc", "flw ft0, 0(a1)")
OFF_CASE(p_fsw, "norvc", "fsw ft0, 0(a1)")
OFF_CASE(p_fld, "norvc", "fld ft0, 8(a1)")
OFF_CASE(p_fsd, "norvc", "fsd ft0, 8(a1)")
OFF_CASE(p_c_fld, "rvc", "c.fld fa0, 8(a1)")
OFF_CASE(p_c_fsd, "rvc", "c.fsd fa0, 8(a1)")
OFF_CASE(p_c_fldsp, "rvc", "c.fldsp ft0, 0(sp)")
OFF_CASE(p_c_fsdsp, "rvc", "c.fsdsp ft0, 0(sp)")
OFF_CASE(p_fmsub_s, "norvc", "fmsub.s ft0, ft1, ft2, ft3")
OFF_CASE(p_fnmsub_d, "norvc", "fnmsub.d ft0, ft1, ft2, ft3")
OFF_CASE(p_fnmadd_s, "norvc", "fnmadd.s ft0, ft1, ft2, ft3")
OFF_CASE(p_fsub_s, "norvc", "fsub.s ft0, ft1, ft2")
OFF_CASE(p_fmul_d, "norvc", "fmul.d ft0, ft1, ft2")
OFF_CASE(p_fmax_s, "norvc", "fmax.s ft0, ft1, ft2")
OFF_CASE(p_fsgnjn_d, "norvc", "fsgnjn.d ft0, ft1, ft2")
OFF_CASE(p_fsgnjx_s, "norvc", "fsgnjx.s ft0, ft1, ft2")
OFF_CASE(p_flt_d, "norvc", "flt.d t0, ft1, ft2")
OFF_CASE(p_fle_s, "norvc", "fle.s t0, ft1, ft2")
OFF_CASE(p_fclass_d, "norvc", "fclass.d t0, ft1")
OFF_CASE(p_fcvt_lu_d, "norvc", "fcvt.lu.d t0, ft1")
OFF_CASE(p_fcvt_s_w, "norvc", "fcvt.s.w ft0, t0")
OFF_CASE(p_fcvt_d_s, "norvc", "fcvt.d.s ft0, ft1")
OFF_CASE(p_csrr_fcsr, "norvc", "csrr t0, fcsr")
OFF_CASE(p_csrr_fflags, "norvc", "csrr t0, fflags")
OFF_CASE(p_csrr_frm, "norvc", "csrr t0, frm")
OFF_CASE(p_csrw_fflags, "norvc", "csrw fflags, zero")
OFF_CASE(p_csrwi_frm, "norvc", "csrwi frm, 1")
OFF_CASE(p_csrs_fcsr, "norvc", "csrrs t0, fcsr, zero")

static const struct off_case kOff[] = {
    {"fadd.s", 0, p_fadd_s},       {"fadd.d", 0, p_fadd_d},       {"fmadd.d", 0, p_fmadd_d},
    {"fsqrt.d", 0, p_fsqrt_d},     {"fdiv.s", 0, p_fdiv_s},       {"fmin.d", 0, p_fmin_d},
    {"fsgnj.s", 0, p_fsgnj_s},     {"feq.d", 0, p_feq_d},         {"fclass.s", 0, p_fclass_s},
    {"fcvt.w.s", 0, p_fcvt_w_s},   {"fcvt.d.l", 0, p_fcvt_d_l},   {"fcvt.s.d", 0, p_fcvt_s_d},
    {"fmv.x.w", 0, p_fmv_x_w},     {"fmv.w.x", 0, p_fmv_w_x},     {"fmv.x.d", 0, p_fmv_x_d},
    {"fmv.d.x", 0, p_fmv_d_x},     {"flw", 0, p_flw},             {"fsw", 0, p_fsw},
    {"fld", 0, p_fld},             {"fsd", 0, p_fsd},             {"c.fld", 1, p_c_fld},
    {"c.fsd", 1, p_c_fsd},         {"c.fldsp", 1, p_c_fldsp},     {"c.fsdsp", 1, p_c_fsdsp},
    {"fmsub.s", 0, p_fmsub_s},     {"fnmsub.d", 0, p_fnmsub_d},   {"fnmadd.s", 0, p_fnmadd_s},
    {"fsub.s", 0, p_fsub_s},       {"fmul.d", 0, p_fmul_d},       {"fmax.s", 0, p_fmax_s},
    {"fsgnjn.d", 0, p_fsgnjn_d},   {"fsgnjx.s", 0, p_fsgnjx_s},   {"flt.d", 0, p_flt_d},
    {"fle.s", 0, p_fle_s},         {"fclass.d", 0, p_fclass_d},   {"fcvt.lu.d", 0, p_fcvt_lu_d},
    {"fcvt.s.w", 0, p_fcvt_s_w},   {"fcvt.d.s", 0, p_fcvt_d_s},   {"csrr.fcsr", 0, p_csrr_fcsr}, {"csrr.fflags", 0, p_csrr_fflags},
    {"csrr.frm", 0, p_csrr_frm},   {"csrw.fflags", 0, p_csrw_fflags},
    {"csrwi.frm", 0, p_csrwi_frm}, {"csrrs.fcsr", 0, p_csrs_fcsr},
};

static void test_off(void)
{
  char name[48];
  for (unsigned i = 0; i < sizeof kOff / sizeof kOff[0]; ++i) {
    set_fs(MSTATUS_FS_OFF);
    uint64_t site = kOff[i].probe();
    uint64_t status = read_csr(mstatus);
    set_fs(MSTATUS_FS_INITIAL);
    snprintf(name, sizeof name, "fs_off.%s", kOff[i].name);
    check_illegal(name, site);
    snprintf(name, sizeof name, "fs_off.%s.len", kOff[i].name);
    CHECK(name, (insn_at(site) & 3) == 3 ? 4 : 2, kOff[i].compressed ? 2 : 4);
    snprintf(name, sizeof name, "fs_off.%s.fs_stays_off", kOff[i].name);
    CHECK(name, fs_of(status), MSTATUS_FS_OFF);
  }
}

static uint64_t s_mode_fadd(uint64_t unused)
{
  (void)unused;
  return FP_PROBE("norvc", "fadd.d ft0, ft1, ft2");
}

static uint64_t s_mode_fs(uint64_t unused)
{
  (void)unused;
  return read_csr(sstatus);
}

static void test_off_in_s_mode(void)
{
  set_fs(MSTATUS_FS_OFF);
  trap_clear();
  uint64_t site = run_in_mode(PRIV_S, s_mode_fadd, 0);
  uint64_t status = run_in_mode(PRIV_S, s_mode_fs, 0);
  set_fs(MSTATUS_FS_INITIAL);
  check_illegal("fs_off.s_mode.fadd.d", site);
  CHECK("fs_off.s_mode.sstatus.fs", fs_of(status), MSTATUS_FS_OFF);
}

/* Runs insn with FS = from; returns mstatus afterwards (FS is left as the insn made it). */
#define FS_AFTER(from, insn)                                                              \
  ({                                                                                      \
    set_fs(from);                                                                         \
    asm volatile(".option push\n\t.option norvc\n\t" insn "\n\t.option pop"               \
                 :                                                                        \
                 : "r"(s_scratch)                                                         \
                 : "memory", "t0", "ft0", "ft1");                                         \
    read_csr(mstatus);                                                                    \
  })

static void test_dirty(void)
{
  uint64_t s;
  set_fs(MSTATUS_FS_INITIAL);
  s = read_csr(mstatus);
  CHECK("initial.fs", fs_of(s), MSTATUS_FS_INITIAL);
  CHECK("initial.sd", s & MSTATUS_SD, 0);
  set_fs(MSTATUS_FS_CLEAN);
  s = read_csr(mstatus);
  CHECK("clean.fs", fs_of(s), MSTATUS_FS_CLEAN);
  CHECK("clean.sd", s & MSTATUS_SD, 0);

  s = FS_AFTER(MSTATUS_FS_INITIAL, "fmv.w.x ft0, zero");
  CHECK("initial.fmv.w.x.fs", fs_of(s), MSTATUS_FS_DIRTY);
  CHECK("initial.fmv.w.x.sd", s & MSTATUS_SD, MSTATUS_SD);
  s = FS_AFTER(MSTATUS_FS_CLEAN, "fadd.d ft0, ft1, ft1");
  CHECK("clean.fadd.d.fs", fs_of(s), MSTATUS_FS_DIRTY);
  CHECK("clean.fadd.d.sd", s & MSTATUS_SD, MSTATUS_SD);
  s = FS_AFTER(MSTATUS_FS_CLEAN, "fld ft0, 0(%0)");
  CHECK("clean.fld.fs", fs_of(s), MSTATUS_FS_DIRTY);
  s = FS_AFTER(MSTATUS_FS_CLEAN, "fcvt.d.w ft0, zero");
  CHECK("clean.fcvt.d.w.fs", fs_of(s), MSTATUS_FS_DIRTY);
  s = FS_AFTER(MSTATUS_FS_CLEAN, "csrw fflags, zero");
  CHECK("clean.csrw.fflags.fs", fs_of(s), MSTATUS_FS_DIRTY);
  s = FS_AFTER(MSTATUS_FS_INITIAL, "csrwi frm, 2");
  CHECK("initial.csrwi.frm.fs", fs_of(s), MSTATUS_FS_DIRTY);
  s = FS_AFTER(MSTATUS_FS_CLEAN, "fscsr zero");
  CHECK("clean.fscsr.fs", fs_of(s), MSTATUS_FS_DIRTY);
  s = FS_AFTER(MSTATUS_FS_DIRTY, "fmv.d.x ft0, zero");
  CHECK("dirty.stays", fs_of(s), MSTATUS_FS_DIRTY);
  /* Software cleans FS after saving the state; it stays clean until the next write. */
  set_fs(MSTATUS_FS_CLEAN);
  s = read_csr(mstatus);
  CHECK("cleaned.fs", fs_of(s), MSTATUS_FS_CLEAN);
  CHECK("cleaned.sd", s & MSTATUS_SD, 0);
  write_csr(fcsr, 0);
}

static void test_sd_and_sstatus(void)
{
  /* SD is read-only: writing it changes nothing. */
  set_fs(MSTATUS_FS_INITIAL);
  set_csr(mstatus, MSTATUS_SD);
  CHECK("sd.read_only", read_csr(mstatus) & MSTATUS_SD, 0);
  set_fs(MSTATUS_FS_DIRTY);
  uint64_t ss = read_csr(sstatus);
  CHECK("sstatus.fs.dirty", fs_of(ss), MSTATUS_FS_DIRTY);
  CHECK("sstatus.sd.dirty", ss & MSTATUS_SD, MSTATUS_SD);
  set_fs(MSTATUS_FS_CLEAN);
  ss = read_csr(sstatus);
  CHECK("sstatus.fs.clean", fs_of(ss), MSTATUS_FS_CLEAN);
  CHECK("sstatus.sd.clean", ss & MSTATUS_SD, 0);
  /* sstatus.FS is the same field as mstatus.FS */
  clear_csr(sstatus, MSTATUS_FS);
  set_csr(sstatus, MSTATUS_FS_INITIAL);
  uint64_t ms = read_csr(mstatus);
  CHECK("sstatus.fs.write", fs_of(ms), MSTATUS_FS_INITIAL);
  set_fs(MSTATUS_FS_INITIAL);
}

int main(void)
{
  trap_install();
  uint64_t misa = read_csr(misa);
  CHECK("misa.f", misa & MISA_F, MISA_F);
  CHECK("misa.d", misa & MISA_D, MISA_D);
  /* start_fp.S left FS Initial and fcsr zero; main's code may have dirtied it since. */
  CHECK("start.fs_on", fs_of(read_csr(mstatus)) != MSTATUS_FS_OFF, 1);
  test_off();
  test_off_in_s_mode();
  test_dirty();
  test_sd_and_sstatus();
  return t_done("fp_state");
}
