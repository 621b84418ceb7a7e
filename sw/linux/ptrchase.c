/* ptrchase [PAGES]: one node per page, linked into a single random cycle (Sattolo's
 * algorithm), so every step is a dependent load on a new page; follows the cycle eight times
 * and checks that each lap visits every node once and ends where it began. Default 128 pages
 * (as sw/user's). */
#include <stdio.h>

#include "work.h"

#define LAPS 8

int ptrchase_main(int argc, char **argv)
{
  struct vmstat before;
  vmstat_read(&before);
  const uint64_t pages = arg_number(argc, argv, 1, 128, 1, 1 << 20, "number of pages");
  uint64_t *mem = map_memory("ptrchase", pages * PAGE_SIZE);
  uint32_t *order = map_memory("ptrchase", pages * sizeof(uint32_t));
  for (uint64_t i = 0; i < pages; i++)
    order[i] = (uint32_t)i;
  uint64_t seed = 0x9e3779b97f4a7c15ULL;
  for (uint64_t i = pages - 1; i > 0; i--) {
    const uint64_t j = next_random(&seed) % i;
    const uint32_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  /* Node i lives at a page-dependent offset so nodes do not all share one cache set. */
  for (uint64_t i = 0; i < pages; i++) {
    uint64_t *node = mem + i * WORDS_PER_PAGE + (i * 8) % WORDS_PER_PAGE;
    const uint64_t next = order[i];
    node[0] = (uint64_t)(uintptr_t)(mem + next * WORDS_PER_PAGE + (next * 8) % WORDS_PER_PAGE);
    node[1] = 0;
  }
  uint64_t bad = 0, steps = 0;
  uint64_t *start = mem, *p = start;
  for (int lap = 0; lap < LAPS; lap++) {
    uint64_t n = 0;
    do {
      p[1]++;
      p = (uint64_t *)(uintptr_t)p[0];
      n++;
    } while (p != start && n <= pages);
    bad += n != pages;
    steps += n;
  }
  for (uint64_t i = 0; i < pages; i++)
    bad += mem[i * WORDS_PER_PAGE + (i * 8) % WORDS_PER_PAGE + 1] != LAPS;
  printf("%s ptrchase pages=%llu steps=%llu bad=%llu\n", bad ? "FAIL" : "PASS",
         (unsigned long long)pages, (unsigned long long)steps, (unsigned long long)bad);
  vmstat_report("ptrchase", &before);
  return bad != 0;
}
