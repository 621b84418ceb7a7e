/* randacc[:pages]: 64 x pages increments of random words of an array of the given size, then
 * the same sequence again as decrements; every word must be back to zero. Default 192 pages. */
#include "ulib.h"

int main(const char *arg)
{
  uint64_t pages = 192;
  parse_size(arg, &pages, NULL);
  uint64_t *mem = alloc_pages("randacc", pages);
  uint64_t words = pages * WORDS_PER_PAGE, accesses = 64 * pages;
  uint64_t seed = 0x1234567887654321ULL;
  for (uint64_t i = 0; i < accesses; i++)
    mem[next_random(&seed) % words]++;
  seed = 0x1234567887654321ULL;
  for (uint64_t i = 0; i < accesses; i++)
    mem[next_random(&seed) % words]--;
  uint64_t bad = 0;
  for (uint64_t w = 0; w < words; w++)
    bad += diff_bytes(mem[w], 0);
  printf("%s randacc pages=%lu accesses=%lu corrupted=%lu\n", bad ? "FAIL" : "PASS",
         (unsigned long)pages, (unsigned long)(2 * accesses), (unsigned long)bad);
  return bad != 0;
}
