/* The crc32 benchmark's work, shared by crc32.c (one hart) and smp_crc32.c (every hart):
 * bitwise CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) of a 4 KiB buffer, one pass
 * per round with the first byte changed each round; the sum of the CRCs is checked against
 * a value computed offline with zlib. */
#ifndef VMPLAT_BENCH_CRC32_WORK_H
#define VMPLAT_BENCH_CRC32_WORK_H

#include <stdint.h>

#define CRC32_BUF_BYTES 4096
#define CRC32_ROUNDS 1000
#define CRC32_EXPECTED 0x1f3fff02e04UL

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

/* Fills `buf` (CRC32_BUF_BYTES) and returns the sum of the rounds' CRCs. */
static uint64_t crc32_work(uint8_t *buf)
{
  uint32_t x = 12345;
  for (unsigned i = 0; i < CRC32_BUF_BYTES; ++i) {
    x = x * 1103515245u + 12345u;
    buf[i] = (uint8_t)(x >> 16);
  }
  uint64_t sum = 0;
  for (unsigned r = 0; r < CRC32_ROUNDS; ++r) {
    buf[0] = (uint8_t)r;
    sum += crc32(buf, CRC32_BUF_BYTES);
  }
  return sum;
}

#endif
