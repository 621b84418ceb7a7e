// periph::Plic as firmware sees it: claim order by priority, threshold masking, the two
// gateways (qemu: latch every high signal, also in service, no re-sampling at completion;
// level: completion re-pends a line still high), M and S context lines, the register WARL
// rules, the claim counters.
#include <catch2/catch.hpp>

#include "models/cpu/riscv.h"
#include "models/periph/plic.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using periph::Plic;

namespace {

constexpr uint64_t prio(unsigned src)
{
  return Plic::kPriority + 4 * src;
}
constexpr uint64_t enable(unsigned ctx)
{
  return Plic::kEnable + Plic::kEnableStride * ctx;
}
constexpr uint64_t threshold(unsigned ctx)
{
  return Plic::kContext + Plic::kContextStride * ctx;
}
constexpr uint64_t claim(unsigned ctx)
{
  return threshold(ctx) + 4;
}
constexpr unsigned kM = 0, kS = 1;

// plic.gateway is read when the PLIC is built, so it is set first.
struct Gateway {
  explicit Gateway(const char* gateway) { common::config().set("plic.gateway", gateway, "test"); }
};

struct Bench : Gateway {
  test::TestInitiator cpu{"cpu"};
  Plic plic{"plic"};
  test::FakeHart hart;
  common::IrqLine uart, disk0, disk1;

  explicit Bench(const char* gateway = "qemu") : Gateway(gateway)
  {
    cpu.isock.bind(plic.tsock);
    plic.name_sources({{10, "uart"}, {1, "disk"}});
    plic.bind_hart(hart);
    uart.bind(plic, 10);
    disk0.bind(plic, 1);
    disk1.bind(plic, 2);
    test::elaborate();
  }
  bool meip() const { return hart.line(cpu::irq::kMEI); }
  bool seip() const { return hart.line(cpu::irq::kSEI); }
};

}  // namespace

TEST_CASE("plic claims the highest-priority source first, lowest id on ties", "[plic]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(prio(1), 2);
  b.cpu.write32(prio(2), 2);
  b.cpu.write32(prio(10), 5);
  b.cpu.write32(enable(kM), (1u << 1) | (1u << 2) | (1u << 10));
  CHECK_FALSE(b.meip());
  b.disk1.set(true);
  b.disk0.set(true);
  b.uart.set(true);
  CHECK(b.meip());
  CHECK(b.cpu.read32(Plic::kPending) == ((1u << 1) | (1u << 2) | (1u << 10)));

  CHECK(b.cpu.read32(claim(kM)) == 10);
  CHECK(b.cpu.read32(claim(kM)) == 1);
  CHECK(b.cpu.read32(claim(kM)) == 2);
  CHECK_FALSE(b.meip());  // everything is in service
  CHECK(b.cpu.read32(claim(kM)) == 0);
  CHECK(b.cpu.read32(Plic::kPending) == 0);
}

TEST_CASE("plic threshold masks sources of equal or lower priority", "[plic]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(prio(10), 3);
  b.cpu.write32(enable(kM), 1u << 10);
  b.cpu.write32(threshold(kM), 3);
  b.uart.set(true);
  CHECK_FALSE(b.meip());
  CHECK(b.cpu.read32(claim(kM)) == 0);
  CHECK(b.cpu.read32(Plic::kPending) == 1u << 10);  // pending, only masked
  b.cpu.write32(threshold(kM), 2);
  CHECK(b.meip());
  b.cpu.write32(prio(10), 0);  // priority 0 never interrupts
  CHECK_FALSE(b.meip());
  b.cpu.write32(threshold(kM), 0);
  CHECK_FALSE(b.meip());
  CHECK(b.cpu.read32(claim(kM)) == 0);
}

