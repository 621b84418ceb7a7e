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
  uint64_t steps;
  const uint64_t bad = ptrchase_run(mem, order, pages, LAPS, &steps);
  printf("%s ptrchase pages=%llu steps=%llu bad=%llu\n", bad ? "FAIL" : "PASS",
         (unsigned long long)pages, (unsigned long long)steps, (unsigned long long)bad);
  vmstat_report("ptrchase", &before);
  return bad != 0;
}
