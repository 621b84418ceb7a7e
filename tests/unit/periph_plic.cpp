// periph::Plic as firmware sees it: claim order by priority, threshold masking, the two
// gateways (qemu: latch every high signal, also in service, no re-sampling at completion;
// level: completion re-pends a line still high), M and S context lines, the register WARL
// rules, the claim counters; with 4 harts, context 2h/2h+1 driving hart h's MEIP/SEIP only,
// claims per context, absent contexts, and checkpoints per hart count.
#include <catch2/catch.hpp>

#include <array>
#include <vector>

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

namespace {

// Four harts bound in hart-id order, as a `cpu.harts=4` platform binds them: context 2h is
// hart h's M mode, 2h+1 its S mode.
struct Bench4 : Gateway {
  test::TestInitiator cpu{"cpu"};
  Plic plic{"plic"};
  std::array<test::FakeHart, 4> harts;
  common::IrqLine uart, disk0;

  Bench4() : Gateway("qemu")
  {
    cpu.isock.bind(plic.tsock);
    for (auto& h : harts) plic.bind_hart(h);
    uart.bind(plic, 10);
    disk0.bind(plic, 1);
    test::elaborate();
  }
  // Every context's output as its hart sees it: MEIP and SEIP of hart 0, then hart 1, ...
  std::vector<bool> lines() const
  {
    std::vector<bool> v;
    for (const auto& h : harts) {
      v.push_back(h.line(cpu::irq::kMEI));
      v.push_back(h.line(cpu::irq::kSEI));
    }
    return v;
  }
  // The lines with only context `ctx`'s high.
  static std::vector<bool> only(unsigned ctx)
  {
    std::vector<bool> v(8, false);
    v.at(ctx) = true;
    return v;
  }
};

}  // namespace

TEST_CASE("plic with 4 harts: a source enabled only in hart 2's S context raises only its SEIP",
          "[plic]")
{
  test::reset_globals();
  Bench4 b;
  REQUIRE(b.plic.contexts() == 8);
  b.cpu.write32(prio(1), 1);
  b.cpu.write32(enable(2 * 2 + kS), 1u << 1);
  b.disk0.set(true);
  CHECK(b.harts[2].line(cpu::irq::kSEI));
  CHECK(b.lines() == Bench4::only(5));
  CHECK(b.cpu.read32(claim(2 * 2 + kM)) == 0);  // hart 2's M context does not have it
  CHECK(b.cpu.read32(claim(kS)) == 0);          // nor hart 0's S context
  CHECK(b.cpu.read32(claim(2 * 2 + kS)) == 1);
  CHECK(b.lines() == std::vector<bool>(8, false));
  b.cpu.write32(claim(2 * 2 + kS), 1);
  CHECK(b.lines() == std::vector<bool>(8, false));
}

TEST_CASE("plic with 4 harts: context 2h drives hart h's MEIP, context 2h+1 its SEIP", "[plic]")
{
  test::reset_globals();
  Bench4 b;
  b.cpu.write32(prio(1), 1);
  for (unsigned ctx = 0; ctx < 8; ++ctx) {
    INFO("context " << ctx);
    b.cpu.write32(enable(ctx), 1u << 1);
    b.disk0.set(true);
    CHECK(b.lines() == Bench4::only(ctx));
    CHECK(b.cpu.read32(claim(ctx)) == 1);
    CHECK(b.lines() == std::vector<bool>(8, false));
    b.cpu.write32(claim(ctx), 1);
    b.cpu.write32(enable(ctx), 0);
  }
}

TEST_CASE("plic with 4 harts: each context claims, completes and masks by its own registers",
          "[plic]")
{
  test::reset_globals();
  Bench4 b;
  constexpr unsigned kHart1S = 3, kHart3M = 6;
  b.cpu.write32(prio(1), 2);
  b.cpu.write32(prio(10), 4);
  b.cpu.write32(enable(kHart1S), 1u << 1);
  b.cpu.write32(enable(kHart3M), (1u << 1) | (1u << 10));
  b.cpu.write32(threshold(kHart3M), 3);  // hart 3 takes only the UART
  b.disk0.set(true);
  CHECK(b.lines() == Bench4::only(kHart1S));
  b.uart.set(true);
  CHECK(b.harts[3].line(cpu::irq::kMEI));
  CHECK(b.cpu.read32(threshold(kHart3M)) == 3);
  CHECK(b.cpu.read32(threshold(kHart1S)) == 0);
  CHECK(b.cpu.read32(claim(kHart3M)) == 10);
  CHECK(b.cpu.read32(claim(kHart1S)) == 1);
  CHECK(b.lines() == std::vector<bool>(8, false));

  b.uart.set(true);                   // latched in service (qemu gateway)
  b.cpu.write32(claim(kHart1S), 10);  // not enabled in hart 1's S context: ignored
  CHECK_FALSE(b.harts[3].line(cpu::irq::kMEI));
  b.cpu.write32(claim(kHart3M), 10);
  CHECK(b.lines() == Bench4::only(kHart3M));
  CHECK(b.cpu.read32(claim(kHart3M)) == 10);
}

