// cpu::Hart on the virt platform with hand-assembled programs: behaviour that the ISA
// firmware tests cannot observe from inside (exact interrupt timing under temporal
// decoupling, code modified without FENCE.I, decode-cache statistics).
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/common/stats.h"
#include "platforms/virt/platform.h"
#include "tests/unit/hart_program.h"

using namespace vmplat;
using namespace vmplat::test;

namespace {

void poke(virt::Platform& platform, uint16_t csr, uint64_t value)
{
  REQUIRE(platform.hart.poke_csr(csr, value));
}

uint64_t peek(virt::Platform& platform, uint16_t csr)
{
  uint64_t v = 0;
  REQUIRE(platform.hart.peek_csr(csr, v));
  return v;
}

uint64_t* dram64(virt::Platform& platform, uint64_t pa)
{
  return reinterpret_cast<uint64_t*>(platform.dram.host_ptr() + (pa - virt::kDramBase));
}

// Every PMP permission to S and U (with no entry they could touch nothing).
void open_pmp(virt::Platform& platform)
{
  poke(platform, kPmpaddr0, ~0ull >> 10);
  poke(platform, kPmpcfg0, 0x1f);  // NAPOT, RWX
}

// Sv39 tables in DRAM: VA 0x4000_0000 -> PA kDataPage (S page, RWAD), VA 0x4000_1000 ->
// kRoPage (S page, read-only, A); the program at 0x8000_0000 is not mapped at all.
constexpr uint64_t kRoot = 0x80010000, kL1 = 0x80011000, kL0 = 0x80012000;
constexpr uint64_t kDataPage = 0x80020000, kRoPage = 0x80021000, kVa = 0x40000000;
void map_pages(virt::Platform& platform)
{
  const auto ptr = [](uint64_t pa, uint64_t flags) { return (pa >> 12) << 10 | flags; };
  dram64(platform, kRoot)[1] = ptr(kL1, 0x1);
  dram64(platform, kL1)[0] = ptr(kL0, 0x1);
  dram64(platform, kL0)[0] = ptr(kDataPage, 0xc7);  // D A W R V
  dram64(platform, kL0)[1] = ptr(kRoPage, 0x43);    // A R V
  dram64(platform, kDataPage)[0] = 0x5a;
  poke(platform, kSatp, (8ull << 60) | (kRoot >> 12));
}

// A trap handler at 0x8000_0800 that exits with mcause as the code (mtval stays readable).
constexpr uint64_t kHandler = 0x80000800;
std::vector<uint32_t> with_cause_handler(std::vector<uint32_t> p)
{
  p.resize((kHandler - virt::kDramBase) / 4, 0x13);
  p.push_back(csrrs(a0, kMcause, zero));
  exit_with_a0(p);
  return p;
}

}  // namespace

TEST_CASE("Hart: a store over already-decoded code takes effect without FENCE.I")
{
  std::vector<uint32_t> p = {
      addi(s0, zero, 0),            // 0x00
      addi(a0, zero, 1),            // 0x04: rewritten to addi a0, zero, 42
      bne(s0, zero, 0x24 - 0x08),   // 0x08: second time round: done
      addi(s0, zero, 1),            // 0x0c
      auipc(t0, 0),                 // 0x10: t0 = 0x8000_0010
      lui(t1, 0x02a00),             // 0x14
      addi(t1, t1, 0x513),          // 0x18: t1 = addi a0, zero, 42
      sw(t1, t0, -12),              // 0x1c: store over 0x04
      jal(zero, 0x04 - 0x20),       // 0x20
  };
  exit_with_a0(p);                  // 0x24
  CHECK(run_program(p) == 42);
  CHECK(common::stats().value("cpu.decode_cache.invalidations") >= 1);
}

