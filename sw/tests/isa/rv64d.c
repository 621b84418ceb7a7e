/* RV64D (unprivileged spec chapter 12 with the RV64 additions): every instruction with
 * exact results and exact fflags, every static rounding mode and the same through frm,
 * canonical NaNs, conversions between the formats (a single in a register read as a double
 * is a NaN, and a double read as a single is the canonical NaN), FMV.X.D/FMV.D.X, the
 * saturating conversions of 11.7, the loads and stores including C.FLD, C.FSD, C.FLDSP and
 * C.FSDSP, and the illegal rounding modes. Expected values are hand-computed; QEMU agrees. */
#include <stdio.h>

#include "fp_ops.h"
#include "trap.h"

/* binary64 values */
#define P0 0x0000000000000000UL
#define N0 0x8000000000000000UL
#define ONE 0x3ff0000000000000UL
#define NONE 0xbff0000000000000UL
#define TWO 0x4000000000000000UL
#define THREE 0x4008000000000000UL
#define HALF 0x3fe0000000000000UL
#define PINF 0x7ff0000000000000UL
#define NINF 0xfff0000000000000UL
#define QNAN 0x7ff8000000000000UL
#define QNANP 0x7ff800000000abcdUL
#define NQNAN 0xfff8000000000001UL
#define SNAN 0x7ff0000000000001UL
#define SNANP 0x7ff4000000000042UL
#define MINSUB 0x0000000000000001UL
#define MAXSUB 0x000fffffffffffffUL
#define MINNORM 0x0010000000000000UL
#define MAX 0x7fefffffffffffffUL
#define NMAX 0xffefffffffffffffUL
#define U(x) (ONE + (x)) /* 1 + x ulps */

#define SEXT32(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))

static const struct fp_case kAdd[] = {
    {"1+1", ONE, ONE, 0, RNE, TWO, 0},
    {"qnan_payload", QNANP, ONE, 0, RNE, QNAN, 0},
    {"neg_qnan", ONE, NQNAN, 0, RNE, QNAN, 0},
    {"snan", ONE, SNAN, 0, RNE, QNAN, NV},
    {"snan+qnan", SNANP, QNAN, 0, RNE, QNAN, NV},
    {"inf-inf", NINF, PINF, 0, RNE, QNAN, NV},
    {"+0-0", P0, N0, 0, RNE, P0, 0},
    {"+0-0", P0, N0, 0, RDN, N0, 0},
    {"-0-0", N0, N0, 0, RNE, N0, 0},
    {"1-1", ONE, NONE, 0, RMM, P0, 0},
    {"1-1", ONE, NONE, 0, RDN, N0, 0},
    {"sub+sub=norm", MAXSUB, MINSUB, 0, RNE, MINNORM, 0},
    {"-inf+max", NINF, MAX, 0, RUP, NINF, 0},
    {"max+max", MAX, MAX, 0, RNE, PINF, OF | NX},
    {"max+max", MAX, MAX, 0, RTZ, MAX, OF | NX},
    {"max+max", MAX, MAX, 0, RDN, MAX, OF | NX},
    {"max+max", MAX, MAX, 0, RUP, PINF, OF | NX},
    {"max+max", MAX, MAX, 0, RMM, PINF, OF | NX},
    {"-max-max", NMAX, NMAX, 0, RDN, NINF, OF | NX},
    {"-max-max", NMAX, NMAX, 0, RUP, NMAX, OF | NX},
    {"-max-max", NMAX, NMAX, 0, RTZ, NMAX, OF | NX},
    {"max+halfulp", MAX, 0x7c90000000000000UL, 0, RNE, PINF, OF | NX},
    {"max+halfulp", MAX, 0x7c90000000000000UL, 0, RTZ, MAX, NX},
    {"max+halfulp", MAX, 0x7c90000000000000UL, 0, RMM, PINF, OF | NX},
};

static const struct fp_modes_case kAddModes[] = {
    {"1+2^-53", ONE, 0x3ca0000000000000UL, 0, {ONE, ONE, ONE, U(1), U(1)}, NX},
    {"1u+2^-53", U(1), 0x3ca0000000000000UL, 0, {U(2), U(1), U(1), U(2), U(2)}, NX},
    {"-1-2^-53", NONE, 0xbca0000000000000UL, 0,
     {NONE, NONE, 0xbff0000000000001UL, NONE, 0xbff0000000000001UL}, NX},
    {"1+2^-54", ONE, 0x3c90000000000000UL, 0, {ONE, ONE, ONE, U(1), ONE}, NX},
    {"1+1.5*2^-53", ONE, 0x3ca8000000000000UL, 0, {U(1), ONE, ONE, U(1), U(1)}, NX},
    {"1+2^-53+2^-105", ONE, 0x3ca0000000000001UL, 0, {U(1), ONE, ONE, U(1), U(1)}, NX},
    {"exact", MINNORM, 0x8000000000000001UL, 0, {MAXSUB, MAXSUB, MAXSUB, MAXSUB, MAXSUB}, 0},
};

