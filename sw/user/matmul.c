/* matmul[:n]: C = A x B for n x n integer matrices with A[i][k] = i + k and
 * B[k][j] = k + j, checked against the closed form
 * C[i][j] = n*i*j + (i + j)*S1 + S2, S1 = sum k, S2 = sum k^2. Default n = 40. */
#include "ulib.h"

int main(const char *arg)
{
  uint64_t n = 40;
  parse_size(arg, &n, NULL);
  uint64_t bytes = n * n * sizeof(uint64_t);
  uint64_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
  uint64_t *a = alloc_pages("matmul", pages), *b = alloc_pages("matmul", pages);
  uint64_t *c = alloc_pages("matmul", pages);
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t j = 0; j < n; j++) {
      a[i * n + j] = i + j;
      b[i * n + j] = i + j;
    }
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t j = 0; j < n; j++) {
      uint64_t sum = 0;
      for (uint64_t k = 0; k < n; k++)
        sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  uint64_t s1 = n * (n - 1) / 2, s2 = (n - 1) * n * (2 * n - 1) / 6, bad = 0;
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t j = 0; j < n; j++)
      bad += c[i * n + j] != n * i * j + (i + j) * s1 + s2;
  printf("%s matmul n=%lu trace=%lu bad=%lu\n", bad ? "FAIL" : "PASS", (unsigned long)n,
         (unsigned long)(n ? c[0] + c[n * n - 1] : 0), (unsigned long)bad);
  return bad != 0;
}
