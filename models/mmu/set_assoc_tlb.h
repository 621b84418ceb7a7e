// mmu::SetAssocTlb: the C++ set-associative TLB model, exactly as docs/tlb-model.md defines
// it (set indexing per level, probe order, fill in place, invalid-first, and the lru, plru,
// fifo and random victim rules). The Verilated RTL TLB implements the same contract, so the
// two can be compared operation by operation.
//
// Geometry errors (ways not dividing entries, sets not a power of two, plru with a ways
// count that is not a power of two) are common::UserError naming `<name>.ways` etc.
// The model counts nothing: statistics are kept by the caller (mmu::TlbLevel), so every
// implementation is counted the same way.
#pragma once

#include <cstdint>
#include <vector>

#include "models/mmu/tlb.h"

namespace vmplat::mmu {

class SetAssocTlb : public Tlb {
 public:
  enum class Policy : uint8_t { kLru, kPlru, kFifo, kRandom };

  explicit SetAssocTlb(const TlbParams& params);

  TlbLookup lookup(uint64_t vpn, uint16_t asid, cpu::AccessKind kind) override;
  TlbFill fill(const TlbEntry& entry) override;
  unsigned flush(const FlushRequest& req) override;
  std::string describe() const override;
  bool has_smaller_overlap(uint64_t vpn, unsigned level, uint16_t asid) const override;
  std::optional<std::vector<TlbSlot>> entries() const override;
  bool save_state(nlohmann::json& j) const override;
  void restore_state(const common::StateIn& in) override;

  unsigned sets() const { return m_sets; }
  unsigned ways() const { return m_ways; }
  // The entry in (set, way), or nullptr when that way is invalid (tests and lockstep).
  const TlbEntry* entry_at(unsigned set, unsigned way) const;

 private:
  struct Way {
    bool valid = false;
    uint8_t size = 0;  // size_of(entry): one compare per way in lookups
    TlbEntry entry;
  };

  // Entries of each page size are indexed by their own page number: vpn >> span shift.
  unsigned set_of(uint64_t vpn, unsigned shift) const
  {
    return unsigned((vpn >> shift) & (m_sets - 1));
  }
  // Page sizes in probe order: 4 KiB, 64 KiB (NAPOT), 2 MiB, 1 GiB, 512 GiB, 256 TiB; the
  // span shift of each (in 4 KiB pages).
  static constexpr unsigned kSizes = 6;
  static constexpr unsigned kSizeShift[kSizes] = {0, 4, 9, 18, 27, 36};
  static unsigned size_of(const TlbEntry& e) { return e.napot ? 1 : e.level ? e.level + 1 : 0; }
  bool asid_equal(uint16_t a, uint16_t b) const { return ((a ^ b) & m_asid_mask) == 0; }
  Way* set_ways(unsigned set) { return &m_ways_store[size_t(set) * m_ways]; }
  void touch(unsigned set, unsigned way);
  unsigned victim(unsigned set);

  TlbParams m_params;
  Policy m_policy;
  unsigned m_sets, m_ways;
  uint16_t m_asid_mask;
  std::vector<Way> m_ways_store;   // set-major: set * ways + way
  // Replacement state. lru: last-touch stamp per way (0 = never touched).
  std::vector<uint64_t> m_stamp;
  uint64_t m_clock = 0;
  // plru: W-1 tree bits per set, heap order, node n at index n (index 0 unused).
  std::vector<uint8_t> m_plru;
  // fifo: next victim per set.
  std::vector<unsigned> m_fifo;
  uint64_t m_rng;
  // Valid entries per page size (size_of): lookups skip sizes that hold nothing (same
  // result).
  unsigned m_size_count[kSizes] = {};
};

}  // namespace vmplat::mmu
