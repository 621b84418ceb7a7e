/* RV64F (unprivileged spec chapter 11 with the RV64 additions): every instruction with
 * exact results and exact fflags, every static rounding mode and the same through frm,
 * NaN generation (canonical NaN) and propagation, NaN-boxing of singles in the 64-bit f
 * registers (12.2), FMV.X.W sign extension, the saturating conversions of 11.7, the fcsr
 * fields, and the illegal rounding modes. Expected values are hand-computed; QEMU agrees. */
#include <stdio.h>

#include "fp_ops.h"
#include "trap.h"

/* binary32 values */
#define P0 0x00000000UL
#define N0 0x80000000UL
#define ONE 0x3f800000UL
#define NONE 0xbf800000UL
#define TWO 0x40000000UL
#define THREE 0x40400000UL
#define HALF 0x3f000000UL
#define PINF 0x7f800000UL
#define NINF 0xff800000UL
#define QNAN 0x7fc00000UL
#define QNANP 0x7fc12345UL /* quiet NaN with a payload */
#define NQNAN 0xffc00001UL
#define SNAN 0x7f800001UL
#define SNANP 0x7fa00042UL
#define MINSUB 0x00000001UL
#define MAXSUB 0x007fffffUL
#define MINNORM 0x00800000UL
#define MAX 0x7f7fffffUL
#define NMAX 0xff7fffffUL

#define SEXT32(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))

static const struct fp_case kAdd[] = {
    {"1+1", ONE, ONE, 0, RNE, TWO, 0},
    {"qnan_payload", QNANP, ONE, 0, RNE, QNAN, 0},
    {"neg_qnan", ONE, NQNAN, 0, RNE, QNAN, 0},
    {"snan", SNAN, ONE, 0, RNE, QNAN, NV},
    {"qnan+snan", QNAN, SNANP, 0, RNE, QNAN, NV},
    {"inf-inf", PINF, NINF, 0, RNE, QNAN, NV},
    {"inf+inf", PINF, PINF, 0, RNE, PINF, 0},
    {"-inf+max", NINF, MAX, 0, RNE, NINF, 0},
    {"+0-0", P0, N0, 0, RNE, P0, 0},
    {"+0-0", P0, N0, 0, RDN, N0, 0},
    {"-0-0", N0, N0, 0, RUP, N0, 0},
    {"1-1", ONE, NONE, 0, RNE, P0, 0},
    {"1-1", ONE, NONE, 0, RMM, P0, 0},
    {"1-1", ONE, NONE, 0, RDN, N0, 0},
    {"sub-sub", 0x00000123, 0x80000123, 0, RDN, N0, 0},
    {"sub+sub=norm", MAXSUB, MINSUB, 0, RNE, MINNORM, 0},
    {"max+max", MAX, MAX, 0, RNE, PINF, OF | NX},
    {"max+max", MAX, MAX, 0, RTZ, MAX, OF | NX},
    {"max+max", MAX, MAX, 0, RDN, MAX, OF | NX},
    {"max+max", MAX, MAX, 0, RUP, PINF, OF | NX},
    {"max+max", MAX, MAX, 0, RMM, PINF, OF | NX},
    {"-max-max", NMAX, NMAX, 0, RTZ, NMAX, OF | NX},
    {"-max-max", NMAX, NMAX, 0, RDN, NINF, OF | NX},
    {"-max-max", NMAX, NMAX, 0, RUP, NMAX, OF | NX},
    /* max + half an ulp: the odd max rounds up (overflow) in RNE and RMM only */
    {"max+halfulp", MAX, 0x73000000, 0, RNE, PINF, OF | NX},
    {"max+halfulp", MAX, 0x73000000, 0, RTZ, MAX, NX},
    {"max+halfulp", MAX, 0x73000000, 0, RMM, PINF, OF | NX},
    {"max+quarterulp", MAX, 0x72800000, 0, RNE, MAX, NX},
    {"max+quarterulp", MAX, 0x72800000, 0, RUP, PINF, OF | NX},
};

/* Results in RNE, RTZ, RDN, RUP, RMM order. */
static const struct fp_modes_case kAddModes[] = {
    {"1+2^-24", ONE, 0x33800000, 0, {ONE, ONE, ONE, 0x3f800001, 0x3f800001}, NX},
    {"1u+2^-24", 0x3f800001, 0x33800000, 0,
     {0x3f800002, 0x3f800001, 0x3f800001, 0x3f800002, 0x3f800002}, NX},
    {"-1-2^-24", NONE, 0xb3800000, 0, {NONE, NONE, 0xbf800001, NONE, 0xbf800001}, NX},
    {"1+1.5*2^-24", ONE, 0x33c00000, 0, {0x3f800001, ONE, ONE, 0x3f800001, 0x3f800001}, NX},
    {"1+2^-25", ONE, 0x33000000, 0, {ONE, ONE, ONE, 0x3f800001, ONE}, NX},
    {"1-2^-25", ONE, 0xb3000000, 0, {ONE, 0x3f7fffff, 0x3f7fffff, ONE, ONE}, NX},
    {"exact", MINNORM, 0x80000001, 0, {MAXSUB, MAXSUB, MAXSUB, MAXSUB, MAXSUB}, 0},
};

static const struct fp_case kSub[] = {
    {"1-1", ONE, ONE, 0, RNE, P0, 0},
    {"1-1", ONE, ONE, 0, RDN, N0, 0},
    {"-0-+0", N0, P0, 0, RNE, N0, 0},
    {"inf-inf", PINF, PINF, 0, RNE, QNAN, NV},
    {"2-1", TWO, ONE, 0, RNE, ONE, 0},
    {"minnorm-maxsub", MINNORM, MAXSUB, 0, RNE, MINSUB, 0},
    {"snan", ONE, SNAN, 0, RNE, QNAN, NV},
};

