#include "platforms/virt/checkpoint.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

#include <zlib.h>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/common/stats.h"

namespace vmplat::virt {

namespace fs = std::filesystem;
using common::UserError;

namespace {

constexpr const char* kFormat = "vmplat-checkpoint";
constexpr unsigned kFormatVersion = 1;
constexpr uint64_t kPage = 4096;
constexpr const char* kFromCheckpoint = "the checkpoint";
constexpr int kExitCannotWrite = 2;  // as for any bad input (README "Exit codes")

// Keys that say how this run is watched and controlled, not what the machine is: a
// restored run does not take them over from the checkpoint.
bool run_control_key(const std::string& key)
{
  for (const char* prefix : {"checkpoint.", "gdb.", "waves.", "mmu.trace.", "sampling.",
                             "uart.input", "uart.output", "uart.terminal_keys", "sim.timeout",
                             "cpu.trace"})
    if (key.rfind(prefix, 0) == 0)
      return true;
  return false;
}

// Keys whose value the guest has seen (in the device tree, the ISA, the memory it was
// given) or the saved state depends on: a restore must keep them.
const std::vector<std::string>& fixed_keys()
{
  static const std::vector<std::string> kKeys = {
      "dram.size",     "cpu.isa",         "cpu.freq_mhz",        "cpu.pmp.entries",
      "cpu.pmp.granularity", "cpu.sstc",  "cpu.svinval",         "cpu.triggers",
      "mmu.satp_modes", "mmu.svnapot",    "mmu.svpbmt",          "mmu.walker.ad_policy",
      "disk.legacy",   "disk.queue_size", "disk.serial"};
  return kKeys;
}

// ---------------------------------------------------------------- files

uint32_t crc_of(uint32_t crc, const void* data, size_t len)
{
  return uint32_t(crc32(crc, static_cast<const Bytef*>(data), uInt(len)));
}

void write_text(const fs::path& path, const std::string& text, nlohmann::json& files)
{
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out)
    throw UserError("checkpoint: cannot write '" + path.string() + "'");
  files[path.filename().string()] = {{"bytes", text.size()},
                                     {"crc32", crc_of(0, text.data(), text.size())}};
}

// The non-zero pages of `size` bytes read through `read` as zlib-compressed records
// [page index (u64, little-endian), 4096 bytes]; returns the page count.
uint64_t write_sparse(const fs::path& path, uint64_t size,
                      const std::function<void(uint64_t, uint8_t*)>& read, nlohmann::json& files)
{
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f)
    throw UserError("checkpoint: cannot write '" + path.string() + "'");
  z_stream zs{};
  if (deflateInit(&zs, Z_BEST_SPEED) != Z_OK)
    throw UserError("checkpoint: zlib cannot start compressing");
  std::vector<uint8_t> out(1 << 18);
  uint64_t written = 0, pages = 0;
  uint32_t crc = 0;
  auto pump = [&](const uint8_t* data, size_t len, int flush) {
    zs.next_in = const_cast<Bytef*>(data);
    zs.avail_in = uInt(len);
    do {
      zs.next_out = out.data();
      zs.avail_out = uInt(out.size());
      deflate(&zs, flush);
      const size_t n = out.size() - zs.avail_out;
      if (n && std::fwrite(out.data(), 1, n, f.get()) != n) {
        deflateEnd(&zs);
        throw UserError("checkpoint: cannot write '" + path.string() + "' (disk full?)");
      }
      crc = crc_of(crc, out.data(), n);
      written += n;
    } while (zs.avail_out == 0 || (flush == Z_FINISH && zs.avail_in));
  };
  static const uint8_t kZero[kPage] = {};
  uint8_t rec[8 + kPage];
  for (uint64_t page = 0; page < size / kPage; ++page) {
    read(page * kPage, rec + 8);
    if (std::memcmp(rec + 8, kZero, kPage) == 0)
      continue;
    for (unsigned i = 0; i < 8; ++i)
      rec[i] = uint8_t(page >> (8 * i));
    pump(rec, sizeof rec, Z_NO_FLUSH);
    ++pages;
  }
  pump(nullptr, 0, Z_FINISH);
  deflateEnd(&zs);
  if (std::fflush(f.get()) != 0)
    throw UserError("checkpoint: cannot write '" + path.string() + "' (disk full?)");
  files[path.filename().string()] = {{"bytes", written}, {"crc32", crc}};
  return pages;
}

