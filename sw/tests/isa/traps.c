/* The trap machinery (privileged spec 3.1.6-3.1.21, 3.3, 4.1): ECALL from M/S/U, EBREAK,
 * illegal instructions (mtval = instruction bits), privileged instructions in the wrong
 * mode, misaligned loads/stores performed, access faults from holes in the map, mtvec and
 * stvec vectored, medeleg delegation to S with sepc/scause/stval, and what traps, MRET and
 * SRET do to MPP/SPP, MIE/SIE and MPIE/SPIE. MPRV (translation at MPP's privilege and xRET
 * clearing it) is sw/tests/mmu/mprv.c's. */
#include "test.h"
#include "trap.h"

#define MODE_MAGIC 0x15a /* run_in_mode's "back to M" ecall (trap_entry.S) */

/* Holes in the virt map: no device answers there, on vmplat nor on QEMU. */
#define HOLE_LOW 0x0UL
#define HOLE_MID 0x01000000UL

/* Spins until a trap was recorded, for at most a second of mtime (10 MHz). */
static void wait_trap(void)
{
  uint64_t start = VP_MMIO64(VP_CLINT_MTIME);
  while (g_trap.count == 0 && VP_MMIO64(VP_CLINT_MTIME) - start < 10000000) {
  }
}

static uint64_t do_ecall(uint64_t unused)
{
  (void)unused;
  uint64_t site;
  asm volatile("la %0, 1f\n li a7, 0\n 1: ecall" : "=&r"(site) : : "a7", "memory");
  return site;
}

static uint64_t do_ebreak(uint64_t unused)
{
  (void)unused;
  uint64_t site;
  asm volatile(NORVC("la %0, 1f\n 1: ebreak") : "=&r"(site) : : "memory");
  return site;
}

static uint64_t do_illegal(uint64_t unused)
{
  (void)unused;
  uint64_t site;
  /* OP with funct7 = 0x7f: a reserved encoding of a standard opcode. */
  asm volatile("la %0, 1f\n 1: .4byte 0xfe000033" : "=&r"(site) : : "memory");
  return site;
}

#define PRIV_INSN_FN(name, insn)                                                          \
  static uint64_t name(uint64_t unused)                                                   \
  {                                                                                       \
    (void)unused;                                                                         \
    uint64_t site;                                                                        \
    asm volatile(NORVC("la %0, 1f\n 1: " insn) : "=&r"(site) : : "memory");               \
    return site;                                                                          \
  }
PRIV_INSN_FN(do_mret, "mret")
PRIV_INSN_FN(do_sret, "sret")
PRIV_INSN_FN(do_wfi, "wfi")
PRIV_INSN_FN(do_sfence, "sfence.vma")

static void test_ecall_ebreak(void)
{
  trap_clear();
  uint64_t site = do_ecall(0);
  check_trap("ecall.m", 11, site, 0);
  trap_clear();
  site = run_in_mode(PRIV_S, do_ecall, 0);
  check_trap("ecall.s", 9, site, 0);
  CHECK("ecall.s.mpp", g_trap.from, PRIV_S);
  trap_clear();
  site = run_in_mode(PRIV_U, do_ecall, 0);
  check_trap("ecall.u", 8, site, 0);
  CHECK("ecall.u.mpp", g_trap.from, PRIV_U);

  trap_clear();
  site = do_ebreak(0);
  check_trap("ebreak.m", 3, site, TVAL_ANY);
  trap_clear();
  site = run_in_mode(PRIV_U, do_ebreak, 0);
  check_trap("ebreak.u", 3, site, TVAL_ANY);
}

