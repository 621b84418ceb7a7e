/* The random floating-point differential test, shared by the firmware (fuzz_fp.c, which
 * runs each operation as its RISC-V instruction) and the host unit test
 * (tests/unit/cpu_fpu.cpp, which runs the same operations through vmplat's cpu::fp): the
 * operation list, the seeded operand generator, the driver that folds every result and its
 * fflags into one hash per operation, and the hashes qemu-system-riscv64 7.2 computes.
 * C and C++ alike.
 *
 * Every operation runs FUZZ_FP_ITERS times in each static rounding mode and FUZZ_FP_ITERS
 * times with rm = dyn and frm cycling through the five modes (once in all if it has no
 * rounding mode), on operands biased to +-0, +-inf, quiet and signaling NaNs with payloads,
 * subnormals, the smallest normal, the largest finite value, values one ulp apart, short
 * significands (exact results and ties) and integers at the conversion boundaries; one
 * single operand in 32 is not NaN-boxed.
 */
#ifndef VMPLAT_FUZZ_FP_H
#define VMPLAT_FUZZ_FP_H

#include <stdint.h>

#define FUZZ_FP_ITERS 1000

/* Shapes: what the operands and the result are. */
enum fuzz_fp_shape {
  FZ_RR,  /* f = op(f, f), rm */
  FZ_R,   /* f = op(f), rm */
  FZ_RRR, /* f = op(f, f, f), rm */
  FZ_NR,  /* f = op(f, f) */
  FZ_CMP, /* x = op(f, f) */
  FZ_X,   /* x = op(f) */
  FZ_XR,  /* x = op(f), rm */
  FZ_FX,  /* f = op(x), rm */
  FZ_F,   /* f = op(x) */
  FZ_FN   /* f = op(f) */
};