static const struct fp_modes_case kSubModes[] = {
    {"1-(-2^-24)", ONE, 0xb3800000, 0, {ONE, ONE, ONE, 0x3f800001, 0x3f800001}, NX},
    {"-1-2^-25", NONE, 0x33000000, 0, {NONE, NONE, 0xbf800001, NONE, NONE}, NX},
};

static const struct fp_case kMul[] = {
    {"0*inf", P0, PINF, 0, RNE, QNAN, NV},
    {"-inf*0", NINF, P0, 0, RNE, QNAN, NV},
    {"inf*-1", PINF, NONE, 0, RNE, NINF, 0},
    {"-0*1", N0, ONE, 0, RNE, N0, 0},
    {"-0*-0", N0, N0, 0, RNE, P0, 0},
    {"qnan*0", QNANP, P0, 0, RNE, QNAN, 0},
    {"snan*inf", SNAN, PINF, 0, RNE, QNAN, NV},
    {"1.5*1.5", 0x3fc00000, 0x3fc00000, 0, RNE, 0x40100000, 0},
    {"sub*2^23", 0x00000003, 0x4b000000, 0, RNE, 0x01400000, 0},
    {"max*2", MAX, TWO, 0, RNE, PINF, OF | NX},
    {"max*-2", MAX, 0xc0000000, 0, RUP, NMAX, OF | NX},
    {"max*-2", MAX, 0xc0000000, 0, RDN, NINF, OF | NX},
    {"max*-2", MAX, 0xc0000000, 0, RMM, NINF, OF | NX},
    /* Tininess after rounding: 2^-126 (1 - 2^-46) rounds to 2^-126 with 24 bits in RNE,
     * RUP, RMM: not tiny, NX alone; in RTZ and RDN it stays tiny: UF. */
    {"under_minnorm", 0x3f7ffffe, 0x00800001, 0, RNE, MINNORM, NX},
    {"under_minnorm", 0x3f7ffffe, 0x00800001, 0, RUP, MINNORM, NX},
    {"under_minnorm", 0x3f7ffffe, 0x00800001, 0, RMM, MINNORM, NX},
    {"under_minnorm", 0x3f7ffffe, 0x00800001, 0, RTZ, MAXSUB, UF | NX},
    {"under_minnorm", 0x3f7ffffe, 0x00800001, 0, RDN, MAXSUB, UF | NX},
    /* 2^-126 - 2^-150: exact with 24 bits, so tiny; as a subnormal a tie. */
    {"minnorm-2^-150", 0x3f7fffff, MINNORM, 0, RNE, MINNORM, UF | NX},
    {"minnorm-2^-150", 0x3f7fffff, MINNORM, 0, RTZ, MAXSUB, UF | NX},
    {"minsub*1", MINSUB, ONE, 0, RNE, MINSUB, 0},
    {"minnorm*0.5", MINNORM, HALF, 0, RNE, 0x00400000, 0},
    {"minsub*minsub", MINSUB, MINSUB, 0, RNE, P0, UF | NX},
    {"minsub*minsub", MINSUB, MINSUB, 0, RUP, MINSUB, UF | NX},
    {"-minsub*minsub", 0x80000001, MINSUB, 0, RDN, 0x80000001, UF | NX},
};

static const struct fp_modes_case kMulModes[] = {
    /* (1+2^-23)^2 = 1 + 2^-22 + 2^-46 */
    {"(1+u)^2", 0x3f800001, 0x3f800001, 0,
     {0x3f800002, 0x3f800002, 0x3f800002, 0x3f800003, 0x3f800002}, NX},
    {"1.5minsub", 0x00000003, HALF, 0, {2, 1, 1, 2, 2}, UF | NX},
    {"minsub/2", MINSUB, HALF, 0, {P0, P0, P0, MINSUB, MINSUB}, UF | NX},
    {"-minsub/2", MINSUB, 0xbf000000, 0, {N0, N0, 0x80000001, N0, 0x80000001}, UF | NX},
};

static const struct fp_case kDiv[] = {
    {"1/0", ONE, P0, 0, RNE, PINF, DZ},
    {"-1/0", NONE, P0, 0, RNE, NINF, DZ},
    {"1/-0", ONE, N0, 0, RNE, NINF, DZ},
    {"0/0", P0, P0, 0, RNE, QNAN, NV},
    {"inf/inf", PINF, NINF, 0, RNE, QNAN, NV},
    {"inf/0", PINF, N0, 0, RNE, NINF, 0},
    {"qnan/0", QNAN, P0, 0, RNE, QNAN, 0},
    {"snan/0", SNAN, P0, 0, RNE, QNAN, NV},
    {"0/inf", P0, NINF, 0, RNE, N0, 0},
    {"6/3", 0x40c00000, THREE, 0, RNE, TWO, 0},
    {"max/minsub", MAX, MINSUB, 0, RNE, PINF, OF | NX},
    {"max/minsub", MAX, MINSUB, 0, RTZ, MAX, OF | NX},
    {"sub/sub", 0x00000006, 0x00000003, 0, RNE, TWO, 0},
    {"minsub/3", MINSUB, THREE, 0, RNE, P0, UF | NX},
    {"minsub/3", MINSUB, THREE, 0, RUP, MINSUB, UF | NX},
    {"minnorm/2", MINNORM, TWO, 0, RNE, 0x00400000, 0},
};

static const struct fp_modes_case kDivModes[] = {
    {"1/3", ONE, THREE, 0, {0x3eaaaaab, 0x3eaaaaaa, 0x3eaaaaaa, 0x3eaaaaab, 0x3eaaaaab}, NX},
    {"-2/3", 0xc0000000, THREE, 0, {0xbf2aaaab, 0xbf2aaaaa, 0xbf2aaaab, 0xbf2aaaaa, 0xbf2aaaab},
     NX},
    /* 2^-126 / (1 + 2^-23) = 2^-126 - 2^-149 + 2^-172 - ...: tiny in every mode */
    {"minnorm/(1+u)", MINNORM, 0x3f800001, 0, {MAXSUB, MAXSUB, MAXSUB, MINNORM, MAXSUB},
     UF | NX},
};