static void test_illegal(void)
{
  trap_clear();
  check_illegal("illegal.m", do_illegal(0));
  trap_clear();
  check_illegal("illegal.s", run_in_mode(PRIV_S, do_illegal, 0));
  trap_clear();
  check_illegal("illegal.u", run_in_mode(PRIV_U, do_illegal, 0));
  trap_clear();
  check_illegal("mret.s", run_in_mode(PRIV_S, do_mret, 0));
  trap_clear();
  check_illegal("mret.u", run_in_mode(PRIV_U, do_mret, 0));
  trap_clear();
  check_illegal("sret.u", run_in_mode(PRIV_U, do_sret, 0));
  trap_clear();
  check_illegal("wfi.u", run_in_mode(PRIV_U, do_wfi, 0));
  trap_clear();
  check_illegal("sfence.vma.u", run_in_mode(PRIV_U, do_sfence, 0));
  trap_clear();
  run_in_mode(PRIV_S, do_sfence, 0);
  check_no_trap("sfence.vma.s");

  /* mstatus.TSR makes SRET in S illegal, TW makes WFI in S illegal, TVM makes
   * SFENCE.VMA in S illegal (3.1.6.5). */
  set_csr(mstatus, 1UL << 22);
  trap_clear();
  check_illegal("sret.s.tsr", run_in_mode(PRIV_S, do_sret, 0));
  clear_csr(mstatus, 1UL << 22);
  set_csr(mstatus, 1UL << 21);
  trap_clear();
  check_illegal("wfi.s.tw", run_in_mode(PRIV_S, do_wfi, 0));
  clear_csr(mstatus, 1UL << 21);
  set_csr(mstatus, 1UL << 20);
  trap_clear();
  check_illegal("sfence.vma.s.tvm", run_in_mode(PRIV_S, do_sfence, 0));
  clear_csr(mstatus, 1UL << 20);
}

static volatile uint64_t s_data[5] __attribute__((aligned(16)));

#define LOAD_AT(op, addr)                                                                 \
  ({                                                                                      \
    uint64_t v_;                                                                          \
    asm volatile(op " %0, 0(%1)" : "=r"(v_) : "r"(addr) : "memory");                      \
    v_;                                                                                   \
  })
#define STORE_AT(op, addr, v)                                                             \
  asm volatile(op " %1, 0(%0)" : : "r"(addr), "r"((uint64_t)(v)) : "memory")

static void test_misaligned(void)
{
  volatile uint8_t *b = (volatile uint8_t *)s_data;
  s_data[0] = 0x0706050403020100UL;
  s_data[1] = 0x8f8e8d8c8b8a8988UL;
  trap_clear();
  CHECK("misaligned.lh", LOAD_AT("lh", b + 1), 0x0201);
  CHECK("misaligned.lhu", LOAD_AT("lhu", b + 7), 0x8807);
  CHECK("misaligned.lh.sign", LOAD_AT("lh", b + 9), 0xffffffffffff8a89UL);
  CHECK("misaligned.lw", LOAD_AT("lw", b + 6), 0xffffffff89880706UL);
  CHECK("misaligned.lw.sign", LOAD_AT("lw", b + 11), 0xffffffff8e8d8c8bUL);
  CHECK("misaligned.lwu", LOAD_AT("lwu", b + 5), 0x88070605UL);
  CHECK("misaligned.ld", LOAD_AT("ld", b + 3), 0x8a89880706050403UL);
  STORE_AT("sd", b + 17, 0x1122334455667788UL);
  CHECK("misaligned.sd", s_data[2], 0x2233445566778800UL);
  CHECK("misaligned.sd.tail", s_data[3] & 0xff, 0x11);
  STORE_AT("sw", b + 22, 0xaabbccddUL);
  CHECK("misaligned.sw", s_data[2], 0xccdd445566778800UL);
  STORE_AT("sh", b + 31, 0xeeffUL);
  CHECK("misaligned.sh", s_data[3] >> 56, 0xff);
  check_no_trap("misaligned");
}

static void jump_to(uint64_t target)
{
  asm volatile("jalr ra, 0(%0)" : : "r"(target) : "ra", "memory");
}

static void test_access_faults(void)
{
  trap_clear();
  uint64_t site = PROBE("lw t0, 0(%1)", HOLE_LOW);
  check_trap("load.fault.0", 5, site, HOLE_LOW);
  site = PROBE("ld t0, 0(%1)", HOLE_MID + 8);
  check_trap("load.fault.mid", 5, site, HOLE_MID + 8);
  site = PROBE("sw zero, 0(%1)", HOLE_LOW + 0x40);
  check_trap("store.fault.0", 7, site, HOLE_LOW + 0x40);
  site = PROBE("sb zero, 0(%1)", HOLE_MID);
  check_trap("store.fault.mid", 7, site, HOLE_MID);
  trap_clear();
  jump_to(HOLE_LOW);
  check_trap("fetch.fault.0", 1, HOLE_LOW, HOLE_LOW);
  trap_clear();
  jump_to(HOLE_MID + 0x100);
  check_trap("fetch.fault.mid", 1, HOLE_MID + 0x100, HOLE_MID + 0x100);
}

