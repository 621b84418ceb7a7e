/* Helpers of the F and D tests (rv64f, rv64d, fp_state), built for RV64GC/lp64d.
 *
 * An operation runs as one instruction on f registers loaded with exact bit patterns
 * (fmv.d.x, so a single can be given improperly NaN-boxed on purpose), after clearing
 * fflags; the result is read back with all 64 bits (fmv.x.d, so a single result's NaN-box
 * is checked too) together with the flags the instruction raised.
 *
 * DEFINE_FP_<SHAPE>(fn, "insn") defines `struct fres fn(int rm, uint64_t a, uint64_t b,
 * uint64_t c)` running insn with the static rounding mode rm (RNE..RMM) or DYN (frm); the
 * unused operands are ignored, so every shape fits the table runners below.
 */
#ifndef VMPLAT_ISA_FP_H
#define VMPLAT_ISA_FP_H

#include <stdint.h>

#include "test.h"

/* fflags bits (unprivileged spec 11.2). */
#define NX 0x01
#define UF 0x02
#define OF 0x04
#define DZ 0x08
#define NV 0x10

/* Rounding modes (table 11.1); DYN selects frm. */
#define RNE 0
#define RTZ 1
#define RDN 2
#define RUP 3
#define RMM 4
#define DYN 7

#define MSTATUS_FS (3UL << 13)
#define MSTATUS_FS_OFF (0UL << 13)
#define MSTATUS_FS_INITIAL (1UL << 13)
#define MSTATUS_FS_CLEAN (2UL << 13)
#define MSTATUS_FS_DIRTY (3UL << 13)
#define MSTATUS_SD (1UL << 63)

/* A single NaN-boxed in a 64-bit f register (12.2). */
#define BOX(x) (0xffffffff00000000UL | (uint32_t)(x))

struct fres {
  uint64_t v;     /* the destination register (f: all 64 bits; x: as written) */
  uint64_t flags; /* fflags raised by the instruction */
};

typedef struct fres (*fp_fn)(int rm, uint64_t a, uint64_t b, uint64_t c);

extern const char *const fp_rm_names[8];

/* Checks a result and its flags: "name" and "name.fflags". */
void fp_check(const char *name, struct fres got, uint64_t want, uint64_t want_flags);

/* A case in one rounding mode; for an instruction without rm, rm is ignored. */
struct fp_case {
  const char *name;
  uint64_t a, b, c;
  int rm;
  uint64_t want;
  uint8_t flags;
};

/* A case run in every mode, statically and through frm: want[RNE..RMM], the same flags. */
struct fp_modes_case {
  const char *name;
  uint64_t a, b, c;
  uint64_t want[5];
  uint8_t flags;
};

/* How the runners treat operands and results: singles are NaN-boxed on the way in, and a
 * single result is expected NaN-boxed. */
#define FP_SRC32 1 /* a, b, c are binary32 in f registers */
#define FP_DST32 2 /* the result is binary32 in an f register */

/* Checks "<insn>.<case>.<rm>" for every case. */
void fp_run(const char *insn, fp_fn fn, int how, const struct fp_case *cases, unsigned n);
/* Checks "<insn>.<case>.<rm>" and "<insn>.<case>.dyn.<rm>" for every case and mode. */
void fp_run_modes(const char *insn, fp_fn fn, int how, const struct fp_modes_case *cases,
                  unsigned n);
#define FP_RUN(insn, fn, how, cases) fp_run(insn, fn, how, cases, sizeof cases / sizeof cases[0])
#define FP_RUN_MODES(insn, fn, how, cases) \
  fp_run_modes(insn, fn, how, cases, sizeof cases / sizeof cases[0])

/* The instruction with each rounding mode in its rm field. */
#define FP_BY_RM(ASM, insn)   \
  switch (rm) {               \
    case RNE: ASM(insn, "rne"); break; \
    case RTZ: ASM(insn, "rtz"); break; \
    case RDN: ASM(insn, "rdn"); break; \
    case RUP: ASM(insn, "rup"); break; \
    case RMM: ASM(insn, "rmm"); break; \
    default: ASM(insn, "dyn"); break;  \
  }

