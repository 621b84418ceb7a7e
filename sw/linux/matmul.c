/* matmul [N]: C = A x B for N x N integer matrices with A[i][k] = i + k and B[k][j] = k + j,
 * checked against the closed form C[i][j] = N*i*j + (i + j)*S1 + S2, S1 = sum k,
 * S2 = sum k^2. Default N = 40 (as sw/user's). */
#include <stdio.h>

#include "work.h"

int matmul_main(int argc, char **argv)
{
  struct vmstat before;
  vmstat_read(&before);
  const uint64_t n = arg_number(argc, argv, 1, 40, 1, 4096, "matrix size");
  const uint64_t bytes = n * n * sizeof(uint64_t);
  uint64_t *a = map_memory("matmul", bytes), *b = map_memory("matmul", bytes);
  uint64_t *c = map_memory("matmul", bytes);
  const uint64_t bad = matmul_run(a, b, c, n);
  printf("%s matmul n=%llu trace=%llu bad=%llu\n", bad ? "FAIL" : "PASS", (unsigned long long)n,
         (unsigned long long)(c[0] + c[n * n - 1]), (unsigned long long)bad);
  vmstat_report("matmul", &before);
  return bad != 0;
}
