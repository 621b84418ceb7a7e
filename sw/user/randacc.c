/* randacc[:pages]: 64 x pages increments of random words of an array of the given size, then
 * the same sequence again as decrements; every word must be back to zero (workloads.h).
 * Default 192 pages. */
#include "ulib.h"

int main(const char *arg, uint64_t superpage)
{
  uint64_t pages = 192;
  parse_size(arg, &pages, NULL);
  uint64_t *mem = alloc_superpages("randacc", pages, superpage);
  const uint64_t accesses = 64 * pages;
  const uint64_t bad = randacc_run(mem, pages * WORDS_PER_PAGE, accesses);
  printf("%s randacc pages=%lu accesses=%lu corrupted=%lu\n", bad ? "FAIL" : "PASS",
         (unsigned long)pages, (unsigned long)(2 * accesses), (unsigned long)bad);
  return bad != 0;
}