TEST_CASE("plic qemu gateway latches a high signal in service, completion does not re-sample",
          "[plic]")
{
  test::reset_globals();
  Bench b("qemu");
  REQUIRE(b.plic.gateway() == Plic::Gateway::kQemu);
  b.cpu.write32(prio(10), 1);
  b.cpu.write32(enable(kM), 1u << 10);
  b.uart.set(true);
  REQUIRE(b.cpu.read32(claim(kM)) == 10);
  CHECK_FALSE(b.meip());
  b.cpu.write32(claim(kM), 10);  // the line is still high, but nobody signalled it again
  CHECK_FALSE(b.meip());
  CHECK(b.cpu.read32(Plic::kPending) == 0);
  CHECK(b.cpu.read32(claim(kM)) == 0);

  b.uart.set(true);  // the device re-evaluates its line (e.g. a THR write): a new request
  CHECK(b.meip());
  REQUIRE(b.cpu.read32(claim(kM)) == 10);
  b.uart.set(true);  // signalled while in service: latched, visible, masked until completion
  CHECK(b.cpu.read32(Plic::kPending) == 1u << 10);
  CHECK_FALSE(b.meip());
  CHECK(b.cpu.read32(claim(kM)) == 0);
  b.cpu.write32(claim(kM), 10);
  CHECK(b.meip());
  CHECK(b.cpu.read32(claim(kM)) == 10);
  b.cpu.write32(claim(kM), 10);
  CHECK_FALSE(b.meip());
}

TEST_CASE("plic level gateway re-pends a line still high at completion, drops signals in service",
          "[plic]")
{
  test::reset_globals();
  Bench b("level");
  REQUIRE(b.plic.gateway() == Plic::Gateway::kLevel);
  b.cpu.write32(prio(10), 1);
  b.cpu.write32(enable(kM), 1u << 10);
  b.uart.set(true);
  REQUIRE(b.cpu.read32(claim(kM)) == 10);
  b.uart.set(true);  // in service: the gateway forwards nothing
  CHECK(b.cpu.read32(Plic::kPending) == 0);
  b.cpu.write32(claim(kM), 10);  // still high: pending again at once
  CHECK(b.meip());
  CHECK(b.cpu.read32(claim(kM)) == 10);

  b.uart.set(false);  // the handler serviced the device
  b.cpu.write32(claim(kM), 10);
  CHECK_FALSE(b.meip());
  CHECK(b.cpu.read32(claim(kM)) == 0);
}

namespace {

void request_outlives_its_line(const char* gateway)
{
  test::reset_globals();
  Bench b(gateway);
  b.cpu.write32(prio(1), 1);
  b.cpu.write32(enable(kM), 1u << 1);
  b.disk0.set(true);
  CHECK(b.meip());
  b.disk0.set(false);
  CHECK(b.meip());
  CHECK(b.cpu.read32(Plic::kPending) == 1u << 1);
  CHECK(b.cpu.read32(claim(kM)) == 1);
  b.cpu.write32(claim(kM), 1);  // line low at completion: nothing more
  CHECK_FALSE(b.meip());
  CHECK(b.cpu.read32(Plic::kPending) == 0);
}

}  // namespace

// SystemC elaborates once per process, so each gateway is its own test case.
TEST_CASE("plic qemu gateway keeps a request pending when the line drops before the claim",
          "[plic]")
{
  request_outlives_its_line("qemu");
}

TEST_CASE("plic level gateway keeps a request pending when the line drops before the claim",
          "[plic]")
{
  request_outlives_its_line("level");
}

TEST_CASE("plic ignores completions of sources not enabled in that context", "[plic]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(prio(10), 1);
  b.cpu.write32(enable(kM), 1u << 10);
  b.uart.set(true);
  REQUIRE(b.cpu.read32(claim(kM)) == 10);
  b.uart.set(true);              // latched while in service
  b.cpu.write32(claim(kS), 10);  // S context does not have source 10 enabled
  CHECK_FALSE(b.meip());
  b.cpu.write32(claim(kM), 10);
  CHECK(b.meip());
}