/* X(id, "mnemonic", shape, source format: 32 or 64 (f) or 0 (x), expected hash) */
#define FUZZ_FP_OPS(X)                                        \
  X(FADD_S, "fadd.s", FZ_RR, 32, 0x175ecc86b64626baULL)       \
  X(FSUB_S, "fsub.s", FZ_RR, 32, 0x302df0aace010cbdULL)       \
  X(FMUL_S, "fmul.s", FZ_RR, 32, 0x30c7ac20155984e6ULL)       \
  X(FDIV_S, "fdiv.s", FZ_RR, 32, 0x170f181e849ef0aeULL)       \
  X(FSQRT_S, "fsqrt.s", FZ_R, 32, 0x13f6ff92b38b9992ULL)      \
  X(FMADD_S, "fmadd.s", FZ_RRR, 32, 0xbf0aa0f73c76dfc3ULL)    \
  X(FMSUB_S, "fmsub.s", FZ_RRR, 32, 0x6b3f1c06ffcfa90fULL)    \
  X(FNMSUB_S, "fnmsub.s", FZ_RRR, 32, 0x3c0d18bc5a227052ULL)  \
  X(FNMADD_S, "fnmadd.s", FZ_RRR, 32, 0x7c1d710ac92851b6ULL)  \
  X(FMIN_S, "fmin.s", FZ_NR, 32, 0x63f5ccb03a7cc9e2ULL)       \
  X(FMAX_S, "fmax.s", FZ_NR, 32, 0x4e588487cca7a8f3ULL)       \
  X(FSGNJ_S, "fsgnj.s", FZ_NR, 32, 0x2b9f5d120a578d88ULL)     \
  X(FSGNJN_S, "fsgnjn.s", FZ_NR, 32, 0x28f87fd9bbaad3bcULL)   \
  X(FSGNJX_S, "fsgnjx.s", FZ_NR, 32, 0x2fdaf9793db8eea6ULL)   \
  X(FEQ_S, "feq.s", FZ_CMP, 32, 0x2797d266e240c9e4ULL)        \
  X(FLT_S, "flt.s", FZ_CMP, 32, 0x91477eef02a0073cULL)        \
  X(FLE_S, "fle.s", FZ_CMP, 32, 0x6f38c129a34c8d75ULL)        \
  X(FCLASS_S, "fclass.s", FZ_X, 32, 0x3d9da2640fb693b2ULL)    \
  X(FMV_X_W, "fmv.x.w", FZ_X, 32, 0x8f3aed1698479addULL)      \
  X(FCVT_W_S, "fcvt.w.s", FZ_XR, 32, 0x788633521c20adcdULL)   \
  X(FCVT_WU_S, "fcvt.wu.s", FZ_XR, 32, 0x984c74371f43f60fULL) \
  X(FCVT_L_S, "fcvt.l.s", FZ_XR, 32, 0x7ec1b4edde54ee6aULL)   \
  X(FCVT_LU_S, "fcvt.lu.s", FZ_XR, 32, 0xd38506ecc628186eULL) \
  X(FCVT_S_W, "fcvt.s.w", FZ_FX, 0, 0x9b26d704e7d97072ULL)    \
  X(FCVT_S_WU, "fcvt.s.wu", FZ_FX, 0, 0xdd602037ef6f2b92ULL)  \
  X(FCVT_S_L, "fcvt.s.l", FZ_FX, 0, 0xaba18e3e270d1343ULL)    \
  X(FCVT_S_LU, "fcvt.s.lu", FZ_FX, 0, 0x1431d973fd53e211ULL)  \
  X(FMV_W_X, "fmv.w.x", FZ_F, 0, 0x2eba088202afcb0fULL)       \
  X(FADD_D, "fadd.d", FZ_RR, 64, 0x30b03c215947b17aULL)       \
  X(FSUB_D, "fsub.d", FZ_RR, 64, 0xc729306af4f2ed85ULL)       \
  X(FMUL_D, "fmul.d", FZ_RR, 64, 0x8e1a3cc06beec665ULL)       \
  X(FDIV_D, "fdiv.d", FZ_RR, 64, 0xadba61f419a06618ULL)       \
  X(FSQRT_D, "fsqrt.d", FZ_R, 64, 0xcf04c616eb45643dULL)      \
  X(FMADD_D, "fmadd.d", FZ_RRR, 64, 0x43eaacf8a7b50ef1ULL)    \
  X(FMSUB_D, "fmsub.d", FZ_RRR, 64, 0x148834a1b42b2648ULL)    \
  X(FNMSUB_D, "fnmsub.d", FZ_RRR, 64, 0x481b3bec07f437e8ULL)  \
  X(FNMADD_D, "fnmadd.d", FZ_RRR, 64, 0xbcb9bee8ff0304ULL)    \
  X(FMIN_D, "fmin.d", FZ_NR, 64, 0xe0f38b2f0cbc50efULL)       \
  X(FMAX_D, "fmax.d", FZ_NR, 64, 0x8b9bfcaa43da4e5ULL)        \
  X(FSGNJ_D, "fsgnj.d", FZ_NR, 64, 0x43caad3ef7e21bc2ULL)     \
  X(FSGNJN_D, "fsgnjn.d", FZ_NR, 64, 0x8d7b19c17bfdce79ULL)   \
  X(FSGNJX_D, "fsgnjx.d", FZ_NR, 64, 0x4846f583a7167a20ULL)   \
  X(FEQ_D, "feq.d", FZ_CMP, 64, 0x113951b3c644a85ULL)         \
  X(FLT_D, "flt.d", FZ_CMP, 64, 0x141d713bafeea7a4ULL)        \
  X(FLE_D, "fle.d", FZ_CMP, 64, 0xe1b39320b33c435cULL)        \
  X(FCLASS_D, "fclass.d", FZ_X, 64, 0xf052b567ae888c5cULL)    \
  X(FMV_X_D, "fmv.x.d", FZ_X, 64, 0x2911dc771b661f65ULL)      \
  X(FCVT_W_D, "fcvt.w.d", FZ_XR, 64, 0xd223e889572766b7ULL)   \
  X(FCVT_WU_D, "fcvt.wu.d", FZ_XR, 64, 0x1d52d1b71530002dULL) \
  X(FCVT_L_D, "fcvt.l.d", FZ_XR, 64, 0xe281cd9486632eafULL)   \
  X(FCVT_LU_D, "fcvt.lu.d", FZ_XR, 64, 0x16204da4c7628a06ULL) \
  X(FCVT_D_W, "fcvt.d.w", FZ_F, 0, 0x4bbf88158dacdf65ULL)     \
  X(FCVT_D_WU, "fcvt.d.wu", FZ_F, 0, 0x5aca9c678cacdf65ULL)   \
  X(FCVT_D_L, "fcvt.d.l", FZ_FX, 0, 0xc1ed3cbe10cfa98cULL)    \
  X(FCVT_D_LU, "fcvt.d.lu", FZ_FX, 0, 0x4baeabee14779abbULL)  \
  X(FMV_D_X, "fmv.d.x", FZ_F, 0, 0xf5dfccd52fc196efULL)       \
  X(FCVT_S_D, "fcvt.s.d", FZ_R, 64, 0xa0671d9775a55686ULL)    \
  X(FCVT_D_S, "fcvt.d.s", FZ_FN, 32, 0x56203e8d3d952995ULL)