static const struct fp_case kSqrt[] = {
    {"4", 0x40800000, 0, 0, RNE, TWO, 0},
    {"+0", P0, 0, 0, RNE, P0, 0},
    {"-0", N0, 0, 0, RNE, N0, 0},
    {"-1", NONE, 0, 0, RNE, QNAN, NV},
    {"-minsub", 0x80000001, 0, 0, RNE, QNAN, NV},
    {"-inf", NINF, 0, 0, RNE, QNAN, NV},
    {"inf", PINF, 0, 0, RNE, PINF, 0},
    {"qnan", QNANP, 0, 0, RNE, QNAN, 0},
    {"snan", SNAN, 0, 0, RNE, QNAN, NV},
    {"2^-148", 0x00000002, 0, 0, RNE, 0x1a800000, 0},
    {"2^-149", MINSUB, 0, 0, RNE, 0x1a3504f3, NX},
};

static const struct fp_modes_case kSqrtModes[] = {
    {"2", TWO, 0, 0, {0x3fb504f3, 0x3fb504f3, 0x3fb504f3, 0x3fb504f4, 0x3fb504f3}, NX},
    /* sqrt(max) = 2^64 (1 - 2^-25 - 2^-51 - ...): just under a tie */
    {"max", MAX, 0, 0, {0x5f7fffff, 0x5f7fffff, 0x5f7fffff, 0x5f800000, 0x5f7fffff}, NX},
};

/* The four fused forms as (a, b, c, form) with form 0..3 = fmadd, fmsub, fnmsub, fnmadd. */
struct fused_case {
  const char *name;
  uint64_t a, b, c;
  int form;
  int rm;
  uint64_t want;
  uint8_t flags;
};

static const fp_fn kFusedFns[4] = {fmadd_s, fmsub_s, fnmsub_s, fnmadd_s};
static const char *const kFusedNames[4] = {"fmadd.s", "fmsub.s", "fnmsub.s", "fnmadd.s"};

static const struct fused_case kFused[] = {
    /* (1+2^-23)^2 - (1+2^-22) = 2^-46 exactly (0 if the product were rounded first) */
    {"error_term", 0x3f800001, 0x3f800001, 0x3f800002, 1, RNE, 0x28800000, 0},
    /* (1+2^-23)^2 + (2^-24 - 2^-46) = 1 + 2^-22 + 2^-24: a tie */
    {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, 0, RNE, 0x3f800002, NX},
    {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, 0, RTZ, 0x3f800002, NX},
    {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, 0, RDN, 0x3f800002, NX},
    {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, 0, RUP, 0x3f800003, NX},
    {"tie", 0x3f800001, 0x3f800001, 0x337ffffc, 0, RMM, 0x3f800003, NX},
    {"-tie", 0x3f800001, 0x3f800001, 0x337ffffc, 3, RMM, 0xbf800003, NX},
    {"-tie", 0x3f800001, 0x3f800001, 0x337ffffc, 3, RUP, 0xbf800002, NX},
    {"no_overflow", TWO, MAX, MAX, 1, RNE, MAX, 0},
    {"1*1+1", ONE, ONE, ONE, 0, RNE, TWO, 0},
    {"1*1-1", ONE, ONE, ONE, 1, RNE, P0, 0},
    {"1*1-1", ONE, ONE, ONE, 1, RDN, N0, 0},
    {"-(1*1)+1", ONE, ONE, ONE, 2, RNE, P0, 0},
    {"-(1*1)+1", ONE, ONE, ONE, 2, RDN, N0, 0},
    {"-(1*1)-1", ONE, ONE, ONE, 3, RNE, 0xc0000000, 0},
    {"+0*1+-0", P0, ONE, N0, 0, RNE, P0, 0},
    {"+0*1+-0", P0, ONE, N0, 0, RDN, N0, 0},
    {"-0*1+-0", N0, ONE, N0, 0, RNE, N0, 0},
    {"-(+0*1)-+0", P0, ONE, P0, 3, RNE, N0, 0},
    {"-(+0*1)+-0", P0, ONE, N0, 2, RUP, N0, 0},
    {"0*1+minsub", P0, ONE, MINSUB, 0, RNE, MINSUB, 0},
    {"minsub*0.5+0", MINSUB, HALF, P0, 0, RNE, P0, UF | NX},
    {"minsub*0.5+0", MINSUB, HALF, P0, 0, RUP, MINSUB, UF | NX},
    /* 11.6: 0 * inf is invalid even when the addend is a quiet NaN */
    {"0*inf+qnan", P0, PINF, QNAN, 0, RNE, QNAN, NV},
    {"inf*-0+qnan", PINF, N0, QNANP, 1, RNE, QNAN, NV},
    {"0*inf+1", P0, NINF, ONE, 2, RNE, QNAN, NV},
    {"inf*1-inf", PINF, ONE, PINF, 1, RNE, QNAN, NV},
    {"inf*1+-inf", PINF, ONE, NINF, 0, RNE, QNAN, NV},
    {"-(inf*1)--inf", PINF, ONE, NINF, 3, RNE, QNAN, NV},
    {"-(inf*1)-inf", PINF, ONE, PINF, 3, RNE, NINF, 0},
    {"1*1+inf", ONE, ONE, PINF, 0, RNE, PINF, 0},
    {"max*2-inf", MAX, TWO, PINF, 1, RNE, NINF, 0},
    {"qnan*1+1", QNANP, ONE, ONE, 0, RNE, QNAN, 0},
    {"1*qnan+inf", ONE, NQNAN, PINF, 0, RNE, QNAN, 0},
    {"1*1+snan", ONE, ONE, SNAN, 0, RNE, QNAN, NV},
    {"snan*0+qnan", SNANP, P0, QNAN, 0, RNE, QNAN, NV},
    {"max*max-max", MAX, MAX, NMAX, 0, RTZ, MAX, OF | NX},
    {"max*max-max", MAX, MAX, NMAX, 0, RNE, PINF, OF | NX},
};

