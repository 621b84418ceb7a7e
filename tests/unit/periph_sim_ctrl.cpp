// periph::SimCtrl: the registers firmware sees, names built byte by byte, and the commands'
// effects on snapshots, checkpoint requests and the run's end.
#include <catch2/catch.hpp>

#include <sstream>

#include "models/periph/sim_ctrl.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using namespace sc_core;
using periph::SimCtrl;

namespace {

struct Bench {
  test::TestInitiator cpu{"cpu"};
  SimCtrl simctl{"simctl"};
  common::Counter& work = common::stats().counter("test.work", "work done by the test");
  uint64_t progress = 0;

  Bench()
  {
    cpu.isock.bind(simctl.tsock);
    simctl.set_progress_source([this] { return progress; });
    test::elaborate();
  }
  void name(const std::string& text)
  {
    for (char c : text) cpu.write8(SimCtrl::kName, uint8_t(c));
  }
  void command(uint32_t cmd) { cpu.write32(SimCtrl::kCmd, cmd); }
  uint64_t counter(const std::string& n) const { return common::stats().find_counter(n)->value(); }
};

}  // namespace

TEST_CASE("sim-control identifies itself and counts snapshots", "[simctl]")
{
  test::reset_globals();
  Bench b;
  CHECK(b.cpu.read32(SimCtrl::kMagic) == 0x4353'4d56);
  CHECK(b.cpu.read32(SimCtrl::kVersion) == 1);
  CHECK(b.cpu.read32(SimCtrl::kCount) == 0);
  b.cpu.write32(SimCtrl::kArg, 0xdeadbeef);
  CHECK(b.cpu.read32(SimCtrl::kArg) == 0xdeadbeef);
  b.command(SimCtrl::kSnapshot);
  b.command(SimCtrl::kSnapshot);
  CHECK(b.cpu.read32(SimCtrl::kCount) == 2);
  CHECK(b.counter("simctl.commands.snapshot") == 2);
}

TEST_CASE("sim-control rejects accesses it does not have", "[simctl]")
{
  test::reset_globals();
  Bench b;
  b.cpu.read(SimCtrl::kMagic, 1);
  CHECK(b.cpu.last_status == tlm::TLM_BURST_ERROR_RESPONSE);
  b.cpu.write(SimCtrl::kCmd, 2, SimCtrl::kSnapshot);
  CHECK(b.cpu.last_status == tlm::TLM_BURST_ERROR_RESPONSE);
  b.cpu.read64(SimCtrl::kMagic);
  CHECK(b.cpu.last_status == tlm::TLM_BURST_ERROR_RESPONSE);
  b.cpu.read32(SimCtrl::kMagic + 2);
  CHECK(b.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  b.cpu.read32(0x18);
  CHECK(b.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  b.cpu.read32(SimCtrl::kCmd);
  CHECK(b.cpu.last_status == tlm::TLM_COMMAND_ERROR_RESPONSE);
  b.cpu.write32(SimCtrl::kMagic, 0);
  CHECK(b.cpu.last_status == tlm::TLM_COMMAND_ERROR_RESPONSE);
  b.cpu.write32(SimCtrl::kCount, 0);
  CHECK(b.cpu.last_status == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(b.simctl.snapshots().empty());
  // A debugger reads the registers but issues no command.
  uint8_t cmd[4] = {SimCtrl::kSnapshot, 0, 0, 0};
  CHECK(b.cpu.debug(tlm::TLM_WRITE_COMMAND, SimCtrl::kCmd, cmd, 4) == 0);
  uint8_t magic[4] = {};
  CHECK(b.cpu.debug(tlm::TLM_READ_COMMAND, SimCtrl::kMagic, magic, 4) == 4);
  CHECK(magic[0] == 'V');
  CHECK(b.simctl.snapshots().empty());
}

TEST_CASE("sim-control builds names from bytes, drops what does not fit, numbers empty ones",
          "[simctl]")
{
  test::reset_globals();
  Bench b;
  b.name("loop");
  b.cpu.write8(SimCtrl::kName, '\n');         // not printable: dropped
  b.cpu.write(SimCtrl::kName, 2, 0x2d41);     // "A-" in one 16-bit store
  b.cpu.write32(SimCtrl::kName, 0x00003231);  // "12", zero-padded
  b.command(SimCtrl::kSnapshot);
  b.command(SimCtrl::kSnapshot);  // the name was consumed: unnamed
  b.name(std::string(70, 'x'));
  b.command(SimCtrl::kSnapshot);
  b.command(SimCtrl::kResetStats);  // consumes a number too
  b.command(SimCtrl::kSnapshot);
  const auto& s = b.simctl.snapshots();
  REQUIRE(s.size() == 4);
  CHECK(s[0].name == "loopA-12");
  CHECK(s[1].name == "roi0");
  CHECK(s[2].name == std::string(63, 'x'));
  CHECK(s[3].name == "roi2");
  CHECK(b.counter("simctl.name_dropped") == 1 + 7);
}

TEST_CASE("sim-control snapshots hold what happened since the last RESET_STATS, or since the start",
          "[simctl]")
{
  test::reset_globals();
  Bench b;
  b.work += 5;
  b.progress = 100;
  b.name("whole");
  b.command(SimCtrl::kSnapshot);  // no reset yet: the whole run
  b.work += 7;
  b.command(SimCtrl::kResetStats);
  b.work += 3;
  b.progress = 250;
  b.name("first");
  b.command(SimCtrl::kSnapshot);
  b.work += 2;
  b.name("second");
  b.cpu.write(SimCtrl::kCmd, 4, SimCtrl::kSnapshot, sc_time(40, SC_NS));
  const auto& s = b.simctl.snapshots();
  REQUIRE(s.size() == 3);
  CHECK(s[0].stats["test.work"] == 5);
  CHECK(s[0].instret == 100);
  CHECK(s[1].stats["test.work"] == 3);
  CHECK(s[1].instret == 250);
  CHECK(s[2].stats["test.work"] == 5);  // a snapshot does not move the baseline
  CHECK(s[2].time_ns == 40);
  // The device's own commands are statistics too: the reset's is in the baseline.
  CHECK(s[1].stats["simctl.commands.snapshot"] == 0);
  CHECK(s[2].stats["simctl.commands.snapshot"] == 1);

  const nlohmann::json j = b.simctl.snapshots_json();
  REQUIRE(j.size() == 3);
  CHECK(j[1]["name"] == "first");
  CHECK(j[1]["instret"] == 250);
  CHECK(j[1]["stats"]["test.work"] == 3);
  std::ostringstream summary;
  b.simctl.write_summary(summary);
  CHECK_THAT(summary.str(), Catch::Contains("snapshot first: instret 250"));
}

TEST_CASE("sim-control CHECKPOINT asks for a named checkpoint, END stops with ARG, others count",
          "[simctl]")
{
  test::reset_globals();
  Bench b;
  b.command(7);
  b.command(0);
  CHECK(b.counter("simctl.bad_commands") == 2);
  CHECK_FALSE(common::sim().checkpoint_requested());
  b.name("booted");
  b.command(SimCtrl::kCheckpoint);
  CHECK(common::sim().checkpoint_requested());
  CHECK(common::sim().checkpoint_name() == "booted");
  CHECK_FALSE(common::sim().stop_requested());
  b.cpu.write32(SimCtrl::kArg, 42);
  b.command(SimCtrl::kEnd);
  REQUIRE(common::sim().stop_requested());
  CHECK(common::sim().exit_code() == 42);
  CHECK_THAT(common::sim().reason(), Catch::Contains("sim-control"));
  CHECK(b.counter("simctl.commands.end") == 1);
  CHECK(b.simctl.snapshots().empty());
}

TEST_CASE("sim-control's guest-visible state survives a checkpoint", "[simctl]")
{
  test::reset_globals();
  Bench b;
  b.command(SimCtrl::kSnapshot);
  b.command(SimCtrl::kSnapshot);  // roi0, roi1
  b.cpu.write32(SimCtrl::kArg, 7);
  b.name("ab");
  nlohmann::json saved;
  b.simctl.save_state(saved);
  b.cpu.write32(SimCtrl::kArg, 9);
  b.name("c");
  b.command(SimCtrl::kSnapshot);  // "abc"
  b.command(SimCtrl::kSnapshot);  // roi2
  b.simctl.restore_state(common::StateIn(saved, "state"));
  CHECK(b.cpu.read32(SimCtrl::kArg) == 7);
  CHECK(b.cpu.read32(SimCtrl::kCount) == 2);  // COUNT goes on across the restore
  CHECK(b.simctl.snapshots().empty());        // snapshots are this run's statistics
  b.command(SimCtrl::kSnapshot);
  b.command(SimCtrl::kSnapshot);
  REQUIRE(b.simctl.snapshots().size() == 2);
  CHECK(b.simctl.snapshots()[0].name == "ab");    // the pending name, not "abc"
  CHECK(b.simctl.snapshots()[1].name == "roi2");  // unnamed ones go on counting
  CHECK(b.cpu.read32(SimCtrl::kCount) == 4);
}
