/* memhog[:pagesxrounds]: a working set larger than the frame pool. Each round writes a
 * value that depends on the round and the word to every word, then reads every word back;
 * pages come back from the swap disk in between. Default 256 pages, 2 rounds. */
#include "ulib.h"

int main(const char *arg)
{
  uint64_t pages = 256, rounds = 2;
  parse_size(arg, &pages, &rounds);
  uint64_t *mem = alloc_pages("memhog", pages);
  const uint64_t words = pages * WORDS_PER_PAGE;
  uint64_t corrupted = 0;
  for (uint64_t r = 0; r < rounds; r++) {
    gen_fill(mem, 0, words, r);
    corrupted += gen_verify(mem, 0, words, r);
  }
  printf("%s memhog pages=%lu rounds=%lu bytes=%lu corrupted=%lu\n", corrupted ? "FAIL" : "PASS",
         (unsigned long)pages, (unsigned long)rounds,
         (unsigned long)(pages * PAGE_SIZE * rounds), (unsigned long)corrupted);
  return corrupted != 0;
}
