// periph::Clint: mtime from simulated time plus the initiator's delay, mtimecmp pushed to
// the hart (reset, 64-bit and 32-bit half writes), msip driving MSIP.
#include <catch2/catch.hpp>

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