TEST_CASE("Hart: the timer interrupt is taken at mtimecmp, not at the end of the quantum")
{
  // A 10 us quantum, mtimecmp at 2.5 us (mtime tick 25): the handler reads `time`.
  common::config().set("cpu.quantum_ns", "10000", "test");
  std::vector<uint32_t> p = {
      auipc(t0, 0),                 // 0x00
      addi(t0, t0, 0x40),           // 0x04: handler at 0x40
      csrrw(zero, kMtvec, t0),      // 0x08
      lui(t0, 0x2004),              // 0x0c: t0 = mtimecmp
      addi(t1, zero, 25),           // 0x10
      sd(t1, t0, 0),                // 0x14
      addi(t1, zero, 0x80),         // 0x18: MTIE
      csrrw(zero, kMie, t1),        // 0x1c
      addi(t1, zero, 8),            // 0x20: MIE
      csrrs(zero, kMstatus, t1),    // 0x24
      jal(zero, 0),                 // 0x28: spin
      0x13, 0x13, 0x13, 0x13, 0x13, // 0x2c..0x3c: nops
      csrrs(a0, kTime, zero),       // 0x40: handler: a0 = time
  };
  exit_with_a0(p);
  CHECK(run_program(p) == 25);
  CHECK(common::stats().value("cpu.interrupts.mti") == 1);
}

TEST_CASE("Hart: WFI with interrupts globally off wakes at the timer deadline and falls through")
{
  std::vector<uint32_t> p = {
      lui(t0, 0x2004),              // mtimecmp
      addi(t1, zero, 50),
      sd(t1, t0, 0),
      addi(t1, zero, 0x80),
      csrrw(zero, kMie, t1),        // MTIE, but mstatus.MIE stays 0: no trap
      kWfi,
      csrrs(a0, kTime, zero),
  };
  exit_with_a0(p);
  CHECK(run_program(p) == 50);
  CHECK(common::stats().value("cpu.interrupts.mti") == 0);
  CHECK(common::stats().value("cpu.wfi_cycles") > 4000);  // ~5 us at 1 GHz
}

TEST_CASE("Hart: CSRRS on mip sets STIP without latching the PLIC's SEIP line")
{
  // Privileged 3.1.9: SEIP reads as the OR of the software bit and the external line, but
  // CSRRS/CSRRC modify the software bit alone. The program sets STIP (as an SBI firmware
  // passing a timer tick on does) while the PLIC line is high; once the line drops, SEIP
  // must read 0 again.
  common::config().set("uart.input", "none", "test");
  common::config().set("cpu.sstc", "false", "test");  // STIP is software-writable without Sstc
  virt::Platform platform;
  std::vector<uint32_t> p = {
      addi(t0, zero, 0x20),         // t0 = STIP
      csrrs(zero, 0x344, t0),       // mip |= STIP
      addi(a0, zero, 7),
  };
  exit_with_a0(p);
  std::memcpy(platform.dram.host_ptr(), p.data(), p.size() * 4);
  platform.hart.reset(virt::kDramBase);
  platform.hart.set_irq_line(cpu::irq::kSEI, true);
  sc_core::sc_start();
  REQUIRE(common::sim().exit_code() == 7);
  platform.hart.set_irq_line(cpu::irq::kSEI, false);
  uint64_t mip = 0;
  REQUIRE(platform.hart.peek_csr(0x344, mip));
  CHECK((mip >> cpu::irq::kSTI & 1) == 1);
  CHECK((mip >> cpu::irq::kSEI & 1) == 0);
}

