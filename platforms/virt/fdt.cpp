#include "platforms/virt/fdt.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>

#include "models/common/config.h"
#include "platforms/virt/memory_map.h"

namespace vmplat::virt {

namespace {

// Structure block tokens and header layout (devicetree specification 5.2, 5.4).
constexpr uint32_t kMagic = 0xd00dfeed;
constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;
constexpr uint32_t kHeaderSize = 40;
constexpr uint32_t kVersion = 17, kLastCompatible = 16;

// Phandles of the platform's tree, numbered as QEMU's virt numbers them (it creates the
// cpu nodes from the last hart down), so the trees match number for number: hart h's cpu
// and interrupt controller, then the PLIC and the test device after all harts'.
struct Phandles {
  unsigned harts;
  uint32_t cpu(unsigned h) const { return 2 * (harts - 1 - h) + 1; }
  uint32_t intc(unsigned h) const { return cpu(h) + 1; }
  uint32_t plic() const { return 2 * harts + 1; }
  uint32_t test() const { return 2 * harts + 2; }
};

void put32(std::vector<uint8_t>& out, uint32_t v)
{
  for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

uint32_t get32(const std::vector<uint8_t>& b, size_t off)
{
  return uint32_t(b[off]) << 24 | uint32_t(b[off + 1]) << 16 | uint32_t(b[off + 2]) << 8 |
         b[off + 3];
}

void pad4(std::vector<uint8_t>& out)
{
  while (out.size() % 4) out.push_back(0);
}

class Writer {
 public:
  void node(const FdtNode& n)
  {
    put32(m_struct, kBeginNode);
    m_struct.insert(m_struct.end(), n.name.begin(), n.name.end());
    m_struct.push_back(0);
    pad4(m_struct);
    for (const auto& p : n.props) {
      put32(m_struct, kProp);
      put32(m_struct, uint32_t(p.value.size()));
      put32(m_struct, string_offset(p.name));
      m_struct.insert(m_struct.end(), p.value.begin(), p.value.end());
      pad4(m_struct);
    }
    for (const auto& c : n.children) node(c);
    put32(m_struct, kEndNode);
  }

  std::vector<uint8_t> finish(uint32_t boot_cpu)
  {
    put32(m_struct, kEnd);
    const uint32_t rsvmap = 16;  // one empty entry ends the reservation map
    const uint32_t off_struct = kHeaderSize + rsvmap;
    const uint32_t off_strings = off_struct + uint32_t(m_struct.size());
    const uint32_t total = off_strings + uint32_t(m_strings.size());
    std::vector<uint8_t> out;
    for (uint32_t v :
         {kMagic, total, off_struct, off_strings, kHeaderSize, kVersion, kLastCompatible, boot_cpu,
          uint32_t(m_strings.size()), uint32_t(m_struct.size())})
      put32(out, v);
    out.insert(out.end(), rsvmap, 0);
    out.insert(out.end(), m_struct.begin(), m_struct.end());
    out.insert(out.end(), m_strings.begin(), m_strings.end());
    return out;
  }

 private:
  uint32_t string_offset(const std::string& name)
  {
    auto it = m_offsets.find(name);
    if (it != m_offsets.end())
      return it->second;
    const uint32_t off = uint32_t(m_strings.size());
    m_strings.insert(m_strings.end(), name.begin(), name.end());
    m_strings.push_back(0);
    m_offsets.emplace(name, off);
    return off;
  }

  std::vector<uint8_t> m_struct, m_strings;
  std::map<std::string, uint32_t> m_offsets;
};

class Reader {
 public:
  Reader(const std::vector<uint8_t>& blob, const std::string& what) : m_b(blob), m_what(what) {}

  FdtNode read()
  {
    if (m_b.size() < kHeaderSize || get32(m_b, 0) != kMagic)
      bad("is not a flattened device tree (no 0xd00dfeed magic)");
    const uint32_t total = get32(m_b, 4);
    m_struct = get32(m_b, 8);
    m_strings = get32(m_b, 12);
    const uint32_t version = get32(m_b, 20), last = get32(m_b, 24);
    m_strings_size = get32(m_b, 32);
    m_struct_end = m_struct + get32(m_b, 36);
    if (last > kVersion || version < kLastCompatible)
      bad("has version " + std::to_string(version) + " (compatible with " + std::to_string(last) +
          "); vmplat reads versions 16 and 17");
    if (total > m_b.size() || m_struct_end > total || m_strings + m_strings_size > total ||
        m_struct_end < m_struct)
      bad("is truncated or its header's offsets point outside it");
    m_pos = m_struct;
    skip_nops();
    if (next() != kBeginNode)
      bad("does not start with a node");
    FdtNode root = node();
    skip_nops();
    if (next() != kEnd)
      bad("has data after the root node");
    return root;
  }

 private:
  [[noreturn]] void bad(const std::string& why) const
  {
    throw common::UserError("device tree '" + m_what + "' " + why);
  }
  uint32_t next()
  {
    if (m_pos + 4 > m_struct_end)
      bad("ends inside its structure block");
    const uint32_t v = get32(m_b, m_pos);
    m_pos += 4;
    return v;
  }
  void skip_nops()
  {
    while (m_pos + 4 <= m_struct_end && get32(m_b, m_pos) == kNop) m_pos += 4;
  }
  std::string cstring(size_t at, size_t end)
  {
    const auto first = m_b.begin() + long(at);
    const auto zero = std::find(first, m_b.begin() + long(end), 0);
    if (zero == m_b.begin() + long(end))
      bad("has an unterminated name");
    return std::string(first, zero);
  }
  FdtNode node()
  {
    if (++m_depth > 64)
      bad("nests nodes deeper than 64");
    FdtNode n;
    n.name = cstring(m_pos, m_struct_end);
    m_pos = (m_pos + n.name.size() + 1 + 3) & ~size_t(3);
    for (;;) {
      const uint32_t token = next();
      if (token == kNop)
        continue;
      if (token == kEndNode)
        break;
      if (token == kBeginNode) {
        n.children.push_back(node());
      } else if (token == kProp) {
        const uint32_t len = next(), nameoff = next();
        if (nameoff >= m_strings_size || m_pos + len > m_struct_end)
          bad("has a property outside its blocks");
        FdtNode::Prop p;
        p.name = cstring(m_strings + nameoff, m_strings + m_strings_size);
        p.value.assign(m_b.begin() + long(m_pos), m_b.begin() + long(m_pos + len));
        m_pos = (m_pos + len + 3) & ~size_t(3);
        n.props.push_back(std::move(p));
      } else {
        bad("has an unknown token " + std::to_string(token));
      }
    }
    --m_depth;
    return n;
  }

  const std::vector<uint8_t>& m_b;
  std::string m_what;
  size_t m_pos = 0, m_struct = 0, m_struct_end = 0, m_strings = 0, m_strings_size = 0;
  unsigned m_depth = 0;
};

std::string hex_unit(uint64_t addr)
{
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(addr));
  return buf;
}

std::vector<uint32_t> reg64(uint64_t base, uint64_t size)
{
  return {uint32_t(base >> 32), uint32_t(base), uint32_t(size >> 32), uint32_t(size)};
}

}  // namespace

FdtNode& FdtNode::child(const std::string& child_name)
{
  for (auto& c : children)
    if (c.name == child_name)
      return c;
  children.push_back(FdtNode{child_name, {}, {}});
  return children.back();
}

const FdtNode* FdtNode::find_child(const std::string& child_name) const
{
  for (const auto& c : children)
    if (c.name == child_name)
      return &c;
  return nullptr;
}

void FdtNode::set(const std::string& prop, std::vector<uint8_t> value)
{
  for (auto& p : props) {
    if (p.name == prop) {
      p.value = std::move(value);
      return;
    }
  }
  props.push_back({prop, std::move(value)});
}

void FdtNode::set_cells(const std::string& prop, const std::vector<uint32_t>& cells)
{
  std::vector<uint8_t> v;
  for (uint32_t c : cells) put32(v, c);
  set(prop, std::move(v));
}

void FdtNode::set_string(const std::string& prop, const std::string& text)
{
  set_strings(prop, {text});
}

void FdtNode::set_strings(const std::string& prop, const std::vector<std::string>& texts)
{
  std::vector<uint8_t> v;
  for (const auto& t : texts) {
    v.insert(v.end(), t.begin(), t.end());
    v.push_back(0);
  }
  set(prop, std::move(v));
}

const std::vector<uint8_t>* FdtNode::get(const std::string& prop) const
{
  for (const auto& p : props)
    if (p.name == prop)
      return &p.value;
  return nullptr;
}

void FdtNode::remove(const std::string& prop)
{
  props.erase(
      std::remove_if(props.begin(), props.end(), [&](const Prop& p) { return p.name == prop; }),
      props.end());
}

std::vector<uint8_t> fdt_write(const FdtNode& root, uint32_t boot_cpu)
{
  Writer w;
  w.node(root);
  return w.finish(boot_cpu);
}

FdtNode fdt_read(const std::vector<uint8_t>& blob, const std::string& what)
{
  return Reader(blob, what).read();
}

FdtNode virt_fdt(const FdtInfo& info)
{
  if (info.harts == 0)
    throw std::logic_error("virt_fdt: a machine without harts");
  const Phandles ph{info.harts};
  FdtNode root;
  root.set_cells("#address-cells", {2});
  root.set_cells("#size-cells", {2});
  root.set_string("compatible", "riscv-virtio");
  root.set_string("model", "riscv-virtio,vmplat");

  FdtNode& chosen = root.child("chosen");
  chosen.set_string("stdout-path", "/soc/serial@" + hex_unit(kUartBase));
  // Entropy for the guest's random number generator, as QEMU gives 32 bytes: a fixed
  // value, so a run stays deterministic (and reproducible, which a simulator wants more
  // than unpredictable keys).
  std::vector<uint32_t> seed;
  for (uint32_t i = 0, x = 0x766d706c; i < 8; ++i)  // "vmpl"
    seed.push_back(x = x * 1664525u + 1013904223u);
  chosen.set_cells("rng-seed", seed);

  // The finisher doubles as the power controller (syscon-poweroff/-reboot bindings): a
  // guest's power-off writes 0x5555 (vmplat exits 0), a reboot 0x7777.
  FdtNode& poweroff = root.child("poweroff");
  poweroff.set_cells("value", {0x5555});
  poweroff.set_cells("offset", {0});
  poweroff.set_cells("regmap", {ph.test()});
  poweroff.set_string("compatible", "syscon-poweroff");
  FdtNode& reboot = root.child("reboot");
  reboot.set_cells("value", {0x7777});
  reboot.set_cells("offset", {0});
  reboot.set_cells("regmap", {ph.test()});
  reboot.set_string("compatible", "syscon-reboot");

  FdtNode& mem = root.child("memory@" + hex_unit(info.ram_base));
  mem.set_string("device_type", "memory");
  mem.set_cells("reg", reg64(info.ram_base, info.ram_size));

  FdtNode& cpus = root.child("cpus");
  cpus.set_cells("#address-cells", {1});
  cpus.set_cells("#size-cells", {0});
  cpus.set_cells("timebase-frequency", {uint32_t(info.timebase_hz)});
  // riscv,isa (deprecated but what OpenSBI 1.x and older kernels read) and its successors
  // riscv,isa-base / riscv,isa-extensions (riscv/extensions.yaml binding).
  std::string isa = "rv64";
  for (const auto& e : info.isa_extensions) isa += (e.size() == 1 ? "" : "_") + e;
  for (unsigned h = 0; h < info.harts; ++h) {
    FdtNode& cpu = cpus.child("cpu@" + std::to_string(h));
    cpu.set_cells("phandle", {ph.cpu(h)});
    cpu.set_string("device_type", "cpu");
    cpu.set_cells("reg", {h});
    cpu.set_string("status", "okay");
    cpu.set_string("compatible", "riscv");
    cpu.set_string("riscv,isa", isa);
    cpu.set_string("riscv,isa-base", "rv64i");
    cpu.set_strings("riscv,isa-extensions", info.isa_extensions);
    if (!info.mmu_type.empty())
      cpu.set_string("mmu-type", info.mmu_type);
    FdtNode& intc = cpu.child("interrupt-controller");
    intc.set_cells("#address-cells", {0});
    intc.set_cells("#interrupt-cells", {1});
    intc.set_empty("interrupt-controller");
    intc.set_string("compatible", "riscv,cpu-intc");
    intc.set_cells("phandle", {ph.intc(h)});
  }
  FdtNode& cluster = cpus.child("cpu-map").child("cluster0");
  for (unsigned h = 0; h < info.harts; ++h)
    cluster.child("core" + std::to_string(h)).set_cells("cpu", {ph.cpu(h)});

  FdtNode& soc = root.child("soc");
  soc.set_cells("#address-cells", {2});
  soc.set_cells("#size-cells", {2});
  soc.set_string("compatible", "simple-bus");
  soc.set_empty("ranges");

  FdtNode& uart = soc.child("serial@" + hex_unit(kUartBase));
  uart.set_cells("interrupts", {kUartIrq});
  uart.set_cells("interrupt-parent", {ph.plic()});
  uart.set_cells("clock-frequency", {kUartClockHz});
  uart.set_cells("reg", reg64(kUartBase, kUartSize));
  uart.set_string("compatible", "ns16550a");

  FdtNode& test = soc.child("test@" + hex_unit(kFinisherBase));
  test.set_cells("phandle", {ph.test()});
  test.set_cells("reg", reg64(kFinisherBase, kFinisherSize));
  test.set_strings("compatible", {"sifive,test1", "sifive,test0", "syscon"});

  // vmplat's own device (docs/devices.md); QEMU has no such node, and software that looks
  // for it (our kernel, vmwork roi) does nothing without it.
  FdtNode& simctl = soc.child("sim-control@" + hex_unit(kSimCtrlBase));
  simctl.set_cells("reg", reg64(kSimCtrlBase, kSimCtrlSize));
  simctl.set_string("compatible", "vmplat,sim-control");

  // Highest slot first, as QEMU lists them: Linux numbers the disks in the order it finds
  // them, so the same order gives the same names (vda is slot 0 on both).
  for (unsigned i = kVirtioSlots; i-- > 0;) {
    const uint64_t base = kVirtioBase + i * kVirtioSlotSize;
    FdtNode& v = soc.child("virtio_mmio@" + hex_unit(base));
    v.set_cells("interrupts", {kVirtioIrq + i});
    v.set_cells("interrupt-parent", {ph.plic()});
    v.set_cells("reg", reg64(base, kVirtioSlotSize));
    v.set_string("compatible", "virtio,mmio");
  }

  // Context 2h is hart h's M mode (MEIP, 11), context 2h+1 its S mode (SEIP, 9); the
  // CLINT drives each hart's M-mode software interrupt (MSIP, 3) and timer (MTIP, 7).
  std::vector<uint32_t> plic_irqs, clint_irqs;
  for (unsigned h = 0; h < info.harts; ++h) {
    plic_irqs.insert(plic_irqs.end(), {ph.intc(h), 11, ph.intc(h), 9});
    clint_irqs.insert(clint_irqs.end(), {ph.intc(h), 3, ph.intc(h), 7});
  }
  FdtNode& plic = soc.child("plic@" + hex_unit(kPlicBase));
  plic.set_cells("phandle", {ph.plic()});
  plic.set_cells("riscv,ndev", {info.plic_sources});
  plic.set_cells("reg", reg64(kPlicBase, info.plic_size));
  plic.set_cells("interrupts-extended", plic_irqs);
  plic.set_empty("interrupt-controller");
  plic.set_strings("compatible", {"sifive,plic-1.0.0", "riscv,plic0"});
  plic.set_cells("#address-cells", {0});
  plic.set_cells("#interrupt-cells", {1});

  FdtNode& clint = soc.child("clint@" + hex_unit(kClintBase));
  clint.set_cells("interrupts-extended", clint_irqs);
  clint.set_cells("reg", reg64(kClintBase, kClintSize));
  clint.set_strings("compatible", {"sifive,clint0", "riscv,clint0"});
  return root;
}

void fdt_set_chosen(FdtNode& root, const FdtChosen& chosen)
{
  FdtNode& c = root.child("chosen");
  // A user's tree keeps its own boot arguments unless --append replaces them.
  if (!chosen.bootargs.empty() || !c.get("bootargs"))
    c.set_string("bootargs", chosen.bootargs);
  if (chosen.has_initrd) {
    // Cells as the root's #address-cells say; Linux accepts one or two.
    c.set_cells("linux,initrd-start",
                {uint32_t(chosen.initrd_start >> 32), uint32_t(chosen.initrd_start)});
    c.set_cells("linux,initrd-end",
                {uint32_t(chosen.initrd_end >> 32), uint32_t(chosen.initrd_end)});
  } else {
    c.remove("linux,initrd-start");
    c.remove("linux,initrd-end");
  }
}

}  // namespace vmplat::virt
