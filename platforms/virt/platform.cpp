#include "platforms/virt/platform.h"

#include <algorithm>
#include <cstring>

#include "models/common/config.h"
#include "models/common/format.h"
#include "models/common/sim.h"
#include "models/common/stats.h"
#include "platforms/virt/fdt.h"

namespace vmplat::virt {

using common::hex;

Platform::Platform()
    : hart("cpu"),
      mmu("mmu", hart.period()),
      bus("bus"),
      dram("dram"),
      finisher("finisher"),
      clint("clint"),
      plic("plic"),
      uart("uart"),
      disk("disk"),
      htif("htif")
{
  hart.set_translator(&mmu);
  // Trace lines carry the cycle at which the traced translation or fence started.
  mmu.set_clock([this] { return hart.cycles(); });
  hart.isock.bind(bus.tsock);
  mmu.isock.bind(bus.tsock);
  disk.isock.bind(bus.tsock);
  htif.isock.bind(bus.tsock);

  // Targets: the i-th map() describes the i-th binding of bus.isock.
  bus.map(kFinisherBase, periph::Finisher::kSize, "finisher");
  bus.isock.bind(finisher.tsock);
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

  clint.bind_hart(hart);
  plic.bind_hart(hart);
  uart.irq.bind(plic, kUartIrq);
  disk.irq.bind(plic, kVirtioIrq);
  htif.set_output(uart.output());

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
  if (!gdb_port.empty()) {
    uint64_t port = 0;
    if (!common::parse_u64(gdb_port, port, false) || port > 65535)
      throw common::UserError("gdb.port: '" + gdb_port + "' is not a port; allowed: 0..65535");
    gdb = std::make_unique<debug::GdbServer>(hart, &mmu, uint16_t(port), gdb_wait);
  } else if (gdb_wait) {
    throw common::UserError("gdb.wait: needs a GDB server; give --gdb PORT as well");
  }

  // The hart is the only initiator that runs ahead of SystemC time, so its clock is the
  // time of any caller (Hart::now).
  m_waves = common::WaveRecorder::from_config("waves", [this] { return hart.now(); });
  if (m_waves) {
    hart.set_waves(*m_waves);
    clint.set_waves(*m_waves);
    plic.set_waves(*m_waves, {{kUartIrq, "uart"}, {kVirtioIrq, "disk"}});
  }
}

Platform::~Platform()
{
  common::stats().collect();
  // The run ended at SystemC's time, or later where the hart had run ahead of it.
  if (m_waves)
    m_waves->finish(std::max(sc_core::sc_time_stamp(),
                             sc_core::sc_time::from_value(hart.cycles() * hart.period().value())));
}

void Platform::load(const common::ElfFile& elf, const std::string& bootargs)
{
  const uint64_t ram_end = kDramBase + dram.size();
  for (const auto& seg : elf.segments()) {
    if (seg.paddr < kDramBase || seg.paddr >= ram_end || seg.memsz > ram_end - seg.paddr)
      throw common::UserError("firmware '" + elf.path() + "': segment at " + hex(seg.paddr) +
                              " (" + std::to_string(seg.memsz) + " bytes) is outside RAM " +
                              hex(kDramBase) + ".." + hex(ram_end - 1) +
                              "; link it inside RAM or give more with --ram");
    uint8_t* dst = dram.host_ptr() + (seg.paddr - kDramBase);
    std::memcpy(dst, seg.data.data(), seg.data.size());
    std::memset(dst + seg.data.size(), 0, seg.memsz - seg.data.size());
  }

  // The device tree goes where QEMU's virt machine puts it: 2 MiB-aligned below the end
  // of RAM (or below 3 GiB).
  FdtInfo info;
  info.ram_base = kDramBase;
  info.ram_size = dram.size();
  info.bootargs = bootargs;
  info.mmu_type = mmu.supports_satp_mode(cpu::satp::kModeSv48) ? "riscv,sv48" : "riscv,sv39";
  const size_t sstc = info.isa.find("_sstc");
  if (!hart.has_sstc() && sstc != std::string::npos)
    info.isa.erase(sstc, 5);
  const std::vector<uint8_t> fdt = build_fdt(info);
  const uint64_t top = std::min<uint64_t>(ram_end, 0xc000'0000);
  const uint64_t fdt_addr = (top - fdt.size()) & ~uint64_t(0x1f'ffff);
  if (fdt_addr < kDramBase)
    throw common::UserError("RAM of " + std::to_string(dram.size()) +
                            " bytes is too small for the device tree; use --ram 4M or more");
  std::memcpy(dram.host_ptr() + (fdt_addr - kDramBase), fdt.data(), fdt.size());

  // riscv-tests style programs talk to the host through tohost/fromhost.
  const auto tohost = elf.symbol("tohost");
  if (tohost)
    htif.set_mailboxes(*tohost, elf.symbol("fromhost").value_or(*tohost + 64));

  hart.reset(elf.entry(), 0, fdt_addr);
}

}  // namespace vmplat::virt