#define FUZZ_FP_ENUM(id, mnemonic, shape, src, hash) FZ_##id,
enum fuzz_fp_op_id { FUZZ_FP_OPS(FUZZ_FP_ENUM) FUZZ_FP_NUM_OPS };
#undef FUZZ_FP_ENUM

struct fuzz_fp_op {
  const char* name;
  int shape;
  int src; /* 32 or 64: f operands of that format; 0: an integer operand */
  uint64_t expected_hash;
};

#define FUZZ_FP_ENTRY(id, mnemonic, shape, src, hash) {mnemonic, shape, src, hash},
static const struct fuzz_fp_op kFuzzFpOps[FUZZ_FP_NUM_OPS] = {FUZZ_FP_OPS(FUZZ_FP_ENTRY)};
#undef FUZZ_FP_ENTRY

static inline int fuzz_fp_has_rm(int shape)
{
  return shape == FZ_RR || shape == FZ_R || shape == FZ_RRR || shape == FZ_XR || shape == FZ_FX;
}

static inline uint64_t fuzz_fp_next(uint64_t* s)
{
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  *s = x;
  return x;
}

/* A binary32 (width 32) or binary64 bit pattern, biased to the values where the rules
 * matter. */
static inline uint64_t fuzz_fp_float(uint64_t* s, int width)
{
  const int frac_bits = width == 32 ? 23 : 52;
  const uint64_t exp_max = width == 32 ? 0xff : 0x7ff, bias = exp_max >> 1;
  const uint64_t frac_mask = (1ULL << frac_bits) - 1;
  uint64_t r = fuzz_fp_next(s);
  uint64_t f = fuzz_fp_next(s) & frac_mask;
  uint64_t sign = (r & 1) << (width - 1);
  unsigned k = (unsigned)(r >> 8) % (unsigned)frac_bits;
  uint64_t exp;
  switch ((r >> 1) % 16) {
    case 0: return sign;                        /* zero */
    case 1: return sign | exp_max << frac_bits; /* infinity */
    case 2: return sign | exp_max << frac_bits | 1ULL << (frac_bits - 1) | (f & 0xff); /* qNaN */
    case 3: return sign | exp_max << frac_bits | (f & 0xff) | 1;                       /* sNaN */
    case 4: return sign | f >> k; /* subnormal */
    case 5:
      return sign | ((1ULL << frac_bits) + 2 - (r >> 40) % 5); /* around the smallest normal */
    case 6: return sign | (((exp_max << frac_bits) - 1) - (r >> 40) % 3); /* the largest values */
    case 7: /* short significand near one: exact results, ties */
      exp = bias - 3 + (r >> 40) % 7;
      return sign | exp << frac_bits | (f & ~(frac_mask >> k));
    case 8: /* all-ones significand: carries out of the significand */
      exp = bias - 3 + (r >> 40) % 7;
      return sign | exp << frac_bits | (frac_mask ^ (f & 3));
    case 9: /* integer-valued or half-integer, up to the conversion limits */
      exp = bias + (r >> 40) % 66;
      return sign | exp << frac_bits | (f & ~(frac_mask >> ((r >> 48) % 8)));
    case 10: /* tiny: results underflow */
      exp = 1 + (r >> 40) % (unsigned)(frac_bits + 4);
      return sign | exp << frac_bits | f;
    case 11: /* huge: results overflow */
      exp = exp_max - 1 - (r >> 40) % (unsigned)(frac_bits + 4);
      return sign | exp << frac_bits | f;
    case 12: return fuzz_fp_next(s) & ((width == 32) ? 0xffffffffULL : ~0ULL); /* any bits */
    default: /* an ordinary value */
      exp = bias - 20 + (r >> 40) % 41;
      return sign | exp << frac_bits | f;
  }
}

/* A second operand near the first: one or two ulps away, maybe negated (cancellation), or
 * a few bits of significand further down (sums on rounding boundaries). */
