/* seqscan[:pages]: writes an array of the given size once, then sums it sequentially four
 * times and checks each sum against the closed form. Default 256 pages. */
#include "ulib.h"

#define PASSES 4

int main(const char *arg)
{
  uint64_t pages = 256;
  parse_size(arg, &pages, NULL);
  uint64_t *mem = alloc_pages("seqscan", pages);
  uint64_t words = pages * WORDS_PER_PAGE;
  for (uint64_t w = 0; w < words; w++)
    mem[w] = w;
  uint64_t expected = words * (words - 1) / 2, bad = 0;
  for (int pass = 0; pass < PASSES; pass++) {
    uint64_t sum = 0;
    for (uint64_t w = 0; w < words; w++)
      sum += mem[w];
    bad += sum != expected;
  }
  printf("%s seqscan pages=%lu passes=%d sum=%lu\n", bad ? "FAIL" : "PASS", (unsigned long)pages,
         PASSES, (unsigned long)expected);
  return bad != 0;
}