// Privileged 3.1.6.3: with mstatus.MPRV = 1, M-mode loads and stores are translated and
// protected as if the privilege were MPP; instruction fetches are not affected.
TEST_CASE("Hart: with MPRV = 1 and MPP = S, M-mode loads and stores translate but fetches do not")
{
  std::vector<uint32_t> p = {
      lui(t0, 0x40000),             // t0 = kVa: mapped to kDataPage for S only
      ld(a0, t0, 0),                // a0 = 0x5a from kDataPage
      addi(t1, zero, 77),
      sd(t1, t0, 8),                // kDataPage + 8 = 77
      lui(t1, 0x20),                // MPRV
      csrrc(zero, kMstatus, t1),    // the finisher is not mapped: stop translating first
  };
  exit_with_a0(p);
  uint64_t stored = 0;
  const int code = run_program(with_cause_handler(p), [&](virt::Platform& platform) {
    open_pmp(platform);
    map_pages(platform);  // the program itself is not mapped: a translated fetch faults
    poke(platform, kMtvec, kHandler);
    poke(platform, kMstatus, cpu::mstatus::kMPRV | (1ull << cpu::mstatus::kMPPShift));
  }, [&](virt::Platform& platform) { stored = dram64(platform, kDataPage)[1]; });
  CHECK(code == 0x5a);
  CHECK(stored == 77);
  CHECK(common::stats().value("cpu.exceptions.load_access_fault") == 0);
  CHECK(common::stats().value("cpu.exceptions.instr_page_fault") == 0);
}

TEST_CASE("Hart: with MPRV = 1 and MPP = U, an M-mode load of a supervisor page faults")
{
  std::vector<uint32_t> p = {
      lui(t0, 0x40000),
      ld(a0, t0, 0),  // U may not read a page without U: load page fault, to M
      addi(a0, zero, 1),
  };
  exit_with_a0(p);
  uint64_t mtval = 0;
  const int code = run_program(with_cause_handler(p), [&](virt::Platform& platform) {
    open_pmp(platform);
    map_pages(platform);
    poke(platform, kMtvec, kHandler);
    poke(platform, kMstatus, cpu::mstatus::kMPRV);  // MPP = U
  }, [&](virt::Platform& platform) { mtval = peek(platform, kMtval); });
  CHECK(code == cpu::exc::kLoadPageFault);
  CHECK(mtval == kVa);
}

// Privileged 3.1.6.1 / 3.3.2: an xRET that leaves M for a less privileged mode clears MPRV;
// MRET back to M keeps it. The program reads MPRV after an MRET to M (kept: 1), then MRETs
// to S, whose ECALL lands in a handler that reads MPRV again (cleared: 0); the exit code is
// 2 * first + second.
TEST_CASE("Hart: MRET to M keeps MPRV, MRET to S clears it")
{
  std::vector<uint32_t> p = {
      kMret,                        // 0x00: MPP = M: back to M at mepc = 0x08
      jal(zero, 0),                 // 0x04
      csrrs(s0, kMstatus, zero),    // 0x08
      srli(s0, s0, 17),
      andi(s0, s0, 1),              // s0 = MPRV after MRET to M
      auipc(t0, 0),                 // 0x14
      addi(t0, t0, 0x1c),           // t0 = 0x30
      csrrw(zero, kMepc, t0),
      lui(t1, 1),
      addi(t1, t1, -0x800),         // t1 = MPP = S (MRET to M left MPP = U)
      csrrs(zero, kMstatus, t1),
      kMret,                        // 0x2c: to S at 0x30
      kEcall,                       // 0x30: S mode: to the handler
  };
  p.resize((kHandler - virt::kDramBase) / 4, 0x13);
  p.push_back(csrrs(a0, kMstatus, zero));
  p.push_back(srli(a0, a0, 17));
  p.push_back(andi(a0, a0, 1));
  p.push_back(slli(s0, s0, 1));
  p.push_back(or_(a0, a0, s0));
  exit_with_a0(p);
  const int code = run_program(p, [&](virt::Platform& platform) {
    open_pmp(platform);
    poke(platform, kMtvec, kHandler);
    poke(platform, kMepc, virt::kDramBase + 8);
    poke(platform, kMstatus, cpu::mstatus::kMPRV | cpu::mstatus::kMPP);
  });
  CHECK(code == 2);
  CHECK(common::stats().value("cpu.exceptions.ecall_s") == 1);
}