TEST_CASE("plic with 4 harts: a source enabled for two harts is claimed by one of them", "[plic]")
{
  test::reset_globals();
  Bench4 b;
  b.cpu.write32(prio(10), 1);
  b.cpu.write32(enable(0 * 2 + kM), 1u << 10);
  b.cpu.write32(enable(1 * 2 + kM), 1u << 10);
  b.uart.set(true);
  CHECK(b.lines() == std::vector<bool>{true, false, true, false, false, false, false, false});
  CHECK(b.cpu.read32(claim(1 * 2 + kM)) == 10);
  CHECK(b.lines() == std::vector<bool>(8, false));
  CHECK(b.cpu.read32(claim(0 * 2 + kM)) == 0);  // hart 0 lost the race
  b.cpu.write32(claim(1 * 2 + kM), 10);
  CHECK(b.lines() == std::vector<bool>(8, false));
}

TEST_CASE("plic with 4 harts: contexts 8 and up read 0 and ignore writes", "[plic]")
{
  test::reset_globals();
  Bench4 b;
  b.cpu.write32(prio(10), 1);
  b.uart.set(true);
  for (unsigned ctx : {8u, 9u, Plic::kContexts - 1, Plic::kContexts, 100u}) {
    INFO("context " << ctx);
    b.cpu.write32(enable(ctx), 0xffff'ffff);
    CHECK(b.cpu.last_status == tlm::TLM_OK_RESPONSE);
    CHECK(b.cpu.read32(enable(ctx)) == 0);
    b.cpu.write32(threshold(ctx), 0);
    CHECK(b.cpu.read32(threshold(ctx)) == 0);
    CHECK(b.cpu.read32(claim(ctx)) == 0);
  }
  CHECK(b.lines() == std::vector<bool>(8, false));
  CHECK(b.cpu.read32(Plic::kPending) == 1u << 10);  // nobody claimed it
}

TEST_CASE("plic checkpoint: one hart keeps two contexts' values", "[plic]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(enable(kS), 1u << 10);
  b.cpu.write32(threshold(kM), 5);
  nlohmann::json saved;
  b.plic.save_state(saved);
  CHECK(saved["enable"] == nlohmann::json{0, 1u << 10});
  CHECK(saved["threshold"] == nlohmann::json{5, 0});
  CHECK(saved["out"] == nlohmann::json{false, false});

  nlohmann::json four = saved;
  four["enable"] = std::vector<uint32_t>(8, 0);
  four["threshold"] = std::vector<uint32_t>(8, 0);
  four["out"] = std::vector<bool>(8, false);
  CHECK_THROWS_WITH(b.plic.restore_state(common::StateIn(four, "checkpoint 'ck': plic")),
                    "checkpoint 'ck': plic.enable holds the 8 contexts of 4 harts, this machine "
                    "has 2 (1 hart): restore with cpu.harts=4");
}

TEST_CASE("plic checkpoint with 4 harts: every context comes back, one hart's state is refused",
          "[plic]")
{
  test::reset_globals();
  Bench4 b;
  b.cpu.write32(prio(1), 1);
  b.cpu.write32(prio(10), 1);
  b.cpu.write32(enable(5), 1u << 1);
  b.cpu.write32(enable(6), 1u << 10);
  b.cpu.write32(threshold(7), 4);
  b.disk0.set(true);
  b.uart.set(true);
  REQUIRE(b.cpu.read32(claim(6)) == 10);
  nlohmann::json saved;
  b.plic.save_state(saved);
  CHECK(saved["enable"] == nlohmann::json{0, 0, 0, 0, 0, 1u << 1, 1u << 10, 0});
  CHECK(saved["threshold"] == nlohmann::json{0, 0, 0, 0, 0, 0, 0, 4});
  CHECK(saved["out"] == nlohmann::json{false, false, false, false, false, true, false, false});

  b.cpu.write32(claim(6), 10);
  REQUIRE(b.cpu.read32(claim(5)) == 1);
  b.cpu.write32(enable(5), 0);
  b.cpu.write32(threshold(7), 0);
  b.plic.restore_state(common::StateIn(saved, "plic"));
  CHECK(b.cpu.read32(enable(5)) == 1u << 1);
  CHECK(b.cpu.read32(enable(6)) == 1u << 10);
  CHECK(b.cpu.read32(threshold(7)) == 4);
  CHECK(b.cpu.read32(Plic::kPending) == 1u << 1);
  nlohmann::json again;
  b.plic.save_state(again);
  CHECK(again == saved);
  CHECK(b.cpu.read32(claim(5)) == 1);
  b.cpu.write32(claim(6), 10);  // the completion of the claim made before the save
  CHECK(b.cpu.read32(Plic::kPending) == 0);

  nlohmann::json one = saved;
  one["enable"] = {0, 0};
  one["threshold"] = {0, 0};
  one["out"] = {false, false};
  CHECK_THROWS_WITH(b.plic.restore_state(common::StateIn(one, "checkpoint 'ck': plic")),
                    "checkpoint 'ck': plic.enable holds the 2 contexts of 1 hart, this machine "
                    "has 8 (4 harts): restore with cpu.harts=1");
  CHECK(b.cpu.read32(Plic::kPending) == 0);  // a refused state changes nothing
}