static const struct fp_case kSub[] = {
    {"1-1", ONE, ONE, 0, RDN, N0, 0},
    {"1-1", ONE, ONE, 0, RUP, P0, 0},
    {"-0-+0", N0, P0, 0, RNE, N0, 0},
    {"inf-inf", PINF, PINF, 0, RNE, QNAN, NV},
    {"minnorm-maxsub", MINNORM, MAXSUB, 0, RNE, MINSUB, 0},
};

static const struct fp_case kMul[] = {
    {"0*inf", N0, PINF, 0, RNE, QNAN, NV},
    {"inf*-1", PINF, NONE, 0, RNE, NINF, 0},
    {"qnan*1", QNANP, ONE, 0, RNE, QNAN, 0},
    {"snan*1", SNANP, ONE, 0, RNE, QNAN, NV},
    {"max*2", MAX, TWO, 0, RNE, PINF, OF | NX},
    {"max*-2", MAX, 0xc000000000000000UL, 0, RUP, NMAX, OF | NX},
    {"max*-2", MAX, 0xc000000000000000UL, 0, RMM, NINF, OF | NX},
    /* Tininess after rounding (see rv64f.c): 2^-1022 (1 - 2^-104). */
    {"under_minnorm", 0x3feffffffffffffeUL, 0x0010000000000001UL, 0, RNE, MINNORM, NX},
    {"under_minnorm", 0x3feffffffffffffeUL, 0x0010000000000001UL, 0, RMM, MINNORM, NX},
    {"under_minnorm", 0x3feffffffffffffeUL, 0x0010000000000001UL, 0, RTZ, MAXSUB, UF | NX},
    {"minnorm-2^-1075", 0x3fefffffffffffffUL, MINNORM, 0, RNE, MINNORM, UF | NX},
    {"minnorm-2^-1075", 0x3fefffffffffffffUL, MINNORM, 0, RDN, MAXSUB, UF | NX},
    {"minsub*1", MINSUB, ONE, 0, RNE, MINSUB, 0},
    {"-minsub/2", MINSUB, 0xbfe0000000000000UL, 0, RDN, 0x8000000000000001UL, UF | NX},
};

static const struct fp_modes_case kMulModes[] = {
    /* (1+2^-52)^2 = 1 + 2^-51 + 2^-104 */
    {"(1+u)^2", U(1), U(1), 0, {U(2), U(2), U(2), U(3), U(2)}, NX},
    {"1.5minsub", 3, HALF, 0, {2, 1, 1, 2, 2}, UF | NX},
    {"minsub/2", MINSUB, HALF, 0, {P0, P0, P0, MINSUB, MINSUB}, UF | NX},
};

static const struct fp_case kDiv[] = {
    {"1/0", ONE, P0, 0, RNE, PINF, DZ},
    {"-1/0", NONE, P0, 0, RNE, NINF, DZ},
    {"0/0", N0, P0, 0, RNE, QNAN, NV},
    {"inf/inf", PINF, PINF, 0, RNE, QNAN, NV},
    {"inf/-0", PINF, N0, 0, RNE, NINF, 0},
    {"snan/1", SNAN, ONE, 0, RNE, QNAN, NV},
    {"6/3", 0x4018000000000000UL, THREE, 0, RNE, TWO, 0},
    {"max/minsub", MAX, MINSUB, 0, RDN, MAX, OF | NX},
    {"max/minsub", MAX, MINSUB, 0, RNE, PINF, OF | NX},
};

static const struct fp_modes_case kDivModes[] = {
    {"1/3", ONE, THREE, 0,
     {0x3fd5555555555555UL, 0x3fd5555555555555UL, 0x3fd5555555555555UL, 0x3fd5555555555556UL,
      0x3fd5555555555555UL},
     NX},
    {"-2/3", 0xc000000000000000UL, THREE, 0,
     {0xbfe5555555555555UL, 0xbfe5555555555555UL, 0xbfe5555555555556UL, 0xbfe5555555555555UL,
      0xbfe5555555555555UL},
     NX},
};

static const struct fp_case kSqrt[] = {
    {"4", 0x4010000000000000UL, 0, 0, RNE, TWO, 0},
    {"-0", N0, 0, 0, RNE, N0, 0},
    {"-1", NONE, 0, 0, RNE, QNAN, NV},
    {"-inf", NINF, 0, 0, RNE, QNAN, NV},
    {"inf", PINF, 0, 0, RNE, PINF, 0},
    {"qnan", QNANP, 0, 0, RNE, QNAN, 0},
    {"snan", SNANP, 0, 0, RNE, QNAN, NV},
    {"2^-1074", MINSUB, 0, 0, RNE, 0x1e60000000000000UL, 0},
    {"2^-1072", 4, 0, 0, RNE, 0x1e70000000000000UL, 0},
};

