/* seqscan[:pages]: writes an array of the given size once, then sums it sequentially four
 * times and checks each sum against the closed form (workloads.h). Default 256 pages. With
 * roi=1 the write and the sums are the region of interest "seqscan". */
#include "ulib.h"

#define PASSES 4

int main(const char *arg, uint64_t superpage, int roi)
{
  uint64_t pages = 256;
  parse_size(arg, &pages, NULL);
  uint64_t *mem = alloc_superpages("seqscan", pages, superpage);
  const uint64_t words = pages * WORDS_PER_PAGE;
  roi_begin(roi);
  const uint64_t bad = seqscan_run(mem, words, PASSES);
  roi_end(roi, "seqscan");
  printf("%s seqscan pages=%lu passes=%d sum=%lu\n", bad ? "FAIL" : "PASS", (unsigned long)pages,
         PASSES, (unsigned long)(words * (words - 1) / 2));
  return bad != 0;
}
