/* Zicsr and the CSRs of the M and S modes: the six CSR instructions, read-only and
 * unimplemented CSRs raising illegal instruction with mtval = the instruction bits,
 * csrrs/csrrc with x0 not writing, privilege checks on CSR numbers, the identification
 * CSRs, PMP CSRs, menvcfg, counter enables, scratch registers, satp's WARL mode,
 * delegation registers and the S views of mstatus, mie and mip (privileged spec 3.1, 4.1). */
#include "test.h"
#include "trap.h"

#define CSR_INSN(insn)                                                                    \
  ({                                                                                      \
    uint64_t r_;                                                                          \
    asm volatile(NORVC(insn) : "=&r"(r_) : "r"(src) : "memory");                          \
    r_;                                                                                   \
  })

static void test_forms(void)
{
  uint64_t src = 0xf0f0f0f0f0f0f0f0UL, old;
  write_csr(mscratch, 0x0123456789abcdefUL);
  old = CSR_INSN("csrrw %0, mscratch, %1");
  CHECK("csrrw.old", old, 0x0123456789abcdefUL);
  CHECK("csrrw.new", read_csr(mscratch), src);
  src = 0x0f;
  old = CSR_INSN("csrrs %0, mscratch, %1");
  CHECK("csrrs.old", old, 0xf0f0f0f0f0f0f0f0UL);
  CHECK("csrrs.new", read_csr(mscratch), 0xf0f0f0f0f0f0f0ffUL);
  src = 0xf000000000000003UL;
  old = CSR_INSN("csrrc %0, mscratch, %1");
  CHECK("csrrc.old", old, 0xf0f0f0f0f0f0f0ffUL);
  CHECK("csrrc.new", read_csr(mscratch), 0x00f0f0f0f0f0f0fcUL);
  old = CSR_INSN("csrrwi %0, mscratch, 0x15");
  CHECK("csrrwi.old", old, 0x00f0f0f0f0f0f0fcUL);
  CHECK("csrrwi.new", read_csr(mscratch), 0x15);
  old = CSR_INSN("csrrsi %0, mscratch, 0x0a");
  CHECK("csrrsi.old", old, 0x15);
  CHECK("csrrsi.new", read_csr(mscratch), 0x1f);
  old = CSR_INSN("csrrci %0, mscratch, 0x11");
  CHECK("csrrci.old", old, 0x1f);
  CHECK("csrrci.new", read_csr(mscratch), 0x0e);
  old = CSR_INSN("csrrs %0, mscratch, x0");
  CHECK("csrrs.x0.read", old, 0x0e);
  old = CSR_INSN("csrrw x0, mscratch, %1\n csrr %0, mscratch");
  CHECK("csrrw.rd_x0.writes", old, 0xf000000000000003UL);
}

static void test_read_only(void)
{
  uint64_t site;
  /* csrrs/csrrc with rs1 = x0 and csrrsi/csrrci with uimm = 0 do not write (2.8): no trap
   * even on a read-only CSR. */
  PROBE("csrrs t0, mhartid, x0", 0);
  check_no_trap("csrrs.x0.readonly");
  PROBE("csrrc t0, mvendorid, x0", 0);
  check_no_trap("csrrc.x0.readonly");
  PROBE("csrrsi t0, marchid, 0", 0);
  check_no_trap("csrrsi.0.readonly");
  PROBE("csrrci t0, mimpid, 0", 0);
  check_no_trap("csrrci.0.readonly");
  PROBE("csrr t0, cycle", 0);
  check_no_trap("csrr.cycle");

  site = PROBE("csrw mhartid, %1", 1);
  check_illegal("csrw.mhartid", site);
  site = PROBE("csrrw t0, mvendorid, %1", 0);
  check_illegal("csrrw.mvendorid", site);
  site = PROBE("csrrs t0, mimpid, %1", 1);
  check_illegal("csrrs.mimpid", site);
  site = PROBE("csrrwi x0, marchid, 3", 0);
  check_illegal("csrrwi.marchid", site);
  site = PROBE("csrw cycle, %1", 5);
  check_illegal("csrw.cycle", site);
  site = PROBE("csrrci t0, instret, 1", 0);
  check_illegal("csrrci.instret", site);
  site = PROBE("csrw time, %1", 5);
  check_illegal("csrw.time", site);
}

static void test_unimplemented(void)
{
  uint64_t site;
  site = PROBE("csrr t0, 0x7c0", 0);
  check_illegal("unimplemented.0x7c0", site);
  site = PROBE("csrw 0x5c0, %1", 0);
  check_illegal("unimplemented.0x5c0", site);
  site = PROBE("csrrs t0, 0xfc0, x0", 0);
  check_illegal("unimplemented.0xfc0", site);
  site = PROBE("csrr t0, 0x8c0", 0);
  check_illegal("unimplemented.0x8c0", site);
}

