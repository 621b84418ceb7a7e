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
//   <name>.asid_bits    bits                 ASID tag width; 0: no ASIDs, satp writes flush
//   <name>.hit_latency  cycles               charged on every lookup of this TLB
//   <name>.seed         -                    seed of the random policy
//
// Statistics
//   <name>.lookups.{fetch,load,store}, <name>.hits.*, <name>.misses.*
//   <name>.fills, <name>.evictions
//   <name>.flushes.{all,asid,vaddr,vaddr_asid,satp}, <name>.flushed_entries
//   <name>.miss_rate (derived)
//
// Hit path: the level remembers the entry of its last hit (the 4 KiB vpn and ASID it was
// looked up with). A repeated lookup of that vpn/ASID returns it without searching: the
// most recently used way stays the most recently used, so LRU/PLRU state is unchanged, and
// FIFO/random keep no lookup state; only the counters move, exactly as a full lookup would.
// Every fill and flush forgets it. Only the C++ model uses the shortcut, so an RTL TLB in
// cosimulation sees every lookup.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

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
  // Declares <name>.* and builds the implementation. `levels` = page sizes held.
  TlbLevel(const std::string& name, const TlbDefaults& defaults, unsigned levels);

  bool enabled() const { return m_tlb != nullptr; }
  unsigned asid_bits() const { return m_asid_bits; }
  uint64_t hit_latency() const { return m_hit_latency; }
  Tlb* impl() { return m_tlb.get(); }

  // A counted lookup; true on a hit with the entry in `out`.
  bool lookup(uint64_t vpn, uint16_t asid, cpu::AccessKind kind, TlbEntry& out)
  {
    const unsigned k = unsigned(kind);
    ++*m_lookups[k];
    asid &= m_asid_mask;
    if (m_memo_valid && vpn == m_memo_vpn && asid == m_memo_asid) {
      ++*m_hits[k];
      out = m_memo;
      return true;
    }
    return lookup_slow(vpn, asid, kind, out);
  }
  void fill(const TlbEntry& entry);
  enum class FlushKind : uint8_t { kAll, kAsid, kVaddr, kVaddrAsid, kSatp };
  void flush(const FlushRequest& req, FlushKind kind);
  // Cycles an RTL implementation spent beyond its hit latency since the last call.
  uint64_t take_busy_cycles() { return m_tlb ? m_tlb->take_busy_cycles() : 0; }
  std::string describe() const;

 private:
  bool lookup_slow(uint64_t vpn, uint16_t asid, cpu::AccessKind kind, TlbEntry& out);

  std::string m_name;
  std::unique_ptr<Tlb> m_tlb;
  unsigned m_asid_bits = 0;
  uint16_t m_asid_mask = 0;
  uint64_t m_hit_latency = 0;
  bool m_use_memo = false;

  bool m_memo_valid = false;
  uint64_t m_memo_vpn = 0;
  uint16_t m_memo_asid = 0;
  TlbEntry m_memo;

  std::array<common::Counter*, 3> m_lookups{}, m_hits{}, m_misses{};
  common::Counter* m_fills = nullptr;
  common::Counter* m_evictions = nullptr;
  std::array<common::Counter*, 5> m_flushes{};
  common::Counter* m_flushed_entries = nullptr;
};

}  // namespace vmplat::mmu
