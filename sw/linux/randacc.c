/* randacc [PAGES]: 64 x PAGES increments of random words of an array of the given size, then
 * the same sequence again as decrements; every word must be back to zero. Default 192
 * pages (as sw/user's). */
#include <stdio.h>

#include "work.h"

int randacc_main(int argc, char **argv)
{
  struct vmstat before;
  vmstat_read(&before);
  const uint64_t pages = arg_number(argc, argv, 1, 192, 1, 1 << 20, "number of pages");
  uint64_t *mem = map_memory("randacc", pages * PAGE_SIZE);
  const uint64_t words = pages * WORDS_PER_PAGE, accesses = 64 * pages;
  roi_begin();
  const uint64_t bad = randacc_run(mem, words, accesses);
  roi_end("randacc");
  printf("%s randacc pages=%llu accesses=%llu corrupted=%llu\n", bad ? "FAIL" : "PASS",
         (unsigned long long)pages, (unsigned long long)(2 * accesses),
         (unsigned long long)bad);
  vmstat_report("randacc", &before);
  return bad != 0;
}
