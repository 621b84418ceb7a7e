/* Branchy code: counts the solutions of the 10-queens problem by backtracking over
 * bitmasks, many times; 724 solutions per solve. */
#include "bench.h"

#define N 10
#define SOLVES 200
#define SOLUTIONS_PER_SOLVE 724

static unsigned solve(unsigned cols, unsigned diag1, unsigned diag2, unsigned full)
{
  if (cols == full)
    return 1;
  unsigned count = 0;
  unsigned free = full & ~(cols | diag1 | diag2);
  while (free) {
    unsigned bit = free & -free;
    free &= free - 1;
    count += solve(cols | bit, ((diag1 | bit) << 1) & full, (diag2 | bit) >> 1, full);
  }
  return count;
}

int main(void)
{
  uint64_t start = bench_start();
  volatile unsigned full = (1u << N) - 1;
  uint64_t total = 0;
  for (unsigned i = 0; i < SOLVES; ++i)
    total += solve(0, 0, 0, full);
  return bench_finish("nqueens", start, total, (uint64_t)SOLVES * SOLUTIONS_PER_SOLVE);
}
