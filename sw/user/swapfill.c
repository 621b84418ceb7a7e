/* swapfill[:pages]: dirties pages until the frame pool and the swap device are both full;
 * the kernel must kill it (out of swap space) and carry on. Default 16384 pages (64 MiB). */
#include "ulib.h"

int main(const char *arg)
{
  uint64_t pages = 16384;
  parse_size(arg, &pages, NULL);
  uint64_t *mem = alloc_pages("swapfill", pages);
  for (uint64_t p = 0; p < pages; p++)
    mem[p * WORDS_PER_PAGE] = p + 1;
  printf("FAIL swapfill dirtied %lu pages without filling the swap device\n",
         (unsigned long)pages);
  return 1;
}
