// The boot loader of the virt platform: what QEMU's -bios, -kernel, -initrd, -dtb and
// -append do, planned before anything is written to RAM so every mistake is found first
// (docs/linux.md, "Boot options").
//
// RAM at reset (the defaults; DRAM at 0x8000_0000):
//   0x8000_0000            firmware (--bios, or the positional ELF): M-mode code
//   0x8020_0000            kernel (--kernel): an ELF at its own addresses, or a RISC-V
//                          Linux Image at RAM base + the header's text_offset
//   high RAM               initrd (--initrd), page-aligned, right below the device tree
//   2 MiB-aligned below    the device tree (generated, or --dtb with /chosen filled in),
//   min(RAM end, 3 GiB)    then the fw_dynamic_info structure
// The hart starts in M mode at the firmware's entry (the kernel's without firmware) with
// a0 = hart id, a1 = the device tree, a2 = fw_dynamic_info (next stage: the kernel in S
// mode), so OpenSBI's fw_jump and fw_dynamic both work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platforms/virt/fdt.h"

namespace vmplat::virt {

struct BootSpec {
  std::string bios;            // M-mode firmware: ELF or raw binary (empty: none)
  bool bios_elf_only = false;  // the positional firmware: an ELF, as vmplat always took
  std::string kernel;          // ELF or RISC-V Linux Image
  std::string initrd;
  std::string dtb;  // the user's device tree instead of the generated one
  std::string bootargs;
};

struct BootPlan {
  // Something to copy into RAM: data, then zeros up to memsz.
  struct Blob {
    std::string what;  // "firmware 'fw.elf'", for errors
    uint64_t addr = 0, memsz = 0;
    std::vector<uint8_t> data;
  };
  std::vector<Blob> blobs;
  uint64_t entry = 0;
  uint64_t fdt_addr = 0, dynamic_info_addr = 0;
  std::vector<uint8_t> fdt;                  // also among the blobs
  std::optional<uint64_t> tohost, fromhost;  // HTIF mailboxes of an ELF firmware
};

// OpenSBI's fw_dynamic_info (include/sbi/fw_dynamic.h, version 2): six XLEN words.
constexpr uint64_t kFwDynamicMagic = 0x4942534f;  // "OSBI"
constexpr uint64_t kFwDynamicVersion = 2;
constexpr uint64_t kFwDynamicSize = 6 * 8;

// Reads the files and lays out RAM; a file that cannot be used, a combination that makes
// no sense or a layout that does not fit is a common::UserError naming what and where.
BootPlan plan_boot(const BootSpec& spec, const FdtInfo& info);

}  // namespace vmplat::virt
