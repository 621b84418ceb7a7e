/* The instruction functions fp_ops.h declares. */
#include "fp_ops.h"

#define FP_DEFINE(shape, fn, insn) DEFINE_FP_##shape(fn, insn)
FP_INSNS(FP_DEFINE)
