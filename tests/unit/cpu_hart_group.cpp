// Several harts on the virt platform (cpu.harts): what they share through cpu::HartGroup —
// another hart's store over decoded code, LR reservations broken by other initiators while
// their hart waits — and the per-hart state the platform gives each (mhartid, a0).
#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/common/stats.h"
#include "platforms/virt/platform.h"
#include "tests/unit/hart_program.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using namespace vmplat::test;

namespace {

// Runs `program` at 0x8000_0000 on `harts` harts, each started there with a0 = its id, as
// the boot loader does; returns the exit code.
int run_smp(unsigned harts, const std::vector<uint32_t>& program)
{
  common::config().set("uart.input", "none", "test");
  common::config().set("cpu.harts", std::to_string(harts), "test");
  common::config().set("cpu.max_instructions", "1000000", "test");  // a failure must not hang
  virt::Platform platform;
  std::memcpy(platform.dram.host_ptr(), program.data(), program.size() * 4);
  for (unsigned id = 0; id < platform.hart_count(); ++id)
    platform.hart_at(id).reset(virt::kDramBase, id);
  sc_core::sc_start();
  return common::sim().exit_code();
}

void pad_to(std::vector<uint32_t>& p, uint64_t offset)
{
  while (p.size() * 4 < offset) p.push_back(addi(zero, zero, 0));
}

// Hart 0 spins over about 8000 cycles (several quanta, so the other hart runs meanwhile).
void delay(std::vector<uint32_t>& p)
{
  p.push_back(lui(s0, 1));  // s0 = 4096
  p.push_back(addi(s0, s0, -1));
  p.push_back(bne(s0, zero, -4));
}

}  // namespace

TEST_CASE("HartGroup: a hart runs code another hart rewrote after it decoded it")
{
  // Hart 1 loops over `addi a1, zero, 1` until it reads 42 there; hart 0 waits until hart 1
  // has run (and decoded) the loop for a while, then stores `addi a1, zero, 42` over it.
  // Without the group's marks hart 1 would run its stale decode until the instruction limit.
  std::vector<uint32_t> p = {bne(a0, zero, 0x40)};  // 0x00: hart 1 goes to 0x40
  delay(p);                                         // 0x04..0x0c
  p.push_back(auipc(t0, 0));                        // 0x10: t0 = 0x8000_0010
  p.push_back(lui(t1, 0x02a00));
  p.push_back(addi(t1, t1, 0x593));  // t1 = addi a1, zero, 42
  p.push_back(sw(t1, t0, 0x30));     // over 0x40
  p.push_back(jal(zero, 0));
  pad_to(p, 0x40);
  p.push_back(addi(a1, zero, 1));  // 0x40
  p.push_back(addi(t3, zero, 1));  // 0x44
  p.push_back(bne(a1, t3, 8));     // 0x48: to 0x50 once rewritten
  p.push_back(jal(zero, -0xc));    // 0x4c: back to 0x40
  p.push_back(addi(a0, a1, 0));    // 0x50
  exit_with_a0(p);
  CHECK(run_smp(2, p) == 42);
  CHECK(common::stats().value("hart1.cpu.decode_cache.invalidations") >= 1);
  CHECK(common::stats().value("hart0.cpu.decode_cache.invalidations") == 0);
}

namespace {

// Hart 1 takes a reservation (lr.d at X), waits several quanta, then tries sc.d at X and
// exits with 10 + its result (0: stored, 1: failed). Hart 0 meanwhile stores to X + offset.
std::vector<uint32_t> reservation_program(int32_t offset)
{
  std::vector<uint32_t> p = {bne(a0, zero, 0x40)};
  p.push_back(addi(s0, zero, 1000));  // hart 0: past hart 1's LR (its first quantum)
  p.push_back(addi(s0, s0, -1));
  p.push_back(bne(s0, zero, -4));
  p.push_back(auipc(t0, 0x10));  // 0x10: t0 = 0x8001_0010; X = 0x8001_0040
  p.push_back(sd(zero, t0, 0x30 + offset));
  p.push_back(jal(zero, 0));
  pad_to(p, 0x40);
  p.push_back(auipc(t0, 0x10));          // 0x40: t0 = X
  p.push_back(amo(2, 3, t1, t0, zero));  // lr.d t1, (t0)
  delay(p);
  p.push_back(addi(t2, zero, 7));
  p.push_back(amo(3, 3, a0, t0, t2));  // sc.d a0, t2, (t0)
  p.push_back(addi(a0, a0, 10));
  exit_with_a0(p);
  return p;
}

}  // namespace

