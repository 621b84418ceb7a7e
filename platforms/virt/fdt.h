// A minimal flattened device tree (devicetree specification v0.4, chapter 5) for the
// firmware: memory, the CPU with its timebase, and /chosen/bootargs. It sits where QEMU's
// virt machine puts its own, and a1 points to it at reset, so firmware that reads its boot
// arguments from the FDT runs unchanged on both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmplat::virt {

struct FdtInfo {
  uint64_t ram_base = 0;
  uint64_t ram_size = 0;
  uint64_t timebase_hz = 10000000;
  std::string isa;  // riscv,isa, e.g. "rv64imafdc_zicsr_zifencei_zicntr_sstc"
  std::string mmu_type;  // "riscv,sv39", "riscv,sv48" or empty without an MMU
  std::string bootargs;
};

std::vector<uint8_t> build_fdt(const FdtInfo& info);

}  // namespace vmplat::virt
