/* Integer loop: the CRC-32 rounds of crc32_work.h over a 4 KiB buffer. */
#include "bench.h"
#include "crc32_work.h"

static uint8_t s_buf[CRC32_BUF_BYTES];

int main(void)
{
  uint64_t start = bench_start();
  return bench_finish("crc32", start, crc32_work(s_buf), CRC32_EXPECTED);
}
