// How interrupt controllers reach the hart. Lines are levels; the hart samples them
// between instructions. The CLINT pushes mtimecmp so the hart can raise MTIP at the exact
// cycle even while it runs ahead of SystemC time (temporal decoupling).
#pragma once

#include <cstdint>

namespace vmplat::cpu {

class IrqTarget {
 public:
  virtual ~IrqTarget() = default;
  // bit is the mip bit: irq::kMSI, irq::kMEI, irq::kSEI.
  virtual void set_irq_line(unsigned bit, bool level) = 0;
  // New mtimecmp value of this hart (CLINT); MTIP = mtime >= mtimecmp.
  virtual void set_mtimecmp(uint64_t value) = 0;
};

// mtime runs at this rate on the virt machine (QEMU's timebase-frequency).
constexpr uint64_t kTimebaseHz = 10'000'000;

}  // namespace vmplat::cpu