static const struct fp_modes_case kSqrtModes[] = {
    {"2", TWO, 0, 0,
     {0x3ff6a09e667f3bcdUL, 0x3ff6a09e667f3bccUL, 0x3ff6a09e667f3bccUL, 0x3ff6a09e667f3bcdUL,
      0x3ff6a09e667f3bcdUL},
     NX},
};

struct fused_case {
  const char *name;
  uint64_t a, b, c;
  int form; /* fmadd, fmsub, fnmsub, fnmadd */
  int rm;
  uint64_t want;
  uint8_t flags;
};

static const fp_fn kFusedFns[4] = {fmadd_d, fmsub_d, fnmsub_d, fnmadd_d};
static const char *const kFusedNames[4] = {"fmadd.d", "fmsub.d", "fnmsub.d", "fnmadd.d"};

static const struct fused_case kFused[] = {
    /* (1+2^-52)^2 - (1+2^-51) = 2^-104 exactly */
    {"error_term", U(1), U(1), U(2), 1, RNE, 0x3970000000000000UL, 0},
    /* (1+2^-52)^2 + (2^-53 - 2^-104) = 1 + 2^-51 + 2^-53: a tie */
    {"tie", U(1), U(1), 0x3c9ffffffffffffcUL, 0, RNE, U(2), NX},
    {"tie", U(1), U(1), 0x3c9ffffffffffffcUL, 0, RTZ, U(2), NX},
    {"tie", U(1), U(1), 0x3c9ffffffffffffcUL, 0, RUP, U(3), NX},
    {"tie", U(1), U(1), 0x3c9ffffffffffffcUL, 0, RMM, U(3), NX},
    {"-tie", U(1), U(1), 0x3c9ffffffffffffcUL, 3, RMM, 0xbff0000000000003UL, NX},
    {"no_overflow", TWO, MAX, MAX, 1, RNE, MAX, 0},
    {"-(1*1)-1", ONE, ONE, ONE, 3, RNE, 0xc000000000000000UL, 0},
    {"1*1-1", ONE, ONE, ONE, 1, RDN, N0, 0},
    {"-(1*1)+1", ONE, ONE, ONE, 2, RNE, P0, 0},
    {"-(+0*1)-+0", P0, ONE, P0, 3, RNE, N0, 0},
    {"0*inf+qnan", P0, PINF, QNAN, 0, RNE, QNAN, NV},
    {"-inf*0+qnan", NINF, P0, QNANP, 3, RNE, QNAN, NV},
    {"inf*1-inf", PINF, ONE, PINF, 1, RNE, QNAN, NV},
    {"qnan*1+1", QNANP, ONE, ONE, 0, RNE, QNAN, 0},
    {"1*1+snan", ONE, ONE, SNAN, 0, RNE, QNAN, NV},
    {"minsub*0.5+0", MINSUB, HALF, P0, 0, RMM, MINSUB, UF | NX},
};

static void test_fused(void)
{
  char name[96];
  for (unsigned i = 0; i < sizeof kFused / sizeof kFused[0]; ++i) {
    const struct fused_case *k = &kFused[i];
    snprintf(name, sizeof name, "%s.%s.%s", kFusedNames[k->form], k->name, fp_rm_names[k->rm]);
    fp_check(name, kFusedFns[k->form](k->rm, k->a, k->b, k->c), k->want, k->flags);
  }
  static const uint64_t kTie[4][5] = {
      {U(2), U(2), U(2), U(3), U(3)},
      {U(2), U(1), U(1), U(2), U(2)}, /* just above a tie */
      {0xbff0000000000002UL, 0xbff0000000000001UL, 0xbff0000000000002UL,
       0xbff0000000000001UL, 0xbff0000000000002UL},
      {0xbff0000000000002UL, 0xbff0000000000002UL, 0xbff0000000000003UL,
       0xbff0000000000002UL, 0xbff0000000000003UL}};
  for (int form = 0; form < 4; ++form)
    for (int rm = RNE; rm <= RMM; ++rm) {
      write_csr(frm, rm);
      snprintf(name, sizeof name, "%s.tie.dyn.%s", kFusedNames[form], fp_rm_names[rm]);
      fp_check(name, kFusedFns[form](DYN, U(1), U(1), 0x3c9ffffffffffffcUL), kTie[form][rm], NX);
    }
  write_csr(frm, RNE);
}

