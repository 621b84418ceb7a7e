/* TLB-hostile work in S mode under Sv39: ACCESSES read-modify-writes of one word each, at
 * pseudo-random 4 KiB pages among PAGES pages mapped at BENCH_VA, so nearly every access
 * needs a translation the TLBs do not hold when PAGES is much larger than they are. With a
 * small PAGES (the "fits" build) the working set fits in the L1 DTLB. */
#include <stdint.h>
#include <stdio.h>

#include "platform.h"
#include "sv39.h"

static void work(void)
{
  volatile uint64_t *base = (volatile uint64_t *)BENCH_VA;
  uint64_t x = 88172645463325252ULL, sum = 0;
  for (unsigned long i = 0; i < ACCESSES; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const unsigned long page = x % PAGES, word = (x >> 32) % 512;
    volatile uint64_t *p = base + page * 512 + word;
    *p = *p + i;
    sum += page;
  }
  printf("hostile: %lu pages, %lu accesses, checksum %lu\n", (unsigned long)PAGES,
         (unsigned long)ACCESSES, (unsigned long)sum);
  vp_exit(0);
}

int main(void) { sv39_run(work, PAGES); }
