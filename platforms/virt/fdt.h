// Flattened device trees (devicetree specification v0.4, chapter 5): a small in-memory tree
// that is written as a DTB, read back from one (a user's --dtb), and the virt platform's
// own tree, which describes what vmplat models in the form QEMU's virt machine uses, so
// OpenSBI and Linux take it unmodified (docs/linux.md, "The device tree").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmplat::virt {

// A node: properties in the order they were set, then children in the order added.
struct FdtNode {
  struct Prop {
    std::string name;
    std::vector<uint8_t> value;
  };
  std::string name;  // "" for the root, "cpu@0", ...
  std::vector<Prop> props;
  std::vector<FdtNode> children;

  // The child with this name, added at the end if it does not exist.
  FdtNode& child(const std::string& child_name);
  const FdtNode* find_child(const std::string& child_name) const;
  // Replaces the property if it exists, else appends it.
  void set(const std::string& prop, std::vector<uint8_t> value);
  void set_cells(const std::string& prop, const std::vector<uint32_t>& cells);
  void set_string(const std::string& prop, const std::string& text);
  void set_strings(const std::string& prop, const std::vector<std::string>& texts);
  void set_empty(const std::string& prop) { set(prop, {}); }
  const std::vector<uint8_t>* get(const std::string& prop) const;
  void remove(const std::string& prop);
};

// The DTB of a tree (version 17, an empty memory reservation map).
std::vector<uint8_t> fdt_write(const FdtNode& root, uint32_t boot_cpu = 0);
// The tree of a DTB; a malformed blob is a common::UserError naming `what`.
FdtNode fdt_read(const std::vector<uint8_t>& blob, const std::string& what);

// What the platform's own tree describes.
struct FdtInfo {
  uint64_t ram_base = 0;
  uint64_t ram_size = 0;
  uint64_t timebase_hz = 10000000;
  // Harts 0..harts-1, all alike: each has a cpu node, and M- and S-mode contexts on the
  // CLINT and the PLIC, in the order QEMU's virt -smp writes them.
  unsigned harts = 1;
  // The hart's extensions: single letters first, then multi-letter ones (riscv,isa and
  // riscv,isa-extensions are both made from this list; Platform::fdt_info fills it from
  // misa and the enabled extensions).
  std::vector<std::string> isa_extensions;
  std::string mmu_type;  // "riscv,sv39", "riscv,sv48", "riscv,sv57" or empty without an MMU
  unsigned plic_sources = 31;
  uint64_t plic_size = 0;
};

FdtNode virt_fdt(const FdtInfo& info);

// What the boot loader writes into /chosen (as QEMU does into its own or the user's tree).
struct FdtChosen {
  std::string bootargs;
  bool has_initrd = false;
  uint64_t initrd_start = 0, initrd_end = 0;
};
void fdt_set_chosen(FdtNode& root, const FdtChosen& chosen);

}  // namespace vmplat::virt
