// common::WaveRecorder: changes drawn at the time they were made (ahead of SystemC time),
// model order kept per signal, predictions that never extend a run, and what SystemC did
// not reach written by finish(); read back from the VCD file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "models/common/wave_recorder.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using namespace sc_core;
using common::WaveRecorder;

namespace {

std::string temp_vcd(const std::string& name)
{
  return (std::filesystem::temp_directory_path() / ("vmplat_wave_" + name + ".vcd")).string();
}

struct Vcd {
  std::vector<std::pair<uint64_t, uint64_t>> changes;  // (time in ps, value) of one signal
  uint64_t last_stamp = 0;
};

// The changes of the signal whose leaf name is `leaf` (unique in these tests), after the
// initial values.
Vcd read_vcd(const std::string& path, const std::string& leaf)
{
  std::ifstream in(path);
  std::string line, id;
  Vcd v;
  bool body = false;
  uint64_t t = 0;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string w;
    if (!(words >> w))
      continue;
    if (!body) {
      std::string type, width, code, name;
      if (w == "$var" && (words >> type >> width >> code >> name) && name == leaf)
        id = code;
      body = w == "$enddefinitions";
    } else if (w[0] == '#') {
      t = v.last_stamp = std::stoull(w.substr(1));
    } else if (w[0] == 'b') {
      std::string code;
      words >> code;
      if (code == id && t > 0)
        v.changes.push_back({t, std::stoull(w.substr(1), nullptr, 2)});
    } else if ((w[0] == '0' || w[0] == '1') && w.substr(1) == id && t > 0) {
      v.changes.push_back({t, uint64_t(w[0] - '0')});
    }
  }
  return v;
}

WaveRecorder::Clock systemc_time()
{
  return [] { return sc_time_stamp(); };
}

using Changes = std::vector<std::pair<uint64_t, uint64_t>>;

}  // namespace

TEST_CASE("wave recorder draws a change at its time, ahead of SystemC time", "[waves]")
{
  test::reset_globals();
  const std::string path = temp_vcd("ahead");
  WaveRecorder w("waves", path, systemc_time());
  const unsigned s = w.add("cpu.priv", 2, 3);
  test::elaborate();
  w.set(s, 1, sc_time(250, SC_NS));
  w.set(s, 0, sc_time(700, SC_NS));
  sc_start(1, SC_US);
  w.finish(sc_time_stamp());
  const Vcd v = read_vcd(path, "priv");
  CHECK(v.changes == Changes{{250000, 1}, {700000, 0}});
  CHECK(v.last_stamp == 1000000);
}

TEST_CASE("wave recorder keeps model order when a change comes in earlier than the last",
          "[waves]")
{
  test::reset_globals();
  const std::string path = temp_vcd("order");
  WaveRecorder w("waves", path, systemc_time());
  const unsigned s = w.add("plic.context.s", 2, 0);
  test::elaborate();
  w.set(s, 1, sc_time(500, SC_NS));
  // A device at 200 ns after the hart's change at 500 ns: drawn at 500 ns, and it wins.
  w.set(s, 2, sc_time(200, SC_NS));
  CHECK(w.value(s) == 2);
  sc_start(1, SC_US);
  w.finish(sc_time_stamp());
  CHECK(read_vcd(path, "s").changes == Changes{{500000, 2}});
}

TEST_CASE("wave recorder applies a prediction at its time, and a withdrawn one never wakes",
          "[waves]")
{
  test::reset_globals();
  const std::string path = temp_vcd("predict");
  WaveRecorder w("waves", path, systemc_time());
  const unsigned kept = w.add("cpu.mip.mtip", 1, 0);
  const unsigned withdrawn = w.add("cpu.mip.stip", 1, 0);
  test::elaborate();
  w.predict(withdrawn, 1, sc_time(50, SC_US));
  w.predict(kept, 1, sc_time(10, SC_US));
  w.retract(withdrawn);
  // No time limit: the run ends when nothing is pending, which must be the kept prediction.
  sc_start();
  CHECK(sc_time_stamp() == sc_time(10, SC_US));
  CHECK(w.value(kept) == 1);
  w.predict(withdrawn, 1, sc_time(30, SC_US));
  w.retract(withdrawn);
  sc_start();
  CHECK(sc_time_stamp() == sc_time(10, SC_US));
  w.finish(sc_time_stamp());
  CHECK(read_vcd(path, "mtip").changes == Changes{{10000000, 1}});
  CHECK(read_vcd(path, "stip").changes.empty());
}

TEST_CASE("wave recorder finish writes the changes SystemC did not reach and ends at the end",
          "[waves]")
{
  test::reset_globals();
  const std::string path = temp_vcd("tail");
  WaveRecorder w("waves", path, systemc_time());
  const unsigned s = w.add("cpu.stimecmp", 64, 0);
  const unsigned p = w.add("cpu.mip.stip", 1, 0);
  test::elaborate();
  w.set(s, 7, sc_time(100, SC_NS));
  sc_start(100, SC_NS);  // the change at 100 ns is applied but never traced by SystemC
  w.set(s, 0x1234, sc_time(300, SC_NS));
  w.set(s, 9, sc_time(400, SC_NS));
  w.predict(p, 1, sc_time(450, SC_NS));
  w.finish(sc_time(500, SC_NS));
  const Vcd v = read_vcd(path, "stimecmp");
  CHECK(v.changes == Changes{{100000, 7}, {300000, 0x1234}, {400000, 9}});
  CHECK(read_vcd(path, "stip").changes == Changes{{450000, 1}});
  CHECK(v.last_stamp == 500000);
}

TEST_CASE("wave recorder rejects a path it cannot write, in one line naming the key",
          "[waves]")
{
  test::reset_globals();
  CHECK_THROWS_WITH(WaveRecorder("waves", "/nonexistent/dir/w.vcd", systemc_time()),
                    Catch::StartsWith("waves.file: cannot open '/nonexistent/dir/w.vcd'"));
  CHECK_THROWS_WITH(WaveRecorder("waves", temp_vcd("x") + ".txt", systemc_time()),
                    Catch::Contains("does not end in .vcd"));
}
