/* memhog[:pagesxrounds]: a working set larger than the frame pool. Each round writes a
 * pattern that depends on the round, page and word to every word, then reads every word
 * back; pages come back from the swap disk in between. Default 256 pages, 2 rounds. */
#include "ulib.h"

static uint64_t pattern(uint64_t round, uint64_t page, uint64_t word)
{
  return (page * 0x9e3779b97f4a7c15ULL) ^ (word << 40) ^ (round * 0x0101010101010101ULL);
}

int main(const char *arg)
{
  uint64_t pages = 256, rounds = 2;
  parse_size(arg, &pages, &rounds);
  uint64_t *mem = alloc_pages("memhog", pages);
  uint64_t corrupted = 0;
  for (uint64_t r = 0; r < rounds; r++) {
    for (uint64_t p = 0; p < pages; p++)
      for (uint64_t w = 0; w < WORDS_PER_PAGE; w++)
        mem[p * WORDS_PER_PAGE + w] = pattern(r, p, w);
    for (uint64_t p = 0; p < pages; p++)
      for (uint64_t w = 0; w < WORDS_PER_PAGE; w++)
        corrupted += diff_bytes(mem[p * WORDS_PER_PAGE + w], pattern(r, p, w));
  }
  printf("%s memhog pages=%lu rounds=%lu bytes=%lu corrupted=%lu\n", corrupted ? "FAIL" : "PASS",
         (unsigned long)pages, (unsigned long)rounds,
         (unsigned long)(pages * PAGE_SIZE * rounds), (unsigned long)corrupted);
  return corrupted != 0;
}
