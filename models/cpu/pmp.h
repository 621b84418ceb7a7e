// cpu::Pmp: physical memory protection (privileged spec 3.7). The entries' CSRs (pmpcfg,
// pmpaddr) with their WARL rules and lock bits, and the matcher that decides an access.
//
// What it decides (3.7.1): the lowest-numbered active entry that matches any byte of an
// access decides it; an entry that matches only some of the bytes fails the access whatever
// its bits. A matching entry lets M mode through unless it is locked (L); otherwise the
// access needs the entry's R, W or X. An AMO needs R and W, which a store check decides: W
// implies R, the combination R=0/W=1 being reserved. With no matching entry, M mode
// succeeds and S and U fail, as soon as the hart implements one entry (with none, nothing is
// checked). Address matching: TOR (pmpaddr[i-1] <= a < pmpaddr[i], 0 below entry 0), NA4 and
// NAPOT, at a granularity of 2^(G+2) bytes.
//
// WARL choices (3.7.1): bits 6:5 of each pmpcfg byte read as zero; the reserved R=0/W=1
// combination clears W; with G >= 1 NA4 cannot be selected and becomes NAPOT (the smallest
// NAPOT region is then the granule, as NA4 is for G = 0); pmpaddr keeps bits 53:0 as
// written and reads its low G bits as the spec says (zeros for OFF/TOR, ones below bit G-1
// for NAPOT). A locked entry ignores writes to its pmpcfg byte and pmpaddr, and so does the
// pmpaddr below a locked TOR entry. Entries past the implemented count read as zero and
// ignore writes.
//
// The hart caches decisions: decide() also returns the range of addresses around the access
// where every access of the same kind and privilege gets the same answer, and the hart
// drops what it cached on every pmpcfg/pmpaddr write. The page-table walker asks through
// PhysicalProtection (translate_if.h): its accesses are S-mode loads (PTE reads) and stores
// (A/D writes).
#pragma once

#include <array>
#include <cstdint>

#include "models/common/state.h"
#include "models/cpu/riscv.h"
#include "models/cpu/translate_if.h"

namespace vmplat::cpu {

class Pmp : public PhysicalProtection {
 public:
  static constexpr unsigned kMaxEntries = 64;
  // pmpcfg byte fields.
  static constexpr uint8_t kR = 1, kW = 2, kX = 4, kL = 0x80;
  static constexpr unsigned kAShift = 3;
  enum Mode : uint8_t { kOff = 0, kTor = 1, kNa4 = 2, kNapot = 3 };

  // entries: 0, 16 or 64; granularity: bytes, a power of two >= 4.
  explicit Pmp(unsigned entries = 16, uint64_t granularity = 4);

  unsigned entries() const { return m_count; }
  uint64_t granularity() const { return uint64_t(4) << m_g; }
  // Reset (3.7.1): every entry OFF and unlocked, addresses zero.
  void reset();

  // Checkpoints: the pmpcfg bytes and pmpaddr registers (a checkpoint of another entry
  // count or granularity is refused).
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in);

  // The CSRs. pmpcfg<n> (n even on RV64, 0..14) holds entries n*4 .. n*4+7; pmpaddr<i>.
  uint64_t read_cfg(unsigned n) const;
  void write_cfg(unsigned n, uint64_t value);
  uint64_t read_addr(unsigned i) const;
  void write_addr(unsigned i, uint64_t value);

  // Whether accesses at privilege p must be checked at all: with at least one entry, S and
  // U always; M only while an active entry covers some address (a partial match fails even
  // in M mode).
  bool applies(Priv p) const { return m_count && (p != Priv::kM || m_rule_count); }

  struct Decision {
    bool allowed;
    // Every access of the same permissions and privilege that lies within [lo, hi] gets the
    // same answer: no active entry's boundary falls inside.
    uint64_t lo, hi;
    bool covers(uint64_t a, uint64_t b) const { return lo <= a && b <= hi; }
    // The same answer holds for the whole 4 KiB page of pa.
    bool whole_page(uint64_t pa) const { return covers(pa & ~uint64_t(4095), pa | 4095); }
  };
  // The decision for `size` bytes at pa (size >= 1, pa + size - 1 not wrapping) needing
  // `perms` (kR, kW, kX) at privilege p. No statistics.
  Decision decide(uint64_t pa, unsigned size, uint8_t perms, Priv p) const;
  // decide() for the hart's own access of `kind` (AMOs are stores), counted: one check, and
  // a fault of that kind when denied.
  Decision check(uint64_t pa, unsigned size, AccessKind kind, Priv p);

  // PhysicalProtection: the walker's PTE reads and A/D writes, as S mode.
  bool walker_may_access(uint64_t pa, unsigned size, bool write, bool counted) override;

  // Statistics (published by the hart as cpu.pmp.*).
  uint64_t checks() const { return m_checks; }
  uint64_t faults(AccessKind kind) const { return m_faults[unsigned(kind)]; }
  uint64_t walker_faults() const { return m_walker_faults; }

 private:
  // An active entry as the matcher uses it: the byte range [lo, hi] (inclusive) and the
  // pmpcfg byte. Rebuilt after every write.
  struct Rule {
    uint64_t lo, hi;
    uint8_t cfg;
  };
  static Mode mode_of(uint8_t cfg) { return Mode((cfg >> kAShift) & 3); }
  // pmpaddr as read (low G bits per the entry's mode) and as TOR bounds use it.
  uint64_t addr_as_read(unsigned i) const;
  uint64_t tor_bound(unsigned i) const;
  bool locked(unsigned i) const;
  // A pmpcfg byte as a write leaves it (the WARL choices above).
  uint8_t legal_cfg(uint8_t cfg) const;
  void rebuild();

  unsigned m_count;
  unsigned m_g;  // granularity 2^(m_g + 2) bytes
  std::array<uint8_t, kMaxEntries> m_cfg{};
  std::array<uint64_t, kMaxEntries> m_addr{};
  std::array<Rule, kMaxEntries> m_rules{};  // active entries that cover some address, in order
  unsigned m_rule_count = 0;

  uint64_t m_checks = 0;
  uint64_t m_faults[3] = {};
  uint64_t m_walker_faults = 0;
};

}  // namespace vmplat::cpu