static const struct fp_case kMin[] = {
    {"-0,+0", N0, P0, 0, RNE, N0, 0},
    {"+0,-0", P0, N0, 0, RNE, N0, 0},
    {"1,2", ONE, TWO, 0, RNE, ONE, 0},
    {"-1,-2", NONE, 0xc000000000000000UL, 0, RNE, 0xc000000000000000UL, 0},
    {"-minsub,minsub", 0x8000000000000001UL, MINSUB, 0, RNE, 0x8000000000000001UL, 0},
    {"qnan,1", QNANP, ONE, 0, RNE, ONE, 0},
    {"snan,-inf", SNAN, NINF, 0, RNE, NINF, NV},
    {"qnan,qnan", QNANP, QNAN, 0, RNE, QNAN, 0},
    {"qnan,snan", QNAN, SNANP, 0, RNE, QNAN, NV},
};

static const struct fp_case kMax[] = {
    {"-0,+0", N0, P0, 0, RNE, P0, 0},
    {"+0,-0", P0, N0, 0, RNE, P0, 0},
    {"1,2", ONE, TWO, 0, RNE, TWO, 0},
    {"-1,-2", NONE, 0xc000000000000000UL, 0, RNE, NONE, 0},
    {"1,qnan", ONE, NQNAN, 0, RNE, ONE, 0},
    {"1,snan", ONE, SNAN, 0, RNE, ONE, NV},
    {"qnan,qnan", NQNAN, QNANP, 0, RNE, QNAN, 0},
};

static const struct fp_case kEq[] = {
    {"+0,-0", P0, N0, 0, RNE, 1, 0},
    {"1,1", ONE, ONE, 0, RNE, 1, 0},
    {"1,1+u", ONE, U(1), 0, RNE, 0, 0},
    {"qnan,qnan", QNAN, QNAN, 0, RNE, 0, 0},
    {"snan,snan", SNAN, SNAN, 0, RNE, 0, NV},
};

static const struct fp_case kLt[] = {
    {"-0,+0", N0, P0, 0, RNE, 0, 0},
    {"-2,-1", 0xc000000000000000UL, NONE, 0, RNE, 1, 0},
    {"-minsub,+0", 0x8000000000000001UL, P0, 0, RNE, 1, 0},
    {"max,inf", MAX, PINF, 0, RNE, 1, 0},
    {"qnan,1", QNANP, ONE, 0, RNE, 0, NV},
};

static const struct fp_case kLe[] = {
    {"-0,+0", N0, P0, 0, RNE, 1, 0},
    {"1,1", ONE, ONE, 0, RNE, 1, 0},
    {"2,1", TWO, ONE, 0, RNE, 0, 0},
    {"1,qnan", ONE, QNAN, 0, RNE, 0, NV},
};

static const struct fp_case kClass[] = {
    {"-inf", NINF, 0, 0, RNE, 1 << 0, 0},
    {"-1", NONE, 0, 0, RNE, 1 << 1, 0},
    {"-minsub", 0x8000000000000001UL, 0, 0, RNE, 1 << 2, 0},
    {"-0", N0, 0, 0, RNE, 1 << 3, 0},
    {"+0", P0, 0, 0, RNE, 1 << 4, 0},
    {"maxsub", MAXSUB, 0, 0, RNE, 1 << 5, 0},
    {"minnorm", MINNORM, 0, 0, RNE, 1 << 6, 0},
    {"inf", PINF, 0, 0, RNE, 1 << 7, 0},
    {"snan", SNAN, 0, 0, RNE, 1 << 8, 0},
    {"snan_max", 0x7ff7ffffffffffffUL, 0, 0, RNE, 1 << 8, 0},
    {"qnan", QNAN, 0, 0, RNE, 1 << 9, 0},
    {"-qnan", NQNAN, 0, 0, RNE, 1 << 9, 0},
    /* a NaN-boxed single read as a double is a (negative, quiet) NaN */
    {"boxed_single", BOX(0x3f800000), 0, 0, RNE, 1 << 9, 0},
};

static const struct fp_case kSgnj[] = {
    {"1,-0", ONE, N0, 0, RNE, NONE, 0},
    {"snan,-1", SNAN, NONE, 0, RNE, 0xfff0000000000001UL, 0},
};
static const struct fp_case kSgnjn[] = {
    {"-1,-1", NONE, NONE, 0, RNE, ONE, 0},
    {"1,+0", ONE, P0, 0, RNE, NONE, 0},
};
static const struct fp_case kSgnjx[] = {
    {"-1,-1", NONE, NONE, 0, RNE, ONE, 0},
    {"snan,-0", SNAN, N0, 0, RNE, 0xfff0000000000001UL, 0},
    {"-qnan,+1", NQNAN, ONE, 0, RNE, NQNAN, 0},
};

