/* randacc[:pages]: 64 x pages increments of random words of an array of the given size, then
 * the same sequence again as decrements; every word must be back to zero (workloads.h).
 * Default 192 pages. With roi=1 the accesses and the check are the region of interest
 * "randacc". */
#include "ulib.h"

int main(const char *arg, uint64_t superpage, int roi)
{
  uint64_t pages = 192;
  parse_size(arg, &pages, NULL);
  uint64_t *mem = alloc_superpages("randacc", pages, superpage);
  const uint64_t accesses = 64 * pages;
  roi_begin(roi);
  const uint64_t bad = randacc_run(mem, pages * WORDS_PER_PAGE, accesses);
  roi_end(roi, "randacc");
  printf("%s randacc pages=%lu accesses=%lu corrupted=%lu\n", bad ? "FAIL" : "PASS",
         (unsigned long)pages, (unsigned long)(2 * accesses), (unsigned long)bad);
  return bad != 0;
}