static void test_fused(void)
{
  char name[96];
  for (unsigned i = 0; i < sizeof kFused / sizeof kFused[0]; ++i) {
    const struct fused_case *k = &kFused[i];
    snprintf(name, sizeof name, "%s.%s.%s", kFusedNames[k->form], k->name, fp_rm_names[k->rm]);
    fp_check(name, kFusedFns[k->form](k->rm, BOX(k->a), BOX(k->b), BOX(k->c)), BOX(k->want),
             k->flags);
  }
  /* The tie through frm in every mode, each form. */
  static const uint64_t kTie[4][5] = {
      {0x3f800002, 0x3f800002, 0x3f800002, 0x3f800003, 0x3f800003},
      {0x3f800002, 0x3f800001, 0x3f800001, 0x3f800002, 0x3f800002}, /* just above a tie */
      {0xbf800002, 0xbf800001, 0xbf800002, 0xbf800001, 0xbf800002},
      {0xbf800002, 0xbf800002, 0xbf800003, 0xbf800002, 0xbf800003}};
  for (int form = 0; form < 4; ++form)
    for (int rm = RNE; rm <= RMM; ++rm) {
      write_csr(frm, rm);
      snprintf(name, sizeof name, "%s.tie.dyn.%s", kFusedNames[form], fp_rm_names[rm]);
      fp_check(name, kFusedFns[form](DYN, BOX(0x3f800001), BOX(0x3f800001), BOX(0x337ffffc)),
               BOX(kTie[form][rm]), NX);
    }
  write_csr(frm, RNE);
}

static const struct fp_case kMin[] = {
    {"-0,+0", N0, P0, 0, RNE, N0, 0},
    {"+0,-0", P0, N0, 0, RNE, N0, 0},
    {"1,2", ONE, TWO, 0, RNE, ONE, 0},
    {"-1,-2", NONE, 0xc0000000, 0, RNE, 0xc0000000, 0},
    {"-inf,max", NINF, MAX, 0, RNE, NINF, 0},
    {"minsub,-minsub", MINSUB, 0x80000001, 0, RNE, 0x80000001, 0},
    {"qnan,1", QNANP, ONE, 0, RNE, ONE, 0},
    {"1,qnan", ONE, NQNAN, 0, RNE, ONE, 0},
    {"qnan,-0", QNAN, N0, 0, RNE, N0, 0},
    {"snan,1", SNAN, ONE, 0, RNE, ONE, NV},
    {"1,snan", ONE, SNANP, 0, RNE, ONE, NV},
    {"qnan,qnan", QNANP, NQNAN, 0, RNE, QNAN, 0},
    {"snan,qnan", SNAN, QNANP, 0, RNE, QNAN, NV},
};

static const struct fp_case kMax[] = {
    {"-0,+0", N0, P0, 0, RNE, P0, 0},
    {"+0,-0", P0, N0, 0, RNE, P0, 0},
    {"1,2", ONE, TWO, 0, RNE, TWO, 0},
    {"-1,-2", NONE, 0xc0000000, 0, RNE, NONE, 0},
    {"-inf,max", NINF, MAX, 0, RNE, MAX, 0},
    {"qnan,1", QNANP, ONE, 0, RNE, ONE, 0},
    {"-1,qnan", NONE, QNAN, 0, RNE, NONE, 0},
    {"snan,-inf", SNAN, NINF, 0, RNE, NINF, NV},
    {"qnan,qnan", QNANP, QNAN, 0, RNE, QNAN, 0},
    {"qnan,snan", NQNAN, SNANP, 0, RNE, QNAN, NV},
};

static const struct fp_case kEq[] = {
    {"+0,-0", P0, N0, 0, RNE, 1, 0},         {"1,1", ONE, ONE, 0, RNE, 1, 0},
    {"1,1+u", ONE, 0x3f800001, 0, RNE, 0, 0}, {"inf,inf", PINF, PINF, 0, RNE, 1, 0},
    {"qnan,qnan", QNAN, QNAN, 0, RNE, 0, 0},  {"qnan,1", QNANP, ONE, 0, RNE, 0, 0},
    {"snan,1", SNAN, ONE, 0, RNE, 0, NV},     {"1,snan", ONE, SNANP, 0, RNE, 0, NV},
};

static const struct fp_case kLt[] = {
    {"-0,+0", N0, P0, 0, RNE, 0, 0},
    {"1,2", ONE, TWO, 0, RNE, 1, 0},
    {"2,1", TWO, ONE, 0, RNE, 0, 0},
    {"-2,-1", 0xc0000000, NONE, 0, RNE, 1, 0},
    {"-1,-1", NONE, NONE, 0, RNE, 0, 0},
    {"-inf,-max", NINF, NMAX, 0, RNE, 1, 0},
    {"max,inf", MAX, PINF, 0, RNE, 1, 0},
    {"-minsub,+0", 0x80000001, P0, 0, RNE, 1, 0},
    {"minsub,minnorm", MINSUB, MINNORM, 0, RNE, 1, 0},
    {"qnan,1", QNAN, ONE, 0, RNE, 0, NV},
    {"1,qnan", ONE, NQNAN, 0, RNE, 0, NV},
    {"snan,1", SNAN, ONE, 0, RNE, 0, NV},
};

static const struct fp_case kLe[] = {
    {"-0,+0", N0, P0, 0, RNE, 1, 0},    {"+0,-0", P0, N0, 0, RNE, 1, 0},
    {"-1,-1", NONE, NONE, 0, RNE, 1, 0}, {"2,1", TWO, ONE, 0, RNE, 0, 0},
    {"-1,-2", NONE, 0xc0000000, 0, RNE, 0, 0}, {"1,qnan", ONE, QNAN, 0, RNE, 0, NV},
    {"qnan,qnan", QNAN, QNAN, 0, RNE, 0, NV},
};