// Checks a file against its entry in the manifest (size and CRC-32) and returns it.
std::vector<uint8_t> read_checked(const CheckpointManifest& m, const std::string& file)
{
  const std::string where = "checkpoint '" + m.dir + "': " + file;
  const auto& files = m.json["files"];
  if (!files.contains(file))
    throw UserError(where + " is not in manifest.json");
  std::ifstream in(fs::path(m.dir) / file, std::ios::binary);
  if (!in)
    throw UserError(where + " is missing");
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
  const uint64_t bytes = files[file].value("bytes", uint64_t{0});
  if (data.size() != bytes)
    throw UserError(where + " has " + std::to_string(data.size()) + " bytes, the manifest says " +
                    std::to_string(bytes) + " (truncated or replaced)");
  if (crc_of(0, data.data(), data.size()) != files[file].value("crc32", uint32_t{0}))
    throw UserError(where + " does not match its CRC-32 in manifest.json (corrupted)");
  return data;
}

// Inflates a write_sparse file and hands each page to `write`.
void read_sparse(const CheckpointManifest& m, const std::string& file, uint64_t size,
                 uint64_t pages, const std::function<void(uint64_t, const uint8_t*)>& write)
{
  const std::string where = "checkpoint '" + m.dir + "': " + file;
  std::vector<uint8_t> packed = read_checked(m, file);
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK)
    throw UserError(where + ": zlib cannot start decompressing");
  zs.next_in = packed.data();
  zs.avail_in = uInt(packed.size());
  uint8_t rec[8 + kPage];
  uint64_t seen = 0;
  int rc = Z_OK;
  for (;;) {
    zs.next_out = rec;
    zs.avail_out = sizeof rec;
    while (zs.avail_out && rc == Z_OK)
      rc = inflate(&zs, Z_NO_FLUSH);
    if (zs.avail_out == sizeof rec && rc == Z_STREAM_END)
      break;
    if (zs.avail_out != 0 || (rc != Z_OK && rc != Z_STREAM_END)) {
      inflateEnd(&zs);
      throw UserError(where + " is not a whole zlib stream of pages (corrupted)");
    }
    uint64_t page = 0;
    for (unsigned i = 0; i < 8; ++i)
      page |= uint64_t(rec[i]) << (8 * i);
    if (page >= size / kPage || ++seen > pages) {
      inflateEnd(&zs);
      throw UserError(where + " holds a page outside its " + std::to_string(size) + " bytes");
    }
    write(page * kPage, rec + 8);
  }
  inflateEnd(&zs);
  if (seen != pages)
    throw UserError(where + " holds " + std::to_string(seen) + " pages, the manifest says " +
                    std::to_string(pages));
}

nlohmann::json parse_json(const std::vector<uint8_t>& data, const std::string& where)
{
  try {
    return nlohmann::json::parse(data.begin(), data.end());
  } catch (const nlohmann::json::exception&) {
    throw UserError(where + " is not valid JSON");
  }
}

}  // namespace

// ---------------------------------------------------------------- writing