static void test_identification(void)
{
  uint64_t misa = read_csr(misa);
  CHECK("misa.mxl", misa >> 62, 2);
  uint64_t letters = 0;
  for (const char *l = "IMACSU"; *l; ++l)
    letters |= 1UL << (*l - 'A');
  CHECK("misa.imacsu", misa & letters, letters);
  CHECK("mhartid", read_csr(mhartid), 0);
  trap_clear();
  (void)read_csr(mvendorid);
  (void)read_csr(marchid);
  (void)read_csr(mimpid);
  check_no_trap("id.readable");
}

static void test_pmp(void)
{
  write_csr(pmpaddr1, 0x20000000UL);
  CHECK("pmpaddr1", read_csr(pmpaddr1), 0x20000000UL);
  write_csr(pmpaddr2, 0x2000ffffUL);
  CHECK("pmpaddr2", read_csr(pmpaddr2), 0x2000ffffUL);
  write_csr(pmpaddr15, 0x123456UL);
  CHECK("pmpaddr15", read_csr(pmpaddr15), 0x123456UL);
  /* Entry 0 stays NAPOT RWX over everything; entry 1 TOR RWX, entry 2 NAPOT R. */
  write_csr(pmpcfg0, 0x190f1fUL);
  CHECK("pmpcfg0", read_csr(pmpcfg0), 0x190f1fUL);
  write_csr(pmpcfg2, 0x0fUL << 56);
  CHECK("pmpcfg2", read_csr(pmpcfg2), 0x0fUL << 56);
  write_csr(pmpcfg2, 0);
  write_csr(pmpcfg0, 0x1fUL);
  CHECK("pmpcfg0.restored", read_csr(pmpcfg0), 0x1f);
  uint64_t site = PROBE("csrr t0, pmpcfg1", 0);
  check_illegal("pmpcfg1.rv64", site);
}

static void test_misc_csrs(void)
{
  const uint64_t stce_fiom = (1UL << 63) | 1UL;
  write_csr(menvcfg, stce_fiom);
  CHECK("menvcfg.stce_fiom", read_csr(menvcfg) & stce_fiom, stce_fiom);
  write_csr(menvcfg, 0);
  CHECK("menvcfg.clear", read_csr(menvcfg) & stce_fiom, 0);

  write_csr(mcounteren, 7);
  CHECK("mcounteren", read_csr(mcounteren) & 7, 7);
  write_csr(mcounteren, 5);
  CHECK("mcounteren.partial", read_csr(mcounteren) & 7, 5);
  write_csr(scounteren, 2);
  CHECK("scounteren", read_csr(scounteren) & 7, 2);
  write_csr(mcounteren, 0);
  write_csr(scounteren, 0);

  write_csr(sscratch, 0xfedcba9876543210UL);
  CHECK("sscratch", read_csr(sscratch), 0xfedcba9876543210UL);
  write_csr(mscratch, 0x8000000000000001UL);
  CHECK("mscratch", read_csr(mscratch), 0x8000000000000001UL);

  write_csr(mepc, 0x80001236UL);
  CHECK("mepc", read_csr(mepc), 0x80001236UL);
  write_csr(sepc, 0x80004562UL);
  CHECK("sepc", read_csr(sepc), 0x80004562UL);
  write_csr(mcause, 0x8000000000000007UL);
  CHECK("mcause", read_csr(mcause), 0x8000000000000007UL);
  write_csr(scause, 0xdUL);
  CHECK("scause", read_csr(scause), 0xd);
  write_csr(mtval, 0x1234UL);
  CHECK("mtval", read_csr(mtval), 0x1234);
  write_csr(stval, 0x5678UL);
  CHECK("stval", read_csr(stval), 0x5678);

  /* satp: MODE 5 is reserved, so the whole write is ignored (4.1.11). */
  write_csr(satp, 0);
  write_csr(satp, (5UL << 60) | 0x1234);
  CHECK("satp.reserved_mode_ignored", read_csr(satp), 0);

  write_csr(mtvec, 0x80000101UL);
  CHECK("mtvec.vectored", read_csr(mtvec), 0x80000101UL);
  write_csr(stvec, 0x80000201UL);
  CHECK("stvec.vectored", read_csr(stvec), 0x80000201UL);
  trap_install();
}

