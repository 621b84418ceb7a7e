/* Performance counters as MMU event counters (privileged spec 3.1.10-3.1.12; the event
 * values are in docs/mmu.md): M mode selects events in mhpmevent3..10, makes loads and
 * stores through Sv39 with MPRV = 1 and MPP = S, and checks that every counter moved by
 * exactly the misses, walks and faults those accesses cause, at the moment it is read;
 * mcountinhibit freezes a counter, minstret and an instructions counter; WARL values.
 *
 * vmplat only (tests/system/mmu.cmake, mmu.hpm): QEMU 7.2 counts its own soft-TLB misses
 * for two of these events and nothing for the others. The DTLB must hold at least 24
 * entries (the default holds 32) so that pages stay in it once touched. */
#include <stdio.h>

#include "sv39.h"
#include "test.h"
#include "trap.h"

#define VA 0xc0000000UL
#define NPAGES 24

#define EV_INSTRUCTIONS 0x2UL
#define EV_DTLB_LOAD_MISS 0x10019UL
#define EV_DTLB_STORE_MISS 0x1001bUL
#define EV_ITLB_MISS 0x10021UL
#define EV_L2TLB_MISS 0x100UL
#define EV_WALK 0x101UL
#define EV_WALK_CYCLES 0x102UL
#define EV_PAGE_FAULT 0x103UL

static uint64_t root[512] __attribute__((aligned(PAGE)));
static uint64_t l1[512] __attribute__((aligned(PAGE)));
static uint64_t l0[512] __attribute__((aligned(PAGE)));
static uint64_t data[NPAGES][512] __attribute__((aligned(PAGE)));

struct snapshot {
  uint64_t load_miss, store_miss, itlb_miss, l2_miss, walks, walk_cycles, faults;
};
static struct snapshot take(void)
{
  struct snapshot s = {read_csr(mhpmcounter3), read_csr(mhpmcounter4), read_csr(mhpmcounter5),
                       read_csr(mhpmcounter6),  read_csr(mhpmcounter7), read_csr(mhpmcounter8),
                       read_csr(mhpmcounter9)};
  return s;
}

int main(void)
{
  trap_install();
  root[3] = pte(l1, PTE_V);
  l1[0] = pte(l0, PTE_V);
  for (unsigned i = 0; i < NPAGES; i++)
    l0[i] = pte(data[i], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  write_csr(satp, (8UL << 60) | ((uint64_t)(uintptr_t)root >> 12));
  asm volatile("sfence.vma" ::: "memory");

  write_csr(mhpmevent3, EV_DTLB_LOAD_MISS);
  write_csr(mhpmevent4, EV_DTLB_STORE_MISS);
  write_csr(mhpmevent5, EV_ITLB_MISS);
  write_csr(mhpmevent6, EV_L2TLB_MISS);
  write_csr(mhpmevent7, EV_WALK);
  write_csr(mhpmevent8, EV_WALK_CYCLES);
  write_csr(mhpmevent9, EV_PAGE_FAULT);
  write_csr(mhpmevent10, EV_INSTRUCTIONS);
  CHECK("mhpmevent3", read_csr(mhpmevent3), EV_DTLB_LOAD_MISS);
  struct snapshot a = take();

  /* 16 new pages: a DTLB and an L2 miss and a walk each; again: all hits. */
  for (unsigned i = 0; i < 16; i++)
    s_load(VA + i * PAGE);
  struct snapshot b = take();
  CHECK("load.misses", b.load_miss - a.load_miss, 16);
  CHECK("load.l2.misses", b.l2_miss - a.l2_miss, 16);
  CHECK("load.walks", b.walks - a.walks, 16);
  CHECK("load.walk.cycles.nonzero", b.walk_cycles > a.walk_cycles, 1);
  CHECK("load.no.store.misses", b.store_miss - a.store_miss, 0);
  CHECK("m.mode.no.itlb.misses", b.itlb_miss - a.itlb_miss, 0);
  for (unsigned i = 0; i < 16; i++)
    s_load(VA + i * PAGE + 8);
  struct snapshot c = take();
  CHECK("again.no.misses", c.load_miss - b.load_miss, 0);
  CHECK("again.no.walks", c.walks - b.walks, 0);

  /* A store to a page in the DTLB hits; to a new page misses. */
  s_store(VA + 3 * PAGE, 0);
  s_store(VA + 16 * PAGE, 0);
  struct snapshot d = take();
  CHECK("store.misses", d.store_miss - c.store_miss, 1);
  CHECK("store.walks", d.walks - c.walks, 1);

  /* An unmapped page: a miss, a walk and a page fault. */
  trap_clear();
  s_load(VA + 100 * PAGE);
  struct snapshot e = take();
  CHECK("fault.cause", g_trap.cause, 13);
  CHECK("fault.counted", e.faults - d.faults, 1);
  CHECK("fault.walks", e.walks - d.walks, 1);

  /* mcountinhibit freezes counter 3 (DTLB load misses) but not counter 7 (walks). */
  write_csr(mcountinhibit, 1UL << 3);
  s_load(VA + 17 * PAGE);
  s_load(VA + 18 * PAGE);
  struct snapshot f = take();
  CHECK("inhibited.frozen", f.load_miss - e.load_miss, 0);
  CHECK("inhibited.others.count", f.walks - e.walks, 2);
  write_csr(mcountinhibit, 0);
  s_load(VA + 19 * PAGE);
  struct snapshot g = take();
  CHECK("released.counts", g.load_miss - f.load_miss, 1);
  write_csr(mhpmcounter3, 1000);
  s_load(VA + 20 * PAGE);
  CHECK("written.then.counts", read_csr(mhpmcounter3), 1001);

  /* Instructions: a counter and minstret advance by exactly the instructions between. */
  uint64_t i0, i1, m0, m1;
  asm volatile("csrr %0, mhpmcounter10\n csrr %1, minstret\n nop\n nop\n"
               "csrr %2, mhpmcounter10\n csrr %3, minstret"
               : "=&r"(i0), "=&r"(m0), "=&r"(i1), "=&r"(m1));
  CHECK("instructions.counter", i1 - i0, 4);
  CHECK("instructions.minstret", m1 - m0, 4);
  asm volatile("csrw mcountinhibit, %4\n csrr %0, mhpmcounter10\n csrr %1, minstret\n nop\n"
               "csrr %2, mhpmcounter10\n csrr %3, minstret\n csrw mcountinhibit, zero"
               : "=&r"(i0), "=&r"(m0), "=&r"(i1), "=&r"(m1)
               : "r"((1UL << 10) | (1UL << 2)));
  CHECK("inhibited.counter", i1 - i0, 0);
  CHECK("inhibited.minstret", m1 - m0, 0);

  /* WARL: unknown events read 0; mcountinhibit.TM reads 0. */
  write_csr(mhpmevent11, 0x42);
  CHECK("mhpmevent.unknown", read_csr(mhpmevent11), 0);
  write_csr(mcountinhibit, -1UL);
  CHECK("mcountinhibit.tm", read_csr(mcountinhibit), 0xfffffffdUL);
  write_csr(mcountinhibit, 0);

  write_csr(satp, 0);
  return t_done("hpm");
}
