// Architectural constants shared by the hart, the MMU and the tests: privilege levels,
// exception and interrupt codes, and the bits of the CSRs other blocks look at.
#pragma once

#include <cstdint>

namespace vmplat::cpu {

enum class Priv : uint8_t { kU = 0, kS = 1, kM = 3 };

// What the hart is doing with memory. AMOs and SC are stores; LR is a load (privileged
// spec: an AMO that faults raises a store/AMO fault).
enum class AccessKind : uint8_t { kFetch = 0, kLoad = 1, kStore = 2 };

// mcause exception codes (privileged spec, table 3.6).
namespace exc {
constexpr uint8_t kInstrMisaligned = 0;
constexpr uint8_t kInstrAccessFault = 1;
constexpr uint8_t kIllegalInstr = 2;
constexpr uint8_t kBreakpoint = 3;
constexpr uint8_t kLoadMisaligned = 4;
constexpr uint8_t kLoadAccessFault = 5;
constexpr uint8_t kStoreMisaligned = 6;
constexpr uint8_t kStoreAccessFault = 7;
constexpr uint8_t kEcallU = 8;
constexpr uint8_t kEcallS = 9;
constexpr uint8_t kEcallM = 11;
constexpr uint8_t kInstrPageFault = 12;
constexpr uint8_t kLoadPageFault = 13;
constexpr uint8_t kStorePageFault = 15;
}  // namespace exc

// Interrupt numbers = bit positions in mip/mie.
namespace irq {
constexpr unsigned kSSI = 1, kMSI = 3, kSTI = 5, kMTI = 7, kSEI = 9, kMEI = 11;
}

namespace mstatus {
constexpr uint64_t kSIE = 1ull << 1, kMIE = 1ull << 3, kSPIE = 1ull << 5, kUBE = 1ull << 6,
                   kMPIE = 1ull << 7, kSPP = 1ull << 8, kMPP = 3ull << 11, kMPRV = 1ull << 17,
                   kSUM = 1ull << 18, kMXR = 1ull << 19, kTVM = 1ull << 20, kTW = 1ull << 21,
                   kTSR = 1ull << 22, kFS = 3ull << 13, kSD = 1ull << 63;
constexpr unsigned kMPPShift = 11;
// FS (privileged 3.1.6.6): the FP unit's state for context switches.
constexpr uint64_t kFSOff = 0, kFSInitial = 1ull << 13, kFSClean = 2ull << 13, kFSDirty = kFS;
}  // namespace mstatus

// menvcfg fields (privileged spec 3.1.18; Sstc, Svpbmt, Svadu chapters).
namespace menvcfg {
constexpr uint64_t kFIOM = 1, kSTCE = 1ull << 63, kPBMTE = 1ull << 62, kADUE = 1ull << 61;
}  // namespace menvcfg

// satp fields for RV64 (privileged spec 4.1.11).
namespace satp {
constexpr unsigned kModeShift = 60;
constexpr uint64_t kPpnMask = (1ull << 44) - 1;
constexpr unsigned kAsidShift = 44;
constexpr uint64_t kAsidMask = 0xffff;
constexpr unsigned kModeBare = 0, kModeSv39 = 8, kModeSv48 = 9, kModeSv57 = 10;
inline unsigned mode(uint64_t v) { return unsigned(v >> kModeShift); }
inline uint16_t asid(uint64_t v) { return uint16_t((v >> kAsidShift) & kAsidMask); }
inline uint64_t ppn(uint64_t v) { return v & kPpnMask; }
}  // namespace satp

}  // namespace vmplat::cpu
