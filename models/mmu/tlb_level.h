// mmu::TlbLevel: one TLB of the hierarchy (mmu.itlb, mmu.dtlb, mmu.l2tlb) as the MMU sees
// it: the configuration keys, the implementation chosen by <name>.impl, and the statistics.
// This is the one place where TLB statistics are counted, so the C++ model, the RTL TLB
// and the lockstep pair count identically.
//
// Configuration (<name> = mmu.itlb, mmu.dtlb or mmu.l2tlb)
//   <name>.impl         model|rtl|lockstep   which implementation (rtl/lockstep need Verilator)
//   <name>.entries      entries              0 turns an optional TLB (the L2) off
//   <name>.ways         ways                 1 = direct-mapped, = entries: fully associative
//   <name>.policy       lru|plru|fifo|random victim choice (docs/tlb-model.md)
//   <name>.asid_bits    bits                 ASID tag width; 0: no ASIDs, satp writes flush;
//                                            below 16: satp writes changing an untagged bit flush
//   <name>.hit_latency  cycles               charged on every lookup of this TLB
//   <name>.seed         -                    seed of the random policy
//
// Statistics
//   <name>.lookups.{fetch,load,store}, <name>.hits.*, <name>.misses.*
//   <name>.fills, <name>.evictions
//   <name>.flushes.{all,asid,vaddr,vaddr_asid,satp}, <name>.flushed_entries
//   <name>.flushes.sinval_{all,asid,vaddr,vaddr_asid} (SINVAL.VMA, Svinval)
//   <name>.miss_rate (derived)
//
// Introspection (debuggers, the GDB stub's monitor commands): entries(), holding() and
// dump() read the implementation's entries without any side effect, statistics included.
//
// Hit path: the level remembers the entry of its last hit and the ASID it was looked up
// with. A later lookup with that ASID of the same 4 KiB page (or of any page of the same
// superpage, when no smaller entry overlaps it: Tlb::has_smaller_overlap) returns it
// without searching: a full lookup would find the same entry (the first match in probe
// order), re-touching the most recently used way leaves LRU/PLRU state unchanged, and
// FIFO/random keep no lookup state; only the counters move, exactly as a full lookup would.
// Every fill and flush forgets it. Only the C++ model uses the shortcut, so an RTL TLB in
// cosimulation sees every lookup.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/common/stats.h"
#include "models/mmu/tlb.h"

namespace vmplat::mmu {

struct TlbDefaults {
  unsigned entries;
  unsigned ways;
  const char* policy;
  unsigned hit_latency;
  bool optional;  // entries may be 0 (the level is off)
};

class TlbLevel {
 public:
  // Declares <name>.* and builds the implementation. `levels` = page sizes held; napot:
  // it may also hold 64 KiB NAPOT entries (Svnapot with mmu.napot whole).
  TlbLevel(const std::string& name, const TlbDefaults& defaults, unsigned levels,
           bool napot = false);

  const std::string& name() const { return m_name; }  // "mmu.dtlb"
  const char* short_name() const { return m_short_name.c_str(); }  // "dtlb"
  bool enabled() const { return m_tlb != nullptr; }
  unsigned asid_bits() const { return m_asid_bits; }
  uint64_t hit_latency() const { return m_hit_latency; }
  Tlb* impl() { return m_tlb.get(); }