/* Between the formats: NaNs become canonical, sNaN raises NV. */
static const struct fp_case kCvtSD[] = {
    {"1", ONE, 0, 0, RNE, 0x3f800000, 0},
    {"-0", N0, 0, 0, RNE, 0x80000000, 0},
    {"inf", PINF, 0, 0, RNE, 0x7f800000, 0},
    {"qnan", QNANP, 0, 0, RNE, 0x7fc00000, 0},
    {"snan", SNAN, 0, 0, RNE, 0x7fc00000, NV},
    {"f32max", 0x47efffffe0000000UL, 0, 0, RUP, 0x7f7fffff, 0},
    {"max", MAX, 0, 0, RNE, 0x7f800000, OF | NX},
    {"max", MAX, 0, 0, RTZ, 0x7f7fffff, OF | NX},
    {"max", MAX, 0, 0, RDN, 0x7f7fffff, OF | NX},
    {"-max", NMAX, 0, 0, RUP, 0xff7fffff, OF | NX},
    {"-max", NMAX, 0, 0, RMM, 0xff800000, OF | NX},
    {"2^-149", 0x36a0000000000000UL, 0, 0, RNE, 0x00000001, 0},
    {"minsub", MINSUB, 0, 0, RNE, 0, UF | NX},
    {"minsub", MINSUB, 0, 0, RUP, 0x00000001, UF | NX},
    {"-minsub", 0x8000000000000001UL, 0, 0, RDN, 0x80000001, UF | NX},
    {"-minsub", 0x8000000000000001UL, 0, 0, RTZ, 0x80000000, UF | NX},
    /* 2^-126 (1 - 2^-25): tiny before rounding, not after (RNE) */
    {"under_minnorm", 0x380ffffff0000000UL, 0, 0, RNE, 0x00800000, NX},
    {"under_minnorm", 0x380ffffff0000000UL, 0, 0, RTZ, 0x007fffff, UF | NX},
    {"2^-126", 0x3810000000000000UL, 0, 0, RNE, 0x00800000, 0},
};
static const struct fp_modes_case kCvtSDModes[] = {
    {"1+2^-24", 0x3ff0000010000000UL, 0, 0,
     {0x3f800000, 0x3f800000, 0x3f800000, 0x3f800001, 0x3f800001}, NX},
    {"-1-2^-24", 0xbff0000010000000UL, 0, 0,
     {0xbf800000, 0xbf800000, 0xbf800001, 0xbf800000, 0xbf800001}, NX},
    {"2^-150", 0x3690000000000000UL, 0, 0, {0, 0, 0, 1, 1}, UF | NX},
};
static const struct fp_case kCvtDS[] = {
    {"1", 0x3f800000, 0, 0, RNE, ONE, 0},
    {"-0", 0x80000000, 0, 0, RNE, N0, 0},
    {"-inf", 0xff800000, 0, 0, RNE, NINF, 0},
    {"minsub", 0x00000001, 0, 0, RNE, 0x36a0000000000000UL, 0},
    {"maxsub", 0x007fffff, 0, 0, RNE, 0x380fffffc0000000UL, 0},
    {"max", 0x7f7fffff, 0, 0, RNE, 0x47efffffe0000000UL, 0},
    {"qnan", 0x7fc12345, 0, 0, RNE, QNAN, 0},
    {"-qnan", 0xffc00001, 0, 0, RNE, QNAN, 0},
    {"snan", 0x7fa00042, 0, 0, RNE, QNAN, NV},
};

