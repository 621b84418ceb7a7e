// Fuzz harness: restoring a checkpoint (platforms/virt/checkpoint.cpp, every model's
// restore_state, docs/checkpoints.md) from a directory a user hands to --restore.
//
// Input: state.json's text, a NUL, the manifest (see below), a NUL, then ram.z (see below).
//   manifest  empty: the harness's own, for a platform of 16 MiB RAM and a 1 MiB disk; JSON:
//             a merge patch (RFC 7396) onto it; anything else: manifest.json's whole text.
//             Unless the patch sets "files", the sizes and CRC-32s of state.json, ram.z and
//             disk.z (an empty disk's) are made right, so inputs get past the CRC checks to
//             the state itself.
//   ram.z     empty: RAM all zero; otherwise page records [index (u64 LE), 4096 bytes] that
//             the harness compresses (ram.pages becomes their number unless the patch sets
//             "ram"), or, when the input's last byte is odd, the file's bytes as they are.
// Properties: reading the manifest, taking over its configuration, building the platform
// and restoring either succeed or throw a common::UserError of one line (never another
// exception, a crash, a sanitizer report or a hang). A restore that succeeds keeps what it
// accepted: the restored models save exactly the values the input gave (unless a structure
// of another geometry started cold), so no value is silently truncated, masked or dropped;
// the models refuse what they cannot hold (docs/checkpoints.md). And it round-trips: the
// checkpoint the restored platform writes restores into a new platform, which writes the
// same state.json, ram.z and disk.z again.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/common/config.h"
#include "models/common/log.h"
#include "models/common/sim.h"
#include "models/common/stats.h"
#include "platforms/virt/checkpoint.h"
#include "platforms/virt/platform.h"
#include "tests/fuzz/fuzz_util.h"

using namespace vmplat;
using fuzz::fail;
namespace fs = std::filesystem;

