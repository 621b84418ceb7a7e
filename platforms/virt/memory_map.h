// The virt platform's memory map and interrupt numbers: QEMU's virt machine (DESIGN.md), so
// the same firmware, OpenSBI and Linux run on both.
#pragma once

#include <cstdint>

namespace vmplat::virt {

constexpr uint64_t kFinisherBase = 0x0010'0000;
constexpr uint64_t kFinisherSize = 0x1000;
// vmplat's own sim-control device (regions of interest), where QEMU's virt machine has
// nothing: its test device is at 0x10_0000 and its RTC at 0x10_1000.
constexpr uint64_t kSimCtrlBase = 0x0010'2000;
constexpr uint64_t kSimCtrlSize = 0x1000;
constexpr uint64_t kClintBase = 0x0200'0000;
constexpr uint64_t kClintSize = 0x1'0000;
constexpr uint64_t kPlicBase = 0x0c00'0000;
constexpr uint64_t kUartBase = 0x1000'0000;
constexpr uint64_t kUartSize = 0x100;
constexpr unsigned kUartIrq = 10;
constexpr uint32_t kUartClockHz = 3686400;  // what QEMU announces; the model has no baud timing
constexpr uint64_t kVirtioBase = 0x1000'1000;
constexpr uint64_t kVirtioSlotSize = 0x1000;
constexpr unsigned kVirtioSlots = 8;
constexpr unsigned kVirtioIrq = 1;  // slot i raises kVirtioIrq + i
constexpr uint64_t kDramBase = 0x8000'0000;
// Where Linux expects to be loaded, above the M-mode firmware (RISC-V boot image header).
constexpr uint64_t kKernelBase = 0x8020'0000;

}  // namespace vmplat::virt
