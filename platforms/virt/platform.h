// The virt platform: the QEMU virt memory map (DESIGN.md) populated with vmplat's models.
//
//   0x0010_0000  finisher        0x0010_2000  simctl      0x0200_0000  clint
//   0x0c00_0000  plic
//   0x1000_0000  uart (irq 10)   0x1000_1000  disk: virtio-mmio slot 0 (irq 1)
//   0x8000_0000  dram
//
// Modules are top-level SystemC modules named after their configuration prefix ("cpu",
// "mmu", "dram", ...), so a key's path is the module's name.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "models/bus/router.h"
#include "models/common/wave_recorder.h"
#include "models/cpu/hart.h"
#include "models/debug/gdb_server.h"
#include "models/mem/cache.h"
#include "models/mem/dram.h"
#include "models/mmu/mmu.h"
#include "models/periph/clint.h"
#include "models/periph/finisher.h"
#include "models/periph/htif.h"
#include "models/periph/plic.h"
#include "models/periph/sim_ctrl.h"
#include "models/periph/uart16550.h"
#include "models/storage/virtio_blk.h"
#include "models/storage/virtio_empty_slot.h"
#include "platforms/virt/boot.h"
#include "platforms/virt/fdt.h"
#include "platforms/virt/memory_map.h"

namespace vmplat::virt {

class Platform {
  // The harts and their MMUs (cpu.harts; docs/smp.md), built first: every model below
  // refers to them.
  struct Cores {
    Cores();
    cpu::HartGroup group;
    std::vector<std::unique_ptr<cpu::Hart>> harts;
    std::vector<std::unique_ptr<mmu::Mmu>> mmus;
  };
  Cores m_cores;

 public:
  Platform();
  // Publishes the models' last counts (Stats::collect) while they all still exist, and
  // completes and closes the waveform (waves.file).
  ~Platform();

  // What the generated device tree describes: this platform as configured.
  FdtInfo fdt_info() const;
  // Copies the plan's images into DRAM, points the HTIF device at tohost/fromhost if the
  // firmware has them, and sets the hart's reset state (boot.h).
  void load(const BootPlan& plan);

  // Hart 0 and its MMU (the only ones with cpu.harts = 1).
  cpu::Hart& hart;
  mmu::Mmu& mmu;
  unsigned hart_count() const { return unsigned(m_cores.harts.size()); }
  cpu::Hart& hart_at(unsigned id) { return *m_cores.harts[id]; }
  const cpu::Hart& hart_at(unsigned id) const { return *m_cores.harts[id]; }
  mmu::Mmu& mmu_at(unsigned id) { return *m_cores.mmus[id]; }
  // What the harts share: decoded-code marks and parked reservations (cpu/hart_group.h).
  cpu::HartGroup& hart_group() { return m_cores.group; }
  // Instructions retired by all harts.
  uint64_t instret() const;
  // SystemC's time, or where a hart skipped the waits that would only have moved it, the
  // time it would show (Hart::quantum_sync).
  sc_core::sc_time synced_time() const;
  // The statistics prefix of hart `id`'s models: "" with one hart, "hart<id>." with more.
  std::string stats_prefix(unsigned id) const;
  bus::Router bus;
  mem::Dram dram;
  periph::Finisher finisher;
  periph::SimCtrl simctl;
  periph::Clint clint;
  periph::Plic plic;
  periph::Uart16550 uart;
  storage::VirtioBlk disk;
  periph::Htif htif;
  // The caches on the page-table walker's path (mmu.walker.path) and the hart's data path
  // (cpu.data_path): l2 whenever a path uses a cache, l1d when one goes through it; null
  // otherwise.
  std::unique_ptr<mem::Cache> l1d;
  std::unique_ptr<mem::Cache> l2;
  // The GDB server, when gdb.port is set (docs/debugging.md).
  std::unique_ptr<debug::GdbServer> gdb;

 private:
  // Binds the walker's and the hart's sockets as mmu.walker.path and cpu.data_path say,
  // creating the caches they go through.
  void bind_cache_paths();

  // Slots 1..7 hold no device, as on QEMU's virt machine.
  std::vector<std::unique_ptr<storage::VirtioEmptySlot>> m_empty_slots;
  // The waveform of interrupts, privilege and timers (docs/debugging.md); null when off.
  std::unique_ptr<common::WaveRecorder> m_waves;
};

}  // namespace vmplat::virt
