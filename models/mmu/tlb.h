// The TLB contract. A TLB stores and finds translations; it never decides a fault (the
// MMU checks permissions on the entry it gets back). That is what lets the C++ model, the
// Verilated RTL TLB and a lockstep pair of both stand in for one another.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/common/state.h"
#include "models/cpu/riscv.h"

namespace vmplat::mmu {

// PTE flag bits (privileged spec 4.3.1), as held in TlbEntry::flags.
namespace pte {
constexpr uint8_t kV = 1 << 0, kR = 1 << 1, kW = 1 << 2, kX = 1 << 3, kU = 1 << 4, kG = 1 << 5,
                  kA = 1 << 6, kD = 1 << 7;

// The flag bits as "DAGUXWRV", '-' for each clear bit (dumps, traces, explanations).
inline std::array<char, 9> letters(uint8_t flags)
{
  std::array<char, 9> out{};
  for (unsigned i = 0; i < 8; ++i)
    out[7 - i] = (flags >> i) & 1 ? "VRWXUGAD"[i] : '-';
  return out;
}
}  // namespace pte

struct TlbEntry {
  uint64_t vpn = 0;    // virtual page number (4 KiB units) of the page's base
  uint64_t ppn = 0;    // physical page number (4 KiB units) of the page's base
  uint8_t level = 0;   // page size: 0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB, 4 = 256 TiB
  uint16_t asid = 0;
  bool global = false;
  uint8_t flags = 0;   // PTE bits 7:0 (V R W X U G A D)
  bool napot = false;  // a 64 KiB NAPOT page (Svnapot): level 0, vpn and ppn 16-aligned
};

// The page an entry covers, as a shift of 4 KiB page numbers: 9 * level, 4 for NAPOT.
inline unsigned span_shift(unsigned level, bool napot)
{
  return 9u * level + (napot ? 4u : 0u);
}
inline unsigned span_shift(const TlbEntry& e)
{
  return span_shift(e.level, e.napot);
}

struct TlbLookup {
  bool hit = false;
  TlbEntry entry;      // valid on a hit
  unsigned way = 0;    // which way hit (for lockstep comparison)
};

struct TlbFill {
  unsigned set = 0, way = 0;  // where the entry went
  bool evicted = false;       // a valid entry was replaced
  TlbEntry victim;            // that entry, when evicted
};

// A valid entry and where it sits (Tlb::entries).
struct TlbSlot {
  unsigned set = 0, way = 0;
  TlbEntry entry;
};

// SFENCE.VMA operands: has_vaddr/has_asid say whether rs1/rs2 were x0.
struct FlushRequest {
  bool has_vaddr = false;
  uint64_t vpn = 0;
  bool has_asid = false;
  uint16_t asid = 0;
};

class Tlb {
 public:
  virtual ~Tlb() = default;
  // vpn is the 4 KiB virtual page number of the access; an entry of any level whose
  // range covers it matches. A global entry matches any ASID.
  virtual TlbLookup lookup(uint64_t vpn, uint16_t asid, cpu::AccessKind kind) = 0;
  virtual TlbFill fill(const TlbEntry& entry) = 0;
  // Returns how many entries were invalidated.
  virtual unsigned flush(const FlushRequest& req) = 0;
  // Extra cycles an operation costs beyond the configured hit latency (an RTL TLB that
  // takes clock cycles to flush charges them here); 0 for the C++ model.
  virtual uint64_t take_busy_cycles() { return 0; }
  // Whether an entry of a level below `level` that matches `asid` overlaps the range of
  // the level-`level` page holding vpn. The MMU's hit shortcut (mmu::TlbLevel) reuses a
  // superpage hit for other 4 KiB pages of its range only when this is false, since such
  // an entry would be probed first (docs/tlb-model.md). An implementation that cannot tell
  // answers true, which keeps the shortcut to the exact 4 KiB page.
  virtual bool has_smaller_overlap(uint64_t vpn, unsigned level, uint16_t asid) const
  {
    return level > 0;
  }
  virtual std::string describe() const = 0;
  // The valid entries in (set, way) order, read without any side effect (replacement state
  // included): for debuggers and dumps. nullopt from an implementation that cannot tell
  // (the RTL TLB keeps its state inside the Verilated model).
  virtual std::optional<std::vector<TlbSlot>> entries() const { return std::nullopt; }
  // Checkpoints: the entries and the replacement state into `j` (false from an
  // implementation that cannot save them: it starts cold after a restore), and back (the
  // caller has checked describe() is unchanged).
  virtual bool save_state(nlohmann::json& /*j*/) const { return false; }
  virtual void restore_state(const common::StateIn& /*in*/) {}
};

}  // namespace vmplat::mmu

#include <functional>
#include <memory>

namespace vmplat::mmu {

// What every implementation of one TLB is built from (the keys under <name>.*).
struct TlbParams {
  std::string name;         // "mmu.dtlb"
  unsigned entries = 64;
  unsigned ways = 4;
  unsigned asid_bits = 16;  // 0: no ASID tags
  unsigned levels = 3;      // page sizes held: 3 for Sv39 (4K, 2M, 1G), 4 Sv48, 5 Sv57
  std::string policy = "plru";
  uint64_t seed = 1;
  bool napot = false;  // entries may be 64 KiB NAPOT pages (mmu.svnapot, mmu.napot whole)
};

// Implementations other than the C++ model ("rtl", "lockstep") register here; the
// platform calls cosim::register_tlb_impls() when it is built with Verilator.
using TlbMaker = std::function<std::unique_ptr<Tlb>(const TlbParams&)>;
void register_tlb_impl(const std::string& impl, TlbMaker maker);
// impl: "model" (the C++ set-associative model) or a registered one; an unknown or
// unavailable impl is a common::UserError naming the key, the value and what is allowed.
std::unique_ptr<Tlb> make_tlb(const TlbParams& params, const std::string& impl);

}  // namespace vmplat::mmu