namespace {

constexpr const char* kVersion = "fuzz";

void reset_globals()
{
  common::config().reset();
  common::stats().reset();
  common::sim().reset();
}

std::string read_text(const fs::path& path)
{
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Settings a user would give on the command line: no terminal, no console file.
void run_control()
{
  auto& cfg = common::config();
  cfg.set("uart.input", "none", "fuzz");
  cfg.set("uart.output", "/dev/null", "fuzz");
}

// What `vmplat --restore DIR` does up to the first instruction (platforms/virt/main.cpp),
// then writes the restored machine as a checkpoint to `out`. Returns the structures left cold.
std::vector<std::string> restore_and_write(const std::string& dir, const std::string& out)
{
  reset_globals();
  const virt::CheckpointManifest m = virt::read_checkpoint_manifest(dir);
  virt::apply_checkpoint_config(m);
  run_control();
  virt::apply_checkpoint_disk(m);
  virt::Platform platform;
  virt::Checkpointer checkpointer(platform, kVersion);
  common::config().check_all_used();
  std::vector<std::string> cold = virt::restore_checkpoint(platform, m);
  checkpointer.write(out, "fuzz", true);
  return cold;
}

// The first place where `saved` (what the restored models wrote) is not what `given` (the
// input) holds: "" when every value saved is the one given. `given` may hold more (fields
// no model reads).
std::string first_difference(const nlohmann::json& given, const nlohmann::json& saved,
                             const std::string& path)
{
  if (saved.is_object()) {
    if (!given.is_object())
      return path;
    for (const auto& [key, value] : saved.items()) {
      if (!given.contains(key))
        return path + "." + key;
      const std::string d = first_difference(given[key], value, path + "." + key);
      if (!d.empty())
        return d;
    }
    return "";
  }
  if (saved.is_array()) {
    if (!given.is_array() || given.size() != saved.size())
      return path;
    for (size_t i = 0; i < saved.size(); ++i) {
      const std::string d = first_difference(given[i], saved[i], path + "[" + std::to_string(i) + "]");
      if (!d.empty())
        return d;
    }
    return "";
  }
  return given == saved ? "" : path + " (given " + given.dump() + ", saved " + saved.dump() + ")";
}

struct Base {
  nlohmann::json manifest;
  std::string ram;   // ram.z of an all-zero RAM
  std::string disk;  // disk.z of an all-zero 1 MiB disk
};

const Base& base()
{
  static const Base b = [] {
    reset_globals();
    auto& cfg = common::config();
    cfg.set("dram.size", "16M", "fuzz");
    cfg.set("disk.size", "1M", "fuzz");
    run_control();
    const std::string dir = fuzz::scratch_dir() + "/base";
    {
      virt::Platform platform;
      virt::Checkpointer checkpointer(platform, kVersion);
      cfg.check_all_used();
      checkpointer.write(dir, "base", true);
    }
    Base base;
    base.manifest = nlohmann::json::parse(read_text(fs::path(dir) / "manifest.json"));
    base.ram = read_text(fs::path(dir) / "ram.z");
    base.disk = read_text(fs::path(dir) / "disk.z");
    return base;
  }();
  return b;
}

std::string deflate_all(const std::string& data)
{
  uLongf len = compressBound(uLong(data.size()));
  std::string out(len, '\0');
  if (compress(reinterpret_cast<Bytef*>(out.data()), &len,
               reinterpret_cast<const Bytef*>(data.data()), uLong(data.size())) != Z_OK)
    fail("zlib cannot compress the input's pages");
  out.resize(len);
  return out;
}

void file_entry(nlohmann::json& manifest, const std::string& name, const std::string& data)
{
  manifest["files"][name] = {
      {"bytes", data.size()},
      {"crc32", uint32_t(crc32(0, reinterpret_cast<const Bytef*>(data.data()), uInt(data.size())))}};
}

bool same_file(const std::string& a, const std::string& b, const std::string& name)
{
  return read_text(fs::path(a) / name) == read_text(fs::path(b) / name);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  static const bool init = [] {
    common::install_report_handler("error");
    return true;
  }();
  (void)init;
  // FUZZ_CHECKPOINT_VERBOSE=1 says what became of each input (to see where seeds go).
  static const bool verbose = std::getenv("FUZZ_CHECKPOINT_VERBOSE") != nullptr;
  fuzz::QuietCerr quiet;
  const Base& b = base();

  const std::string text(reinterpret_cast<const char*>(data), size);
  const size_t nul1 = std::min(text.find('\0'), text.size());
  const size_t nul2 = std::min(text.find('\0', std::min(nul1 + 1, text.size())), text.size());
  const std::string state = text.substr(0, nul1);
  const std::string manifest_part = nul1 < size ? text.substr(nul1 + 1, nul2 - nul1 - 1) : "";
  const std::string ram_part = nul2 < size ? text.substr(nul2 + 1) : "";
  const bool raw_ram = size && (data[size - 1] & 1);

  const std::string dir = fuzz::scratch_dir() + "/in";
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  fuzz::write_file("in/state.json", state);

  std::string ram = b.ram;
  nlohmann::json manifest = b.manifest;
  nlohmann::json patch = nlohmann::json::parse(manifest_part, nullptr, false);
  const bool verbatim = !manifest_part.empty() && patch.is_discarded();
  if (!manifest_part.empty() && !verbatim)
    manifest.merge_patch(patch);
  if (!ram_part.empty()) {
    ram = raw_ram ? ram_part : deflate_all(ram_part);
    if (!raw_ram && !(patch.is_object() && patch.contains("ram")) && manifest["ram"].is_object())
      manifest["ram"]["pages"] = ram_part.size() / (8 + 4096);
  }
  fuzz::write_file("in/ram.z", ram);
  fuzz::write_file("in/disk.z", b.disk);
  if (!verbatim && !(patch.is_object() && patch.contains("files")) && manifest.is_object()) {
    file_entry(manifest, "state.json", state);
    file_entry(manifest, "ram.z", ram);
    file_entry(manifest, "disk.z", b.disk);
  }
  fuzz::write_file("in/manifest.json", verbatim ? manifest_part : manifest.dump(1));

  // The input's checkpoint: restored, or refused in one line.
  const std::string s1 = fuzz::scratch_dir() + "/s1", s2 = fuzz::scratch_dir() + "/s2";
  fs::remove_all(s1, ec);
  fs::remove_all(s2, ec);
  std::vector<std::string> cold;
  try {
    cold = restore_and_write(dir, s1);
  } catch (const common::UserError& e) {
    fuzz::check_user_error(e);
    if (verbose)
      std::fprintf(stderr, "fuzz_checkpoint: refused: %s\n", e.what());
    return 0;
  } catch (const std::exception& e) {
    fail(std::string("restoring threw something other than a user error: ") + e.what());
  }
  const nlohmann::json written = nlohmann::json::parse(read_text(fs::path(s1) / "manifest.json"));
  if (verbose)
    std::fprintf(stderr, "fuzz_checkpoint: restored (restorable again: %d)\n",
                 int(written.value("restorable", false)));
  if (cold.empty()) {
    const std::string d = first_difference(nlohmann::json::parse(state),
                                           nlohmann::json::parse(read_text(fs::path(s1) / "state.json")),
                                           "state");
    if (!d.empty())
      fail("the restored machine does not hold what the checkpoint gave it: " + d);
  }
  if (!written.value("restorable", false))
    return 0;  // the disk had a request in flight: such a checkpoint is refused by design

  // What the restored machine wrote restores, and writes itself again unchanged.
  try {
    restore_and_write(s1, s2);
  } catch (const std::exception& e) {
    fail(std::string("a checkpoint written after a restore does not restore: ") + e.what());
  }
  for (const char* name : {"state.json", "ram.z", "disk.z"})
    if (!same_file(s1, s2, name))
      fail(std::string("restoring the restored machine's checkpoint changes its ") + name +
           ":\n" + read_text(fs::path(s1) / name).substr(0, 4000) + "\n---\n" +
           read_text(fs::path(s2) / name).substr(0, 4000));
  return 0;
}
