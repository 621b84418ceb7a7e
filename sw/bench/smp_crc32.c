/* Every hart busy: each runs crc32.c's work (the same CRC-32 rounds over its own 4 KiB
 * buffer) and checks its own sum; hart 0 waits for the harts that started, then exits 0
 * only if every sum was right. bench/smp_bench.py measures the aggregate MIPS on 1, 2, 4
 * and 8 harts. Start-up: sw/tests/smp/smp_start.S (per-hart stacks, smp_main, smp_trap). */
#include "bench.h"
#include "platform.h"

#define BUF_BYTES 4096
#define ROUNDS 1000
#define EXPECTED 0x1f3fff02e04UL
#define MAX_HARTS 8

static uint8_t s_buf[MAX_HARTS][BUF_BYTES];
static volatile uint32_t s_started, s_done, s_wrong;

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

static uint64_t work(uint8_t *buf)
{
  uint32_t x = 12345;
  for (unsigned i = 0; i < BUF_BYTES; ++i) {
    x = x * 1103515245u + 12345u;
    buf[i] = (uint8_t)(x >> 16);
  }
  uint64_t sum = 0;
  for (unsigned r = 0; r < ROUNDS; ++r) {
    buf[0] = (uint8_t)r;
    sum += crc32(buf, BUF_BYTES);
  }
  return sum;
}

void smp_trap(unsigned long mcause);
int smp_main(unsigned long hartid);

void smp_trap(unsigned long mcause)
{
  printf("bench smp_crc32: unexpected trap, mcause 0x%lx\n", mcause);
  vp_exit(3);
}

int smp_main(unsigned long hartid)
{
  __atomic_fetch_add(&s_started, 1, __ATOMIC_SEQ_CST);
  uint64_t start = bench_instret();
  uint64_t sum = work(s_buf[hartid]);
  if (sum != EXPECTED)
    __atomic_fetch_add(&s_wrong, 1, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&s_done, 1, __ATOMIC_SEQ_CST);
  if (hartid != 0)
    return 0;
  while (s_done != s_started)
    ;
  printf("bench smp_crc32: %u harts\n", (unsigned)s_started);
  int code = bench_finish("smp_crc32", start, s_wrong ? 0 : sum, EXPECTED);
  vp_exit(code);
}
