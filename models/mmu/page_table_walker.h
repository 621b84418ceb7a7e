// mmu::PageTableWalker: the hardware page-table walker of privileged spec 4.3.2 (Sv39,
// Sv48, Sv57: 4.4-4.6), a child module "walker" of mmu::Mmu. Every PTE read and every A/D write is
// a real TLM transaction on `isock` (b_transport, never DMI) through the bus, so walks cost memory
// time and show up in the DRAM statistics. The Mmu exposes this socket as `mmu.isock`; the
// platform may bind it to caches first (mmu.walker.path, mem::Cache).
//
// The walker checks the structure of the table (V, W without R, reserved bits: 60:54 always,
// PBMT 62:61 unless Svpbmt is in effect and then the reserved value 3, N 63 unless Svnapot
// is; A/D/U, N or PBMT on a non-leaf PTE, no leaf at the last level, a misaligned
// superpage, a NAPOT encoding other than 64 KiB at level 0) and returns the leaf; the Mmu checks
// permissions and A/D and asks the walker to write the A/D update.
//
// Page-walk cache: an optional fully-associative LRU cache of non-leaf PTEs keyed by their
// physical address. A hit replaces that PTE's memory read. Non-leaf PTEs are only ordered
// by an SFENCE.VMA without an address (spec 4.2.1), so only those flush it.
//
// PMP (privileged 3.7.1, 4.3.2 steps 2 and 7): with a PhysicalProtection attached, every
// PTE the walk visits is checked as an S-mode 8-byte load (a PWC hit too, so the answer
// never depends on the cache's contents) and every A/D write as an S-mode store; a denied
// one ends the walk with an access fault, like a bus error, and issues no transaction.
//
// Configuration
//   mmu.walker.level_cycles  cycles, default 1   walker logic per level visited
//   mmu.pwc.entries          entries, default 8  page-walk cache size (0 = off)
//
// Statistics
//   mmu.walker.walks, mmu.walker.levels (levels visited, PWC hits included)
//   mmu.walker.pte_reads, mmu.walker.pte_writes, mmu.walker.mem_refs (their sum)
//   mmu.walker.latency (histogram, hart cycles), mmu.walker.mean_latency (derived)
//   mmu.walker.access_faults (PTE reads or writes that got a TLM error)
//   mmu.pwc.hits, mmu.pwc.misses
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/common/stats.h"
#include "models/cpu/translate_if.h"
#include "models/mmu/tlb.h"

namespace vmplat::mmu {

// Why a translation faulted, for traces and debuggers. The walker decides the first group
// (the table's structure, spec 4.3.2 steps 2-4 and 6); the Mmu the rest.
enum class FaultReason : uint8_t {
  kNone,
  kPteInvalid,           // V = 0
  kWriteWithoutRead,     // W = 1 with R = 0
  kReservedBits,         // bits 60:54, PBMT (62:61) without Svpbmt in effect or = 3, N (63)
                         // without Svnapot
  kPointerFlags,         // A, D, U, N or PBMT set on a non-leaf PTE
  kNoLeaf,               // a pointer at the last level
  kMisalignedSuperpage,  // a superpage whose low PPN fields are not zero
  kNapotReserved,        // N on a leaf above level 0, or a PPN[3:0] other than 0b1000
  kPteBusError,          // a PTE read got a TLM error: an access fault
  kPtePmp,               // PMP denies the PTE read (S-mode load): an access fault
  kNonCanonical,         // va is not the sign extension of its low VA bits (no walk)
  kPermission,           // U, SUM, MXR, R, W, X (step 5)
  kAdClear,              // A clear, or D clear on a store, under the fault policy (Svade)
  kAdBusError,           // the A/D write-back got a TLM error: an access fault
  kAdPmp,                // PMP denies the A/D write-back (S-mode store): an access fault
};
// Whether a reason is an access fault (a PTE read or write that failed) rather than a page
// fault.
inline bool is_access_fault(FaultReason reason)
{
  return reason == FaultReason::kPteBusError || reason == FaultReason::kPtePmp ||
         reason == FaultReason::kAdBusError || reason == FaultReason::kAdPmp;
}
// "pte_invalid", "w_without_r", ...: the names traces and explanations use.
const char* fault_reason_name(FaultReason reason);
// The exception codes the MMU raises (1, 5, 7, 12, 13, 15) by the hart's names for them
// (cpu.exceptions.<name>): "instr_access_fault", ..., "store_page_fault".
const char* fault_cause_name(uint8_t cause);

class PageTableWalker : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<PageTableWalker> isock;

