/* seqscan [PAGES]: writes an array of the given size once, then sums it sequentially four
 * times and checks each sum against the closed form. Default 256 pages (as sw/user's). */
#include <stdio.h>

#include "work.h"

#define PASSES 4

int seqscan_main(int argc, char **argv)
{
  struct vmstat before;
  vmstat_read(&before);
  const uint64_t pages = arg_number(argc, argv, 1, 256, 1, 1 << 20, "number of pages");
  uint64_t *mem = map_memory("seqscan", pages * PAGE_SIZE);
  const uint64_t words = pages * WORDS_PER_PAGE;
  roi_begin();
  const uint64_t bad = seqscan_run(mem, words, PASSES);
  roi_end("seqscan");
  const uint64_t expected = words * (words - 1) / 2;
  printf("%s seqscan pages=%llu passes=%d sum=%llu\n", bad ? "FAIL" : "PASS",
         (unsigned long long)pages, PASSES, (unsigned long long)expected);
  vmstat_report("seqscan", &before);
  return bad != 0;
}