static const struct fp_case kClass[] = {
    {"-inf", NINF, 0, 0, RNE, 1 << 0, 0},       {"-1", NONE, 0, 0, RNE, 1 << 1, 0},
    {"-max", NMAX, 0, 0, RNE, 1 << 1, 0},       {"-minsub", 0x80000001, 0, 0, RNE, 1 << 2, 0},
    {"-maxsub", 0x807fffff, 0, 0, RNE, 1 << 2, 0}, {"-0", N0, 0, 0, RNE, 1 << 3, 0},
    {"+0", P0, 0, 0, RNE, 1 << 4, 0},           {"minsub", MINSUB, 0, 0, RNE, 1 << 5, 0},
    {"maxsub", MAXSUB, 0, 0, RNE, 1 << 5, 0},   {"minnorm", MINNORM, 0, 0, RNE, 1 << 6, 0},
    {"max", MAX, 0, 0, RNE, 1 << 6, 0},         {"inf", PINF, 0, 0, RNE, 1 << 7, 0},
    {"snan", SNAN, 0, 0, RNE, 1 << 8, 0},       {"-snan", 0xff800001, 0, 0, RNE, 1 << 8, 0},
    {"snan_payload", SNANP, 0, 0, RNE, 1 << 8, 0}, {"qnan", QNAN, 0, 0, RNE, 1 << 9, 0},
    {"-qnan", NQNAN, 0, 0, RNE, 1 << 9, 0},     {"qnan_max", 0x7fffffff, 0, 0, RNE, 1 << 9, 0},
};

static const struct fp_case kSgnj[] = {
    {"1,-0", ONE, N0, 0, RNE, NONE, 0},
    {"-1,+0", NONE, P0, 0, RNE, ONE, 0},
    {"snan,-1", SNAN, NONE, 0, RNE, 0xff800001, 0}, /* payload kept, not quieted */
    {"-qnan,1", NQNAN, ONE, 0, RNE, 0x7fc00001, 0},
};
static const struct fp_case kSgnjn[] = {
    {"1,-0", ONE, N0, 0, RNE, ONE, 0},
    {"1,+0", ONE, P0, 0, RNE, NONE, 0}, /* fneg.s */
    {"-qnan,-qnan", NQNAN, NQNAN, 0, RNE, 0x7fc00001, 0},
};
static const struct fp_case kSgnjx[] = {
    {"-1,-0", NONE, N0, 0, RNE, ONE, 0},
    {"-1,-1", NONE, NONE, 0, RNE, ONE, 0}, /* fabs.s */
    {"-1,+1", NONE, ONE, 0, RNE, NONE, 0},
    {"snan,-0", SNANP, N0, 0, RNE, 0xffa00042, 0},
};

/* Conversions to integers: W forms write the 32-bit result sign-extended (WU too). */
static const struct fp_case kCvtW[] = {
    {"qnan", QNAN, 0, 0, RNE, 0x7fffffff, NV},
    {"-qnan", NQNAN, 0, 0, RNE, 0x7fffffff, NV},
    {"snan", SNAN, 0, 0, RNE, 0x7fffffff, NV},
    {"inf", PINF, 0, 0, RNE, 0x7fffffff, NV},
    {"-inf", NINF, 0, 0, RNE, SEXT32(0x80000000), NV},
    {"2^31", 0x4f000000, 0, 0, RNE, 0x7fffffff, NV},
    {"-2^31", 0xcf000000, 0, 0, RNE, SEXT32(0x80000000), 0},
    {"2^31-128", 0x4effffff, 0, 0, RNE, 0x7fffff80, 0},
    {"-2^32", 0xcf800000, 0, 0, RTZ, SEXT32(0x80000000), NV},
    {"max", MAX, 0, 0, RNE, 0x7fffffff, NV},
    {"-0", N0, 0, 0, RNE, 0, 0},
    {"1.5", 0x3fc00000, 0, 0, RNE, 2, NX},
    {"0.5", HALF, 0, 0, RNE, 0, NX},
    {"0.5", HALF, 0, 0, RMM, 1, NX},
    {"minsub", MINSUB, 0, 0, RUP, 1, NX},
    {"-minsub", 0x80000001, 0, 0, RDN, SEXT32(0xffffffff), NX},
    {"-minsub", 0x80000001, 0, 0, RTZ, 0, NX},
};
static const struct fp_modes_case kCvtWModes[] = {
    {"2.5", 0x40200000, 0, 0, {2, 2, 2, 3, 3}, NX},
    {"-2.5", 0xc0200000, 0, 0,
     {SEXT32(-2), SEXT32(-2), SEXT32(-3), SEXT32(-2), SEXT32(-3)}, NX},
};
static const struct fp_case kCvtWu[] = {
    {"qnan", QNAN, 0, 0, RNE, SEXT32(0xffffffff), NV},
    {"inf", PINF, 0, 0, RNE, SEXT32(0xffffffff), NV},
    {"-inf", NINF, 0, 0, RNE, 0, NV},
    {"2^31", 0x4f000000, 0, 0, RNE, SEXT32(0x80000000), 0},
    {"2^32", 0x4f800000, 0, 0, RNE, SEXT32(0xffffffff), NV},
    {"2^32-256", 0x4f7fffff, 0, 0, RNE, SEXT32(0xffffff00), 0},
    {"1", ONE, 0, 0, RNE, 1, 0},
    {"-1", NONE, 0, 0, RNE, 0, NV},
    {"-2^31", 0xcf000000, 0, 0, RNE, 0, NV},
    {"-minsub", 0x80000001, 0, 0, RNE, 0, NX},
    {"-0", N0, 0, 0, RNE, 0, 0},
    {"2.5", 0x40200000, 0, 0, RMM, 3, NX},
};
static const struct fp_case kCvtL[] = {
    {"qnan", QNAN, 0, 0, RNE, 0x7fffffffffffffffUL, NV},
    {"inf", PINF, 0, 0, RNE, 0x7fffffffffffffffUL, NV},
    {"-inf", NINF, 0, 0, RNE, 0x8000000000000000UL, NV},
    {"2^63", 0x5f000000, 0, 0, RNE, 0x7fffffffffffffffUL, NV},
    {"-2^63", 0xdf000000, 0, 0, RNE, 0x8000000000000000UL, 0},
    {"2^32", 0x4f800000, 0, 0, RNE, 0x100000000UL, 0},
    {"-2.5", 0xc0200000, 0, 0, RMM, (uint64_t)-3, NX},
    {"-2.5", 0xc0200000, 0, 0, RNE, (uint64_t)-2, NX},
};
static const struct fp_case kCvtLu[] = {
    {"qnan", QNAN, 0, 0, RNE, ~0UL, NV},
    {"-inf", NINF, 0, 0, RNE, 0, NV},
    {"2^63", 0x5f000000, 0, 0, RNE, 0x8000000000000000UL, 0},
    {"2^64", 0x5f800000, 0, 0, RNE, ~0UL, NV},
    {"-1", NONE, 0, 0, RNE, 0, NV},
    {"-0.5", 0xbf000000, 0, 0, RNE, 0, NX},
    {"-0.5", 0xbf000000, 0, 0, RDN, 0, NV},
};

