// periph::Finisher: the values firmware writes become the run's exit code and stop it.
#include <catch2/catch.hpp>

#include "models/periph/finisher.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using namespace sc_core;
using periph::Finisher;

namespace {

struct Bench {
  test::TestInitiator cpu{"cpu"};
  Finisher finisher{"finisher"};

  Bench()
  {
    cpu.isock.bind(finisher.tsock);
    test::elaborate();
  }
};

// Writes `value` to the finisher at 10 us of simulated time, from a process.
class LateWriter : public sc_module {
 public:
  SC_HAS_PROCESS(LateWriter);
  LateWriter(sc_module_name name, test::TestInitiator& cpu, uint32_t value)
      : sc_module(name), m_cpu(cpu), m_value(value)
  {
    SC_THREAD(run);
  }

 private:
  void run()
  {
    wait(10, SC_US);
    m_cpu.write32(0, m_value);
    wait(10, SC_US);
    m_cpu.write32(0, 0x3333);  // never reached when the first write stopped the run
  }
  test::TestInitiator& m_cpu;
  uint32_t m_value;
};

}  // namespace

TEST_CASE("finisher 0x5555 passes with exit code 0 and stops the simulation", "[finisher]")
{
  test::reset_globals();
  test::TestInitiator cpu("cpu");
  Finisher finisher("finisher");
  cpu.isock.bind(finisher.tsock);
  LateWriter writer("writer", cpu, Finisher::kPass);
  sc_start(1, SC_MS);
  CHECK(sc_time_stamp() == sc_time(10, SC_US));
  REQUIRE(common::sim().stop_requested());
  CHECK(common::sim().exit_code() == 0);
  CHECK(common::sim().reason() == "finisher: pass");
}

TEST_CASE("finisher (code << 16) | 0x3333 fails with that exit code", "[finisher]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(0, (42u << 16) | Finisher::kFail);
  CHECK(b.cpu.last_status == tlm::TLM_OK_RESPONSE);
  REQUIRE(common::sim().stop_requested());
  CHECK(common::sim().exit_code() == 42);
}

TEST_CASE("finisher fail with code 0 exits 1, never 0", "[finisher]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(0, Finisher::kFail);
  REQUIRE(common::sim().stop_requested());
  CHECK(common::sim().exit_code() == 1);
}

TEST_CASE("finisher reboot request stops with exit code 93 and says a reboot was requested",
          "[finisher]")
{
  test::reset_globals();
  Bench b;
  b.cpu.write32(0, Finisher::kReset);
  REQUIRE(common::sim().stop_requested());
  CHECK(common::sim().exit_code() == 93);
  CHECK_THAT(common::sim().reason(), Catch::Contains("requested a reboot"));
}

TEST_CASE("finisher ignores other values, other offsets and reads", "[finisher]")
{
  test::reset_globals();
  Bench b;
  sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
  b.cpu.write32(0, 0x1234);
  b.cpu.write32(4, Finisher::kPass);
  CHECK(b.cpu.read32(0) == 0);
  CHECK_FALSE(common::sim().stop_requested());
  b.cpu.write8(0, 0x55);
  CHECK(b.cpu.last_status == tlm::TLM_BURST_ERROR_RESPONSE);
  CHECK_FALSE(common::sim().stop_requested());
  b.cpu.write(0, 2, Finisher::kPass);  // a 16-bit write works as on QEMU
  CHECK(common::sim().stop_requested());
  CHECK(common::sim().exit_code() == 0);
}
