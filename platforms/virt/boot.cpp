#include "platforms/virt/boot.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include "models/common/config.h"
#include "models/common/elf_file.h"
#include "models/common/format.h"
#include "models/common/input_file.h"
#include "platforms/virt/memory_map.h"

namespace vmplat::virt {

using common::hex;
using common::UserError;

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kFdtAlign = 2ull << 20;
// QEMU keeps the device tree below 3 GiB so 32-bit firmware can reach it; so does vmplat.
constexpr uint64_t kFdtCeiling = 0xc000'0000;

// The RISC-V Linux boot image header (Documentation/arch/riscv/boot-image-header.rst).
constexpr size_t kImageHeaderSize = 64;
constexpr size_t kImageTextOffset = 8, kImageSize = 16, kImageFlags = 24, kImageMagic = 48,
                 kImageMagic2 = 56;

uint64_t le64(const std::vector<uint8_t>& b, size_t off)
{
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | b[off + size_t(i)];
  return v;
}

// Whether the file starts with the ELF magic; read alone, so that an ELF larger than RAM
// (debug sections) is judged by its loadable segments, not by its size.
bool file_is_elf(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, sizeof magic) && std::memcmp(magic, "\177ELF", 4) == 0;
}

bool is_linux_image(const std::vector<uint8_t>& b)
{
  return b.size() >= kImageHeaderSize && (std::memcmp(&b[kImageMagic2], "RSC\x05", 4) == 0 ||
                                          std::memcmp(&b[kImageMagic], "RISCV\0\0", 8) == 0);
}

std::string range(uint64_t lo, uint64_t hi)
{
  return hex(lo) + ".." + hex(hi - 1);
}

class Layout {
 public:
  Layout(BootPlan& plan, uint64_t ram_base, uint64_t ram_end)
      : m_plan(plan), m_base(ram_base), m_end(ram_end)
  {
  }

  // Adds a blob after checking that it lies in RAM and overlaps nothing placed before.
  void place(BootPlan::Blob blob, const std::string& hint)
  {
    const uint64_t lo = blob.addr, size = std::max<uint64_t>(blob.memsz, blob.data.size());
    if (lo < m_base || lo >= m_end || size > m_end - lo)
      throw UserError(blob.what + " needs " + range(lo, lo + size) + ", outside RAM " +
                      range(m_base, m_end) + "; " + hint);
    for (const auto& other : m_plan.blobs) {
      const uint64_t olo = other.addr,
                     ohi = olo + std::max<uint64_t>(other.memsz, other.data.size());
      if (lo < ohi && olo < lo + size)
        throw UserError(blob.what + " at " + range(lo, lo + size) + " overlaps " + other.what +
                        " at " + range(olo, ohi));
    }
    blob.memsz = size;
    m_plan.blobs.push_back(std::move(blob));
  }

  uint64_t highest_end() const
  {
    uint64_t hi = m_base;
    for (const auto& b : m_plan.blobs) hi = std::max(hi, b.addr + b.memsz);
    return hi;
  }

 private:
  BootPlan& m_plan;
  uint64_t m_base, m_end;
};

// The segments of an ELF, a PIE moved so its lowest segment starts at `pie_base`; returns
// the entry point.
uint64_t place_elf(const common::ElfFile& elf, const std::string& what, uint64_t pie_base,
                   Layout& layout, const std::string& hint, uint64_t* bias_out = nullptr)
{
  uint64_t bias = 0;
  if (elf.position_independent()) {
    uint64_t lowest = UINT64_MAX;
    for (const auto& seg : elf.segments()) lowest = std::min(lowest, seg.paddr);
    bias = pie_base - (lowest & ~(kPage - 1));
  }
  for (const auto& seg : elf.segments()) {
    BootPlan::Blob b;
    b.what = what;
    b.addr = seg.paddr + bias;
    b.memsz = seg.memsz;
    b.data = seg.data;
    layout.place(std::move(b), hint);
  }
  if (bias_out)
    *bias_out = bias;
  return elf.entry() + bias;
}

}  // namespace

