/* Random differential test of the F and D instructions (see fuzz_fp.h): every operation in
 * every rounding mode on seeded operands biased to the special values; one hash of the
 * results and fflags per operation, checked against the hash QEMU computes. vmplat's
 * output can then be compared line by line with QEMU's (diff.qemu.fuzz_fp), and the host
 * unit test runs the same operations through cpu::fp against the same hashes. */
#include <stdio.h>

#include "fp_ops.h"
#include "fuzz_fp.h"

#define FP_FN(shape, fn, insn) fn,
static const fp_fn kFns[] = {FP_INSNS(FP_FN)};
_Static_assert(sizeof kFns / sizeof kFns[0] == FUZZ_FP_NUM_OPS, "fp_ops.h and fuzz_fp.h differ");

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
