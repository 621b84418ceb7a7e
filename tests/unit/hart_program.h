// Hand-assembled programs for hart unit tests (cpu_hart*.cpp): RV64 encoders for the few
// instructions they use, register and CSR numbers, and running a program on the virt
// platform until it exits through the finisher.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "platforms/virt/platform.h"

namespace vmplat::test {

// RV64I encoders for the few instructions these programs use.
inline uint32_t i_type(uint32_t op, unsigned rd, unsigned f3, unsigned rs1, int32_t imm)
{
  return (uint32_t(imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op;
}
inline uint32_t s_type(unsigned f3, unsigned rs1, unsigned rs2, int32_t imm)
{
  return (uint32_t((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
         (uint32_t(imm & 0x1f) << 7) | 0x23;
}
inline uint32_t addi(unsigned rd, unsigned rs1, int32_t imm)
{
  return i_type(0x13, rd, 0, rs1, imm);
}
inline uint32_t slli(unsigned rd, unsigned rs1, unsigned sh)
{
  return i_type(0x13, rd, 1, rs1, int32_t(sh));
}
inline uint32_t lui(unsigned rd, uint32_t imm20)
{
  return (imm20 << 12) | (rd << 7) | 0x37;
}
inline uint32_t auipc(unsigned rd, uint32_t imm20)
{
  return (imm20 << 12) | (rd << 7) | 0x17;
}
inline uint32_t sw(unsigned rs2, unsigned rs1, int32_t imm)
{
  return s_type(2, rs1, rs2, imm);
}
inline uint32_t sd(unsigned rs2, unsigned rs1, int32_t imm)
{
  return s_type(3, rs1, rs2, imm);
}
inline uint32_t or_(unsigned rd, unsigned rs1, unsigned rs2)
{
  return (rs2 << 20) | (rs1 << 15) | (6 << 12) | (rd << 7) | 0x33;
}
inline uint32_t csrrw(unsigned rd, uint16_t csr, unsigned rs1)
{
  return i_type(0x73, rd, 1, rs1, csr);
}
inline uint32_t csrrs(unsigned rd, uint16_t csr, unsigned rs1)
{
  return i_type(0x73, rd, 2, rs1, csr);
}
inline uint32_t csrrc(unsigned rd, uint16_t csr, unsigned rs1)
{
  return i_type(0x73, rd, 3, rs1, csr);
}
inline uint32_t csrw(uint16_t csr, unsigned rs1)
{
  return csrrw(0, csr, rs1);
}
inline uint32_t csrr(unsigned rd, uint16_t csr)
{
  return csrrs(rd, csr, 0);
}
inline uint32_t sub(unsigned rd, unsigned rs1, unsigned rs2)
{
  return (0x20u << 25) | (rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33;
}
// A extension: funct5 0 add, 2 LR, 3 SC; f3 2 = W, 3 = D.
inline uint32_t amo(unsigned funct5, unsigned f3, unsigned rd, unsigned rs1, unsigned rs2)
{
  return (funct5 << 27) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | 0x2f;
}
inline uint32_t ld(unsigned rd, unsigned rs1, int32_t imm)
{
  return i_type(0x03, rd, 3, rs1, imm);
}
inline uint32_t andi(unsigned rd, unsigned rs1, int32_t imm)
{
  return i_type(0x13, rd, 7, rs1, imm);
}
inline uint32_t srli(unsigned rd, unsigned rs1, unsigned sh)
{
  return i_type(0x13, rd, 5, rs1, int32_t(sh));
}
inline uint32_t sll(unsigned rd, unsigned rs1, unsigned rs2)
{
  return (rs2 << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x33;
}
inline uint32_t jal(unsigned rd, int32_t off)
{
  const uint32_t o = uint32_t(off);
  return (((o >> 20) & 1) << 31) | (((o >> 1) & 0x3ff) << 21) | (((o >> 11) & 1) << 20) |
         (((o >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}
inline uint32_t bne(unsigned rs1, unsigned rs2, int32_t off)
{
  const uint32_t o = uint32_t(off);
  return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
         (1 << 12) | (((o >> 1) & 0xf) << 8) | (((o >> 11) & 1) << 7) | 0x63;
}
constexpr uint32_t kWfi = 0x10500073, kEcall = 0x00000073, kMret = 0x30200073, kSret = 0x10200073;
constexpr unsigned zero = 0, t0 = 5, t1 = 6, t2 = 7, s0 = 8, a0 = 10, a1 = 11, a2 = 12, a3 = 13;
constexpr unsigned s1 = 9, s2 = 18, t3 = 28, t4 = 29;
constexpr uint16_t kMtvec = 0x305, kMie = 0x304, kMstatus = 0x300, kTime = 0xc01;
constexpr uint16_t kMcause = 0x342, kMtval = 0x343, kMepc = 0x341, kSepc = 0x141, kStvec = 0x105,
                   kMideleg = 0x303, kMip = 0x344, kSatp = 0x180, kPmpcfg0 = 0x3a0,
                   kPmpaddr0 = 0x3b0, kScause = 0x142, kSie = 0x104;

// Appends "exit with code a0" through the finisher: (a0 << 16) | 0x3333.
inline void exit_with_a0(std::vector<uint32_t>& p)
{
  p.push_back(lui(t2, 0x100));  // t2 = 0x10_0000, the finisher
  p.push_back(slli(a1, a0, 16));
  p.push_back(lui(a2, 3));
  p.push_back(addi(a2, a2, 0x333));  // a2 = 0x3333
  p.push_back(or_(a1, a1, a2));
  p.push_back(sw(a1, t2, 0));
  p.push_back(jal(zero, 0));
}

// Builds the platform, loads `program` at 0x8000_0000, runs it to the end and returns the
// exit code the finisher was given.
inline int run_program(const std::vector<uint32_t>& program)
{
  common::config().set("uart.input", "none", "test");  // not the terminal ctest may pass on
  virt::Platform platform;
  std::memcpy(platform.dram.host_ptr(), program.data(), program.size() * 4);
  platform.hart.reset(virt::kDramBase);
  sc_core::sc_start();
  return common::sim().exit_code();
}

// Builds the platform, loads `program` at 0x8000_0000, lets `setup` prepare the hart and
// memory after reset (CSRs as M-mode software would write them), runs to the end, lets
// `after` look at the final state and returns the exit code.
template <typename Setup, typename After>
inline int run_program(const std::vector<uint32_t>& program, Setup setup, After after)
{
  common::config().set("uart.input", "none", "test");
  virt::Platform platform;
  std::memcpy(platform.dram.host_ptr(), program.data(), program.size() * 4);
  platform.hart.reset(virt::kDramBase);
  setup(platform);
  sc_core::sc_start();
  after(platform);
  return common::sim().exit_code();
}
template <typename Setup>
inline int run_program(const std::vector<uint32_t>& program, Setup setup)
{
  return run_program(program, setup, [](virt::Platform&) {});
}

}  // namespace vmplat::test
