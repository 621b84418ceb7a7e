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

using namespace vmplat;

namespace {

// RV64I encoders for the few instructions these programs use.
uint32_t i_type(uint32_t op, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
  return (uint32_t(imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
uint32_t s_type(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
  return (uint32_t((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
         (uint32_t(imm & 0x1f) << 7) | 0x23;
}
uint32_t addi(unsigned rd, unsigned rs1, int32_t imm) { return i_type(0x13, rd, 0, rs1, imm); }
uint32_t slli(unsigned rd, unsigned rs1, unsigned sh) { return i_type(0x13, rd, 1, rs1, int32_t(sh)); }
uint32_t lui(unsigned rd, uint32_t imm20) { return (imm20 << 12) | (rd << 7) | 0x37; }
uint32_t auipc(unsigned rd, uint32_t imm20) { return (imm20 << 12) | (rd << 7) | 0x17; }
uint32_t sw(unsigned rs2, unsigned rs1, int32_t imm) { return s_type(2, rs1, rs2, imm); }
uint32_t sd(unsigned rs2, unsigned rs1, int32_t imm) { return s_type(3, rs1, rs2, imm); }
uint32_t or_(unsigned rd, unsigned rs1, unsigned rs2) { return (rs2 << 20) | (rs1 << 15) | (6 << 12) | (rd << 7) | 0x33; }
uint32_t csrrw(unsigned rd, uint16_t csr, unsigned rs1) { return i_type(0x73, rd, 1, rs1, csr); }
uint32_t csrrs(unsigned rd, uint16_t csr, unsigned rs1) { return i_type(0x73, rd, 2, rs1, csr); }
uint32_t jal(unsigned rd, int32_t off)
{
  const uint32_t o = uint32_t(off);
  return (((o >> 20) & 1) << 31) | (((o >> 1) & 0x3ff) << 21) | (((o >> 11) & 1) << 20) |
         (((o >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}
uint32_t bne(unsigned rs1, unsigned rs2, int32_t off)
{
  const uint32_t o = uint32_t(off);
  return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
         (1 << 12) | (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7) | 0x63;
}
constexpr uint32_t kWfi = 0x10500073;
constexpr unsigned zero = 0, t0 = 5, t1 = 6, t2 = 7, s0 = 8, a0 = 10, a1 = 11, a2 = 12;
constexpr uint16_t kMtvec = 0x305, kMie = 0x304, kMstatus = 0x300, kTime = 0xc01;

// Appends "exit with code a0" through the finisher: (a0 << 16) | 0x3333.
void exit_with_a0(std::vector<uint32_t>& p)
{
  p.push_back(lui(t2, 0x100));        // t2 = 0x10_0000, the finisher
  p.push_back(slli(a1, a0, 16));
  p.push_back(lui(a2, 3));
  p.push_back(addi(a2, a2, 0x333));   // a2 = 0x3333
  p.push_back(or_(a1, a1, a2));
  p.push_back(sw(a1, t2, 0));
  p.push_back(jal(zero, 0));
}

// Builds the platform, loads `program` at 0x8000_0000, runs it to the end and returns the
// exit code the finisher was given.
int run_program(const std::vector<uint32_t>& program)
{
  common::config().set("uart.input", "none", "test");  // not the terminal ctest may pass on
  virt::Platform platform;
  std::memcpy(platform.dram.host_ptr(), program.data(), program.size() * 4);
  platform.hart.reset(virt::kDramBase);
  sc_core::sc_start();
  return common::sim().exit_code();
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

namespace {

// Cycles the hart spends per new 64-byte fetch line, from two straight-line blocks of NOPs
// (16 and 48 lines, both inside one DRAM row) timed with mcycle: the difference is 32 lines
// of 16 one-cycle instructions and one line read each.
double fetch_line_cost(const char* dram_mode)
{
  common::config().set("dram.mode", dram_mode, "test");
  common::config().set("dram.tREFI", "0", "test");  // no refresh window inside the blocks
  const uint16_t kMcycle = 0xb00;
  auto sub = [](unsigned rd, unsigned rs1, unsigned rs2) {
    return (0x20u << 25) | (rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33;
  };
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

TEST_CASE("Hart: a new fetch line costs the DMI read latency in fast mode")
{
  const double cost = fetch_line_cost("fast");
  CHECK(cost >= 16.0);
  CHECK(cost <= 17.0);
}