TEST_CASE("Hart: SRET from M to S clears MPRV")
{
  std::vector<uint32_t> p = {
      kSret,                        // 0x00: SPP = S: to S at sepc = 0x08
      jal(zero, 0),                 // 0x04
      kEcall,                       // 0x08
  };
  p.resize((kHandler - virt::kDramBase) / 4, 0x13);
  p.push_back(csrrs(a0, kMstatus, zero));
  p.push_back(srli(a0, a0, 17));
  p.push_back(andi(a0, a0, 1));
  p.push_back(addi(a0, a0, 10));  // 10 + MPRV: not 0, so a run that never got here fails
  exit_with_a0(p);
  const int code = run_program(p, [&](virt::Platform& platform) {
    open_pmp(platform);
    poke(platform, kMtvec, kHandler);
    poke(platform, kSepc, virt::kDramBase + 8);
    poke(platform, kMstatus, cpu::mstatus::kMPRV | cpu::mstatus::kMPP | cpu::mstatus::kSPP);
  });
  CHECK(code == 10);
  CHECK(common::stats().value("cpu.exceptions.ecall_s") == 1);
}

namespace {

// A handler at kHandler that logs (mcause, mtval) pairs at s1 and resumes after the
// faulting (4-byte) instruction, for programs that provoke several faults in a row.
std::vector<uint32_t> with_logging_handler(std::vector<uint32_t> p)
{
  p.resize((kHandler - virt::kDramBase) / 4, 0x13);
  for (uint32_t insn : {csrrs(t3, kMcause, zero), sd(t3, s1, 0), csrrs(t3, kMtval, zero),
                        sd(t3, s1, 8), addi(s1, s1, 16), csrrs(t3, kMepc, zero),
                        addi(t3, t3, 4), csrrw(zero, kMepc, t3), kMret})
    p.push_back(insn);
  return p;
}

constexpr uint64_t kLog = 0x80030000;
using Fault = std::pair<uint64_t, uint64_t>;  // mcause, mtval

// Runs a fault-logging program (t0, t1 preset by `setup`) that ends with a0 = 7 (the
// finisher's code 0 would be a pass with no code) and returns the logged faults.
template <typename Setup>
std::vector<Fault> logged_faults(std::vector<uint32_t> p, Setup setup)
{
  exit_with_a0(p);
  std::vector<Fault> faults;
  const int code = run_program(with_logging_handler(p), [&](virt::Platform& platform) {
    platform.hart.set_reg(s1, kLog);
    poke(platform, kMtvec, kHandler);
    setup(platform);
  }, [&](virt::Platform& platform) {
    const uint64_t* log = dram64(platform, kLog);
    for (uint64_t i = 0; i < (platform.hart.reg(s1) - kLog) / 16; ++i)
      faults.emplace_back(log[2 * i], log[2 * i + 1]);
  });
  REQUIRE(code == 7);
  return faults;
}

constexpr unsigned kAmoAdd = 0, kAmoSwap = 1, kLr = 2, kSc = 3;
constexpr unsigned kW = 2, kD = 3;

}  // namespace

// Privileged 3.7 and the A extension (8.2, 8.4): AMOs and SC fault as stores (7 access,
// 6 misaligned), LR as a load (5, 4); tval is the address. QEMU 7.2 reports an AMO to a
// hole as a load access fault (5) and a misaligned AMO as load misaligned (4), and a
// misaligned SC without a reservation does not trap there: this checks the specification.
TEST_CASE("Hart: AMO and LR/SC to a hole or misaligned raise the store/AMO or load cause")
{
  const std::vector<Fault> faults = logged_faults(
      {
          amo(kAmoAdd, kW, a0, t0, a1),   // hole: store/AMO access fault
          amo(kAmoSwap, kD, a0, t0, a1),  // hole: store/AMO access fault
          amo(kLr, kW, a0, t0, zero),     // hole: load access fault
          amo(kAmoAdd, kW, a0, t1, a1),   // misaligned: store/AMO address misaligned
          amo(kLr, kD, a0, t1, zero),     // misaligned: load address misaligned
          amo(kSc, kW, a0, t1, a1),       // misaligned: store/AMO address misaligned
          addi(a0, zero, 7),
      },
      [](virt::Platform& platform) {
        platform.hart.set_reg(t0, 0x0);  // nothing answers at 0 in the virt map
        platform.hart.set_reg(t1, kDataPage + 2);
      });
  const std::vector<Fault> expected = {
      {cpu::exc::kStoreAccessFault, 0x0},          {cpu::exc::kStoreAccessFault, 0x0},
      {cpu::exc::kLoadAccessFault, 0x0},           {cpu::exc::kStoreMisaligned, kDataPage + 2},
      {cpu::exc::kLoadMisaligned, kDataPage + 2},  {cpu::exc::kStoreMisaligned, kDataPage + 2},
  };
  CHECK(faults == expected);
}