Checkpointer::Checkpointer(Platform& platform, std::string version)
    : m_platform(platform),
      m_version(std::move(version)),
      m_written(common::stats().counter("checkpoint.written", "checkpoints written"))
{
  auto& cfg = common::config();
  m_at = cfg.u64("checkpoint.at", 0, "instructions",
                 "take a checkpoint at the first quantum boundary at or after this many "
                 "instructions (retired plus traps) where the disk is idle (0: none)");
  m_on_marker = cfg.flag("checkpoint.on_marker", false,
                         "take a checkpoint when the guest asks (sim-control CHECKPOINT)");
  m_dir = cfg.text("checkpoint.dir", "checkpoint",
                   "directory of the first checkpoint; the n-th goes to <dir>.<n>");
  m_stop = cfg.flag("checkpoint.stop", false, "end the run (exit 0) once a checkpoint is written");
  m_at_exit = cfg.text("checkpoint.at_exit", "",
                       "directory for the machine's state when the run ends (empty: none); "
                       "restorable only if the disk was idle then");
  if ((m_at || m_on_marker || !m_at_exit.empty()) && platform.hart_count() > 1)
    throw common::UserError(std::string(m_at          ? "checkpoint.at"
                                        : m_on_marker ? "checkpoint.on_marker"
                                                      : "checkpoint.at_exit") +
                            ": checkpoints hold one hart; allowed with cpu.harts > 1: none "
                            "(docs/smp.md)");
  for (const std::string& dir : {m_dir, m_at_exit})
    if (!dir.empty() && (dir == m_at_exit || m_at || m_on_marker))
      check_target(dir);
  for (const std::string& key : fixed_keys())
    cfg.keep_on_restore(key);
  if (m_at || m_on_marker)
    common::sim().add_boundary_hook([this](uint64_t progress) { at_boundary(progress); });
}

void Checkpointer::at_boundary(uint64_t progress)
{
  auto& sim = common::sim();
  const bool marker = sim.checkpoint_requested();
  if (marker && !m_on_marker)
    sim.clear_checkpoint_request();
  const bool due = (m_at && progress >= m_at) || (marker && m_on_marker);
  if (!due || !m_platform.disk.idle())
    return;
  const std::string dir = m_taken == 0 ? m_dir : m_dir + "." + std::to_string(m_taken + 1);
  m_progress = progress;
  try {
    write(dir, marker && m_on_marker ? sim.checkpoint_name() : "at " + std::to_string(m_at),
          true);
  } catch (const UserError& e) {
    // Inside the simulation: end the run as a usage error would (one line, exit code 2).
    std::cerr << "vmplat: error: " << e.what() << "\n";
    sim.request_stop(kExitCannotWrite, e.what());
    return;
  }
  if (progress >= m_at)
    m_at = 0;
  if (marker)
    sim.clear_checkpoint_request();
  if (m_stop)
    sim.request_stop(0, "checkpoint written to '" + dir + "' (checkpoint.stop)");
}

void Checkpointer::write(const std::string& dir, const std::string& name, bool restorable)
{
  Platform& p = m_platform;
  const fs::path target(dir);
  std::error_code ec;
  check_target(dir);
  // Written beside the target and renamed into place: a run killed meanwhile leaves the old
  // checkpoint (or none), never half of one.
  const fs::path tmp = fs::path(dir + ".tmp");
  fs::remove_all(tmp, ec);
  if (!fs::create_directories(tmp, ec) || ec)
    throw UserError("checkpoint: cannot create '" + tmp.string() + "': " + ec.message());

  nlohmann::json files = nlohmann::json::object();
  nlohmann::json state;
  p.hart.save_state(state["cpu"]);
  p.clint.save_state(state["clint"]);
  p.plic.save_state(state["plic"]);
  p.uart.save_state(state["uart"]);
  p.disk.save_state(state["disk"]);
  state["htif"] = {{"tohost", p.htif.tohost()}, {"fromhost", p.htif.fromhost()}};
  p.simctl.save_state(state["simctl"]);
  p.mmu.save_state(state["mmu"]);
  p.dram.timing().save_state(state["dram"]);
  if (p.l1d)
    p.l1d->save_state(state["cache.l1d"]);
  if (p.l2)
    p.l2->save_state(state["cache.l2"]);
  write_text(tmp / "state.json", state.dump(1) + "\n", files);

  uint8_t* ram = p.dram.host_ptr();
  const uint64_t ram_pages = write_sparse(
      tmp / "ram.z", p.dram.size(),
      [ram](uint64_t off, uint8_t* page) { std::memcpy(page, ram + off, kPage); }, files);
  nlohmann::json disk = nullptr;
  if (p.disk.present()) {
    storage::BlockStore& store = p.disk.store();
    const uint64_t disk_pages = write_sparse(
        tmp / "disk.z", store.size(),
        [&store](uint64_t off, uint8_t* page) {
          const uint64_t n = std::min<uint64_t>(kPage, store.size() - off);
          std::memset(page, 0, kPage);
          if (!store.read(off, page, n))
            throw UserError("checkpoint: cannot read the disk image at " + std::to_string(off));
        },
        files);
    disk = {{"file", "disk.z"}, {"size", store.size()}, {"pages", disk_pages}};
  }

  const auto& st = common::stats();
  nlohmann::json manifest = {
      {"format", kFormat},
      {"format_version", kFormatVersion},
      {"vmplat", m_version},
      {"name", name},
      {"restorable", restorable && p.disk.idle()},
      {"instret", p.hart.instret()},
      {"progress", m_progress},
      {"cycles", p.hart.cycles()},
      {"time_ps", p.hart.cycles() * p.hart.period().value()},
      {"console_bytes", uint64_t(st.value("uart.tx_bytes"))},
      {"ram", {{"file", "ram.z"}, {"size", p.dram.size()}, {"pages", ram_pages}}},
      {"disk", disk},
      {"files", files},
      {"config", common::config().effective()}};
  std::ofstream out(tmp / "manifest.json");
  out << manifest.dump(2) << "\n";
  out.close();
  if (!out)
    throw UserError("checkpoint: cannot write '" + (tmp / "manifest.json").string() + "'");
  fs::remove_all(target, ec);
  fs::rename(tmp, target, ec);
  if (ec)
    throw UserError("checkpoint: cannot move '" + tmp.string() + "' to '" + dir +
                    "': " + ec.message());
  ++m_written;
  ++m_taken;
  std::cerr << "vmplat: checkpoint '" << name << "' written to " << dir << " (instret "
            << p.hart.instret() << ", " << ram_pages << " RAM pages)\n";
}

