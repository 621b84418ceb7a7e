#include "sv39.h"

#include <stdint.h>

#include "platform.h"

#define PTE_V 0x01UL
#define PTE_R 0x02UL
#define PTE_W 0x04UL
#define PTE_X 0x08UL
#define PTE_G 0x20UL
#define PTE_A 0x40UL
#define PTE_D 0x80UL

/* Tables live below the frames: root, one L1 table, and one L0 table per 512 pages. */
#define TABLES_PA 0x81f00000UL

static uint64_t *table(unsigned i) { return (uint64_t *)(uintptr_t)(TABLES_PA + 4096UL * i); }
static uint64_t ptr(uint64_t *t) { return (((uint64_t)(uintptr_t)t) >> 12) << 10 | PTE_V; }

void sv39_enter(unsigned long pages)
{
  if (pages > BENCH_MAX_PAGES)
    vp_exit(4);
  const unsigned l0_tables = (unsigned)((pages + 511) / 512);
  for (unsigned i = 0; i < 2 + l0_tables; ++i)
    for (unsigned j = 0; j < 512; ++j)
      table(i)[j] = 0;
  uint64_t *root = table(0), *l1 = table(1);
  root[0] = (0x00000000UL >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G;
  root[2] = (0x80000000UL >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G;
  root[(BENCH_VA >> 30) & 0x1ff] = ptr(l1);
  for (unsigned long p = 0; p < pages; ++p) {
    uint64_t *l0 = table(2 + (unsigned)(p / 512));
    l1[((BENCH_VA >> 21) + p / 512) & 0x1ff] = ptr(l0);
    l0[p % 512] = ((BENCH_PA >> 12) + p) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  }
  write_csr(pmpaddr0, ~0UL);
  write_csr(pmpcfg0, 0x1f);
  write_csr(satp, (8UL << 60) | (TABLES_PA >> 12));
  asm volatile("sfence.vma zero, zero" ::: "memory");
  uint64_t ms = read_csr(mstatus);
  write_csr(mstatus, (ms & ~(3UL << 11)) | (1UL << 11));
  /* mret to the next instruction: the caller goes on in S mode, on the same stack
     (identity-mapped). */
  asm volatile("la t0, 1f\n csrw mepc, t0\n mret\n 1:" ::: "t0", "memory");
}

void sv39_run(void (*fn)(void), unsigned long pages)
{
  sv39_enter(pages);
  fn();
  vp_exit(1); /* fn returned instead of ending the run */
}
