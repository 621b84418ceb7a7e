// bus::Router: decode to target-local addresses, holes and range ends as address errors,
// DMI translation and clipping, invalidation fan-out, debug transport.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "models/bus/router.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using test::TestInitiator;

namespace {

constexpr uint64_t kRamBase = 0x8000'0000;
constexpr uint64_t kDevBase = 0x1000'0000;

// Binds `ram` first and `dev` second, but maps them in that order with the higher address
// first, so the test also checks that the i-th map() describes the i-th binding.
struct Bench {
  TestInitiator cpu{"cpu"};
  TestInitiator dma{"dma"};
  bus::Router bus{"bus"};
  test::Memory ram{"ram", 0x1000};
  test::Memory dev{"dev", 0x100};

  Bench()
  {
    cpu.isock.bind(bus.tsock);
    dma.isock.bind(bus.tsock);
    bus.isock.bind(ram.tsock);
    bus.map(kRamBase, 0x1000, "ram");
    bus.isock.bind(dev.tsock);
    bus.map(kDevBase, 0x100, "dev");
  }
};

uint64_t decode_errors()
{
  return common::stats().find_counter("bus.decode_errors")->value();
}

}  // namespace

TEST_CASE("router forwards target-local addresses and restores the global one", "[bus]")
{
  test::reset_globals();
  Bench b;
  test::elaborate();

  b.cpu.write32(kRamBase + 0x40, 0xdeadbeef);
  CHECK(b.cpu.last_status == tlm::TLM_OK_RESPONSE);
  CHECK(b.ram.last_addr == 0x40);
  CHECK(b.cpu.last_address_after == kRamBase + 0x40);
  CHECK(b.ram.mem[0x40] == 0xef);
  CHECK(b.cpu.read32(kRamBase + 0x40) == 0xdeadbeef);

  b.dma.write8(kDevBase + 0xff, 0x5a);
  CHECK(b.dma.last_status == tlm::TLM_OK_RESPONSE);
  CHECK(b.dev.last_addr == 0xff);
  CHECK(b.dev.mem[0xff] == 0x5a);
  CHECK(b.ram.calls == 2);
  CHECK(b.bus.ranges().front().name == "dev");
  CHECK(decode_errors() == 0);
}

TEST_CASE("router answers holes and range-crossing accesses with an address error", "[bus]")
{
  test::reset_globals();
  Bench b;
  test::elaborate();

  b.cpu.read32(0x0);
  CHECK(b.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  b.cpu.write32(kDevBase + 0x100, 1);  // first byte past dev
  CHECK(b.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  b.cpu.read64(kRamBase + 0xffc);  // starts inside ram, ends 4 bytes past it
  CHECK(b.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  b.cpu.read64(0xffff'ffff'ffff'fffcull);  // would wrap around the address space
  CHECK(b.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(b.cpu.last_address_after == 0xffff'ffff'ffff'fffcull);
  CHECK(b.ram.calls == 0);
  CHECK(b.dev.calls == 0);
  CHECK(decode_errors() == 4);

  b.cpu.read64(kRamBase + 0xff8);  // the last 8 bytes are fine
  CHECK(b.cpu.last_status == tlm::TLM_OK_RESPONSE);
}

TEST_CASE("router rejects overlapping and empty ranges", "[bus]")
{
  test::reset_globals();
  bus::Router bus("bus");
  bus.map(0x1000, 0x1000, "a");
  CHECK_THROWS_AS(bus.map(0x1fff, 0x10, "b"), std::logic_error);
  CHECK_THROWS_AS(bus.map(0x0, 0x1001, "c"), std::logic_error);
  CHECK_THROWS_AS(bus.map(0x800, 0x2000, "d"), std::logic_error);
  CHECK_THROWS_AS(bus.map(0x3000, 0, "e"), std::logic_error);
  CHECK_THROWS_AS(bus.map(0xffff'ffff'ffff'f000ull, 0x2000, "f"), std::logic_error);
  CHECK_NOTHROW(bus.map(0x2000, 0x1000, "adjacent"));
  CHECK_NOTHROW(bus.map(0x0, 0x1000, "below"));
  CHECK(bus.ranges().size() == 3);
}

TEST_CASE("router debug transport reaches the target and reports holes", "[bus]")
{
  test::reset_globals();
  Bench b;
  test::elaborate();

  uint8_t data[4] = {1, 2, 3, 4};
  CHECK(b.cpu.debug(tlm::TLM_WRITE_COMMAND, kRamBase + 0x10, data, 4) == 4);
  CHECK(b.ram.last_addr == 0x10);
  CHECK(b.ram.mem[0x13] == 4);
  CHECK(b.cpu.last_address_after == kRamBase + 0x10);
  CHECK(b.cpu.debug(tlm::TLM_READ_COMMAND, 0x4000'0000, data, 4) == 0);
  CHECK(b.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("router translates DMI ranges to global addresses and clips them", "[bus]")
{
  test::reset_globals();
  Bench b;
  b.dev.dmi_end = ~0ull;  // a target describing more than it is mapped with
  test::elaborate();

  tlm::tlm_dmi dmi;
  REQUIRE(b.cpu.get_dmi(kRamBase + 0x123, dmi));
  CHECK(b.ram.last_addr == 0x123);
  CHECK(b.cpu.last_address_after == kRamBase + 0x123);
  CHECK(dmi.get_start_address() == kRamBase);
  CHECK(dmi.get_end_address() == kRamBase + 0xfff);
  CHECK(dmi.get_dmi_ptr() == b.ram.mem.data());

  REQUIRE(b.cpu.get_dmi(kDevBase, dmi));
  CHECK(dmi.get_start_address() == kDevBase);
  CHECK(dmi.get_end_address() == kDevBase + 0xff);

  // A hole: denied over the whole gap between dev and ram.
  CHECK_FALSE(b.cpu.get_dmi(0x2000'0000, dmi));
  CHECK_FALSE(dmi.is_read_allowed());
  CHECK(dmi.get_start_address() == kDevBase + 0x100);
  CHECK(dmi.get_end_address() == kRamBase - 1);
}

TEST_CASE("router forwards DMI invalidations to every initiator in global addresses", "[bus]")
{
  test::reset_globals();
  Bench b;
  test::elaborate();

  b.ram.invalidate(0x100, 0x1ff);
  b.dev.invalidate(0, ~0ull);
  using Span = std::pair<uint64_t, uint64_t>;
  std::vector<Span> expect{{kRamBase + 0x100, kRamBase + 0x1ff}, {kDevBase, kDevBase + 0xff}};
  CHECK(b.cpu.invalidations == expect);
  CHECK(b.dma.invalidations == expect);
}

TEST_CASE("router refuses to elaborate when bindings and map() calls disagree", "[bus]")
{
  test::reset_globals();
  TestInitiator cpu("cpu");
  bus::Router bus("bus");
  test::Memory ram("ram", 0x100);
  test::Memory rom("rom", 0x100);
  cpu.isock.bind(bus.tsock);
  bus.isock.bind(ram.tsock);
  bus.map(0x0, 0x100, "ram");
  bus.isock.bind(rom.tsock);  // no map() for this one
  CHECK_THROWS_WITH(test::elaborate(),
                    Catch::Contains("2 targets bound") && Catch::Contains("1 ranges mapped"));
}