/* Conversions from integers (the W forms read the low 32 bits of the x register). */
static const struct fp_case kCvtSW[] = {
    {"0", 0, 0, 0, RDN, P0, 0},
    {"1", 1, 0, 0, RNE, ONE, 0},
    {"-1", SEXT32(-1), 0, 0, RNE, NONE, 0},
    {"int32_min", SEXT32(0x80000000), 0, 0, RNE, 0xcf000000, 0},
    {"upper_bits_ignored", 0x1234567800000001UL, 0, 0, RNE, ONE, 0},
    {"int32_max", 0x7fffffff, 0, 0, RNE, 0x4f000000, NX},
    {"int32_max", 0x7fffffff, 0, 0, RTZ, 0x4effffff, NX},
    {"2^24+3", 0x1000003, 0, 0, RNE, 0x4b800002, NX},
};
static const struct fp_modes_case kCvtSWModes[] = {
    {"2^24+1", 0x1000001, 0, 0, {0x4b800000, 0x4b800000, 0x4b800000, 0x4b800001, 0x4b800001}, NX},
    {"-(2^24+1)", SEXT32(-0x1000001), 0, 0,
     {0xcb800000, 0xcb800000, 0xcb800001, 0xcb800000, 0xcb800001}, NX},
};
static const struct fp_case kCvtSWu[] = {
    {"0", 0, 0, 0, RNE, P0, 0},
    {"uint32_max", 0xffffffff, 0, 0, RNE, 0x4f800000, NX},
    {"uint32_max", 0xffffffff, 0, 0, RTZ, 0x4f7fffff, NX},
    {"2^31", 0x80000000, 0, 0, RNE, 0x4f000000, 0},
    {"upper_bits_ignored", 0xffffffff00000002UL, 0, 0, RNE, TWO, 0},
};
static const struct fp_case kCvtSL[] = {
    {"int64_min", 0x8000000000000000UL, 0, 0, RNE, 0xdf000000, 0},
    {"int64_max", 0x7fffffffffffffffUL, 0, 0, RNE, 0x5f000000, NX},
    {"int64_max", 0x7fffffffffffffffUL, 0, 0, RDN, 0x5effffff, NX},
    {"-1", ~0UL, 0, 0, RNE, NONE, 0},
    {"0", 0, 0, 0, RDN, P0, 0},
};
static const struct fp_case kCvtSLu[] = {
    {"uint64_max", ~0UL, 0, 0, RNE, 0x5f800000, NX},
    {"uint64_max", ~0UL, 0, 0, RTZ, 0x5f7fffff, NX},
    {"2^63+2^39", 0x8000008000000000UL, 0, 0, RNE, 0x5f000000, NX},
    {"2^63+2^39", 0x8000008000000000UL, 0, 0, RMM, 0x5f000001, NX},
    {"2^63+2^39+1", 0x8000008000000001UL, 0, 0, RNE, 0x5f000001, NX},
};

static void test_conversions(void)
{
  FP_RUN("fcvt.w.s", fcvt_w_s, FP_SRC32, kCvtW);
  FP_RUN_MODES("fcvt.w.s", fcvt_w_s, FP_SRC32, kCvtWModes);
  FP_RUN("fcvt.wu.s", fcvt_wu_s, FP_SRC32, kCvtWu);
  /* -0.5 rounds to 0 (valid, NX) or to -1 (out of range: NV alone) by mode. */
  static const uint8_t kNeg05[5] = {NX, NX, NV, NX, NV};
  char name[48];
  for (int rm = RNE; rm <= RMM; ++rm) {
    snprintf(name, sizeof name, "fcvt.wu.s.-0.5.%s", fp_rm_names[rm]);
    fp_check(name, fcvt_wu_s(rm, BOX(0xbf000000), 0, 0), 0, kNeg05[rm]);
  }
  FP_RUN("fcvt.l.s", fcvt_l_s, FP_SRC32, kCvtL);
  FP_RUN("fcvt.lu.s", fcvt_lu_s, FP_SRC32, kCvtLu);
  FP_RUN("fcvt.s.w", fcvt_s_w, FP_DST32, kCvtSW);
  FP_RUN_MODES("fcvt.s.w", fcvt_s_w, FP_DST32, kCvtSWModes);
  FP_RUN("fcvt.s.wu", fcvt_s_wu, FP_DST32, kCvtSWu);
  FP_RUN("fcvt.s.l", fcvt_s_l, FP_DST32, kCvtSL);
  FP_RUN("fcvt.s.lu", fcvt_s_lu, FP_DST32, kCvtSLu);
}

/* Moves, loads and stores are transfers: bits unchanged, no NaN-box check on the way out,
 * a NaN-box on the way in (12.2). */