static inline uint64_t fuzz_fp_related(uint64_t* s, uint64_t a, int width)
{
  const int frac_bits = width == 32 ? 23 : 52;
  const uint64_t sign_bit = 1ULL << (width - 1);
  const uint64_t mask = width == 32 ? 0xffffffffULL : ~0ULL;
  uint64_t r = fuzz_fp_next(s);
  switch (r % 4) {
    case 0: return ((a ^ ((r >> 8 & 1) ? sign_bit : 0)) + (r >> 16) % 5 - 2) & mask;
    case 1: {
      uint64_t e = (a >> frac_bits) & (width == 32 ? 0xff : 0x7ff);
      uint64_t shift = (uint64_t)frac_bits + (r >> 16) % 4;
      if (e <= shift)
        return fuzz_fp_float(s, width);
      return ((a & ~(((width == 32 ? 0xffULL : 0x7ffULL)) << frac_bits)) ^
              ((r >> 8 & 1) ? sign_bit : 0)) |
             (e - shift) << frac_bits;
    }
    default: return fuzz_fp_float(s, width);
  }
}

/* An integer operand: the edges of the 32- and 64-bit ranges, powers of two and their
 * neighbours, values with long significands that conversions must round. */
static inline uint64_t fuzz_fp_int(uint64_t* s)
{
  static const uint64_t kEdges[] = {0,
                                    1,
                                    0xffffffffffffffffULL,
                                    0x7fffffffULL,
                                    0xffffffff80000000ULL,
                                    0x80000000ULL,
                                    0xffffffffULL,
                                    0x7fffffffffffffffULL,
                                    0x8000000000000000ULL,
                                    0x1000001ULL,
                                    0x20000000000001ULL};
  uint64_t r = fuzz_fp_next(s);
  uint64_t v = fuzz_fp_next(s);
  switch (r % 6) {
    case 0: return kEdges[(r >> 8) % (sizeof kEdges / sizeof kEdges[0])];
    case 1: return (1ULL << ((r >> 8) % 64)) + (r >> 16) % 5 - 2;
    case 2: return v >> ((r >> 8) % 64);
    case 3: return (uint64_t)(int64_t)(int32_t)(uint32_t)(v >> ((r >> 8) % 32));
    default: return v;
  }
}

/* An f register holding a single: NaN-boxed, except one time in 32. */
static inline uint64_t fuzz_fp_reg32(uint64_t* s, uint64_t bits)
{
  uint64_t r = fuzz_fp_next(s);
  if (r % 32 == 0)
    return ((r >> 8) & 0xfffffffe00000000ULL) | bits;
  return 0xffffffff00000000ULL | bits;
}

static inline uint64_t fuzz_fp_fold(uint64_t h, uint64_t v)
{
  return (h ^ v) * 0x100000001b3ULL;
}

/* Executes op in rounding mode rm (0-4, with is_dyn: through frm = rm) on register values a,
 * b, c; returns the destination register and sets *flags to the fflags it raised. */
typedef uint64_t (*fuzz_fp_exec_fn)(int op, int rm, int is_dyn, uint64_t a, uint64_t b, uint64_t c,
                                    uint64_t* flags);

/* Runs one operation through every mode; returns its hash. */
static inline uint64_t fuzz_fp_run_op(int op, fuzz_fp_exec_fn exec)
{
  const struct fuzz_fp_op* d = &kFuzzFpOps[op];
  uint64_t seed = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)(op + 1) * 0xbf58476d1ce4e5b9ULL);
  uint64_t h = 0xcbf29ce484222325ULL;
  int variants = fuzz_fp_has_rm(d->shape) ? 6 : 1;
  for (int variant = 0; variant < variants; ++variant) {
    for (unsigned i = 0; i < FUZZ_FP_ITERS; ++i) {
      uint64_t a, b, c;
      if (d->src == 0) {
        a = fuzz_fp_int(&seed);
        b = c = 0;
      } else {
        a = fuzz_fp_float(&seed, d->src);
        b = (fuzz_fp_next(&seed) & 1) ? fuzz_fp_related(&seed, a, d->src)
                                      : fuzz_fp_float(&seed, d->src);
        c = (fuzz_fp_next(&seed) & 1) ? fuzz_fp_related(&seed, a, d->src)
                                      : fuzz_fp_float(&seed, d->src);
        if (d->src == 32) {
          a = fuzz_fp_reg32(&seed, a);
          b = fuzz_fp_reg32(&seed, b);
          c = fuzz_fp_reg32(&seed, c);
        }
      }
      int is_dyn = variant == 5;
      int rm = is_dyn ? (int)(i % 5) : variant;
      uint64_t flags = 0;
      uint64_t v = exec(op, rm, is_dyn, a, b, c, &flags);
      h = fuzz_fp_fold(fuzz_fp_fold(h, v), flags);
    }
  }
  return h;
}

#endif