static const struct fp_case kCvtW[] = {
    {"qnan", QNAN, 0, 0, RNE, 0x7fffffff, NV},
    {"-inf", NINF, 0, 0, RNE, SEXT32(0x80000000), NV},
    {"2^31-1", 0x41dfffffffc00000UL, 0, 0, RNE, 0x7fffffff, 0},
    /* 2^31 - 0.5: a tie between 2^31 - 1 and 2^31 (out of range): NV alone, or NX */
    {"2^31-0.5", 0x41dfffffffe00000UL, 0, 0, RNE, 0x7fffffff, NV},
    {"2^31-0.5", 0x41dfffffffe00000UL, 0, 0, RMM, 0x7fffffff, NV},
    {"2^31-0.5", 0x41dfffffffe00000UL, 0, 0, RUP, 0x7fffffff, NV},
    {"2^31-0.5", 0x41dfffffffe00000UL, 0, 0, RTZ, 0x7fffffff, NX},
    {"2^31-0.5", 0x41dfffffffe00000UL, 0, 0, RDN, 0x7fffffff, NX},
    {"-2^31-0.5", 0xc1e0000000100000UL, 0, 0, RNE, SEXT32(0x80000000), NX},
    {"-2^31-0.5", 0xc1e0000000100000UL, 0, 0, RTZ, SEXT32(0x80000000), NX},
    {"-2^31-0.5", 0xc1e0000000100000UL, 0, 0, RUP, SEXT32(0x80000000), NX},
    {"-2^31-0.5", 0xc1e0000000100000UL, 0, 0, RMM, SEXT32(0x80000000), NV},
    {"-2^31-0.5", 0xc1e0000000100000UL, 0, 0, RDN, SEXT32(0x80000000), NV},
    {"1e300", 0x7e37e43c8800759cUL, 0, 0, RNE, 0x7fffffff, NV},
    {"minsub", MINSUB, 0, 0, RUP, 1, NX},
    {"-0.75", 0xbfe8000000000000UL, 0, 0, RNE, SEXT32(-1), NX},
};
static const struct fp_case kCvtWu[] = {
    {"qnan", QNANP, 0, 0, RNE, SEXT32(0xffffffff), NV},
    {"-inf", NINF, 0, 0, RNE, 0, NV},
    {"2^32-1", 0x41efffffffe00000UL, 0, 0, RNE, SEXT32(0xffffffff), 0},
    {"2^31", 0x41e0000000000000UL, 0, 0, RNE, SEXT32(0x80000000), 0},
    {"2^32-0.5", 0x41effffffff00000UL, 0, 0, RNE, SEXT32(0xffffffff), NV},
    {"2^32-0.5", 0x41effffffff00000UL, 0, 0, RTZ, SEXT32(0xffffffff), NX},
    {"-0.25", 0xbfd0000000000000UL, 0, 0, RDN, 0, NV},
    {"-0.25", 0xbfd0000000000000UL, 0, 0, RNE, 0, NX},
};
static const struct fp_case kCvtL[] = {
    {"qnan", QNAN, 0, 0, RNE, 0x7fffffffffffffffUL, NV},
    {"snan", SNAN, 0, 0, RNE, 0x7fffffffffffffffUL, NV},
    {"inf", PINF, 0, 0, RNE, 0x7fffffffffffffffUL, NV},
    {"-inf", NINF, 0, 0, RNE, 0x8000000000000000UL, NV},
    {"2^63", 0x43e0000000000000UL, 0, 0, RNE, 0x7fffffffffffffffUL, NV},
    {"-2^63", 0xc3e0000000000000UL, 0, 0, RNE, 0x8000000000000000UL, 0},
    {"2^63-1024", 0x43dfffffffffffffUL, 0, 0, RNE, 0x7ffffffffffffc00UL, 0},
    {"-2^63-2048", 0xc3e0000000000001UL, 0, 0, RNE, 0x8000000000000000UL, NV},
    {"2^53+2", 0x4340000000000001UL, 0, 0, RNE, 0x20000000000002UL, 0},
};
static const struct fp_modes_case kCvtLModes[] = {
    {"2.5", 0x4004000000000000UL, 0, 0, {2, 2, 2, 3, 3}, NX},
    {"-2.5", 0xc004000000000000UL, 0, 0,
     {(uint64_t)-2, (uint64_t)-2, (uint64_t)-3, (uint64_t)-2, (uint64_t)-3}, NX},
};
static const struct fp_case kCvtLu[] = {
    {"qnan", QNAN, 0, 0, RNE, ~0UL, NV},
    {"-inf", NINF, 0, 0, RNE, 0, NV},
    {"2^63", 0x43e0000000000000UL, 0, 0, RNE, 0x8000000000000000UL, 0},
    {"2^64-2048", 0x43efffffffffffffUL, 0, 0, RNE, 0xfffffffffffff800UL, 0},
    {"2^64", 0x43f0000000000000UL, 0, 0, RNE, ~0UL, NV},
    {"max", MAX, 0, 0, RTZ, ~0UL, NV},
    {"-1", NONE, 0, 0, RNE, 0, NV},
    {"-0.5", 0xbfe0000000000000UL, 0, 0, RNE, 0, NX},
    {"-0.5", 0xbfe0000000000000UL, 0, 0, RMM, 0, NV},
    {"0.5", HALF, 0, 0, RMM, 1, NX},
};
static const struct fp_case kCvtDW[] = {
    {"0", 0, 0, 0, RNE, P0, 0},
    {"-1", SEXT32(-1), 0, 0, RNE, NONE, 0},
    {"int32_min", SEXT32(0x80000000), 0, 0, RNE, 0xc1e0000000000000UL, 0},
    {"int32_max", 0x7fffffff, 0, 0, RNE, 0x41dfffffffc00000UL, 0},
    {"upper_bits_ignored", 0xabcdef00fffffffeUL, 0, 0, RNE, 0xc000000000000000UL, 0},
};
static const struct fp_case kCvtDWu[] = {
    {"uint32_max", 0xffffffff, 0, 0, RNE, 0x41efffffffe00000UL, 0},
    {"upper_bits_ignored", 0xffffffff00000003UL, 0, 0, RNE, THREE, 0},
};
static const struct fp_case kCvtDL[] = {
    {"0", 0, 0, 0, RDN, P0, 0},
    {"int64_min", 0x8000000000000000UL, 0, 0, RNE, 0xc3e0000000000000UL, 0},
    {"int64_max", 0x7fffffffffffffffUL, 0, 0, RNE, 0x43e0000000000000UL, NX},
    {"int64_max", 0x7fffffffffffffffUL, 0, 0, RTZ, 0x43dfffffffffffffUL, NX},
    {"2^53+3", 0x20000000000003UL, 0, 0, RNE, 0x4340000000000002UL, NX},
};
static const struct fp_modes_case kCvtDLModes[] = {
    {"2^53+1", 0x20000000000001UL, 0, 0,
     {0x4340000000000000UL, 0x4340000000000000UL, 0x4340000000000000UL, 0x4340000000000001UL,
      0x4340000000000001UL},
     NX},
    {"-(2^53+1)", (uint64_t)-0x20000000000001L, 0, 0,
     {0xc340000000000000UL, 0xc340000000000000UL, 0xc340000000000001UL, 0xc340000000000000UL,
      0xc340000000000001UL},
     NX},
};
static const struct fp_case kCvtDLu[] = {
    {"uint64_max", ~0UL, 0, 0, RNE, 0x43f0000000000000UL, NX},
    {"uint64_max", ~0UL, 0, 0, RTZ, 0x43efffffffffffffUL, NX},
    {"uint64_max", ~0UL, 0, 0, RMM, 0x43f0000000000000UL, NX},
    {"2^63", 0x8000000000000000UL, 0, 0, RNE, 0x43e0000000000000UL, 0},
};