static void test_moves_and_memory(void)
{
  fp_check("fmv.w.x.boxed", fmv_w_x(RNE, 0x123456789abcdef0UL, 0, 0), BOX(0x9abcdef0), 0);
  fp_check("fmv.w.x.snan", fmv_w_x(RNE, SNANP, 0, 0), BOX(SNANP), 0);
  fp_check("fmv.x.w.sext_neg", fmv_x_w(RNE, BOX(0x80000000), 0, 0), 0xffffffff80000000UL, 0);
  fp_check("fmv.x.w.sext_pos", fmv_x_w(RNE, BOX(0x7fc00000), 0, 0), 0x7fc00000UL, 0);
  fp_check("fmv.x.w.snan", fmv_x_w(RNE, BOX(0xff800001), 0, 0), 0xffffffffff800001UL, 0);
  /* FMV.X.W takes the low 32 bits even of a register that is not a boxed single. */
  fp_check("fmv.x.w.unboxed", fmv_x_w(RNE, 0x3ff0000012345678UL, 0, 0), 0x12345678UL, 0);

  static volatile uint64_t mem[4];
  uint64_t got;
  mem[0] = 0x1122334455667788UL;
  mem[1] = 0;
  /* flw boxes the loaded word; fsw stores the low word and leaves its neighbour alone. */
  asm volatile("flw ft0, 4(%1)\n\tfmv.x.d %0, ft0" : "=r"(got) : "r"(mem) : "ft0", "memory");
  CHECK("flw.boxed", got, BOX(0x11223344));
  asm volatile("flw ft0, -8(%0)\n\tfsw ft0, 0(%0)\n\tfsw ft0, -4(%0)"
               :
               : "r"(&mem[1])
               : "ft0", "memory");
  CHECK("fsw.low_word", mem[1], 0x55667788UL);
  CHECK("fsw.neg_offset", mem[0], 0x5566778855667788UL);
  /* fsw of a register holding a double stores its low 32 bits unchanged. */
  asm volatile("fmv.d.x ft0, %0\n\tfsw ft0, 16(%1)" : : "r"(0x3ff00000deadbeefUL), "r"(mem)
               : "ft0", "memory");
  CHECK("fsw.unboxed", mem[2], 0xdeadbeefUL);
  /* A signaling NaN loads unchanged and raises nothing. */
  mem[3] = SNANP;
  struct fres r;
  asm volatile("csrw fflags, zero\n\tflw ft1, 24(%2)\n\tfrflags %1\n\tfmv.x.d %0, ft1"
               : "=&r"(r.v), "=&r"(r.flags)
               : "r"(mem)
               : "ft1", "memory");
  fp_check("flw.snan", r, BOX(SNANP), 0);
}

/* An f register that does not hold a NaN-boxed single reads as the canonical NaN in every
 * single-precision operation but the transfers (12.2). */
static void test_nan_boxing(void)
{
  const uint64_t unboxed_one = 0x000000003f800000UL, double_one = 0x3ff0000000000000UL;
  fp_check("box.fadd.s", fadd_s(RNE, unboxed_one, BOX(ONE), 0), BOX(QNAN), 0);
  fp_check("box.fadd.s.almost", fadd_s(RNE, BOX(ONE), 0xfffffffe3f800000UL, 0), BOX(QNAN), 0);
  fp_check("box.fmul.s.double", fmul_s(RNE, double_one, BOX(TWO), 0), BOX(QNAN), 0);
  fp_check("box.fsgnj.s", fsgnj_s(RNE, double_one, BOX(N0), 0), BOX(0xffc00000), 0);
  fp_check("box.fsgnjx.s", fsgnjx_s(RNE, BOX(ONE), unboxed_one, 0), BOX(ONE), 0);
  fp_check("box.fmin.s", fmin_s(RNE, unboxed_one, BOX(TWO), 0), BOX(TWO), 0);
  fp_check("box.feq.s", feq_s(RNE, double_one, double_one, 0), 0, 0);
  fp_check("box.flt.s", flt_s(RNE, double_one, BOX(ONE), 0), 0, NV);
  fp_check("box.fclass.s", fclass_s(RNE, double_one, 0, 0), 1 << 9, 0);
  fp_check("box.fcvt.w.s", fcvt_w_s(RNE, unboxed_one, 0, 0), 0x7fffffff, NV);
  fp_check("box.fsqrt.s", fsqrt_s(RNE, double_one, 0, 0), BOX(QNAN), 0);
  fp_check("box.fmadd.s", fmadd_s(RNE, BOX(ONE), BOX(ONE), unboxed_one), BOX(QNAN), 0);
}

