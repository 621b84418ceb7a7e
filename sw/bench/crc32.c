/* Integer loop: bitwise CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of a 4 KiB
 * buffer, one pass per round with the first byte changed each round; the sum of the CRCs
 * is checked against a value computed offline with zlib. */
#include "bench.h"

#define BUF_BYTES 4096
#define ROUNDS 1000
#define EXPECTED 0x1f3fff02e04UL

static uint8_t s_buf[BUF_BYTES];

static uint32_t crc32(const uint8_t *p, unsigned n)
{
  uint32_t crc = 0xffffffffu;
  for (unsigned i = 0; i < n; ++i) {
    crc ^= p[i];
    for (int b = 0; b < 8; ++b)
      crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
  }
  return ~crc;
}

int main(void)
{
  uint64_t start = bench_instret();
  uint32_t x = 12345;
  for (unsigned i = 0; i < BUF_BYTES; ++i) {
    x = x * 1103515245u + 12345u;
    s_buf[i] = (uint8_t)(x >> 16);
  }
  uint64_t sum = 0;
  for (unsigned r = 0; r < ROUNDS; ++r) {
    s_buf[0] = (uint8_t)r;
    sum += crc32(s_buf, BUF_BYTES);
  }
  return bench_finish("crc32", start, sum, EXPECTED);
}
