/* The MMU extensions: Svpbmt, Svnapot, Svinval and Sv57 (privileged spec, their chapters
 * and 4.6), the same console on vmplat (mmu.svpbmt, mmu.svnapot, cpu.svinval and sv57 in
 * mmu.satp_modes enabled) and on QEMU 7.2 (-cpu rv64,svpbmt=on,svinval=on,svnapot=on).
 *
 * Loads run in M mode with MPRV = 1 and MPP = S, which translates them while the code stays
 * untranslated; the Svinval instructions' privilege rules run in S and U mode.
 *
 * Checks QEMU 7.2 does not make run only when the boot arguments hold "check-spec"
 * (tests/system/mmu.cmake runs that on vmplat): PBMT = 3 is reserved and so are PBMT bits
 * with menvcfg.PBMTE = 0 (QEMU 7.2 translates both), SFENCE.W.INVAL / SFENCE.INVAL.IR are
 * illegal in U mode (QEMU 7.2 executes them), and an illegal SINVAL.VMA's tval holds its
 * bits (QEMU 7.2 writes 0, which the spec also allows). "skip-sv57" leaves Sv57 out, for an
 * MMU without it (the RTL TLB in lockstep, tests/cosim/cosim.cmake). */
#include <stdio.h>

#include "sv39.h"
#include "test.h"
#include "trap.h"

#define PTE_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define PTE_N (1UL << 63)
#define PBMT(t) ((uint64_t)(t) << 61)
#define MENVCFG_PBMTE (1UL << 62) /* menvcfg is CSR 0x30a */
#define MSTATUS_TVM (1UL << 20)
#define SATP_SV39 (8UL << 60)
#define SATP_SV57 (10UL << 60)
#define CAUSE_LOAD_PAGE_FAULT 13

#define VA 0xc0000000UL            /* Sv39: root index 3, l1[0], l0[0..] */
#define NAPOT_VA (VA + 0x10000UL)  /* l0[16..31]: one 64 KiB NAPOT page */
#define VA57 0x0080000000000000UL  /* Sv57: bit 55 set, canonical only in Sv57 */
#define HUGE57 0x0001000000000000UL /* Sv57 root index 1: a 256 TiB page at pa 0 */

static uint64_t root[512] __attribute__((aligned(PAGE)));
static uint64_t l1[512] __attribute__((aligned(PAGE)));
static uint64_t l0[512] __attribute__((aligned(PAGE)));
static uint64_t t57[5][512] __attribute__((aligned(PAGE)));
static uint64_t data[4][512] __attribute__((aligned(PAGE)));
static uint64_t napot[16][512] __attribute__((aligned(0x10000)));

static void fence_all(void) { asm volatile("sfence.vma" ::: "memory"); }

/* A load that must page-fault (tval = va), printed under name. */
static void load_faults(const char *name, uint64_t va)
{
  trap_clear();
  s_load(va);
  check_fault(name, CAUSE_LOAD_PAGE_FAULT, va);
}

static void test_svpbmt(int vmplat)
{
  set_csr(0x30a, MENVCFG_PBMTE);
  for (uint64_t t = 0; t < 3; t++) {
    char name[32];
    l0[0] = pte(data[0], PTE_RW | PBMT(t));
    fence_all();
    trap_clear();
    snprintf(name, sizeof name, "pbmt.%lu.load", (unsigned long)t);
    CHECK(name, s_load(VA), 0x100);
    check_no_trap(name);
  }
  l0[0] = pte(data[0], PTE_RW);
  l1[0] = pte(l0, PTE_V | PBMT(1));
  fence_all();
  load_faults("pbmt.pointer", VA + 8);
  l1[0] = pte(l0, PTE_V);
  if (vmplat) {
    l0[0] = pte(data[0], PTE_RW | PBMT(3));
    fence_all();
    load_faults("pbmt.3.reserved", VA);
    clear_csr(0x30a, MENVCFG_PBMTE);
    l0[0] = pte(data[0], PTE_RW | PBMT(1));
    fence_all();
    load_faults("pbmt.pbmte_off", VA);
    l0[0] = pte(data[0], PTE_RW);
    set_csr(0x30a, MENVCFG_PBMTE);
  }
  fence_all();
}

static void test_svnapot(void)
{
  for (unsigned i = 0; i < 16; i++) {
    napot[i][0] = 0x200 + i;
    l0[16 + i] = pte(napot[0], PTE_RW | PTE_N) | (0x8UL << 10);
  }
  fence_all();
  trap_clear();
  for (unsigned i = 0; i < 16; i++) {
    char name[32];
    snprintf(name, sizeof name, "napot.page%u", i);
    CHECK(name, s_load(NAPOT_VA + i * PAGE), 0x200 + i);
  }
  check_no_trap("napot.loads");
  /* PPN[3:0] = 0b0100 would be a 128 KiB page: reserved. */
  const uint64_t good = l0[19];
  l0[19] = pte(napot[0], PTE_RW | PTE_N) | (0x4UL << 10);
  fence_all();
  load_faults("napot.reserved_encoding", NAPOT_VA + 3 * PAGE);
  l0[19] = good;
  /* N on a pointer. */
  l1[0] = pte(l0, PTE_V | PTE_N);
  fence_all();
  load_faults("napot.pointer", NAPOT_VA);
  l1[0] = pte(l0, PTE_V);
  fence_all();
}

