/* TLB-friendly, CPU-bound work: integer matrix products and a sieve over 40 KiB of data,
 * run in M mode (Bare) or in S mode under Sv39 (MMU_SV39, identity gigapages): the same
 * instructions either way, so the MIPS ratio is the cost of translation. */
#include <stdint.h>
#include <stdio.h>

#include "platform.h"
#include "sv39.h"

#define N 32
#define ROUNDS 40

static int32_t a[N][N], b[N][N], c[N][N];
static uint8_t sieve[16384];

static void work(void)
{
  uint32_t sum = 0;
  for (unsigned i = 0; i < N; ++i)
    for (unsigned j = 0; j < N; ++j) {
      a[i][j] = (int32_t)(i * 7 + j * 3);
      b[i][j] = (int32_t)(i ^ j);
    }
  for (unsigned r = 0; r < ROUNDS; ++r) {
    for (unsigned i = 0; i < N; ++i)
      for (unsigned j = 0; j < N; ++j) {
        int32_t s = 0;
        for (unsigned k = 0; k < N; ++k)
          s += a[i][k] * b[k][j];
        c[i][j] = s + (int32_t)r;
      }
    sum += (uint32_t)c[r % N][(r * 5) % N];
    for (unsigned i = 0; i < sizeof sieve; ++i)
      sieve[i] = 1;
    unsigned primes = 0;
    for (unsigned i = 2; i < sizeof sieve; ++i) {
      if (!sieve[i])
        continue;
      ++primes;
      for (unsigned j = 2 * i; j < sizeof sieve; j += i)
        sieve[j] = 0;
    }
    sum += primes;
  }
  printf("friendly: checksum %lu\n", (unsigned long)sum);
  vp_exit(0);
}

int main(void)
{
#ifdef MMU_SV39
  sv39_run(work, 0);
#else
  work();
#endif
  return 0;
}