static void test_vectored(void)
{
  /* Exceptions use the base even in vectored mode (3.1.7). */
  write_csr(mtvec, (uintptr_t)isa_mtrap_vectors | 1);
  trap_clear();
  uint64_t site = do_ecall(0);
  check_trap("mtvec.vectored.ecall", 11, site, 0);
  CHECK("mtvec.vectored.ecall.entry", g_trap.vector, 0);
  /* An interrupt goes to base + 4 * cause: machine software interrupt, vector 3. */
  trap_clear();
  write_csr(mie, 1UL << IRQ_MSI);
  VP_MMIO32(VP_CLINT_MSIP) = 1;
  set_csr(mstatus, MSTATUS_MIE);
  wait_trap();
  clear_csr(mstatus, MSTATUS_MIE);
  VP_MMIO32(VP_CLINT_MSIP) = 0;
  CHECK("mtvec.vectored.msi.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_MSI);
  CHECK("mtvec.vectored.msi.entry", g_trap.vector, IRQ_MSI);
  write_csr(mie, 0);
  write_csr(mtvec, (uintptr_t)isa_mtrap_entry);
  trap_clear();
  do_ecall(0);
  CHECK("mtvec.direct.entry", g_trap.vector, (uint64_t)-1);
}

static uint64_t s_spin_until_trap(uint64_t unused)
{
  (void)unused;
  set_csr(sstatus, MSTATUS_SIE);
  wait_trap();
  clear_csr(sstatus, MSTATUS_SIE);
  return 0;
}

static void test_delegation(void)
{
  write_csr(medeleg, (1UL << 2) | (1UL << 3) | (1UL << 8) | (1UL << 5));
  trap_clear();
  uint64_t site = run_in_mode(PRIV_S, do_illegal, 0);
  check_illegal("deleg.illegal.s", site);
  CHECK("deleg.illegal.s.handler", g_trap.handler, PRIV_S);
  CHECK("deleg.illegal.s.spp", g_trap.from, PRIV_S);
  trap_clear();
  site = run_in_mode(PRIV_U, do_ecall, 0);
  check_trap("deleg.ecall.u", 8, site, 0);
  CHECK("deleg.ecall.u.handler", g_trap.handler, PRIV_S);
  CHECK("deleg.ecall.u.spp", g_trap.from, PRIV_U);
  trap_clear();
  site = run_in_mode(PRIV_U, do_ebreak, 0);
  CHECK("deleg.ebreak.u.handler", g_trap.handler, PRIV_S);
  CHECK("deleg.ebreak.u.cause", g_trap.cause, 3);
  trap_clear();
  site = PROBE("lw t0, 0(%1)", HOLE_LOW + 4);
  check_trap("deleg.load.fault.in_m", 5, site, HOLE_LOW + 4);
  CHECK("deleg.load.fault.in_m.handler", g_trap.handler, PRIV_M);
  trap_clear();
  site = do_illegal(0);
  CHECK("deleg.ignored_in_m.handler", g_trap.handler, PRIV_M);
  /* ECALL from S is not delegated: it goes to M. */
  trap_clear();
  site = run_in_mode(PRIV_S, do_ecall, 0);
  check_trap("deleg.ecall.s.not_delegated", 9, site, 0);
  CHECK("deleg.ecall.s.not_delegated.handler", g_trap.handler, PRIV_M);
  write_csr(medeleg, 0);

  /* A delegated supervisor software interrupt, taken in S through stvec vectored. */
  write_csr(mideleg, 1UL << IRQ_SSI);
  write_csr(stvec, (uintptr_t)isa_strap_vectors | 1);
  write_csr(sie, 1UL << IRQ_SSI);
  set_csr(mip, 1UL << IRQ_SSI);
  trap_clear();
  run_in_mode(PRIV_S, s_spin_until_trap, 0);
  CHECK("deleg.ssi.cause", g_trap.cause, CAUSE_INTERRUPT | IRQ_SSI);
  CHECK("deleg.ssi.handler", g_trap.handler, PRIV_S);
  CHECK("deleg.ssi.stvec_vectored.entry", g_trap.vector, IRQ_SSI);
  CHECK("deleg.ssi.sie_disabled_by_handler", g_trap.count, 1);
  clear_csr(mip, 1UL << IRQ_SSI);
  write_csr(stvec, (uintptr_t)isa_strap_entry);
  write_csr(mideleg, 0);
  write_csr(mie, 0);
}

/* Runs in S: SRET to a label in S with SPP=S, SPIE=1, SIE=0; returns sstatus after. */
static uint64_t s_sret_to_s(uint64_t unused)
{
  (void)unused;
  uint64_t status;
  clear_csr(sstatus, MSTATUS_SIE);
  set_csr(sstatus, MSTATUS_SPP | MSTATUS_SPIE);
  asm volatile("la t0, 1f\n csrw sepc, t0\n sret\n 1: csrr %0, sstatus"
               : "=r"(status) : : "t0", "memory");
  return status;
}

/* Runs in S: SRET to U with SPP=U; U raises an ecall (recorded) and then returns to M. */
static uint64_t s_sret_to_u(uint64_t unused)
{
  (void)unused;
  asm volatile("la t0, 1f\n csrw sepc, t0\n li t0, 0x100\n csrc sstatus, t0\n sret\n"
               "1: li a7, 0\n ecall\n li a7, %0\n ecall" : : "i"(MODE_MAGIC) : "t0", "a7",
               "memory");
  return 0;
}

static void test_xret(void)
{
  /* A trap from S into M: MPP = S, MPIE = the old MIE, MIE = 0 (3.1.6.1). */
  set_csr(mstatus, MSTATUS_MPIE);
  trap_clear();
  run_in_mode(PRIV_S, do_ecall, 0);
  CHECK("trap.s_to_m.mpp", (g_trap.status >> 11) & 3, PRIV_S);
  CHECK("trap.s_to_m.mie_mpie", g_trap.status & (MSTATUS_MIE | MSTATUS_MPIE), MSTATUS_MPIE);
  clear_csr(mstatus, MSTATUS_MPIE);
  trap_clear();
  run_in_mode(PRIV_S, do_ecall, 0);
  CHECK("trap.s_to_m.mpie_zero", g_trap.status & (MSTATUS_MIE | MSTATUS_MPIE), 0);

  /* MRET in M to M: MIE = MPIE, MPIE = 1, MPP = U (least privileged). */
  uint64_t status;
  clear_csr(mstatus, MSTATUS_MIE);
  set_csr(mstatus, MSTATUS_MPIE | MSTATUS_MPP);
  asm volatile("la t0, 1f\n csrw mepc, t0\n mret\n 1: csrr %0, mstatus"
               : "=r"(status) : : "t0", "memory");
  CHECK("mret.mie", status & MSTATUS_MIE, MSTATUS_MIE);
  CHECK("mret.mpie", status & MSTATUS_MPIE, MSTATUS_MPIE);
  CHECK("mret.mpp_u", (status >> 11) & 3, PRIV_U);
  clear_csr(mstatus, MSTATUS_MIE);

  /* SRET in S: SIE = SPIE, SPIE = 1, SPP = U. */
  status = run_in_mode(PRIV_S, s_sret_to_s, 0);
  CHECK("sret.sie", status & MSTATUS_SIE, MSTATUS_SIE);
  CHECK("sret.spie", status & MSTATUS_SPIE, MSTATUS_SPIE);
  CHECK("sret.spp_u", status & MSTATUS_SPP, 0);

  trap_clear();
  run_in_mode(PRIV_S, s_sret_to_u, 0);
  CHECK("sret.to_u.ecall_cause", g_trap.cause, 8);
  CHECK("sret.to_u.from", g_trap.from, PRIV_U);

  /* A delegated trap from U into S: SPP = U, SPIE = old SIE, SIE = 0; scause/sepc/stval
   * written and mcause/mepc untouched. */
  write_csr(medeleg, 1UL << 2);
  write_csr(mcause, 0x77);
  write_csr(mepc, 0x80000010UL);
  trap_clear();
  uint64_t site = run_in_mode(PRIV_U, do_illegal, 0);
  CHECK("deleg.u_to_s.spp", g_trap.status & MSTATUS_SPP, 0);
  CHECK("deleg.u_to_s.sie", g_trap.status & MSTATUS_SIE, 0);
  CHECK("deleg.u_to_s.scause", read_csr(scause), 2);
  CHECK("deleg.u_to_s.stval", read_csr(stval), insn_at(site));
  write_csr(medeleg, 0);
}

int main(void)
{
  trap_install();
  test_ecall_ebreak();
  test_illegal();
  test_misaligned();
  test_access_faults();
  test_vectored();
  test_delegation();
  test_xret();
  return t_done("traps");
}