static void test_conversions(void)
{
  FP_RUN("fcvt.s.d", fcvt_s_d, FP_DST32, kCvtSD);
  FP_RUN_MODES("fcvt.s.d", fcvt_s_d, FP_DST32, kCvtSDModes);
  FP_RUN("fcvt.d.s", fcvt_d_s, FP_SRC32, kCvtDS);
  /* A double read as a single is the canonical NaN: converting it gives the canonical
   * double NaN, without NV. */
  fp_check("fcvt.d.s.unboxed", fcvt_d_s(RNE, ONE, 0, 0), QNAN, 0);
  FP_RUN("fcvt.w.d", fcvt_w_d, 0, kCvtW);
  FP_RUN("fcvt.wu.d", fcvt_wu_d, 0, kCvtWu);
  FP_RUN("fcvt.l.d", fcvt_l_d, 0, kCvtL);
  FP_RUN_MODES("fcvt.l.d", fcvt_l_d, 0, kCvtLModes);
  FP_RUN("fcvt.lu.d", fcvt_lu_d, 0, kCvtLu);
  FP_RUN("fcvt.d.w", fcvt_d_w, 0, kCvtDW);
  FP_RUN("fcvt.d.wu", fcvt_d_wu, 0, kCvtDWu);
  FP_RUN("fcvt.d.l", fcvt_d_l, 0, kCvtDL);
  FP_RUN_MODES("fcvt.d.l", fcvt_d_l, 0, kCvtDLModes);
  FP_RUN("fcvt.d.lu", fcvt_d_lu, 0, kCvtDLu);
}

/* Transfers keep every bit; a single result is NaN-boxed, so a double operation reading it
 * sees a NaN. */
static void test_moves_and_boxing(void)
{
  fp_check("fmv.d.x", fmv_d_x(RNE, SNANP, 0, 0), SNANP, 0);
  fp_check("fmv.x.d", fmv_x_d(RNE, 0x8000000000000001UL, 0, 0), 0x8000000000000001UL, 0);
  fp_check("fmv.x.d.snan", fmv_x_d(RNE, SNAN, 0, 0), SNAN, 0);
  fp_check("box.fadd.d.single", fadd_d(RNE, BOX(0x3f800000), ONE, 0), QNAN, 0);
  fp_check("box.fmul.d.single", fmul_d(RNE, ONE, BOX(0x7f800001), 0), QNAN, 0);
  fp_check("box.feq.d.single", feq_d(RNE, BOX(0x3f800000), BOX(0x3f800000), 0), 0, 0);
  fp_check("box.fsgnj.d.single", fsgnj_d(RNE, BOX(0x3f800000), ONE, 0), 0x7fffffff3f800000UL,
           0);
}

