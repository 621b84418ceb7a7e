#include "platforms/virt/platform.h"

#include <algorithm>
#include <cstring>

#include "models/common/config.h"
#include "models/common/format.h"
#include "models/common/sim.h"
#include "models/common/stats.h"

namespace vmplat::virt {

using common::hex;

Platform::Cores::Cores()
{
  const unsigned n = unsigned(common::config().u64(
      "cpu.harts", 1, "harts",
      "harts (--smp), each with its own MMU, TLBs, page-walk cache and statistics "
      "(hart<id>.cpu.*, hart<id>.mmu.*, their sums under cpu.* and mmu.*); docs/smp.md",
      1, cpu::HartGroup::kMaxHarts));
  for (unsigned id = 0; id < n; ++id) {
    const std::string suffix = id ? std::to_string(id) : "";
    common::StatsPrefix prefix(n > 1 ? "hart" + std::to_string(id) + "." : "");
    harts.push_back(std::make_unique<cpu::Hart>(("cpu" + suffix).c_str(), &group));
    mmus.push_back(std::make_unique<mmu::Mmu>(("mmu" + suffix).c_str(), harts.back()->period(), id,
                                              id ? mmus.front().get() : nullptr));
  }
}

std::string Platform::stats_prefix(unsigned id) const
{
  return hart_count() > 1 ? "hart" + std::to_string(id) + "." : "";
}

uint64_t Platform::instret() const
{
  uint64_t n = 0;
  for (const auto& h : m_cores.harts) n += h->instret();
  return n;
}

sc_core::sc_time Platform::synced_time() const
{
  sc_core::sc_time t = sc_core::sc_time_stamp();
  for (const auto& h : m_cores.harts) t = std::max(t, h->synced_time());
  return t;
}

Platform::Platform()
    : hart(*m_cores.harts.front()),
      mmu(*m_cores.mmus.front()),
      bus("bus"),
      dram("dram"),
      finisher("finisher"),
      simctl("simctl"),
      clint("clint"),
      plic("plic"),
      uart("uart"),
      disk("disk"),
      htif("htif")
{
  for (unsigned id = 0; id < hart_count(); ++id) {
    cpu::Hart& h = hart_at(id);
    h.set_translator(&mmu_at(id));
    // Trace lines carry the cycle at which the traced translation or fence started.
    mmu_at(id).set_clock([&h] { return h.cycles(); });
  }
  bind_cache_paths();
  disk.isock.bind(bus.tsock);
  htif.isock.bind(bus.tsock);

  // Targets: the i-th map() describes the i-th binding of bus.isock.
  static_assert(kFinisherSize == periph::Finisher::kSize && kClintSize == periph::Clint::kSize &&
                kUartSize == periph::Uart16550::kSize && kSimCtrlSize == periph::SimCtrl::kSize);
  bus.map(kFinisherBase, periph::Finisher::kSize, "finisher");
  bus.isock.bind(finisher.tsock);
  bus.map(kSimCtrlBase, periph::SimCtrl::kSize, "simctl");
  bus.isock.bind(simctl.tsock);
  simctl.set_progress_source([this] { return instret(); });
  bus.map(kClintBase, periph::Clint::kSize, "clint");
  bus.isock.bind(clint.tsock);
  bus.map(kPlicBase, periph::Plic::kSize, "plic");
  bus.isock.bind(plic.tsock);
  bus.map(kUartBase, periph::Uart16550::kSize, "uart");
  bus.isock.bind(uart.tsock);
  bus.map(kVirtioBase, kVirtioSlotSize, "disk");
  bus.isock.bind(disk.tsock);
  // The empty slots speak the same virtio-mmio version as the disk.
  const bool legacy = common::config().flag(
      "disk.legacy", false, "legacy virtio-mmio (version 1) instead of version 2");
  for (unsigned i = 1; i < kVirtioSlots; ++i) {
    const std::string name = "virtio" + std::to_string(i);
    m_empty_slots.push_back(std::make_unique<storage::VirtioEmptySlot>(name.c_str(), legacy));
    bus.map(kVirtioBase + i * kVirtioSlotSize, kVirtioSlotSize, name);
    bus.isock.bind(m_empty_slots.back()->tsock);
  }
  bus.map(kDramBase, dram.size(), "dram");
  bus.isock.bind(dram.tsock);

  for (auto& h : m_cores.harts) {
    clint.bind_hart(*h);
    plic.bind_hart(*h);
  }
  uart.irq.bind(plic, kUartIrq);
  disk.irq.bind(plic, kVirtioIrq);
  const std::vector<std::pair<unsigned, std::string>> plic_sources = {{kUartIrq, "uart"},
                                                                      {kVirtioIrq, "disk"}};
  plic.name_sources(plic_sources);
  htif.set_output(uart.output());
  // Stores that reach DRAM through the bus (DMA, a hart's access off its DMI path) drop
  // decoded code and break parked reservations (cpu/hart_group.h).
  bus.set_write_observer([this](uint64_t pa, uint64_t len) { m_cores.group.note_write(pa, len); });

  auto& cfg = common::config();
  common::sim().set_timeout(cfg.real(
      "sim.timeout", 0, "s",
      "wall-clock seconds after which the run stops with exit code 94, checked once per "
      "quantum: a last resort for sweeps (0: none)",
      0, 1e9));
  const std::string gdb_port =
      cfg.text("gdb.port", "",
               "TCP port of the GDB server on 127.0.0.1 (0: any free port, printed on standard "
               "error; empty: no server)");
  const bool gdb_wait =
      cfg.flag("gdb.wait", false, "halt before the first instruction until a debugger continues");
  if ((!gdb_port.empty() || gdb_wait) && hart_count() > 1)
    throw common::UserError("gdb.port: the GDB server debugs one hart; allowed with cpu.harts = " +
                            std::to_string(hart_count()) + ": no gdb.port (docs/smp.md)");
  if (!gdb_port.empty()) {
    uint64_t port = 0;
    if (!common::parse_u64(gdb_port, port, false) || port > 65535)
      throw common::UserError("gdb.port: '" + gdb_port + "' is not a port; allowed: 0..65535");
    gdb = std::make_unique<debug::GdbServer>(hart, &mmu, uint16_t(port), gdb_wait);
  } else if (gdb_wait) {
    throw common::UserError("gdb.wait: needs a GDB server; give --gdb PORT as well");
  }

  // The harts are the only initiators that run ahead of SystemC time, so the running
  // hart's clock is the time of any caller (Hart::now; the others answer SystemC's).
  m_waves = common::WaveRecorder::from_config("waves", [this] {
    sc_core::sc_time t = sc_core::sc_time_stamp();
    for (const auto& h : m_cores.harts) t = std::max(t, h->now());
    return t;
  });
  if (m_waves) {
    for (auto& h : m_cores.harts) h->set_waves(*m_waves);
    clint.set_waves(*m_waves);
    plic.set_waves(*m_waves, plic_sources);
  }
  if (hart_count() > 1) {
    // The harts run a quantum ahead in turn: DRAM must not make the later ones wait for
    // the earlier ones' future (mem/dram_timing.h).
    dram.timing().set_past_arrivals_idle(true);
    std::vector<std::string> prefixes;
    for (unsigned id = 0; id < hart_count(); ++id) prefixes.push_back(stats_prefix(id));
    common::stats().add_totals(this, prefixes, {"cpu.instret"});
  }
}

void Platform::bind_cache_paths()
{
  // Both caches' keys are declared whatever the paths, so --help-config and sweeps know them.
  // Defaults: a 32 KiB 8-way L1D of 4 cycles and a 512 KiB 8-way L2 of 12 cycles, 64-byte
  // lines, LRU, write-back.
  const mem::Cache::Params l1d_params = mem::Cache::read_config(
      "cache.l1d", {32 << 10, 8, 64, 4, mem::Cache::Policy::kLru, false, 1});
  const mem::Cache::Params l2_params = mem::Cache::read_config(
      "cache.l2", {512 << 10, 8, 64, 12, mem::Cache::Policy::kLru, false, 1});
  auto& cfg = common::config();
  const std::string walker = cfg.choice(
      "mmu.walker.path", "dram", {"dram", "l2", "l1d"},
      "where the walker's PTE reads and A/D writes go: dram (straight to the bus), l2 (through "
      "cache.l2), l1d (through cache.l1d, then cache.l2)");
  const std::string data = cfg.choice(
      "cpu.data_path", "dram", {"dram", "l1d"},
      "where the hart's loads and stores go (timed DRAM with timed DMI only): dram (straight to "
      "the DRAM model), l1d (through cache.l1d, then cache.l2); fetches always go to DRAM");
  if (hart_count() > 1 && (data != "dram" || walker == "l1d"))
    throw common::UserError(
        std::string(data != "dram" ? "cpu.data_path = l1d" : "mmu.walker.path = l1d") +
        ": the caches model one hart's L1D; allowed with cpu.harts > 1: cpu.data_path = dram, "
        "mmu.walker.path = dram or l2 (docs/smp.md)");
  if (data == "l1d" && !dram.timed_dmi())
    throw common::UserError(
        "cpu.data_path = l1d: needs dram.mode=timed and dram.timed_dmi=true (otherwise the "
        "hart's loads and stores bypass the caches); allowed without them: dram");
  const bool need_l1d = walker == "l1d" || data == "l1d";
  if (walker != "dram" || need_l1d) {
    l2 = std::make_unique<mem::Cache>("l2", "cache.l2", l2_params, hart.period(), kDramBase,
                                      dram.size());
    l2->isock.bind(bus.tsock);
  }
  if (need_l1d) {
    l1d = std::make_unique<mem::Cache>("l1d", "cache.l1d", l1d_params, hart.period(), kDramBase,
                                       dram.size());
    l1d->isock.bind(l2->tsock);
  }
  for (unsigned id = 0; id < hart_count(); ++id) {
    if (walker == "dram")
      mmu_at(id).isock.bind(bus.tsock);
    else if (walker == "l2")
      mmu_at(id).isock.bind(l2->tsock);
    else
      mmu_at(id).isock.bind(l1d->tsock);
    if (data == "l1d")
      hart_at(id).isock.bind(l1d->tsock);
    else
      hart_at(id).isock.bind(bus.tsock);
  }
}

Platform::~Platform()
{
  common::stats().collect();
  common::stats().forget(this);
  // The run ended at SystemC's time, or later where a hart had run ahead of it.
  if (m_waves) {
    sc_core::sc_time end = sc_core::sc_time_stamp();
    for (const auto& h : m_cores.harts)
      end = std::max(end, sc_core::sc_time::from_value(h->cycles() * h->period().value()));
    m_waves->finish(end);
  }
}

FdtInfo Platform::fdt_info() const
{
  FdtInfo info;
  // The single-letter extensions are misa's, in the canonical order of ISA strings
  // (unprivileged spec, "ISA Extension Naming Conventions"), so the tree follows the hart
  // when it gains F and D; the multi-letter ones are those the hart implements today.
  uint64_t misa = 0;
  hart.peek_csr(0x301, misa);
  info.isa_extensions.clear();
  for (const char* c = "imafdqcvh"; *c; ++c)
    if ((misa >> (*c - 'a')) & 1)
      info.isa_extensions.push_back(std::string(1, *c));
  for (const char* e : {"zicntr", "zicsr", "zifencei", "zihpm"})
    info.isa_extensions.push_back(e);
  // The S extensions in alphabetical order, each only when enabled (docs/mmu.md,
  // "Extensions"): Linux uses what the tree offers.
  const std::pair<bool, const char*> supervisor[] = {
      {hart.has_sstc(), "sstc"},      {mmu.has_svade(), "svade"},
      {mmu.has_svadu(), "svadu"},     {hart.has_svinval(), "svinval"},
      {mmu.has_svnapot(), "svnapot"}, {mmu.has_svpbmt(), "svpbmt"}};
  for (const auto& [enabled, name] : supervisor)
    if (enabled)
      info.isa_extensions.push_back(name);
  info.harts = hart_count();
  info.ram_base = kDramBase;
  info.ram_size = dram.size();
  if (mmu.supports_satp_mode(cpu::satp::kModeSv57))
    info.mmu_type = "riscv,sv57";
  else if (mmu.supports_satp_mode(cpu::satp::kModeSv48))
    info.mmu_type = "riscv,sv48";
  else if (mmu.supports_satp_mode(cpu::satp::kModeSv39))
    info.mmu_type = "riscv,sv39";
  info.plic_sources = periph::Plic::kSources - 1;
  info.plic_size = periph::Plic::kSize;
  return info;
}

void Platform::load(const BootPlan& plan)
{
  for (const auto& blob : plan.blobs) {
    uint8_t* dst = dram.host_ptr() + (blob.addr - kDramBase);
    std::memcpy(dst, blob.data.data(), blob.data.size());
    std::memset(dst + blob.data.size(), 0, blob.memsz - blob.data.size());
  }
  if (plan.tohost)
    htif.set_mailboxes(*plan.tohost, *plan.fromhost);
  // As QEMU's reset vector leaves them, on every hart: a0 = hart id, a1 = device tree,
  // a2 = fw_dynamic_info.
  for (auto& h : m_cores.harts) {
    h->reset(plan.entry, h->id(), plan.fdt_addr);
    h->set_reg(12, plan.dynamic_info_addr);
  }
}

}  // namespace vmplat::virt