static uint64_t s_sinval(uint64_t unused)
{
  (void)unused;
  return PROBE(".insn r 0x73, 0, 0x0b, x0, x0, x0", 0);
}
static uint64_t s_w_inval(uint64_t unused)
{
  (void)unused;
  return PROBE(".insn r 0x73, 0, 0x0c, x0, x0, x0", 0);
}
static uint64_t s_inval_ir(uint64_t unused)
{
  (void)unused;
  return PROBE(".insn r 0x73, 0, 0x0c, x0, x0, x1", 0);
}

/* An illegal-instruction trap at site; its tval (the instruction's bits) on vmplat only. */
static void check_illegal_at(const char *name, uint64_t site, int vmplat)
{
  check_trap(name, 2, site, vmplat ? insn_at(site) : TVAL_ANY);
}

static void test_svinval(int vmplat)
{
  /* M mode: remap a page; sinval.vma of it between the two fences makes it visible. */
  l0[1] = pte(data[1], PTE_RW);
  fence_all();
  CHECK("sinval.before", s_load(VA + PAGE), 0x200);
  l0[1] = pte(data[2], PTE_RW);
  trap_clear();
  asm volatile(".insn r 0x73, 0, 0x0c, x0, x0, x0\n"   /* sfence.w.inval */
               ".insn r 0x73, 0, 0x0b, x0, %0, x0\n"   /* sinval.vma va, x0 */
               ".insn r 0x73, 0, 0x0c, x0, x0, x1\n"   /* sfence.inval.ir */
               : : "r"(VA + PAGE) : "memory");
  CHECK("sinval.after", s_load(VA + PAGE), 0x300);
  check_no_trap("sinval.m_mode");

  /* S mode (satp Bare: the code is not mapped): legal; with mstatus.TVM = 1 SINVAL.VMA
   * traps, the two fences do not. */
  const uint64_t saved_satp = read_csr(satp);
  write_csr(satp, 0);
  trap_clear();
  run_in_mode(PRIV_S, s_sinval, 0);
  check_no_trap("sinval.s_mode");
  set_csr(mstatus, MSTATUS_TVM);
  trap_clear();
  uint64_t site = run_in_mode(PRIV_S, s_sinval, 0);
  check_illegal_at("sinval.s_mode_tvm", site, vmplat);
  trap_clear();
  run_in_mode(PRIV_S, s_w_inval, 0);
  run_in_mode(PRIV_S, s_inval_ir, 0);
  check_no_trap("fences.s_mode_tvm");
  clear_csr(mstatus, MSTATUS_TVM);

  /* U mode: SINVAL.VMA is illegal; so are the fences (QEMU 7.2 misses these two). */
  trap_clear();
  site = run_in_mode(PRIV_U, s_sinval, 0);
  check_illegal_at("sinval.u_mode", site, vmplat);
  if (vmplat) {
    trap_clear();
    site = run_in_mode(PRIV_U, s_w_inval, 0);
    check_illegal("w_inval.u_mode", site);
    trap_clear();
    site = run_in_mode(PRIV_U, s_inval_ir, 0);
    check_illegal("inval_ir.u_mode", site);
  }
  write_csr(satp, saved_satp);
}

static void test_sv57(void)
{
  const uint64_t sv57 = SATP_SV57 | ((uint64_t)(uintptr_t)t57[0] >> 12);
  write_csr(satp, sv57);
  CHECK("sv57.satp", read_csr(satp), sv57);
  /* VA57 through five levels: indices 128 (bit 55), 0, 0, 0, 0. */
  t57[0][128] = pte(t57[1], PTE_V);
  t57[1][0] = pte(t57[2], PTE_V);
  t57[2][0] = pte(t57[3], PTE_V);
  t57[3][0] = pte(t57[4], PTE_V);
  t57[4][0] = pte(data[3], PTE_RW);
  /* A 256 TiB page mapping pa 0 upward (its PPN's low 36 bits are zero). */
  t57[0][1] = PTE_RW;
  fence_all();
  trap_clear();
  CHECK("sv57.load", s_load(VA57 + 8), 0x501);
  CHECK("sv57.superpage", s_load(HUGE57 + (uint64_t)(uintptr_t)&data[0][0]), 0x100);
  check_no_trap("sv57.loads");
  load_faults("sv57.noncanonical", 0x0100000000000000UL);
  load_faults("sv57.unmapped", VA57 + PAGE);
  write_csr(satp, 0);
}

int main(unsigned long hartid, const uint8_t *dtb)
{
  (void)hartid;
  const int vmplat = t_bootarg(dtb, "check-spec");
  trap_install();
  root[3] = pte(l1, PTE_V);
  l1[0] = pte(l0, PTE_V);
  for (unsigned i = 0; i < 4; i++)
    data[i][0] = 0x100 * (i + 1);
  data[3][1] = 0x501;
  l0[0] = pte(data[0], PTE_RW);
  write_csr(satp, SATP_SV39 | ((uint64_t)(uintptr_t)root >> 12));
  fence_all();

  test_svpbmt(vmplat);
  test_svnapot();
  test_svinval(vmplat);
  if (!t_bootarg(dtb, "skip-sv57"))
    test_sv57();
  return t_done("mmu_ext");
}
