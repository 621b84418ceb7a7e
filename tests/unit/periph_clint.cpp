// periph::Clint: mtime from simulated time plus the initiator's delay, mtimecmp pushed to
// the hart (reset, 64-bit and 32-bit half writes), msip driving MSIP; with 4 harts, each
// hart's msip and mtimecmp reaching that hart only, and checkpoints per hart count.
#include <catch2/catch.hpp>

#include <array>
#include <vector>

#include "models/common/time.h"
#include "models/cpu/riscv.h"
#include "models/periph/clint.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using namespace sc_core;
using periph::Clint;

namespace {

struct Bench {
  test::TestInitiator cpu{"cpu"};
  Clint clint{"clint"};
  test::FakeHart hart;

  Bench()
  {
    cpu.isock.bind(clint.tsock);
    clint.bind_hart(hart);
    test::elaborate();
  }
};

}  // namespace

TEST_CASE("clint pushes the reset mtimecmp (all ones) to the hart when bound", "[clint]")
{
  test::reset_globals();
  Bench b;
  CHECK(b.hart.mtimecmp_calls == 1);
  CHECK(b.hart.mtimecmp == ~0ull);
  CHECK(b.cpu.read64(Clint::kMtimecmp) == ~0ull);
  CHECK_FALSE(b.hart.line(cpu::irq::kMSI));
}

