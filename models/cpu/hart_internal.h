// Constants and small helpers shared by the hart's units (hart*.cpp, exec*.cpp); not part
// of any interface.
#pragma once

#include <cstdint>

#include "models/cpu/riscv.h"

namespace vmplat::cpu {

constexpr uint64_t kPageSize = 4096;

// mstatus: what M-mode may write, and the sstatus view (privileged spec 3.1.6, 4.1.1).
// FS is writable only on a hart with F and D (otherwise it is read-only zero), and SD is
// never written: it is derived from FS when read.
constexpr uint64_t kMstatusWritable = mstatus::kSIE | mstatus::kMIE | mstatus::kSPIE |
                                      mstatus::kMPIE | mstatus::kSPP | mstatus::kMPP |
                                      mstatus::kMPRV | mstatus::kSUM | mstatus::kMXR |
                                      mstatus::kTVM | mstatus::kTW | mstatus::kTSR;
constexpr uint64_t kUxlSxl64 = (2ull << 32) | (2ull << 34);
constexpr uint64_t kSstatusReadable = mstatus::kSIE | mstatus::kSPIE | mstatus::kUBE |
                                      mstatus::kSPP | mstatus::kFS | mstatus::kSUM |
                                      mstatus::kMXR | (3ull << 32) | mstatus::kSD;
constexpr uint64_t kSstatusWritable = mstatus::kSIE | mstatus::kSPIE | mstatus::kSPP |
                                      mstatus::kSUM | mstatus::kMXR;
constexpr uint64_t kMisaBase = (2ull << 62) | (1u << ('A' - 'A')) | (1u << ('C' - 'A')) |
                               (1u << ('I' - 'A')) | (1u << ('M' - 'A')) |
                               (1u << ('S' - 'A')) | (1u << ('U' - 'A'));
constexpr uint64_t kMisaFD = (1u << ('D' - 'A')) | (1u << ('F' - 'A'));
// mstatus as read: SD summarises FS (and XS, always zero here) being Dirty.
inline uint64_t mstatus_with_sd(uint64_t m)
{
  return (m & mstatus::kFS) == mstatus::kFSDirty ? (m | mstatus::kSD) : m;
}
// Exceptions S-mode may take: all but ecall from M (11), and the reserved 10 and 14.
constexpr uint64_t kMedelegWritable = 0xb3ff;
constexpr uint64_t kSInterrupts = (1u << irq::kSSI) | (1u << irq::kSTI) | (1u << irq::kSEI);
constexpr uint64_t kAllInterrupts = kSInterrupts | (1u << irq::kMSI) | (1u << irq::kMTI) |
                                    (1u << irq::kMEI);
constexpr uint64_t kCounterenTM = 1u << 1;
// Interrupt priority, highest first (privileged spec 3.1.9).
constexpr unsigned kIrqPriority[] = {irq::kMEI, irq::kMSI, irq::kMTI,
                                     irq::kSEI, irq::kSSI, irq::kSTI};

inline int64_t sext32(uint64_t v) { return int64_t(int32_t(uint32_t(v))); }

// The statistic and trace name of an exception cause or interrupt number.
const char* cause_name(unsigned cause, bool interrupt);

// The memory access an instruction makes (loads, stores, LR/SC, AMOs), from its decoded
// form and rs1's value; false for instructions that make none. AMOs read and write.
struct Insn;
struct MemAccess {
  uint64_t addr;
  unsigned size;
  bool reads, writes;
};
bool mem_access_of(const Insn& in, uint64_t rs1_value, MemAccess& out);

}  // namespace vmplat::cpu