// PMP without W over a page (locked, so it binds M mode): LR reads it and takes the
// reservation, the SC that follows is a store/AMO access fault, so is an AMO.
TEST_CASE("Hart: SC and AMO to a page PMP makes read-only are store/AMO access faults")
{
  const std::vector<Fault> faults = logged_faults(
      {
          amo(kLr, kW, a2, t0, zero),    // allowed: a2 = 0x5a
          amo(kSc, kW, a0, t0, a1),      // store access fault
          amo(kAmoAdd, kD, a0, t0, a1),  // store access fault
          addi(a0, a2, 7 - 0x5a),        // a0 = 7 when the LR read the page
      },
      [](virt::Platform& platform) {
        platform.hart.set_reg(t0, kDataPage);
        platform.hart.set_reg(a1, 1);
        dram64(platform, kDataPage)[0] = 0x5a;
        poke(platform, kPmpaddr0, (kDataPage >> 2) | 0x1ff);  // NAPOT, 4 KiB
        poke(platform, kPmpcfg0, 0x80 | 0x18 | 0x1);           // L, NAPOT, R
      });
  const std::vector<Fault> expected = {{cpu::exc::kStoreAccessFault, kDataPage},
                                       {cpu::exc::kStoreAccessFault, kDataPage}};
  CHECK(faults == expected);
}

// Under translation (M mode with MPRV = 1, MPP = S): an AMO or SC to a read-only page and an
// AMO to an unmapped address are store/AMO page faults (15); LR to an unmapped address is a
// load page fault (13). Each trap's MRET leaves MPP = U, so s2 sets MPP = S again.
TEST_CASE("Hart: AMO and SC page faults are store/AMO page faults, LR's a load page fault")
{
  const uint64_t ro = kVa + 0x1000, unmapped = kVa + 0x2000;
  const std::vector<Fault> faults = logged_faults(
      {
          csrrs(zero, kMstatus, s2), amo(kAmoAdd, kW, a0, t0, a1),  // read-only
          csrrs(zero, kMstatus, s2), amo(kAmoAdd, kD, a0, t1, a1),  // unmapped
          csrrs(zero, kMstatus, s2), amo(kLr, kW, a0, t1, zero),    // unmapped
          csrrs(zero, kMstatus, s2), amo(kLr, kW, a0, t0, zero),    // read-only: reads
          amo(kSc, kW, a0, t0, a1),                                 // read-only
          lui(t1, 0x20), csrrc(zero, kMstatus, t1),                 // MPRV off
          addi(a0, zero, 7),
      },
      [&](virt::Platform& platform) {
        open_pmp(platform);
        map_pages(platform);
        platform.hart.set_reg(t0, ro);
        platform.hart.set_reg(t1, unmapped);
        platform.hart.set_reg(s2, 1ull << cpu::mstatus::kMPPShift);
        poke(platform, kMstatus, cpu::mstatus::kMPRV | (1ull << cpu::mstatus::kMPPShift));
      });
  const std::vector<Fault> expected = {{cpu::exc::kStorePageFault, ro},
                                       {cpu::exc::kStorePageFault, unmapped},
                                       {cpu::exc::kLoadPageFault, unmapped},
                                       {cpu::exc::kStorePageFault, ro}};
  CHECK(faults == expected);
}

