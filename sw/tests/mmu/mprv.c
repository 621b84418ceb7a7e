/* mstatus.MPRV (privileged spec 3.1.6.3): with MPRV = 1, M-mode loads, stores and AMOs are
 * translated and protected at MPP's privilege, instruction fetches are not. The code runs
 * untranslated in M while Sv39 maps VA 0xc000_0000.. to frames elsewhere: a supervisor
 * page, a user page and a read-only page. Checked: data reaches the mapped frames (not the
 * virtual address), MPP = U may touch the user page but not the supervisor one, MPP = S the
 * supervisor page but not the user one without SUM, MPP = M is untranslated, an AMO and an
 * SC to the read-only page are store/AMO page faults (15), LR to nothing is a load page
 * fault (13), and the code keeps running with its own pages unmapped.
 *
 * The same console on vmplat and QEMU. With "check-spec" in the boot arguments (vmplat only,
 * tests/system/mmu.cmake) also what QEMU 7.2 does otherwise: an AMO to an unmapped address
 * is a store/AMO page fault (QEMU: load page fault, 13), and what xRET does to MPRV
 * (3.1.6.1, 3.3.2): MRET and SRET to a mode below M clear it, MRET to M keeps it (QEMU 7.2
 * leaves it set in both). */
#include <stdio.h>

#include "sv39.h"
#include "test.h"
#include "trap.h"

#define VA 0xc0000000UL /* root index 3 */
#define S_VA VA
#define U_VA (VA + PAGE)
#define RO_VA (VA + 2 * PAGE)
#define NONE_VA (VA + 3 * PAGE)
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15

static uint64_t root[512] __attribute__((aligned(PAGE)));
static uint64_t l1[512] __attribute__((aligned(PAGE)));
static uint64_t l0[512] __attribute__((aligned(PAGE)));
static uint64_t frame[3][512] __attribute__((aligned(PAGE)));

#define LOAD(mpp, addr) MPRV_LOAD(mpp, addr)
#define STORE(mpp, addr, v) MPRV_STORE(mpp, addr, v)
#define AMOADD(mpp, addr, v) MPRV_ACCESS("amoadd.d %0, %0, (%1)", mpp, addr, v)
#define LR_SC(mpp, addr, v) MPRV_ACCESS("lr.d t0, (%1)\n sc.d %0, %0, (%1)", mpp, addr, v)
#define LR(mpp, addr) MPRV_ACCESS("lr.d %0, (%1)", mpp, addr, 0)

static void test_translation(void)
{
  frame[0][0] = 0x5001;
  frame[1][0] = 0x5002;
  frame[2][0] = 0x5003;
  trap_clear();
  CHECK("s.load", LOAD(PRIV_S, S_VA), 0x5001);
  STORE(PRIV_S, S_VA + 8, 0x77);
  CHECK("s.store.frame", frame[0][1], 0x77);
  CHECK("s.amo.old", AMOADD(PRIV_S, S_VA + 8, 2), 0x77);
  CHECK("s.amo.frame", frame[0][1], 0x79);
  CHECK("u.load", LOAD(PRIV_U, U_VA), 0x5002);
  CHECK("s.load.readonly", LOAD(PRIV_S, RO_VA), 0x5003);
  check_no_trap("translated");
  /* With MPP = M nothing is translated: the frame's own address reads it. */
  CHECK("m.load.physical", LOAD(PRIV_M, &frame[1][0]), 0x5002);
  check_no_trap("untranslated");

  trap_clear();
  LOAD(PRIV_U, S_VA);
  check_fault("u.load.s_page", CAUSE_LOAD_PAGE_FAULT, S_VA);
  trap_clear();
  STORE(PRIV_S, U_VA, 1);
  check_fault("s.store.u_page", CAUSE_STORE_PAGE_FAULT, U_VA);
  CHECK("s.store.u_page.nothing", frame[1][0], 0x5002);
  set_csr(mstatus, MSTATUS_SUM);
  trap_clear();
  CHECK("s.load.u_page.sum", LOAD(PRIV_S, U_VA), 0x5002);
  check_no_trap("s.load.u_page.sum");
  clear_csr(mstatus, MSTATUS_SUM);
  trap_clear();
  AMOADD(PRIV_S, RO_VA, 1);
  check_fault("s.amo.readonly", CAUSE_STORE_PAGE_FAULT, RO_VA);
  trap_clear();
  LR_SC(PRIV_S, RO_VA, 1);
  check_fault("s.sc.readonly", CAUSE_STORE_PAGE_FAULT, RO_VA);
  CHECK("s.readonly.unchanged", frame[2][0], 0x5003);
  trap_clear();
  LR(PRIV_S, NONE_VA);
  check_fault("s.lr.unmapped", CAUSE_LOAD_PAGE_FAULT, NONE_VA);
}

