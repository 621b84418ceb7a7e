#include "fuzz.h"

#include <stdio.h>

#include "test.h"

static uint64_t hash_state(const struct fuzz_test *t, uint64_t h)
{
  for (unsigned i = 0; i < t->state_words; ++i)
    h = (h ^ t->state[i]) * 0x100000001b3UL;
  return h;
}

int fuzz_run(const struct fuzz_test *t)
{
  static const uint64_t kSeeds[] = {0, 1, 0xffffffffffffffffUL, 0x8000000000000000UL,
                                    0x7fffffffffffffffUL, 0xffffffff80000000UL, 0x80000000UL};
  for (unsigned i = 0; i < t->state_words; ++i)
    t->state[i] = i < 7 ? kSeeds[i] : t->rnd();
  uint64_t total = 0xcbf29ce484222325UL;
  for (unsigned b = 0; b < t->blocks; ++b) {
    t->generate_block();
    asm volatile("fence.i" ::: "memory");
    ((void (*)(uint64_t *))(uintptr_t)t->code)(t->state);
    total = hash_state(t, total);
    char name[32];
    snprintf(name, sizeof name, "block%02u.hash", b);
    SHOW(name, hash_state(t, 0xcbf29ce484222325UL));
    /* Fresh edge values in a few registers, so later blocks see them too. */
    t->state[t->rnd() % t->regs] = kSeeds[t->rnd() % 7];
  }
  char check[48];
  snprintf(check, sizeof check, "%s.total_hash", t->name);
  CHECK(check, total, t->expected_hash);
  return t_done(t->name);
}