/* fcsr = frm << 5 | fflags; flags accrue until cleared; the swap forms return the old value. */
static void test_fcsr(void)
{
  write_csr(fcsr, 0);
  fadd_s(RNE, BOX(ONE), BOX(0x33800000), 0); /* NX, through a frflags read in the helper */
  CHECK("fflags.accrue.start", read_csr(fflags), NX);
  asm volatile("fmv.w.x ft0, %0\n\tfdiv.s ft0, ft0, ft0" : : "r"(0UL) : "ft0"); /* 0/0 */
  CHECK("fflags.accrue.nv", read_csr(fflags), NX | NV);
  asm volatile("fmv.w.x ft0, %0\n\tfmv.w.x ft1, %1\n\tfdiv.s ft0, ft0, ft1"
               : : "r"(ONE), "r"(0UL) : "ft0", "ft1");
  CHECK("fflags.accrue.dz", read_csr(fflags), NX | NV | DZ);
  CHECK("fcsr.flags", read_csr(fcsr), NX | NV | DZ);
  write_csr(frm, RMM);
  CHECK("frm", read_csr(frm), RMM);
  CHECK("fcsr.frm_and_flags", read_csr(fcsr), (RMM << 5) | NX | NV | DZ);
  clear_csr(fflags, NV);
  CHECK("fflags.csrc", read_csr(fflags), NX | DZ);
  set_csr(fflags, UF);
  CHECK("fflags.csrs", read_csr(fflags), NX | DZ | UF);
  write_csr(fcsr, 0xff);
  CHECK("fcsr.all", read_csr(fcsr), 0xff);
  CHECK("fcsr.all.frm", read_csr(frm), 7);
  CHECK("fcsr.all.fflags", read_csr(fflags), 0x1f);
  write_csr(fcsr, 0xffffffffUL); /* bits 31:8 are reserved: they read as zero */
  CHECK("fcsr.reserved", read_csr(fcsr), 0xff);
  write_csr(fflags, 0xff);
  CHECK("fflags.width", read_csr(fflags), 0x1f);
  write_csr(frm, 0xff);
  CHECK("frm.width", read_csr(frm), 7);
  uint64_t old;
  asm volatile("fsrm %0, %1" : "=r"(old) : "r"(RUP));
  CHECK("fsrm.old", old, 7);
  CHECK("fsrm.new", read_csr(frm), RUP);
  asm volatile("fsflags %0, %1" : "=r"(old) : "r"(0UL));
  CHECK("fsflags.old", old, 0x1f);
  asm volatile("fscsr %0, %1" : "=r"(old) : "r"(0UL));
  CHECK("fscsr.old", old, RUP << 5);
  CHECK("fcsr.zero", read_csr(fcsr), 0);
  /* An instruction that raises nothing leaves the accrued flags alone. */
  write_csr(fflags, OF);
  asm volatile("fmv.w.x ft0, %0\n\tfadd.s ft0, ft0, ft0" : : "r"(ONE) : "ft0");
  CHECK("fflags.unchanged", read_csr(fflags), OF);
  write_csr(fcsr, 0);
}

/* Rounding modes 5 and 6 in the instruction, and 5-7 in frm for a dynamic one, are
 * reserved: the instruction is illegal (11.2). Encodings by hand: the assembler refuses. */
static void test_illegal_rm(void)
{
  uint64_t site;
  /* fadd.s ft0, ft1, ft2 with rm = 5, 6 */
  site = PROBE(".4byte 0x0020d053", 0);
  check_illegal("fadd.s.rm5", site);
  site = PROBE(".4byte 0x0020e053", 0);
  check_illegal("fadd.s.rm6", site);
  /* fsqrt.s ft0, ft1 with rm = 5; fmadd.s ft0, ft1, ft2, ft3 with rm = 6 */
  site = PROBE(".4byte 0x5800d053", 0);
  check_illegal("fsqrt.s.rm5", site);
  site = PROBE(".4byte 0x1820e043", 0);
  check_illegal("fmadd.s.rm6", site);
  /* fcvt.w.s a0, ft1 with rm = 5 */
  site = PROBE(".4byte 0xc000d553", 0);
  check_illegal("fcvt.w.s.rm5", site);
  for (uint64_t frm = 5; frm <= 7; ++frm) {
    char name[32];
    write_csr(frm, frm);
    site = PROBE("fadd.s ft0, ft1, ft2, dyn", 0);
    snprintf(name, sizeof name, "fadd.s.dyn.frm%lu", (unsigned long)frm);
    check_illegal(name, site);
    site = PROBE("fcvt.s.l ft0, a0, dyn", 0);
    snprintf(name, sizeof name, "fcvt.s.l.dyn.frm%lu", (unsigned long)frm);
    check_illegal(name, site);
    /* Instructions without a rounding mode do not care. */
    site = PROBE("fmin.s ft0, ft1, ft2", 0);
    snprintf(name, sizeof name, "fmin.s.frm%lu", (unsigned long)frm);
    check_no_trap(name);
  }
  write_csr(frm, RNE);
  (void)site;
}

int main(void)
{
  trap_install();
  write_csr(fcsr, 0);
  FP_RUN("fadd.s", fadd_s, FP_SRC32 | FP_DST32, kAdd);
  FP_RUN_MODES("fadd.s", fadd_s, FP_SRC32 | FP_DST32, kAddModes);
  FP_RUN("fsub.s", fsub_s, FP_SRC32 | FP_DST32, kSub);
  FP_RUN_MODES("fsub.s", fsub_s, FP_SRC32 | FP_DST32, kSubModes);
  FP_RUN("fmul.s", fmul_s, FP_SRC32 | FP_DST32, kMul);
  FP_RUN_MODES("fmul.s", fmul_s, FP_SRC32 | FP_DST32, kMulModes);
  FP_RUN("fdiv.s", fdiv_s, FP_SRC32 | FP_DST32, kDiv);
  FP_RUN_MODES("fdiv.s", fdiv_s, FP_SRC32 | FP_DST32, kDivModes);
  FP_RUN("fsqrt.s", fsqrt_s, FP_SRC32 | FP_DST32, kSqrt);
  FP_RUN_MODES("fsqrt.s", fsqrt_s, FP_SRC32 | FP_DST32, kSqrtModes);
  test_fused();
  FP_RUN("fmin.s", fmin_s, FP_SRC32 | FP_DST32, kMin);
  FP_RUN("fmax.s", fmax_s, FP_SRC32 | FP_DST32, kMax);
  FP_RUN("feq.s", feq_s, FP_SRC32, kEq);
  FP_RUN("flt.s", flt_s, FP_SRC32, kLt);
  FP_RUN("fle.s", fle_s, FP_SRC32, kLe);
  FP_RUN("fclass.s", fclass_s, FP_SRC32, kClass);
  FP_RUN("fsgnj.s", fsgnj_s, FP_SRC32 | FP_DST32, kSgnj);
  FP_RUN("fsgnjn.s", fsgnjn_s, FP_SRC32 | FP_DST32, kSgnjn);
  FP_RUN("fsgnjx.s", fsgnjx_s, FP_SRC32 | FP_DST32, kSgnjx);
  test_conversions();
  test_moves_and_memory();
  test_nan_boxing();
  test_fcsr();
  test_illegal_rm();
  return t_done("rv64f");
}
