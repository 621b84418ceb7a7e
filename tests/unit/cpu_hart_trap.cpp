// The hart's trap and interrupt unit (models/cpu/hart_trap.cpp) with hand-assembled programs
// on the virt platform: the enabling rules the ISA firmware does not reach.
#include <catch2/catch.hpp>

#include <vector>

#include "tests/unit/hart_program.h"

using namespace vmplat::test;

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

namespace {

// SINVAL.VMA x0, x0 in M mode, then exit with 42; the trap handler exits with mcause.
int run_sinval(const char* svinval)
{
  vmplat::common::config().set("cpu.svinval", svinval, "test");
  std::vector<uint32_t> p;
  constexpr int kHandler = 16 * 4;
  p.push_back(auipc(t0, 0));
  p.push_back(addi(t0, t0, kHandler));
  p.push_back(csrw(kMtvec, t0));
  p.push_back(0x16000073);  // sinval.vma x0, x0
  p.push_back(addi(a0, zero, 42));
  exit_with_a0(p);
  REQUIRE(p.size() * 4 <= kHandler);
  while (p.size() * 4 < kHandler)
    p.push_back(0x13);
  p.push_back(csrr(a0, kMcause));
  exit_with_a0(p);
  return run_program(p);
}

}  // namespace

// Svinval chapter; the hart implements it only with cpu.svinval = true.
TEST_CASE("SINVAL.VMA is an illegal instruction without Svinval")
{
  CHECK(run_sinval("false") == 2);
}

TEST_CASE("SINVAL.VMA runs in M mode with Svinval")
{
  CHECK(run_sinval("true") == 42);
}