/* QEMU 7.2 walks an AMO as a load first, so an unmapped address is a load page fault
 * there; privileged 3.7 / 4.3.2 make it a store/AMO page fault. */
static void test_amo_unmapped(void)
{
  trap_clear();
  AMOADD(PRIV_S, NONE_VA, 1);
  check_fault("s.amo.unmapped", CAUSE_STORE_PAGE_FAULT, NONE_VA);
}

static uint64_t nothing(uint64_t arg) { return arg; }

/* Runs in M (run_in_mode(PRIV_M, ...)): SRET with SPP = S and MPRV = 1 drops to S, and
 * returns from there. */
static uint64_t sret_with_mprv(uint64_t arg)
{
  asm volatile("li t0, 0x1800\n csrs mstatus, t0\n li t0, 0x20100\n csrs mstatus, t0\n"
               "la t0, 1f\n csrw sepc, t0\n sret\n 1:" : : : "t0", "memory");
  return arg;
}

static uint64_t mprv_now(void)
{
  uint64_t v = read_csr(mstatus) & MSTATUS_MPRV;
  clear_csr(mstatus, MSTATUS_MPRV);
  return v != 0;
}

static void test_xret(void)
{
  /* MRET to M (MPP = M) keeps MPRV. */
  asm volatile("li t0, 0x1800\n csrs mstatus, t0\n li t0, 0x20000\n csrs mstatus, t0\n"
               "la t0, 1f\n csrw mepc, t0\n mret\n 1:" : : : "t0", "memory");
  CHECK("mret.to_m.mprv_kept", mprv_now(), 1);
  /* MRET to S (run_in_mode sets MPP = S after its last memory access) clears it. */
  asm volatile("li t0, 0x1800\n csrs mstatus, t0\n li t0, 0x20000\n csrs mstatus, t0"
               : : : "t0", "memory");
  run_in_mode(PRIV_S, nothing, 0);
  CHECK("mret.to_s.mprv_cleared", mprv_now(), 0);
  /* SRET from M to S clears it too. */
  run_in_mode(PRIV_M, sret_with_mprv, 0);
  CHECK("sret.to_s.mprv_cleared", mprv_now(), 0);
}

int main(unsigned long hartid, const uint8_t *dtb)
{
  (void)hartid;
  trap_install();
  root[3] = pte(l1, PTE_V);
  l1[0] = pte(l0, PTE_V);
  l0[0] = pte(frame[0], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  l0[1] = pte(frame[1], PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
  l0[2] = pte(frame[2], PTE_V | PTE_R | PTE_A);
  write_csr(satp, (8UL << 60) | ((uint64_t)(uintptr_t)root >> 12));
  asm volatile("sfence.vma" ::: "memory");
  test_translation();
  const int spec = t_bootarg(dtb, "check-spec");
  if (spec)
    test_amo_unmapped();
  write_csr(satp, 0);
  if (spec)
    test_xret();
  return t_done("mprv");
}