namespace {

// Interrupt handlers that log xcause at s1 and disable that one source in xie, so each of
// the six pending sources is taken exactly once, in the order the hart chooses.
constexpr uint64_t kSHandler = kHandler + 0x100;
std::vector<uint32_t> with_interrupt_logging(std::vector<uint32_t> p)
{
  const auto handler = [&](uint64_t at, uint16_t cause, uint16_t ie, uint32_t ret) {
    p.resize((at - virt::kDramBase) / 4, 0x13);
    for (uint32_t insn : {csrrs(t3, cause, zero), sd(t3, s1, 0), addi(s1, s1, 8),
                          andi(t3, t3, 63), addi(t4, zero, 1), sll(t4, t4, t3),
                          csrrc(zero, ie, t4), ret})
      p.push_back(insn);
  };
  handler(kHandler, kMcause, kMie, kMret);
  handler(kSHandler, kScause, kSie, kSret);
  return p;
}

// All six standard interrupts pending and enabled at once (lines, mtimecmp and mip's
// software bits), s1 the log, s2 its end once six causes are in.
void raise_all_six(virt::Platform& platform)
{
  platform.hart.set_irq_line(cpu::irq::kMEI, true);
  platform.hart.set_irq_line(cpu::irq::kSEI, true);
  platform.hart.set_irq_line(cpu::irq::kMSI, true);
  platform.hart.set_mtimecmp(0);
  poke(platform, kMip, (1ull << cpu::irq::kSSI) | (1ull << cpu::irq::kSTI));  // STCE = 0
  poke(platform, kMie, 0xaaa);
  poke(platform, kMtvec, kHandler);
  poke(platform, kStvec, kSHandler);
  platform.hart.set_reg(s1, kLog);
  platform.hart.set_reg(s2, kLog + 6 * 8);
}

std::vector<uint64_t> logged_causes(virt::Platform& platform)
{
  const uint64_t* log = dram64(platform, kLog);
  return std::vector<uint64_t>(log, log + (platform.hart.reg(s1) - kLog) / 8);
}

constexpr uint64_t kInt = 1ull << 63;

}  // namespace

// Privileged 3.1.9: MEI > MSI > MTI > SEI > SSI > STI when all go to M.
TEST_CASE("Hart: six pending interrupts are taken in priority order MEI MSI MTI SEI SSI STI")
{
  std::vector<uint32_t> p = {
      bne(s1, s2, 0),  // spin in M, MIE = 1, until six causes are logged
      addi(a0, zero, 7),
  };
  exit_with_a0(p);
  std::vector<uint64_t> causes;
  const int code = run_program(with_interrupt_logging(p), [](virt::Platform& platform) {
    raise_all_six(platform);
    poke(platform, kMstatus, cpu::mstatus::kMIE);
  }, [&](virt::Platform& platform) { causes = logged_causes(platform); });
  REQUIRE(code == 7);
  const std::vector<uint64_t> expected = {kInt | cpu::irq::kMEI, kInt | cpu::irq::kMSI,
                                          kInt | cpu::irq::kMTI, kInt | cpu::irq::kSEI,
                                          kInt | cpu::irq::kSSI, kInt | cpu::irq::kSTI};
  CHECK(causes == expected);
}