static void test_memory(void)
{
  static volatile uint64_t mem[4];
  uint64_t got;
  mem[0] = 0x400921fb54442d18UL;
  mem[1] = 0;
  asm volatile("fld ft0, -8(%1)\n\tfsd ft0, 0(%1)\n\tfmv.x.d %0, ft0"
               : "=r"(got)
               : "r"(&mem[1])
               : "ft0", "memory");
  CHECK("fld", got, 0x400921fb54442d18UL);
  CHECK("fsd", mem[1], 0x400921fb54442d18UL);
  mem[2] = SNAN;
  struct fres r;
  asm volatile("csrw fflags, zero\n\tfld ft1, 16(%2)\n\tfsd ft1, 24(%2)\n\tfrflags %1\n\t"
               "fmv.x.d %0, ft1"
               : "=&r"(r.v), "=&r"(r.flags)
               : "r"(mem)
               : "ft1", "memory");
  fp_check("fld.snan", r, SNAN, 0);
  CHECK("fsd.snan", mem[3], SNAN);

  /* The compressed forms (C.FLD/C.FSD take f8-f15 and x8-x15; the SP forms any f). */
  register volatile uint64_t *base asm("a1") = mem;
  mem[0] = 0x1111222233334444UL;
  mem[1] = 0x5555666677778888UL;
  asm volatile(".option push\n\t.option rvc\n\t"
               "c.fld fa0, 8(%1)\n\tc.fsd fa0, 0(%1)\n\t"
               ".option pop\n\tfmv.x.d %0, fa0"
               : "=r"(got)
               : "r"(base)
               : "fa0", "memory");
  CHECK("c.fld", got, 0x5555666677778888UL);
  CHECK("c.fsd", mem[0], 0x5555666677778888UL);
  asm volatile(".option push\n\t.option rvc\n\t"
               "fmv.d.x ft5, %1\n\t"
               "addi sp, sp, -32\n\t"
               "c.fsdsp ft5, 24(sp)\n\t"
               "c.fldsp ft6, 24(sp)\n\t"
               "ld %0, 24(sp)\n\t"
               "addi sp, sp, 32\n\t"
               ".option pop"
               : "=&r"(got)
               : "r"(0xfedcba9876543210UL)
               : "ft5", "ft6", "memory");
  CHECK("c.fsdsp", got, 0xfedcba9876543210UL);
  asm volatile("fmv.x.d %0, ft6" : "=r"(got));
  CHECK("c.fldsp", got, 0xfedcba9876543210UL);
}

/* Reserved rounding modes (11.2), in D instructions. */
static void test_illegal_rm(void)
{
  uint64_t site;
  /* fadd.d ft0, ft1, ft2 with rm = 5; fdiv.d with rm = 6 */
  site = PROBE(".4byte 0x0220d053", 0);
  check_illegal("fadd.d.rm5", site);
  site = PROBE(".4byte 0x1a20e053", 0);
  check_illegal("fdiv.d.rm6", site);
  /* fcvt.s.d ft0, ft1 with rm = 5 */
  site = PROBE(".4byte 0x4010d053", 0);
  check_illegal("fcvt.s.d.rm5", site);
  for (uint64_t frm = 5; frm <= 7; ++frm) {
    char name[32];
    write_csr(frm, frm);
    site = PROBE("fmul.d ft0, ft1, ft2, dyn", 0);
    snprintf(name, sizeof name, "fmul.d.dyn.frm%lu", (unsigned long)frm);
    check_illegal(name, site);
    site = PROBE("fnmadd.d ft0, ft1, ft2, ft3, dyn", 0);
    snprintf(name, sizeof name, "fnmadd.d.dyn.frm%lu", (unsigned long)frm);
    check_illegal(name, site);
  }
  write_csr(frm, RNE);
}

int main(void)
{
  trap_install();
  write_csr(fcsr, 0);
  FP_RUN("fadd.d", fadd_d, 0, kAdd);
  FP_RUN_MODES("fadd.d", fadd_d, 0, kAddModes);
  FP_RUN("fsub.d", fsub_d, 0, kSub);
  FP_RUN("fmul.d", fmul_d, 0, kMul);
  FP_RUN_MODES("fmul.d", fmul_d, 0, kMulModes);
  FP_RUN("fdiv.d", fdiv_d, 0, kDiv);
  FP_RUN_MODES("fdiv.d", fdiv_d, 0, kDivModes);
  FP_RUN("fsqrt.d", fsqrt_d, 0, kSqrt);
  FP_RUN_MODES("fsqrt.d", fsqrt_d, 0, kSqrtModes);
  test_fused();
  FP_RUN("fmin.d", fmin_d, 0, kMin);
  FP_RUN("fmax.d", fmax_d, 0, kMax);
  FP_RUN("feq.d", feq_d, 0, kEq);
  FP_RUN("flt.d", flt_d, 0, kLt);
  FP_RUN("fle.d", fle_d, 0, kLe);
  FP_RUN("fclass.d", fclass_d, 0, kClass);
  FP_RUN("fsgnj.d", fsgnj_d, 0, kSgnj);
  FP_RUN("fsgnjn.d", fsgnjn_d, 0, kSgnjn);
  FP_RUN("fsgnjx.d", fsgnjx_d, 0, kSgnjx);
  test_conversions();
  test_moves_and_boxing();
  test_memory();
  test_illegal_rm();
  return t_done("rv64d");
}