  // A counted lookup: the entry on a hit (valid until the next call on this level), or
  // nullptr on a miss.
  const TlbEntry* lookup(uint64_t vpn, uint16_t asid, cpu::AccessKind kind)
  {
    const unsigned k = unsigned(kind);
    ++*m_lookups[k];
    asid &= m_asid_mask;
    if (m_memo_valid && (vpn & m_memo_mask) == m_memo_vpn && asid == m_memo_asid) {
      ++*m_hits[k];
      return &m_memo;
    }
    return lookup_slow(vpn, asid, kind);
  }
  // The shortcut's state changes with every full lookup, fill and flush; a caller that
  // caches what a lookup returned (the Mmu's per-access-kind fast path) keeps it only while
  // this generation is unchanged, and counts its reuse with count_repeat_hit().
  bool shortcut_active() const { return m_memo_valid; }
  uint64_t generation() const { return m_generation; }
  const uint64_t* generation_ptr() const { return &m_generation; }
  // Whether repeated hits may skip the implementation (only the C++ model: an RTL TLB in
  // cosimulation sees every lookup).
  bool repeat_hits_may_skip() const { return m_use_memo; }
  uint64_t memo_mask() const { return m_memo_mask; }
  void count_repeat_hit(cpu::AccessKind kind, uint64_t n = 1)
  {
    *m_lookups[unsigned(kind)] += n;
    *m_hits[unsigned(kind)] += n;
  }
  // Writes an entry; returns where it went and what it evicted (nothing when off).
  TlbFill fill(const TlbEntry& entry);
  // SFENCE.VMA's four operand forms, a satp write's implicit flush, then SINVAL.VMA's four
  // (Svinval), counted apart.
  enum class FlushKind : uint8_t {
    kAll,
    kAsid,
    kVaddr,
    kVaddrAsid,
    kSatp,
    kSinvalAll,
    kSinvalAsid,
    kSinvalVaddr,
    kSinvalVaddrAsid
  };
  static const char* flush_kind_name(FlushKind kind);  // "all", ..., the statistic's suffix
  // Returns how many entries were invalidated (0 when off).
  unsigned flush(const FlushRequest& req, FlushKind kind);
  // Lookups that missed, of one access kind or of all (exact at any time: only hits are
  // ever deferred).
  uint64_t misses(cpu::AccessKind kind) const { return m_misses[unsigned(kind)]->value(); }
  uint64_t misses() const
  {
    return m_misses[0]->value() + m_misses[1]->value() + m_misses[2]->value();
  }
  // Cycles an RTL implementation spent beyond its hit latency since the last call.
  uint64_t take_busy_cycles() { return m_tlb ? m_tlb->take_busy_cycles() : 0; }
  std::string describe() const;
  // Checkpoints: the geometry (describe()) and, where the implementation can save them,
  // the entries and replacement state. restore_state restores them when the geometry is
  // the same and returns true; otherwise the level stays cold (empty) and returns false.
  void save_state(nlohmann::json& j) const;
  bool restore_state(const common::StateIn& in);

  // The valid entries (Tlb::entries): empty when the level is off, nullopt when the
  // implementation cannot list them.
  std::optional<std::vector<TlbSlot>> entries() const;
  // The valid entries a lookup of vpn with asid could hit, in (set, way) order.
  std::optional<std::vector<TlbSlot>> holding(uint64_t vpn, uint16_t asid) const;
  // A table of the valid entries under a header line naming the TLB and its geometry
  // (describe()); "<name>: off" for a level that is off.
  std::string dump() const;

 private:
  const TlbEntry* lookup_slow(uint64_t vpn, uint16_t asid, cpu::AccessKind kind);

  std::string m_name, m_short_name;
  std::unique_ptr<Tlb> m_tlb;
  unsigned m_entries = 0;
  unsigned m_levels = 0;  // page sizes held; the vpn width is 9 * m_levels bits
  unsigned m_asid_bits = 0;
  uint16_t m_asid_mask = 0;
  uint64_t m_hit_latency = 0;
  bool m_use_memo = false;

  bool m_memo_valid = false;
  uint64_t m_generation = 0;
  uint64_t m_memo_vpn = 0;   // masked with m_memo_mask
  uint64_t m_memo_mask = 0;  // which vpn bits must match: all, or the superpage's
  uint16_t m_memo_asid = 0;
  TlbEntry m_memo;  // the last hit (also when the shortcut is off)

  std::array<common::Counter*, 3> m_lookups{}, m_hits{}, m_misses{};
  common::Counter* m_fills = nullptr;
  common::Counter* m_evictions = nullptr;
  std::array<common::Counter*, 9> m_flushes{};
  common::Counter* m_flushed_entries = nullptr;
};

}  // namespace vmplat::mmu
