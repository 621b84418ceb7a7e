/* memhog [MIB [ROUNDS]]: a working set larger than the memory Linux has free, so it must
 * swap. Each round writes a value that depends on the round and the word to every word
 * (workloads.h), then reads every word back; pages go to the swap disk and come back in
 * between. Default
 * 96 MiB (more than a 128 MiB machine has free), 2 rounds. */
#include <stdio.h>

#include "work.h"

int memhog_main(int argc, char **argv)
{
  struct vmstat before;
  vmstat_read(&before);
  const uint64_t mib = arg_number(argc, argv, 1, 96, 1, 1 << 20, "size in MiB");
  const uint64_t rounds = arg_number(argc, argv, 2, 2, 1, 1000, "number of rounds");
  const uint64_t pages = mib * (1 << 20) / PAGE_SIZE;
  uint64_t *mem = map_memory("memhog", pages * PAGE_SIZE);
  uint64_t corrupted = 0, bad_pages = 0;
  for (uint64_t r = 0; r < rounds; r++) {
    gen_fill(mem, 0, pages * WORDS_PER_PAGE, r);
    for (uint64_t p = 0; p < pages; p++) {
      const uint64_t bad = gen_verify(mem, p * WORDS_PER_PAGE, (p + 1) * WORDS_PER_PAGE, r);
      corrupted += bad;
      bad_pages += bad != 0;
    }
  }
  printf("%s memhog mib=%llu rounds=%llu pages=%llu corrupted=%llu bad_pages=%llu\n",
         corrupted ? "FAIL" : "PASS", (unsigned long long)mib, (unsigned long long)rounds,
         (unsigned long long)pages, (unsigned long long)corrupted,
         (unsigned long long)bad_pages);
  vmstat_report("memhog", &before);
  return corrupted != 0;
}
