/* Memory copy: 128 KiB copied back and forth between two buffers with a doubleword loop
 * unrolled by four, then with a byte loop at an odd offset; the FNV-1a hash of the data
 * after the last copy must equal the hash of the original pattern. */
#include "bench.h"

#define WORDS (128 * 1024 / 8)
#define ROUNDS 2000
#define BYTE_ROUNDS 40

static uint64_t s_a[WORDS];
static uint64_t s_b[WORDS];

static void copy_words(uint64_t *restrict dst, const uint64_t *restrict src, unsigned n)
{
  for (unsigned i = 0; i < n; i += 4) {
    uint64_t w0 = src[i], w1 = src[i + 1], w2 = src[i + 2], w3 = src[i + 3];
    dst[i] = w0;
    dst[i + 1] = w1;
    dst[i + 2] = w2;
    dst[i + 3] = w3;
  }
}

static void copy_bytes(volatile uint8_t *dst, const volatile uint8_t *src, unsigned n)
{
  for (unsigned i = 0; i < n; ++i)
    dst[i] = src[i];
}

static uint64_t fnv1a(const uint8_t *p, unsigned n)
{
  uint64_t h = 0xcbf29ce484222325UL;
  for (unsigned i = 0; i < n; ++i)
    h = (h ^ p[i]) * 0x100000001b3UL;
  return h;
}

int main(void)
{
  uint64_t start = bench_start();
  for (unsigned i = 0; i < WORDS; ++i)
    s_a[i] = (i + 1) * 0x9e3779b97f4a7c15UL;
  uint64_t expected = fnv1a((const uint8_t *)s_a, sizeof s_a);
  for (unsigned r = 0; r < ROUNDS; ++r) {
    copy_words(s_b, s_a, WORDS);
    copy_words(s_a, s_b, WORDS);
  }
  /* Unaligned byte copies: shift by one byte and back. */
  for (unsigned r = 0; r < BYTE_ROUNDS; ++r) {
    copy_bytes((uint8_t *)s_b + 1, (const uint8_t *)s_a, sizeof s_a - 1);
    copy_bytes((uint8_t *)s_a, (const uint8_t *)s_b + 1, sizeof s_a - 1);
  }
  return bench_finish("memcpy", start, fnv1a((const uint8_t *)s_a, sizeof s_a), expected);
}