void Checkpointer::finish()
{
  if (!m_at_exit.empty()) {
    m_progress = m_platform.hart.instret();
    write(m_at_exit, "at exit", true);
  }
}

void Checkpointer::check_target(const std::string& dir)
{
  const fs::path target(dir);
  std::error_code ec;
  if (fs::exists(target) && !fs::exists(target / "manifest.json") && !fs::is_empty(target, ec))
    throw UserError("checkpoint directory '" + dir +
                    "' exists and is not a checkpoint; allowed: a new or empty directory, or an "
                    "earlier checkpoint (replaced)");
}

// ---------------------------------------------------------------- restoring

CheckpointManifest read_checkpoint_manifest(const std::string& dir)
{
  CheckpointManifest m{dir, {}};
  const std::string where = "checkpoint '" + dir + "'";
  std::ifstream in(fs::path(dir) / "manifest.json", std::ios::binary);
  if (!in)
    throw UserError(where + " has no manifest.json (not a checkpoint directory)");
  m.json = parse_json(std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                                           std::istreambuf_iterator<char>()),
                      where + ": manifest.json");
  const nlohmann::json& j = m.json;
  if (!j.is_object() || j.value("format", "") != kFormat)
    throw UserError(where + ": manifest.json is not a vmplat checkpoint manifest");
  if (j.value("format_version", 0u) != kFormatVersion)
    throw UserError(where + ": format version " + j.value("format_version", nlohmann::json()).dump() +
                    "; this vmplat reads version " + std::to_string(kFormatVersion));
  for (const char* key : {"config", "files", "ram"})
    if (!j.contains(key) || !j[key].is_object())
      throw UserError(where + ": manifest.json has no " + key + " object");
  if (!j.value("restorable", false))
    throw UserError(where + " was taken while the disk had a request in flight "
                    "(checkpoint.at_exit): it cannot be restored");
  return m;
}

void apply_checkpoint_config(const CheckpointManifest& m)
{
  nlohmann::json machine = nlohmann::json::object();
  for (const auto& [key, value] : m.json["config"].items())
    if (!run_control_key(key))
      machine[key] = value;
  common::config().load_json(machine, kFromCheckpoint);
}