// With the S interrupts delegated and the hart in U (where both levels are enabled): the
// M-level ones go to M first, whatever their numbers, then the delegated ones to S in
// SEI > SSI > STI order (privileged 3.1.9: interrupts for higher-privilege modes first).
TEST_CASE("Hart: with S interrupts delegated, U mode takes MEI MSI MTI in M, then SEI SSI STI in S")
{
  std::vector<uint32_t> p = {
      kMret,           // 0x00: MPP = U, mepc = 0x04; MIE = 0 until then
      bne(s1, s2, 0),  // 0x04: spin in U
      addi(a0, zero, 7),
  };
  exit_with_a0(p);
  std::vector<uint64_t> causes;
  uint64_t handled_in_s = 0;
  const int code = run_program(with_interrupt_logging(p), [](virt::Platform& platform) {
    open_pmp(platform);
    raise_all_six(platform);
    poke(platform, kMideleg, 0x222);
    poke(platform, kMepc, virt::kDramBase + 4);
    poke(platform, kMstatus, 0);
  }, [&](virt::Platform& platform) {
    causes = logged_causes(platform);
    handled_in_s = peek(platform, kScause);
  });
  REQUIRE(code == 7);
  const std::vector<uint64_t> expected = {kInt | cpu::irq::kMEI, kInt | cpu::irq::kMSI,
                                          kInt | cpu::irq::kMTI, kInt | cpu::irq::kSEI,
                                          kInt | cpu::irq::kSSI, kInt | cpu::irq::kSTI};
  CHECK(causes == expected);
  CHECK(handled_in_s == (kInt | cpu::irq::kSTI));  // the last went through scause
  CHECK(common::stats().value("cpu.interrupts.sei") == 1);
}

namespace {

// More of kL0: VA kVa + 0x3000 and + 0x4000 on two frames that are not adjacent (kVa +
// 0x5000 unmapped), and kVa + 0x6000 an alias of kDataPage (kVa's frame).
constexpr uint64_t kFrameA = 0x80024000, kFrameB = 0x80026000;
void map_split_pages(virt::Platform& platform)
{
  map_pages(platform);
  const auto leaf = [](uint64_t pa) { return (pa >> 12) << 10 | 0xc7; };
  dram64(platform, kL0)[3] = leaf(kFrameA);
  dram64(platform, kL0)[4] = leaf(kFrameB);
  dram64(platform, kL0)[6] = leaf(kDataPage);
  dram64(platform, kFrameA)[511] = 0x4433221100000000;
  dram64(platform, kFrameB)[0] = 0x0000000088776655;
  dram64(platform, kFrameB)[511] = 0x1111111111111111;
}

}  // namespace

// Privileged 3.7 / 3.1.16: a misaligned access crossing a page translates each page on its
// own (the frames need not be adjacent), and a fault on the second names its first byte.
TEST_CASE("Hart: a misaligned load across two pages reads both frames, "
          "a store faults at the second page")
{
  std::vector<uint32_t> p = {
      csrrs(zero, kMstatus, s2),
      ld(a3, t0, 0),               // kVa + 0x3ffc: 4 bytes from kFrameA, 4 from kFrameB
      csrrs(zero, kMstatus, s2),
      sd(a3, t1, 0),               // kVa + 0x4ffc: the second page is unmapped
      lui(t1, 0x20), csrrc(zero, kMstatus, t1),
      addi(a0, zero, 7),
  };
  exit_with_a0(p);
  std::vector<Fault> faults;
  uint64_t loaded = 0, untouched = 0;
  const int code = run_program(with_logging_handler(p), [](virt::Platform& platform) {
    open_pmp(platform);
    map_split_pages(platform);
    platform.hart.set_reg(s1, kLog);
    platform.hart.set_reg(s2, 1ull << cpu::mstatus::kMPPShift);
    platform.hart.set_reg(t0, kVa + 0x3ffc);
    platform.hart.set_reg(t1, kVa + 0x4ffc);
    poke(platform, kMtvec, kHandler);
    poke(platform, kMstatus, cpu::mstatus::kMPRV | (1ull << cpu::mstatus::kMPPShift));
  }, [&](virt::Platform& platform) {
    loaded = platform.hart.reg(a3);
    untouched = dram64(platform, kFrameB)[511];
    const uint64_t* log = dram64(platform, kLog);
    for (uint64_t i = 0; i < (platform.hart.reg(s1) - kLog) / 16; ++i)
      faults.emplace_back(log[2 * i], log[2 * i + 1]);
  });
  REQUIRE(code == 7);
  CHECK(loaded == 0x8877665544332211);
  const std::vector<Fault> expected = {{cpu::exc::kStorePageFault, kVa + 0x5000}};
  CHECK(faults == expected);
  CHECK(untouched == 0x1111111111111111);  // nothing of the faulting store was written
}

