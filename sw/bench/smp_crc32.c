/* Every hart busy: each runs crc32_work.h (the crc32 benchmark's rounds over its own 4 KiB
 * buffer) and checks its own sum; hart 0 waits for the harts that started, then exits 0
 * only if every sum was right. bench/smp_bench.py measures the aggregate MIPS on 1, 2, 4
 * and 8 harts. Start-up: sw/tests/smp/smp_start.S (per-hart stacks, smp_main, smp_trap). */
#include "bench.h"
#include "crc32_work.h"
#include "platform.h"

#define MAX_HARTS 8

static uint8_t s_buf[MAX_HARTS][CRC32_BUF_BYTES];
static volatile uint32_t s_started, s_done, s_wrong;

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
  uint64_t sum = crc32_work(s_buf[hartid]);
  if (sum != CRC32_EXPECTED)
    __atomic_fetch_add(&s_wrong, 1, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&s_done, 1, __ATOMIC_SEQ_CST);
  if (hartid != 0)
    return 0;
  while (s_done != s_started)
    ;
  printf("bench smp_crc32: %u harts\n", (unsigned)s_started);
  int code = bench_finish("smp_crc32", start, s_wrong ? 0 : sum, CRC32_EXPECTED);
  vp_exit(code);
}