void apply_checkpoint_disk(const CheckpointManifest& m)
{
  auto& cfg = common::config();
  const nlohmann::json& disk = m.json["disk"];
  for (const char* key : {"disk.image", "disk.size"}) {
    const std::string* where = cfg.source(key);
    if (where && *where != kFromCheckpoint)
      throw UserError(std::string(key) + " set by " + *where +
                      ": a restored run's disk is the checkpoint's copy (" +
                      (disk.is_object() ? std::to_string(disk.value("size", uint64_t{0})) +
                                              " bytes"
                                        : std::string("none")) +
                      "); allowed: no disk option with --restore");
  }
  cfg.set("disk.image", "", kFromCheckpoint);
  cfg.set("disk.size", disk.is_object() ? std::to_string(disk.value("size", uint64_t{0})) : "0",
          kFromCheckpoint);
}

std::vector<std::string> restore_checkpoint(Platform& p, const CheckpointManifest& m)
{
  const std::string where = "checkpoint '" + m.dir + "'";
  if (p.hart_count() > 1)
    throw UserError("--restore " + m.dir +
                    ": checkpoints hold one hart; allowed: cpu.harts = 1 "
                    "(docs/smp.md)");
  const nlohmann::json now = common::config().effective();
  const nlohmann::json& saved = m.json["config"];
  for (const std::string& key : fixed_keys()) {
    if (saved.contains(key) && now.contains(key) && saved[key] != now[key])
      throw UserError("--restore " + m.dir + ": " + key + " = " + now[key].dump() +
                      " differs from the checkpoint's " + saved[key].dump() +
                      "; a restore cannot change it (RAM size, ISA and what the guest was told "
                      "stay as saved)");
  }
  const uint64_t ram_size = m.json["ram"].value("size", uint64_t{0});
  if (ram_size != p.dram.size())
    throw UserError(where + ": RAM of " + std::to_string(ram_size) + " bytes, this platform has " +
                    std::to_string(p.dram.size()));

  std::vector<std::string> cold;
  try {
    const nlohmann::json state =
        parse_json(read_checked(m, "state.json"), where + ": state.json");
    const common::StateIn in(state, where + ": state.json");
    uint8_t* ram = p.dram.host_ptr();  // all zero: the platform was just built
    read_sparse(m, "ram.z", ram_size, m.json["ram"].value("pages", uint64_t{0}),
                [ram](uint64_t off, const uint8_t* page) { std::memcpy(ram + off, page, kPage); });
    if (p.disk.present()) {
      storage::BlockStore& store = p.disk.store();
      const nlohmann::json& disk = m.json["disk"];
      read_sparse(m, "disk.z", store.size(), disk.value("pages", uint64_t{0}),
                  [&store](uint64_t off, const uint8_t* page) {
                    store.write(off, page, std::min<uint64_t>(kPage, store.size() - off));
                  });
    }
    // Devices first (their interrupt lines reach the PLIC), then the PLIC, then the hart,
    // which holds the lines as they were driven.
    p.uart.restore_state(in.child("uart"));
    p.disk.restore_state(in.child("disk"));
    p.clint.restore_state(in.child("clint"));
    p.plic.restore_state(in.child("plic"));
    p.simctl.restore_state(in.child("simctl"));
    const common::StateIn htif = in.child("htif");
    if (htif.get<uint64_t>("tohost"))
      p.htif.set_mailboxes(htif.get<uint64_t>("tohost"), htif.get<uint64_t>("fromhost"));
    p.mmu.restore_state(in.child("mmu"), cold);
    if (!p.dram.timing().restore_state(in.child("dram")))
      cold.push_back("dram.banks");
    for (auto& [cache, key] : {std::pair{p.l1d.get(), "cache.l1d"}, {p.l2.get(), "cache.l2"}})
      if (cache && (!in.has(key) || !cache->restore_state(in.child(key))))
        cold.push_back(key);
    p.hart.restore_state(in.child("cpu"));
  } catch (const nlohmann::json::exception& e) {
    throw UserError(where + ": state.json holds a value of the wrong shape (" +
                    std::string(e.what()) + ")");
  }
  const sc_core::sc_time t = sc_core::sc_time::from_value(p.hart.cycles() * p.hart.period().value());
  p.uart.set_resume_time(t);
  p.htif.set_resume_time(t);
  common::stats().counter("checkpoint.cold", "structures a restore left cold (another geometry, "
                                             "or an implementation that cannot be restored)") +=
      cold.size();
  return cold;
}

}  // namespace vmplat::virt
