/* cowswap[:pagesxrounds]: fork under memory pressure. The parent fills more pages than the
 * frame pool holds, forks; the child reads them all (swap-ins of shared copy-on-write pages),
 * rewrites half (copies that need frames, so shared pages get evicted), checks both halves;
 * then the parent checks it still sees its own data and rewrites everything (the last sharer
 * takes frames back without a copy). Default 160 pages, 1 round. */
#include "ulib.h"

int main(const char *arg)
{
  uint64_t pages = 160, rounds = 1;
  parse_size(arg, &pages, &rounds);
  uint64_t *mem = alloc_pages("cowswap", pages);
  uint64_t words = pages * WORDS_PER_PAGE, half = words / 2;
  uint64_t bad = 0;
  for (uint64_t r = 0; r < rounds; r++) {
    uint64_t gen = 3 * r + 1;
    gen_fill(mem, 0, words, gen);
    int pid = sys_fork();
    if (pid == 0) {
      uint64_t child_bad = gen_verify(mem, 0, words, gen);
      gen_fill(mem, 0, half, gen + 1);
      child_bad += gen_verify(mem, 0, half, gen + 1) + gen_verify(mem, half, words, gen);
      sys_exit(child_bad ? 1 : 0);
    }
    int status = -1;
    if (pid < 0 || sys_wait(&status) != pid || status != 0)
      bad++;
    bad += gen_verify(mem, 0, words, gen);
    gen_fill(mem, 0, words, gen + 2);
    bad += gen_verify(mem, 0, words, gen + 2);
  }
  printf("%s cowswap pages=%lu rounds=%lu corrupted=%lu\n", bad ? "FAIL" : "PASS",
         (unsigned long)pages, (unsigned long)rounds, (unsigned long)bad);
  return bad != 0;
}