#define FP_PRE "fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\tcsrw fflags, zero\n\t"
#define FP_OPS "r"(a), "r"(b), "r"(c)
#define FP_OUT "=&r"(r.v), "=&r"(r.flags)
#define FP_CLOBBER "ft0", "ft1", "ft2", "ft3"

/* f = op(f, f) with rm: fadd, fsub, fmul, fdiv */
#define FP_ASM_RR(insn, rmname) \
  asm volatile(FP_PRE insn " ft3, ft0, ft1, " rmname "\n\tfrflags %1\n\tfmv.x.d %0, ft3" \
               : FP_OUT : FP_OPS : FP_CLOBBER)
/* f = op(f) with rm: fsqrt, fcvt between formats */
#define FP_ASM_R(insn, rmname) \
  asm volatile(FP_PRE insn " ft3, ft0, " rmname "\n\tfrflags %1\n\tfmv.x.d %0, ft3" \
               : FP_OUT : FP_OPS : FP_CLOBBER)
/* f = op(f, f, f) with rm: the fused multiply-adds */
#define FP_ASM_RRR(insn, rmname) \
  asm volatile(FP_PRE insn " ft3, ft0, ft1, ft2, " rmname "\n\tfrflags %1\n\tfmv.x.d %0, ft3" \
               : FP_OUT : FP_OPS : FP_CLOBBER)
/* x = op(f) with rm: fcvt to integers */
#define FP_ASM_XR(insn, rmname) \
  asm volatile(FP_PRE insn " %0, ft0, " rmname "\n\tfrflags %1" : FP_OUT : FP_OPS : FP_CLOBBER)
/* f = op(x) with rm: fcvt from integers */
#define FP_ASM_FX(insn, rmname) \
  asm volatile(FP_PRE insn " ft3, %2, " rmname "\n\tfrflags %1\n\tfmv.x.d %0, ft3" \
               : FP_OUT : FP_OPS : FP_CLOBBER)

#define DEFINE_FP_RM(fn, insn, ASM)                                         \
  struct fres fn(int rm, uint64_t a, uint64_t b, uint64_t c)                \
  {                                                                         \
    struct fres r;                                                          \
    FP_BY_RM(ASM, insn)                                                     \
    return r;                                                               \
  }
#define DEFINE_FP_RR(fn, insn) DEFINE_FP_RM(fn, insn, FP_ASM_RR)
#define DEFINE_FP_R(fn, insn) DEFINE_FP_RM(fn, insn, FP_ASM_R)
#define DEFINE_FP_RRR(fn, insn) DEFINE_FP_RM(fn, insn, FP_ASM_RRR)
#define DEFINE_FP_XR(fn, insn) DEFINE_FP_RM(fn, insn, FP_ASM_XR)
#define DEFINE_FP_FX(fn, insn) DEFINE_FP_RM(fn, insn, FP_ASM_FX)

/* Instructions without a rounding mode. */
#define DEFINE_FP_NORM(fn, body)                                            \
  struct fres fn(int rm, uint64_t a, uint64_t b, uint64_t c)                \
  {                                                                         \
    struct fres r;                                                          \
    (void)rm;                                                               \
    asm volatile(FP_PRE body "\n\tfrflags %1" : FP_OUT : FP_OPS : FP_CLOBBER); \
    return r;                                                               \
  }
/* f = op(f, f): fmin, fmax, fsgnj* */
#define DEFINE_FP_NR(fn, insn) DEFINE_FP_NORM(fn, insn " ft3, ft0, ft1\n\tfmv.x.d %0, ft3")
/* x = op(f, f): feq, flt, fle */
#define DEFINE_FP_CMP(fn, insn) DEFINE_FP_NORM(fn, insn " %0, ft0, ft1")
/* x = op(f): fclass, fmv.x.w, fmv.x.d */
#define DEFINE_FP_X(fn, insn) DEFINE_FP_NORM(fn, insn " %0, ft0")
/* f = op(x): fmv.w.x, fmv.d.x */
#define DEFINE_FP_F(fn, insn) DEFINE_FP_NORM(fn, insn " ft3, %2\n\tfmv.x.d %0, ft3")

#endif
