/* PMP on the page-table walker's own accesses (privileged spec 3.7.1, 4.3.2 steps 2 and 7):
 * PTE reads are S-mode loads, so a table page PMP denies to S makes every walk through it
 * an access fault of the original access type (5 for a load, 7 for a store), never a page
 * fault; readable tables translate as usual. Loads and stores run in M mode with MPRV = 1
 * and MPP = S, which translates them while the code stays untranslated.
 *
 * The same console on vmplat and QEMU. The A/D write check (setting A in a leaf whose table
 * is read-only to S is a store PMP denies), which QEMU 7.2 does not make, runs only when the
 * boot arguments hold "check-ad" (tests/system/mmu.cmake runs that on vmplat). */
#include <stdio.h>

#include "sv39.h"
#include "test.h"
#include "trap.h"

#define CFG_R 0x01UL
#define CFG_NAPOT 0x18UL
#define VA 0xc0000000UL /* root index 3: its own pointer chain */
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_STORE_ACCESS 7
#define CAUSE_LOAD_PAGE_FAULT 13

static uint64_t root[512] __attribute__((aligned(PAGE)));
static uint64_t l1[512] __attribute__((aligned(PAGE)));
static uint64_t l0[512] __attribute__((aligned(PAGE)));
static uint64_t data[4][512] __attribute__((aligned(PAGE)));

/* Entry 0 over one page with cfg; entry 1 gives everything else RWX. */
static void protect(const void *page, uint64_t cfg)
{
  write_csr(pmpaddr0, ((uint64_t)(uintptr_t)page >> 2) | 0x1ff);
  write_csr(pmpaddr1, (1UL << 54) - 1);
  write_csr(pmpcfg0, (0x1fUL << 8) | cfg);
  asm volatile("sfence.vma" ::: "memory");
}

int main(unsigned long hartid, const uint8_t *dtb)
{
  (void)hartid;
  trap_install();
  root[3] = pte(l1, PTE_V);
  l1[0] = pte(l0, PTE_V);
  for (unsigned i = 0; i < 3; i++) {
    l0[i] = pte(data[i], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    data[i][0] = 0x100 + i;
  }
  l0[3] = pte(data[3], PTE_V | PTE_R | PTE_W);  /* A and D clear */
  write_csr(satp, (8UL << 60) | ((uint64_t)(uintptr_t)root >> 12));

  protect(root, CFG_NAPOT);
  trap_clear();
  s_load(VA);
  check_fault("root.denied.load", CAUSE_LOAD_ACCESS, VA);
  trap_clear();
  s_store(VA + 8, 1);
  check_fault("root.denied.store", CAUSE_STORE_ACCESS, VA + 8);

  protect(root, CFG_NAPOT | CFG_R);
  trap_clear();
  CHECK("root.readable.load", s_load(VA), 0x100);
  check_no_trap("root.readable");

  protect(l1, CFG_NAPOT);
  trap_clear();
  s_load(VA + PAGE);
  check_fault("l1.denied.load", CAUSE_LOAD_ACCESS, VA + PAGE);

  protect(l0, CFG_NAPOT);
  trap_clear();
  s_store(VA + 2 * PAGE + 16, 2);
  check_fault("l0.denied.store", CAUSE_STORE_ACCESS, VA + 2 * PAGE + 16);
  CHECK("l0.denied.store.nothing", data[2][2], 0);

  /* A page fault stays a page fault when the tables are readable. */
  protect(l0, CFG_NAPOT | CFG_R);
  trap_clear();
  s_load(VA + 9 * PAGE);
  check_fault("unmapped", CAUSE_LOAD_PAGE_FAULT, VA + 9 * PAGE);

  if (t_bootarg(dtb, "check-ad")) {
    trap_clear();
    s_load(VA + 3 * PAGE);
    check_fault("ad.denied", CAUSE_LOAD_ACCESS, VA + 3 * PAGE);
    CHECK("ad.denied.pte", l0[3] & PTE_A, 0);
  }
  write_csr(satp, 0);
  return t_done("pmp_walk");
}