TEST_CASE("HartGroup: another hart's store to the reservation's doubleword makes the SC fail")
{
  CHECK(run_smp(2, reservation_program(4)) == 11);
}

TEST_CASE("HartGroup: another hart's store next to the reservation set leaves the SC to succeed")
{
  CHECK(run_smp(2, reservation_program(8)) == 10);
  CHECK(common::stats().value("hart1.cpu.instret") > 4096);
}

TEST_CASE(
    "HartGroup: a parked reservation breaks on overlapping writes only and its page mark follows "
    "it")
{
  common::config().set("cpu.harts", "3", "test");
  virt::Platform platform;
  cpu::HartGroup& g = platform.hart_group();
  REQUIRE(g.size() == 3);
  uint16_t* marks = g.marks_for(virt::kDramBase, platform.dram.size());
  REQUIRE(marks);
  constexpr uint64_t kX = virt::kDramBase + 0x5004;  // doubleword 0x5000..0x5007
  const uint64_t page = 5;

  g.park(1, kX);
  CHECK(marks[page] == cpu::HartGroup::kParked);
  g.note_write(kX + 4, 8);  // 0x5008..: the next doubleword
  g.note_write(kX - 0x1000, 8);
  CHECK(g.unpark(1));
  CHECK(marks[page] == 0);

  g.park(1, kX);
  g.park(2, kX + 0x100);
  g.note_write(virt::kDramBase + 0x4ffc, 5);  // its last byte is 0x5000
  CHECK_FALSE(g.unpark(1));
  CHECK(marks[page] == cpu::HartGroup::kParked);  // hart 2's is still there
  CHECK(g.unpark(2));
  CHECK(marks[page] == 0);
}

TEST_CASE("HartGroup: DMA through the bus breaks a parked reservation")
{
  common::config().set("cpu.harts", "2", "test");
  virt::Platform platform;
  TestInitiator dma("dma");
  dma.isock.bind(platform.bus.tsock);
  elaborate();
  cpu::HartGroup& g = platform.hart_group();
  constexpr uint64_t kX = virt::kDramBase + 0x9000;
  g.park(1, kX);
  dma.write32(kX + 0x10, 1);
  CHECK(g.unpark(1));
  g.park(1, kX);
  dma.write32(kX + 4, 1);
  CHECK_FALSE(g.unpark(1));
}

TEST_CASE("HartGroup: every hart reads its own id in mhartid")
{
  // Each hart exits with 20 + mhartid + a0; the first to reach the finisher ends the run, so
  // run hart 1 alone to the finisher: hart 0 spins.
  std::vector<uint32_t> p = {bne(a0, zero, 8), jal(zero, 0), csrr(t1, 0xf14), addi(a0, a0, 20)};
  p.push_back((t1 << 20) | (a0 << 15) | (a0 << 7) | 0x33);  // add a0, a0, t1
  exit_with_a0(p);
  CHECK(run_smp(2, p) == 22);
}

// Apart from a run: an exception thrown after SystemC ran its coroutines confuses
// AddressSanitizer's stack bookkeeping.
TEST_CASE("HartGroup: cpu.harts outside 1..8 is refused")
{
  common::config().set("cpu.harts", "9", "test");
  CHECK_THROWS_WITH(virt::Platform(), Catch::Contains("cpu.harts") && Catch::Contains("1..8"));
}
