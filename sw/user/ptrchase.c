/* ptrchase[:pages]: one node per page, linked into a single random cycle, so every step is a
 * dependent load on a new page; follows the cycle eight times and checks each lap visits
 * every node once and ends where it began (workloads.h). Default 128 pages. */
#include "ulib.h"

#define LAPS 8

int main(const char *arg)
{
  uint64_t pages = 128;
  parse_size(arg, &pages, NULL);
  uint64_t *mem = alloc_pages("ptrchase", pages);
  uint32_t *order = (uint32_t *)alloc_pages("ptrchase", (pages * 4 + PAGE_SIZE - 1) / PAGE_SIZE);
  uint64_t steps;
  const uint64_t bad = ptrchase_run(mem, order, pages, LAPS, &steps);
  printf("%s ptrchase pages=%lu steps=%lu bad=%lu\n", bad ? "FAIL" : "PASS", (unsigned long)pages,
         (unsigned long)steps, (unsigned long)bad);
  return bad != 0;
}
