// Fuzz harness: the configuration tree (models/common/config.cpp) and every module's
// validation of its keys, as vmplat sees them: a JSON file (--config) and --set
// assignments, then the whole virt platform built from them.
//
// Input: the JSON file's text up to the first NUL byte (none when that part is empty),
// then one --set assignment per line.
// Properties: loading, setting and building either succeed or throw a common::UserError
// of one line (never another exception, a crash, a sanitizer report or a hang); and a
// configuration that builds round-trips: the effective configuration (what --stats
// writes under "config"), loaded back as a configuration file, builds the same platform
// with the same effective configuration.
//
// Keys whose values are host paths (trace and waveform files, the console, the disk
// image) are given values inside the harness's scratch directory, or paths that cannot
// be opened, chosen by the input: a fuzz input never names a real file.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/common/config.h"
#include "models/common/log.h"
#include "models/common/sim.h"
#include "models/common/stats.h"
#include "platforms/virt/platform.h"
#include "tests/fuzz/fuzz_util.h"

using namespace vmplat;
using fuzz::fail;

namespace {

void reset_globals()
{
  common::config().reset();
  common::stats().reset();
  common::sim().reset();
}

struct PathKey {
  const char* key;
  std::vector<std::string> values;  // "@name": that file in the scratch directory
};

const std::vector<PathKey>& path_keys()
{
  static const std::vector<PathKey> keys = {
      {"cpu.trace", {"", "@trace.log", "/nonexistent/trace.log"}},
      {"mmu.trace.file", {"", "@mmu.trace", "/nonexistent/mmu.trace"}},
      {"waves.file", {"", "@waves.vcd", "/nonexistent/waves.vcd"}},
      {"uart.output", {"/dev/null", "/nonexistent/console.txt"}},
      {"uart.input", {"none", "@console.in", "/nonexistent/console.in"}},
      {"disk.image", {"@disk.img", "@odd.img", "@", "/nonexistent/disk.img"}},
  };
  return keys;
}

const std::string& scratch()
{
  static const std::string dir = [] {
    fuzz::write_file("disk.img", std::string(8192, '\0'));
    fuzz::write_file("odd.img", std::string(1000, '\0'));
    fuzz::write_file("console.in", "typed\n");
    return fuzz::scratch_dir();
  }();
  return dir;
}

// The user never gets to name a host path here (see the header).
void confine_paths(uint8_t pick)
{
  auto& cfg = common::config();
  for (const PathKey& k : path_keys()) {
    if (!cfg.is_set(k.key))
      continue;
    std::string v = k.values[pick % k.values.size()];
    if (!v.empty() && v[0] == '@')
      v = scratch() + "/" + v.substr(1);
    cfg.set(k.key, v, "fuzz");
  }
  // A terminal on standard input would be put in raw mode.
  if (!cfg.is_set("uart.input"))
    cfg.set("uart.input", "none", "fuzz");
}

nlohmann::json build()
{
  virt::Platform platform;
  common::config().check_all_used();
  return common::config().effective();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  static const bool init = [] {
    common::install_report_handler("error");
    return true;
  }();
  (void)init;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t nul = text.find('\0');
  const std::string json = text.substr(0, nul);
  std::vector<std::string> sets;
  if (nul != std::string::npos) {
    size_t at = nul + 1;
    while (at <= text.size()) {
      const size_t end = std::min(text.find('\n', at), text.size());
      if (end > at)
        sets.push_back(text.substr(at, end - at));
      at = end + 1;
    }
  }
  const uint8_t pick = size ? data[size - 1] : 0;

  fuzz::QuietCerr quiet;
  reset_globals();
  nlohmann::json effective;
  try {
    auto& cfg = common::config();
    if (!json.empty())
      cfg.load_json_file(fuzz::write_file("config.json", json));
    for (const std::string& s : sets) cfg.set(s, "--set");
    confine_paths(pick);
    effective = build();
  } catch (const common::UserError& e) {
    fuzz::check_user_error(e);
    return 0;
  }

  // The effective configuration reproduces itself.
  reset_globals();
  try {
    common::config().load_json_file(fuzz::write_file("effective.json", effective.dump(2)));
    const nlohmann::json again = build();
    if (again != effective)
      fail("the effective configuration, loaded back, gives another one:\n" + effective.dump() +
           "\n" + again.dump());
  } catch (const common::UserError& e) {
    fail(std::string("the effective configuration does not load back: ") + e.what());
  }
  return 0;
}
