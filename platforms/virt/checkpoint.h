// Checkpoints of the virt platform (docs/checkpoints.md): a directory holding
//   manifest.json  format, vmplat version, where the run was (instructions, cycles, time,
//                  console bytes), the configuration, and the sizes and CRC-32s of the files
//   state.json     every model's state: the hart, CLINT, PLIC, UART, virtio disk, HTIF, and
//                  the microarchitecture (TLBs, page-walk cache, caches, DRAM banks)
//   ram.z          the DRAM's non-zero 4 KiB pages, zlib-compressed
//   disk.z         the disk's non-zero 4 KiB blocks, likewise (when there is a disk)
// A checkpoint is taken at a quantum boundary (common::Sim::at_boundary) where the disk has
// nothing in flight, which leaves the checkpointing run exactly as it would have been; a
// restored run goes on bit for bit as the saved one did.
//
// Configuration (checkpoint.*): at (instructions), on_marker (the guest's sim-control
// CHECKPOINT), dir, stop (end the run once written), at_exit (a directory for the state at
// the end of the run).
// Statistics: checkpoint.written, checkpoint.cold (structures a restore left cold).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "platforms/virt/platform.h"

namespace vmplat::virt {

class Checkpointer {
 public:
  // Declares checkpoint.* and, when a checkpoint is asked for, hooks the quantum boundaries.
  Checkpointer(Platform& platform, std::string version);

  // Writes the platform's state to `dir` now (the caller knows the machine is quiescent, or
  // marks the checkpoint as not restorable with `restorable` false).
  void write(const std::string& dir, const std::string& name, bool restorable);
  // At the end of the run: the at_exit checkpoint, if configured.
  void finish();

 private:
  void at_boundary(uint64_t progress);
  // Refuses a directory that holds something other than a checkpoint (never overwritten).
  static void check_target(const std::string& dir);

  Platform& m_platform;
  std::string m_version;
  uint64_t m_at = 0;
  bool m_on_marker = false;
  bool m_stop = false;
  std::string m_dir, m_at_exit;
  unsigned m_taken = 0;
  uint64_t m_progress = 0;  // instructions plus traps where the checkpoint is taken
  common::Counter& m_written;
};

// A checkpoint to restore: its manifest, read and checked (a missing, truncated or foreign
// checkpoint is a common::UserError, one line).
struct CheckpointManifest {
  std::string dir;
  nlohmann::json json;
};
CheckpointManifest read_checkpoint_manifest(const std::string& dir);

// Before the platform is built: the checkpoint's configuration becomes the base that the
// user's --config and --set override (run-control keys such as checkpoint.*, traces and the
// console are not taken over). Call before the user's input is applied.
void apply_checkpoint_config(const CheckpointManifest& m);
// After the user's input: the disk becomes an in-memory copy of the checkpoint's (an
// explicit disk.image or another disk.size is refused).
void apply_checkpoint_disk(const CheckpointManifest& m);

// After the platform is built: refuses a configuration the checkpoint cannot honour (RAM
// size, ISA and what the device tree told the guest), then restores memory, disk and every
// model. Returns the structures that start cold (another geometry, or an RTL TLB).
std::vector<std::string> restore_checkpoint(Platform& platform, const CheckpointManifest& m);

}  // namespace vmplat::virt