BootPlan plan_boot(const BootSpec& spec, const FdtInfo& info)
{
  BootPlan plan;
  const uint64_t ram_base = info.ram_base, ram_end = info.ram_base + info.ram_size;
  Layout layout(plan, ram_base, ram_end);
  const std::string more_ram = "give more RAM with --ram";
  // No file the guest gets can be larger than its RAM: that bounds what vmplat reads.
  const std::string ram_limit = "the RAM it must fit in; " + more_ram;
  const auto read_file = [&](const std::string& path, const std::string& what) {
    return common::read_input_file(path, what, info.ram_size, ram_limit);
  };

  if (!spec.initrd.empty() && spec.kernel.empty())
    throw UserError("--initrd '" + spec.initrd + "' needs a kernel to use it; give --kernel");

  std::optional<uint64_t> firmware_entry;
  if (!spec.bios.empty()) {
    const std::string what = "firmware '" + spec.bios + "'";
    if (spec.bios_elf_only || file_is_elf(spec.bios)) {
      const common::ElfFile elf(spec.bios, "firmware", info.ram_size);
      uint64_t bias = 0;
      firmware_entry =
          place_elf(elf, what, ram_base, layout, "link it inside RAM or " + more_ram, &bias);
      // riscv-tests style programs talk to the host through tohost/fromhost.
      if (const auto tohost = elf.symbol("tohost")) {
        plan.tohost = *tohost + bias;
        plan.fromhost = elf.symbol("fromhost").value_or(*tohost + 64) + bias;
      }
    } else {
      std::vector<uint8_t> bytes = read_file(spec.bios, "firmware");
      if (bytes.empty())
        throw UserError(what + " is empty");
      BootPlan::Blob b{what, ram_base, bytes.size(), std::move(bytes)};
      layout.place(std::move(b), more_ram);
      firmware_entry = ram_base;
    }
  }

  std::optional<uint64_t> kernel_entry;
  if (!spec.kernel.empty()) {
    const std::string what = "kernel '" + spec.kernel + "'";
    if (file_is_elf(spec.kernel)) {
      const common::ElfFile elf(spec.kernel, "kernel", info.ram_size);
      kernel_entry = place_elf(elf, what, kKernelBase, layout, more_ram);
    } else {
      std::vector<uint8_t> bytes = read_file(spec.kernel, "kernel");
      if (!is_linux_image(bytes))
        throw UserError(what +
                        " is neither an ELF file nor a RISC-V Linux Image (no \"RSC\\x05\" "
                        "magic at offset 0x38); give vmlinux or arch/riscv/boot/Image");
      // Linux starts in S mode and calls the SBI from its first steps: without firmware
      // its first ecall would trap in M mode to an empty mtvec, forever.
      if (!firmware_entry)
        throw UserError(what +
                        " is a Linux Image, which runs in S mode under M-mode "
                        "firmware; give --bios (e.g. OpenSBI's fw_jump.bin)");
      if (le64(bytes, kImageFlags) & 1)
        throw UserError(what + " is a big-endian Linux Image; the virt platform is little-endian");
      const uint64_t text_offset = le64(bytes, kImageTextOffset);
      const uint64_t addr = text_offset ? ram_base + text_offset : kKernelBase;
      // image_size covers the kernel's bss and early data past the file's end.
      const uint64_t image_size = std::max<uint64_t>(le64(bytes, kImageSize), bytes.size());
      BootPlan::Blob b{what, addr, image_size, std::move(bytes)};
      layout.place(std::move(b), more_ram);
      kernel_entry = addr;
    }
  }
  if (!firmware_entry && !kernel_entry)
    throw UserError("nothing to boot; give a firmware ELF, --bios FILE or --kernel FILE");

  // The device tree: its size does not depend on the values /chosen gets.
  FdtNode tree;
  if (!spec.dtb.empty())
    tree = fdt_read(read_file(spec.dtb, "device tree"), spec.dtb);
  else
    tree = virt_fdt(info);
  FdtChosen chosen;
  chosen.bootargs = spec.bootargs;
  chosen.has_initrd = !spec.initrd.empty();
  fdt_set_chosen(tree, chosen);
  const uint64_t fdt_size = fdt_write(tree).size();
  const uint64_t top = std::min(ram_end, kFdtCeiling);
  const uint64_t info_offset = (fdt_size + 7) & ~uint64_t(7);
  if (top < ram_base + info_offset + kFwDynamicSize)
    throw UserError("RAM of " + std::to_string(info.ram_size) +
                    " bytes is too small for the device tree; " + more_ram);
  plan.fdt_addr = (top - info_offset - kFwDynamicSize) & ~(kFdtAlign - 1);
  if (plan.fdt_addr < ram_base)
    plan.fdt_addr = ram_base;
  plan.dynamic_info_addr = plan.fdt_addr + info_offset;

  BootPlan::Blob initrd_blob;
  if (!spec.initrd.empty()) {
    initrd_blob.what = "initrd '" + spec.initrd + "'";
    initrd_blob.data = read_file(spec.initrd, "initrd");
    const uint64_t size = initrd_blob.data.size();
    const uint64_t below = layout.highest_end();
    if (size == 0)
      throw UserError(initrd_blob.what + " is empty");
    if (plan.fdt_addr < size || ((plan.fdt_addr - size) & ~(kPage - 1)) < below)
      throw UserError(initrd_blob.what + " (" + std::to_string(size) +
                      " bytes) does not fit between the kernel's end " + hex(below) +
                      " and the device tree at " + hex(plan.fdt_addr) + "; " + more_ram);
    initrd_blob.addr = (plan.fdt_addr - size) & ~(kPage - 1);
    initrd_blob.memsz = size;
    chosen.initrd_start = initrd_blob.addr;
    chosen.initrd_end = initrd_blob.addr + size;
    fdt_set_chosen(tree, chosen);
  }
  plan.fdt = fdt_write(tree);
  layout.place({"the device tree", plan.fdt_addr, plan.fdt.size(), plan.fdt}, more_ram);
  if (!spec.initrd.empty())
    layout.place(std::move(initrd_blob), more_ram);

  // fw_dynamic: the next stage is the kernel in S mode (0 without a kernel, as on QEMU).
  BootPlan::Blob dyn{"fw_dynamic_info", plan.dynamic_info_addr, kFwDynamicSize, {}};
  for (uint64_t word : {kFwDynamicMagic, kFwDynamicVersion, kernel_entry.value_or(0), uint64_t{1},
                        uint64_t{0}, uint64_t{0}})
    for (unsigned i = 0; i < 8; ++i) dyn.data.push_back(uint8_t(word >> (8 * i)));
  layout.place(std::move(dyn), more_ram);

  plan.entry = firmware_entry ? *firmware_entry : *kernel_entry;
  return plan;
}

}  // namespace vmplat::virt
