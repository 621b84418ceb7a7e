// The hart's trap and interrupt unit (models/cpu/hart_trap.cpp) with hand-assembled programs
// on the virt platform: the enabling rules the ISA firmware does not reach.
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "platforms/virt/platform.h"

using namespace vmplat;

namespace {

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
uint32_t andi(unsigned rd, unsigned rs1, int32_t imm) { return i_type(0x13, rd, 7, rs1, imm); }
uint32_t slli(unsigned rd, unsigned rs1, unsigned sh) { return i_type(0x13, rd, 1, rs1, int32_t(sh)); }
uint32_t lui(unsigned rd, uint32_t imm20) { return (imm20 << 12) | (rd << 7) | 0x37; }
uint32_t auipc(unsigned rd, uint32_t imm20) { return (imm20 << 12) | (rd << 7) | 0x17; }
uint32_t sw(unsigned rs2, unsigned rs1, int32_t imm) { return s_type(2, rs1, rs2, imm); }
uint32_t sd(unsigned rs2, unsigned rs1, int32_t imm) { return s_type(3, rs1, rs2, imm); }
uint32_t or_(unsigned rd, unsigned rs1, unsigned rs2)
{
  return (rs2 << 20) | (rs1 << 15) | (6 << 12) | (rd << 7) | 0x33;
}
uint32_t csrw(uint16_t csr, unsigned rs1) { return i_type(0x73, 0, 1, rs1, csr); }
uint32_t csrr(unsigned rd, uint16_t csr) { return i_type(0x73, rd, 2, 0, csr); }
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
constexpr uint32_t kMret = 0x30200073;
constexpr unsigned zero = 0, t0 = 5, t1 = 6, t2 = 7, s0 = 8, a0 = 10, a1 = 11, a2 = 12;
constexpr uint16_t kMstatus = 0x300, kMie = 0x304, kMtvec = 0x305, kMepc = 0x341,
                   kMcause = 0x342, kPmpcfg0 = 0x3a0, kPmpaddr0 = 0x3b0;

// Appends "exit with code a0" through the finisher: (a0 << 16) | 0x3333.
void exit_with_a0(std::vector<uint32_t>& p)
{
  p.push_back(lui(t2, 0x100));  // t2 = 0x10_0000, the finisher
  p.push_back(slli(a1, a0, 16));
  p.push_back(lui(a2, 3));
  p.push_back(addi(a2, a2, 0x333));
  p.push_back(or_(a1, a1, a2));
  p.push_back(sw(a1, t2, 0));
  p.push_back(jal(zero, 0));
}

int run_program(const std::vector<uint32_t>& program)
{
  common::config().set("uart.input", "none", "test");
  virt::Platform platform;
  std::memcpy(platform.dram.host_ptr(), program.data(), program.size() * 4);
  platform.hart.reset(virt::kDramBase);
  sc_core::sc_start();
  return common::sim().exit_code();
}

}  // namespace

TEST_CASE("M-level interrupts are taken below M whatever mstatus.MIE says")
{
  // Privileged 3.1.6.1: interrupts for a higher privilege mode are always globally enabled
  // while the hart runs in a lower one. M sets a due timer (mtimecmp = 0) with MIE = 0 and
  // MRETs to S; the MTI must arrive in S at once, not after S has run to its exit.
  std::vector<uint32_t> p;
  constexpr int kS = 17 * 4, kHandler = 28 * 4;
  p.push_back(auipc(t0, 0));  // t0 = 0x8000_0000
  p.push_back(addi(t1, t0, kHandler));
  p.push_back(csrw(kMtvec, t1));
  p.push_back(addi(t1, zero, -1));  // PMP entry 0: all memory RWX for S
  p.push_back(csrw(kPmpaddr0, t1));
  p.push_back(addi(t1, zero, 0x1f));
  p.push_back(csrw(kPmpcfg0, t1));
  p.push_back(addi(t1, zero, 0x80));  // mie.MTIE
  p.push_back(csrw(kMie, t1));
  p.push_back(lui(t1, 1));
  p.push_back(addi(t1, t1, -0x800));  // mstatus: MPP = S, MIE = MPIE = 0
  p.push_back(csrw(kMstatus, t1));
  p.push_back(lui(t2, 0x2004));  // CLINT mtimecmp
  p.push_back(sd(zero, t2, 0));  // due now: MTIP pending, masked in M by MIE = 0
  p.push_back(addi(t1, t0, kS));
  p.push_back(csrw(kMepc, t1));
  p.push_back(kMret);
  REQUIRE(p.size() * 4 == kS);
  p.push_back(addi(s0, zero, 1000));  // S: count down, then exit with 1
  p.push_back(addi(s0, s0, -1));
  p.push_back(bne(s0, zero, -4));
  p.push_back(addi(a0, zero, 1));
  exit_with_a0(p);
  REQUIRE(p.size() * 4 == kHandler);
  p.push_back(csrr(a0, kMcause));  // M handler: exit with the interrupt's code
  p.push_back(andi(a0, a0, 0xff));
  exit_with_a0(p);
  CHECK(run_program(p) == 7);  // machine timer interrupt
}