TEST_CASE("clint mtime counts at 10 MHz of simulated time including the access delay", "[clint]")
{
  test::reset_globals();
  Bench b;
  CHECK(b.cpu.read64(Clint::kMtime) == 0);
  sc_start(1, SC_MS);
  CHECK(b.cpu.read64(Clint::kMtime) == 10'000);
  // A hart 2.35 us ahead of SystemC time reads the time it is at.
  CHECK(b.cpu.read(Clint::kMtime, 8, sc_time(2350, SC_NS)) == 10'023);

  uint64_t now = 4'294'967'296'000ull;  // past 2^32: the halves differ
  sc_start(common::time_of_mtime(now) - sc_time_stamp());
  CHECK(b.cpu.read64(Clint::kMtime) == now);
  CHECK(b.cpu.read32(Clint::kMtime) == uint32_t(now));
  CHECK(b.cpu.read32(Clint::kMtime + 4) == uint32_t(now >> 32));

  b.cpu.write64(Clint::kMtime, 5);  // read-only: ignored
  CHECK(b.cpu.last_status == tlm::TLM_OK_RESPONSE);
  CHECK(b.cpu.read64(Clint::kMtime) == now);
}

TEST_CASE("clint mtimecmp writes, whole or by halves, reach the hart", "[clint]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write64(Clint::kMtimecmp, 0x1234'5678'9abc'def0ull);
  CHECK(b.hart.mtimecmp == 0x1234'5678'9abc'def0ull);
  // The usual RV32-style update: high half to all ones first, then low, then high.
  b.cpu.write32(Clint::kMtimecmp + 4, 0xffff'ffff);
  CHECK(b.hart.mtimecmp == 0xffff'ffff'9abc'def0ull);
  b.cpu.write32(Clint::kMtimecmp, 0x100);
  CHECK(b.hart.mtimecmp == 0xffff'ffff'0000'0100ull);
  b.cpu.write32(Clint::kMtimecmp + 4, 0);
  CHECK(b.hart.mtimecmp == 0x100);
  CHECK(b.hart.mtimecmp_calls == 5);
  CHECK(b.cpu.read32(Clint::kMtimecmp) == 0x100);
  CHECK(b.cpu.read32(Clint::kMtimecmp + 4) == 0);
}

TEST_CASE("clint msip bit 0 drives the hart's machine software interrupt", "[clint]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(Clint::kMsip, 0xffff'fffe);  // only bit 0 counts
  CHECK_FALSE(b.hart.line(cpu::irq::kMSI));
  CHECK(b.cpu.read32(Clint::kMsip) == 0);
  b.cpu.write32(Clint::kMsip, 1);
  CHECK(b.hart.line(cpu::irq::kMSI));
  CHECK(b.cpu.read32(Clint::kMsip) == 1);
  b.cpu.write32(Clint::kMsip, 0);
  CHECK_FALSE(b.hart.line(cpu::irq::kMSI));
}

TEST_CASE("clint rejects byte and misaligned accesses and ignores other harts' registers",
          "[clint]")
{
  test::reset_globals();
  Bench b;
  b.cpu.read8(Clint::kMtime);
  CHECK(b.cpu.last_status == tlm::TLM_BURST_ERROR_RESPONSE);
  b.cpu.read64(Clint::kMtimecmp + 4);
  CHECK(b.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  b.cpu.read64(Clint::kMsip);
  CHECK(b.cpu.last_status == tlm::TLM_BURST_ERROR_RESPONSE);
  b.cpu.write32(Clint::kMsip + 4, 1);  // hart 1's msip: absent
  CHECK(b.cpu.last_status == tlm::TLM_OK_RESPONSE);
  CHECK_FALSE(b.hart.line(cpu::irq::kMSI));
  CHECK(b.cpu.read64(Clint::kMtimecmp + 8) == 0);
}

namespace {

// Four harts bound in hart-id order, as a `cpu.harts=4` platform binds them.
struct Bench4 {
  test::TestInitiator cpu{"cpu"};
  Clint clint{"clint"};
  std::array<test::FakeHart, 4> harts;

  Bench4()
  {
    cpu.isock.bind(clint.tsock);
    for (auto& h : harts) clint.bind_hart(h);
    test::elaborate();
  }
  // The MSIP level of each hart, hart 0 first.
  std::vector<bool> msips() const
  {
    std::vector<bool> v;
    for (const auto& h : harts) v.push_back(h.line(cpu::irq::kMSI));
    return v;
  }
};

constexpr uint64_t msip(unsigned hart)
{
  return Clint::kMsip + 4 * hart;
}
constexpr uint64_t mtimecmp(unsigned hart)
{
  return Clint::kMtimecmp + 8 * hart;
}

}  // namespace

TEST_CASE("clint with 4 harts: each msip word raises only its own hart's MSIP", "[clint]")
{
  test::reset_globals();
  Bench4 b;
  REQUIRE(b.clint.harts() == 4);
  b.cpu.write32(msip(2), 1);
  CHECK(b.msips() == std::vector<bool>{false, false, true, false});
  CHECK(b.cpu.read32(msip(2)) == 1);
  CHECK(b.cpu.read32(msip(1)) == 0);
  b.cpu.write32(msip(0), 1);
  CHECK(b.msips() == std::vector<bool>{true, false, true, false});
  b.cpu.write32(msip(2), 0);
  CHECK(b.msips() == std::vector<bool>{true, false, false, false});
  b.cpu.write32(msip(3), 1);
  CHECK(b.msips() == std::vector<bool>{true, false, false, true});
  CHECK(b.cpu.read32(msip(3)) == 1);
  CHECK(b.cpu.read32(msip(0)) == 1);
}

TEST_CASE("clint with 4 harts: each mtimecmp, whole or by halves, reaches only its own hart",
          "[clint]")
{
  test::reset_globals();
  Bench4 b;
  for (unsigned h = 0; h < 4; ++h) b.cpu.write64(mtimecmp(h), 0x1000 + h);
  for (unsigned h = 0; h < 4; ++h) {
    CHECK(b.harts[h].mtimecmp == 0x1000 + h);
    CHECK(b.harts[h].mtimecmp_calls == 2);  // at binding, then its own write
    CHECK(b.cpu.read64(mtimecmp(h)) == 0x1000 + h);
    CHECK(b.clint.mtimecmp(h) == 0x1000 + h);
  }
  b.cpu.write32(mtimecmp(2) + 4, 0x7);
  CHECK(b.harts[2].mtimecmp == 0x7'0000'1002ull);
  CHECK(b.harts[1].mtimecmp == 0x1001);
  CHECK(b.harts[3].mtimecmp == 0x1003);
  CHECK(b.harts[1].mtimecmp_calls == 2);
  CHECK(b.harts[3].mtimecmp_calls == 2);
  CHECK(b.cpu.read32(mtimecmp(2) + 4) == 0x7);
  CHECK(b.cpu.read64(Clint::kMtime) == 0);  // mtime stays where it was, shared
}

TEST_CASE("clint with 4 harts: the slots of harts 4 and up read 0 and ignore writes", "[clint]")
{
  test::reset_globals();
  Bench4 b;
  unsigned calls = 0;
  for (const auto& h : b.harts) calls += h.line_calls + h.mtimecmp_calls;
  for (unsigned h : {4u, 7u, 100u}) {
    b.cpu.write32(msip(h), 1);
    CHECK(b.cpu.last_status == tlm::TLM_OK_RESPONSE);
    CHECK(b.cpu.read32(msip(h)) == 0);
    b.cpu.write64(mtimecmp(h), 0x1234);
    CHECK(b.cpu.last_status == tlm::TLM_OK_RESPONSE);
    CHECK(b.cpu.read64(mtimecmp(h)) == 0);
  }
  unsigned after = 0;
  for (const auto& h : b.harts) after += h.line_calls + h.mtimecmp_calls;
  CHECK(after == calls);  // no hart heard of them
  CHECK(b.msips() == std::vector<bool>{false, false, false, false});
}

TEST_CASE("clint checkpoint: one hart keeps the single-hart layout", "[clint]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(Clint::kMsip, 1);
  b.cpu.write64(Clint::kMtimecmp, 0x100);
  nlohmann::json saved;
  b.clint.save_state(saved);
  CHECK(saved == nlohmann::json{{"msip", true}, {"mtimecmp", 0x100}});

  const nlohmann::json four = {{"msip", {false, true, false, false}},
                               {"mtimecmp", {1u, 2u, 3u, 4u}}};
  CHECK_THROWS_WITH(b.clint.restore_state(common::StateIn(four, "checkpoint 'ck': clint")),
                    "checkpoint 'ck': clint.msip holds the state of 4 harts, this machine has 1: "
                    "restore with cpu.harts=4");
  b.clint.restore_state(common::StateIn({{"msip", false}, {"mtimecmp", 0x200u}}, "clint"));
  CHECK(b.cpu.read32(Clint::kMsip) == 0);
  CHECK(b.cpu.read64(Clint::kMtimecmp) == 0x200);
}

TEST_CASE(
    "clint checkpoint with 4 harts: each hart's registers come back, one hart's state is "
    "refused",
    "[clint]")
{
  test::reset_globals();
  Bench4 b;
  b.cpu.write32(msip(1), 1);
  b.cpu.write32(msip(3), 1);
  for (unsigned h = 0; h < 4; ++h) b.cpu.write64(mtimecmp(h), 0x500 * (h + 1));
  nlohmann::json saved;
  b.clint.save_state(saved);
  CHECK(saved["msip"] == nlohmann::json{false, true, false, true});
  CHECK(saved["mtimecmp"] == nlohmann::json{0x500, 0xa00, 0xf00, 0x1400});

  for (unsigned h = 0; h < 4; ++h) {
    b.cpu.write32(msip(h), h == 0);
    b.cpu.write64(mtimecmp(h), 7);
  }
  b.clint.restore_state(common::StateIn(saved, "clint"));
  for (unsigned h = 0; h < 4; ++h) {
    CHECK(b.cpu.read32(msip(h)) == (h == 1 || h == 3));
    CHECK(b.cpu.read64(mtimecmp(h)) == 0x500 * (h + 1));
  }
  nlohmann::json again;
  b.clint.save_state(again);
  CHECK(again == saved);

  const nlohmann::json one = {{"msip", true}, {"mtimecmp", 5u}};
  CHECK_THROWS_WITH(b.clint.restore_state(common::StateIn(one, "checkpoint 'ck': clint")),
                    "checkpoint 'ck': clint.msip holds the state of 1 hart, this machine has 4: "
                    "restore with cpu.harts=1");
  const nlohmann::json two = {{"msip", {true, true}}, {"mtimecmp", {5u, 6u}}};
  CHECK_THROWS_AS(b.clint.restore_state(common::StateIn(two, "clint")), common::UserError);
  CHECK(b.cpu.read64(mtimecmp(0)) == 0x500);  // a refused state changes nothing
}