// The reservation is on the physical address (A extension 8.2): LR through one virtual
// address and SC through another that maps the same frame succeeds.
TEST_CASE("Hart: LR and SC through two virtual aliases of one frame: the SC succeeds")
{
  std::vector<uint32_t> p = {
      amo(kLr, kD, a2, t0, zero),   // kVa: a2 = 0x5a
      amo(kSc, kD, a3, t1, a1),     // kVa + 0x6000, same frame: a3 = 0
      lui(t1, 0x20), csrrc(zero, kMstatus, t1),
      addi(a0, a3, 7),
  };
  exit_with_a0(p);
  uint64_t stored = 0;
  const int code = run_program(p, [](virt::Platform& platform) {
    open_pmp(platform);
    map_split_pages(platform);
    platform.hart.set_reg(t0, kVa);
    platform.hart.set_reg(t1, kVa + 0x6000);
    platform.hart.set_reg(a1, 0x77);
    poke(platform, kMstatus, cpu::mstatus::kMPRV | (1ull << cpu::mstatus::kMPPShift));
  }, [&](virt::Platform& platform) { stored = dram64(platform, kDataPage)[0]; });
  CHECK(code == 7);
  CHECK(stored == 0x77);
}

namespace {

// Cycles the hart spends per new 64-byte fetch line, from two straight-line blocks of NOPs
// (16 and 48 lines, both inside one DRAM row) timed with mcycle: the difference is 32 lines
// of 16 one-cycle instructions and one line read each.
double fetch_line_cost(const char* dram_mode)
{
  common::config().set("dram.mode", dram_mode, "test");
  common::config().set("dram.tREFI", "0", "test");  // no refresh window inside the blocks
  const uint16_t kMcycle = 0xb00;
  std::vector<uint32_t> p;
  auto block = [&](unsigned lines, unsigned result) {
    while (p.size() % 16 != 15)
      p.push_back(0x13);
    p.push_back(csrrs(t0, kMcycle, zero));  // the last slot of a line
    p.insert(p.end(), lines * 16, 0x13);
    p.push_back(csrrs(t1, kMcycle, zero));  // first slot of the line after the block
    p.push_back(sub(result, t1, t0));
  };
  block(16, s0);
  block(48, a0);
  p.push_back(sub(a0, a0, s0));
  exit_with_a0(p);
  return run_program(p) / 32.0 - 16.0;
}

}  // namespace

// One row-hit read is (tCL + tBURST) x tCK = 26 x 0.625 ns = 16.25 ns: 17 cycles of 1 ns
// once the access waits for the next tCK edge; the DMI latency of fast mode is the same
// 26 tCK. A line must cost one read, not two.
TEST_CASE("Hart: a new fetch line costs one DRAM row-hit read in timed mode")
{
  const double cost = fetch_line_cost("timed");
  CHECK(cost >= 16.0);
  CHECK(cost <= 18.0);
}

// cpu.data_path=l1d puts the hart's loads and stores through cache.l1d (4 cycles) and
// cache.l2 (12 cycles); fetch lines go past them (TimedDmi::fetch_memory), so a new line
// still costs one DRAM read, and the L1D sees none of them.
TEST_CASE("Hart: fetch lines go past the data caches of cpu.data_path=l1d")
{
  common::config().set("cpu.data_path", "l1d", "test");
  const double cost = fetch_line_cost("timed");
  CHECK(cost >= 16.0);
  CHECK(cost <= 18.0);
  CHECK(common::stats().value("cache.l1d.reads") == 0);
  CHECK(common::stats().value("cache.l1d.uncached") >= 1);  // the finisher's store
}

TEST_CASE("Hart: a new fetch line costs the DMI read latency in fast mode")
{
  const double cost = fetch_line_cost("fast");
  CHECK(cost >= 16.0);
  CHECK(cost <= 17.0);
}