static void test_delegation_views(void)
{
  write_csr(mideleg, 0x222);
  /* Masked: with the hypervisor extension (QEMU's default CPU) the VS bits read as one. */
  CHECK("mideleg", read_csr(mideleg) & 0xaaa, 0x222);
  write_csr(medeleg, 0xb1ffUL);
  CHECK("medeleg", read_csr(medeleg), 0xb1ffUL);
  write_csr(medeleg, 0);

  write_csr(mie, 0xaaa);
  CHECK("mie", read_csr(mie), 0xaaa);
  CHECK("sie.view", read_csr(sie), 0x222);
  write_csr(sie, 0);
  CHECK("sie.clear.mie", read_csr(mie), 0x888);
  write_csr(sie, 0x020);
  CHECK("sie.set_stie.mie", read_csr(mie), 0x8a8);
  write_csr(mie, 0);

  set_csr(sip, 1UL << IRQ_SSI);
  CHECK("sip.ssip.mip", read_csr(mip) & (1UL << IRQ_SSI), 1UL << IRQ_SSI);
  CHECK("sip.ssip.sip", read_csr(sip) & (1UL << IRQ_SSI), 1UL << IRQ_SSI);
  clear_csr(mip, 1UL << IRQ_SSI);
  CHECK("mip.ssip.clear.sip", read_csr(sip) & (1UL << IRQ_SSI), 0);
  write_csr(mideleg, 0);
  CHECK("sie.undelegated_zero", read_csr(sie), 0);

  /* sstatus shows SIE, SPIE, SPP, SUM, MXR of mstatus and never the M fields (4.1.1). */
  const uint64_t view = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_SUM | MSTATUS_MXR;
  clear_csr(mstatus, view | MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP);
  set_csr(sstatus, MSTATUS_SIE | MSTATUS_SUM);
  CHECK("sstatus.write.mstatus", read_csr(mstatus) & view, MSTATUS_SIE | MSTATUS_SUM);
  set_csr(mstatus, MSTATUS_MXR | MSTATUS_SPP | MSTATUS_MPIE | (1UL << 11));
  CHECK("mstatus.write.sstatus", read_csr(sstatus) & view,
        MSTATUS_SIE | MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPP);
  CHECK("sstatus.hides_m_fields",
        read_csr(sstatus) & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_MPRV), 0);
  set_csr(sstatus, MSTATUS_MPP | MSTATUS_MIE);
  CHECK("sstatus.cannot_write_mpp", read_csr(mstatus) & (MSTATUS_MPP | MSTATUS_MIE), 1UL << 11);
  write_csr(sstatus, 0);
  CHECK("sstatus.write_zero", read_csr(mstatus) & view, 0);
  CHECK("sstatus.write_zero.keeps_m", read_csr(mstatus) & (MSTATUS_MPP | MSTATUS_MPIE),
        (1UL << 11) | MSTATUS_MPIE);
  clear_csr(mstatus, MSTATUS_MPP | MSTATUS_MPIE);
}

static uint64_t read_mstatus(uint64_t unused)
{
  (void)unused;
  return read_csr(mstatus);
}

static uint64_t read_sstatus(uint64_t unused)
{
  (void)unused;
  return read_csr(sstatus);
}

static uint64_t read_satp(uint64_t unused)
{
  (void)unused;
  return read_csr(satp);
}

static void test_privilege(void)
{
  /* A CSR's number encodes its lowest privilege (2.1); a lower mode gets illegal. */
  trap_clear();
  run_in_mode(PRIV_S, read_mstatus, 0);
  CHECK("s.mstatus.cause", g_trap.cause, 2);
  CHECK("s.mstatus.from", g_trap.from, PRIV_S);
  trap_clear();
  run_in_mode(PRIV_S, read_sstatus, 0);
  check_no_trap("s.sstatus");
  trap_clear();
  run_in_mode(PRIV_U, read_sstatus, 0);
  CHECK("u.sstatus.cause", g_trap.cause, 2);
  CHECK("u.sstatus.from", g_trap.from, PRIV_U);
  trap_clear();
  run_in_mode(PRIV_S, read_satp, 0);
  check_no_trap("s.satp");
  set_csr(mstatus, 1UL << 20);
  trap_clear();
  run_in_mode(PRIV_S, read_satp, 0);
  CHECK("s.satp.tvm.cause", g_trap.cause, 2);
  clear_csr(mstatus, 1UL << 20);
}

int main(void)
{
  trap_install();
  test_forms();
  test_read_only();
  test_unimplemented();
  test_identification();
  test_pmp();
  test_misc_csrs();
  test_delegation_views();
  test_privilege();
  return t_done("zicsr");
}
