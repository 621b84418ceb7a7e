/* The driver shared by the seeded random block tests (fuzz_alu, fuzz_rvc): seed the
 * register/scratch state, then for each block generate code, run it on the state, print
 * the block's hash and fold it into a total checked against QEMU's value. */
#ifndef VMPLAT_FUZZ_H
#define VMPLAT_FUZZ_H

#include <stdint.h>

struct fuzz_test {
  const char *name;                /* suite name: "<name>.total_hash", t_done(name) */
  uint64_t *state;                 /* registers first, then scratch */
  unsigned state_words;
  unsigned regs;                   /* how many state words are registers */
  void (*generate_block)(void);    /* writes one block of code at `code` */
  const void *code;                /* entry of the generated block: void (*)(uint64_t *) */
  uint64_t (*rnd)(void);           /* the test's seeded generator */
  unsigned blocks;
  uint64_t expected_hash;
};

/* Runs the test; returns what main returns (the number of failures). */
int fuzz_run(const struct fuzz_test *t);

#endif