TEST_CASE("plic counts claims per named source and claims that find nothing", "[plic]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(prio(10), 1);
  b.cpu.write32(prio(1), 1);
  b.cpu.write32(prio(2), 1);
  b.cpu.write32(enable(kM), (1u << 10) | (1u << 1) | (1u << 2));
  for (int i = 0; i < 3; ++i) {
    b.uart.set(true);
    REQUIRE(b.cpu.read32(claim(kM)) == 10);
    b.cpu.write32(claim(kM), 10);
  }
  b.disk0.set(true);
  b.disk1.set(true);  // source 2 has no name: counted nowhere by source
  CHECK(b.cpu.read32(claim(kM)) == 1);
  CHECK(b.cpu.read32(claim(kM)) == 2);
  CHECK(b.cpu.read32(claim(kM)) == 0);
  CHECK(b.cpu.read32(claim(kM)) == 0);
  uint8_t buf[4] = {};
  b.cpu.debug(tlm::TLM_READ_COMMAND, claim(kM), buf, 4);  // a debugger's look is no claim
  auto& st = common::stats();
  CHECK(st.find_counter("plic.claims.uart")->value() == 3);
  CHECK(st.find_counter("plic.claims.disk")->value() == 1);
  CHECK(st.find_counter("plic.claims.none")->value() == 2);
}

TEST_CASE("plic rejects an unknown gateway, naming the key and the allowed values", "[plic]")
{
  test::reset_globals();
  common::config().set("plic.gateway", "edge", "test");
  CHECK_THROWS_WITH(Plic("plic"), Catch::Contains("plic.gateway") && Catch::Contains("edge") &&
                                      Catch::Contains("qemu") && Catch::Contains("level"));
}

TEST_CASE("plic drives MEIP from context 0 and SEIP from context 1", "[plic]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(prio(1), 1);
  b.cpu.write32(prio(10), 1);
  b.cpu.write32(enable(kS), 1u << 1);
  b.cpu.write32(enable(kM), 1u << 10);
  b.disk0.set(true);
  CHECK(b.seip());
  CHECK_FALSE(b.meip());
  b.uart.set(true);
  CHECK(b.meip());
  CHECK(b.cpu.read32(claim(kS)) == 1);
  CHECK_FALSE(b.seip());
  CHECK(b.meip());
  CHECK(b.cpu.read32(claim(kM)) == 10);
  CHECK_FALSE(b.meip());
  b.cpu.write32(threshold(kS), 7);
  CHECK(b.cpu.read32(threshold(kS)) == 7);
  CHECK(b.cpu.read32(threshold(kM)) == 0);
}

TEST_CASE("plic registers: WARL priorities, read-only pending, absent sources and contexts",
          "[plic]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(prio(5), 0xff);
  CHECK(b.cpu.read32(prio(5)) == 7);
  b.cpu.write32(prio(0), 3);
  CHECK(b.cpu.read32(prio(0)) == 0);
  b.cpu.write32(prio(40), 3);
  CHECK(b.cpu.read32(prio(40)) == 0);
  b.cpu.write32(enable(kM), 0xffff'ffff);
  CHECK(b.cpu.read32(enable(kM)) == 0xffff'ffff);  // bit 0 is stored, as on QEMU
  b.cpu.write32(enable(kM) + 4, 0xffff'ffff);      // sources 32..63
  CHECK(b.cpu.read32(enable(kM) + 4) == 0);
  b.cpu.write32(enable(2), 0xffff'ffff);
  CHECK(b.cpu.read32(enable(2)) == 0);
  b.cpu.write32(Plic::kPending, 0xffff'ffff);
  CHECK(b.cpu.read32(Plic::kPending) == 0);
  b.cpu.write32(threshold(kM), 9);
  CHECK(b.cpu.read32(threshold(kM)) == 1);
  b.cpu.read8(prio(1));
  CHECK(b.cpu.last_status == tlm::TLM_BURST_ERROR_RESPONSE);

  // A debugger reading claim does not claim.
  b.cpu.write32(threshold(kM), 0);
  b.cpu.write32(prio(10), 1);
  b.uart.set(true);
  uint8_t buf[4] = {};
  CHECK(b.cpu.debug(tlm::TLM_READ_COMMAND, claim(kM), buf, 4) == 4);
  CHECK(buf[0] == 10);
  CHECK(b.cpu.read32(claim(kM)) == 10);
}