  PageTableWalker(sc_core::sc_module_name name, sc_core::sc_time cpu_period);

  enum class Outcome : uint8_t { kLeaf, kPageFault, kAccessFault };
  // What the PTE format allows beyond the base spec, decided by the Mmu per walk.
  struct Format {
    bool pbmt = false;   // Svpbmt in effect (enabled, and menvcfg.PBMTE = 1): bits 62:61
    bool napot = false;  // Svnapot enabled: bit 63 (N) marks a 64 KiB NAPOT leaf
  };
  struct Walk {
    Outcome outcome = Outcome::kPageFault;
    uint64_t pte = 0;       // the leaf PTE as read
    uint64_t pte_addr = 0;  // its physical address
    unsigned level = 0;     // the leaf's level (0 = 4 KiB)
    bool global = false;    // G on the leaf or on any PTE above it
    uint8_t pbmt = 0;       // the leaf's memory type (Svpbmt): 0 PMA, 1 NC, 2 IO
    bool napot = false;     // the leaf is a 64 KiB NAPOT PTE (Svnapot; level 0)
    FaultReason fault = FaultReason::kNone;  // why, when the outcome is a fault
  };
  // One PTE a walk visited.
  struct Step {
    uint64_t addr;  // its physical address
    uint64_t pte;   // its value (0 when the read failed)
    uint8_t level;  // the table level it sits at: levels - 1 is the root
    bool pwc;       // served by the page-walk cache, not read from memory
  };
  // The PTEs of one walk, root first. Plain data: nothing is written unless asked for.
  struct Steps {
    Step step[5];
    unsigned count;
  };

  // Walks the table rooted at satp.PPN for `vpn` (the virtual page number, `levels` * 9
  // bits). `delay` is the initiator's local time offset; it advances by the time of every
  // transaction. debug: transport_dbg reads, no PWC, no statistics. steps, when not null,
  // receives every PTE visited (traces and debuggers).
  Walk walk(uint64_t satp, unsigned levels, uint64_t vpn, const Format& format,
            sc_core::sc_time& delay, bool debug, Steps* steps);
  // Writes back a PTE (the A/D update): kNone, or kAdPmp (no transaction) or kAdBusError.
  FaultReason write_pte(uint64_t addr, uint64_t value, sc_core::sc_time& delay);
  // The PMP that checks the walker's accesses (null: none).
  void set_protection(cpu::PhysicalProtection* pmp) { m_pmp = pmp; }
  // Whether PMP lets the walker write the PTE at addr, without counting (debuggers).
  bool may_write_pte(uint64_t addr) const
  {
    return !m_pmp || m_pmp->walker_may_access(addr, 8, true, false);
  }
  // Records one walk's total latency (hart cycles) in the histogram.
  void record_latency(uint64_t cycles) { m_latency.sample(cycles); }
  // Walks made, and the hart cycles they took in total (mmu.walker.walks, the latency
  // histogram's sum).
  uint64_t walks() const { return m_walks.value(); }
  uint64_t walk_cycles() const { return m_latency.sum(); }
  uint64_t level_cycles() const { return m_level_cycles; }
  void flush_pwc();
  // Checkpoints: the page-walk cache's entries; restored when it has the same size (true),
  // else it stays empty (false).
  void save_state(nlohmann::json& j) const;
  bool restore_state(const common::StateIn& in);
  // Whether the page-walk cache holds the PTE at addr (no side effect: for debuggers).
  bool pwc_holds(uint64_t addr) const;

 private:
  bool read_pte(uint64_t addr, uint64_t& value, sc_core::sc_time& delay, bool debug);
  bool pwc_find(uint64_t addr, uint64_t& value);
  void pwc_insert(uint64_t addr, uint64_t value);

  sc_core::sc_time m_cpu_period;
  uint64_t m_level_cycles;
  cpu::PhysicalProtection* m_pmp = nullptr;
  tlm::tlm_generic_payload m_tx;
  uint8_t m_buf[8] = {};

  struct PwcEntry {
    bool valid = false;
    uint64_t addr = 0, pte = 0, stamp = 0;
  };
  std::vector<PwcEntry> m_pwc;
  uint64_t m_pwc_clock = 0;

  common::Counter& m_walks;
  common::Counter& m_levels;
  common::Counter& m_pte_reads;
  common::Counter& m_pte_writes;
  common::Counter& m_mem_refs;
  common::Counter& m_access_faults;
  common::Histogram& m_latency;
  common::Counter& m_pwc_hits;
  common::Counter& m_pwc_misses;
};

}  // namespace vmplat::mmu
