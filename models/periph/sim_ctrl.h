// periph::SimCtrl: the sim-control device (0x0010_2000 on the virt platform), through which
// the guest marks its regions of interest: it resets the statistics' baseline, records named
// snapshots of what happened since, asks for a checkpoint and ends the run
// (docs/devices.md, docs/exploration.md "Regions of interest").
//
// | offset | name    | reset      | access | meaning                                         |
// |--------|---------|------------|--------|-------------------------------------------------|
// | 0x00   | MAGIC   | 0x4353_4d56| r      | "VMSC" in little-endian bytes                   |
// | 0x04   | VERSION | 1          | r      | version of this register map                    |
// | 0x08   | ARG     | 0          | rw     | argument of the next command (END: exit code)   |
// | 0x0c   | CMD     | -          | w      | 1 RESET_STATS, 2 SNAPSHOT, 3 CHECKPOINT, 4 END; |
// |        |         |            |        | other values are ignored and counted            |
// | 0x10   | NAME    | ""         | w      | each byte written appends one character to the  |
// |        |         |            |        | pending name (printable ASCII, up to 63; other  |
// |        |         |            |        | or further bytes are dropped and counted)       |
// | 0x14   | COUNT   | 0          | r      | snapshots taken so far                          |
// Registers are 32-bit and aligned; NAME also takes 8- and 16-bit writes (a 16- or 32-bit
// write appends its bytes from the lowest, stopping at the first zero byte). Other widths are
// burst errors, misaligned accesses and offsets past 0x14 address errors, a write to a
// read-only register or a read of a write-only one a command error: the hart raises an
// access fault for each, as for the other devices.
//
// A command consumes and clears the pending name; an empty name becomes "roi<k>" (k counts
// the commands that needed one, from 0). A command takes effect when the store reaches the
// device: the statistics then hold everything before that store, the store's own fetch,
// translation and issue cost included, but not its retirement.
//
// RESET_STATS makes the statistics now (Stats::counts) the baseline of later snapshots;
// before the first one the baseline is the start of the run. SNAPSHOT records the name, the
// progress source's value (the platform gives cpu.instret), the simulated time and the
// difference between the statistics now and the baseline; it does not move the baseline.
// CHECKPOINT asks common::sim() for a checkpoint with the name; END stops the run with ARG
// as the exit code.
//
// Statistics: simctl.commands.{reset_stats,snapshot,checkpoint,end}, simctl.bad_commands,
// simctl.name_dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <tlm_utils/simple_target_socket.h>
#include <nlohmann/json.hpp>
#include <systemc>
#include <tlm>

#include "models/common/state.h"
#include "models/common/stats.h"

namespace vmplat::periph {

class SimCtrl : public sc_core::sc_module {
 public:
  static constexpr uint64_t kSize = 0x1000;
  static constexpr uint64_t kMagic = 0x00, kVersion = 0x04, kArg = 0x08, kCmd = 0x0c, kName = 0x10,
                            kCount = 0x14;
  static constexpr uint32_t kMagicValue = 0x4353'4d56, kVersionValue = 1;
  enum Command : uint32_t { kResetStats = 1, kSnapshot = 2, kCheckpoint = 3, kEnd = 4 };
  static constexpr size_t kMaxName = 63;

  struct Snapshot {
    std::string name;
    uint64_t instret = 0;  // the progress source's value at the command
    double time_ns = 0;    // simulated time of the store that asked for it
    nlohmann::json stats;  // Stats::difference(counts at the command, the baseline)
  };

  tlm_utils::simple_target_socket<SimCtrl> tsock;

  explicit SimCtrl(sc_core::sc_module_name name);

  // What a snapshot records as its progress (the platform: the hart's retired instructions);
  // without one it records 0.
  void set_progress_source(std::function<uint64_t()> source) { m_progress = std::move(source); }

  // The snapshots taken, in order.
  const std::vector<Snapshot>& snapshots() const { return m_snapshots; }
  // They as the "snapshots" array of --stats: [{name, instret, time_ns, stats}, ...].
  nlohmann::json snapshots_json() const;
  // One line per snapshot for the run's summary on standard error: its name, instret, and
  // the deltas of cpu.instret, cpu.cycles and the DTLB's misses.
  void write_summary(std::ostream& os) const;

  // Checkpoints: what the guest sees (ARG, the pending name, COUNT, the next "roi<k>"). The
  // snapshots and the baseline are statistics: a restored run starts without them.
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in);

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& trans);
  void access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay, bool debug);
  void append_name(const unsigned char* bytes, unsigned len);
  void command(uint32_t cmd, const sc_core::sc_time& at);
  std::string take_name();

  std::function<uint64_t()> m_progress;
  uint32_t m_arg = 0;
  std::string m_name;
  unsigned m_unnamed = 0;
  uint64_t m_count_before = 0;  // snapshots taken before the restore (COUNT goes on)
  nlohmann::json m_baseline = nlohmann::json::object();
  std::vector<Snapshot> m_snapshots;

  common::Counter& m_reset_stats;
  common::Counter& m_snapshot;
  common::Counter& m_checkpoint;
  common::Counter& m_end;
  common::Counter& m_bad_commands;
  common::Counter& m_name_dropped;
};

}  // namespace vmplat::periph
