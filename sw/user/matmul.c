/* matmul[:n]: C = A x B for n x n integer matrices, checked against the closed form
 * (workloads.h). Default n = 40. */
#include "ulib.h"

int main(const char *arg)
{
  uint64_t n = 40;
  parse_size(arg, &n, NULL);
  const uint64_t pages = (n * n * sizeof(uint64_t) + PAGE_SIZE - 1) / PAGE_SIZE;
  uint64_t *a = alloc_pages("matmul", pages), *b = alloc_pages("matmul", pages);
  uint64_t *c = alloc_pages("matmul", pages);
  const uint64_t bad = matmul_run(a, b, c, n);
  printf("%s matmul n=%lu trace=%lu bad=%lu\n", bad ? "FAIL" : "PASS", (unsigned long)n,
         (unsigned long)(n ? c[0] + c[n * n - 1] : 0), (unsigned long)bad);
  return bad != 0;
}
