// The hart's view of address translation. The hart asks a Translator for the physical
// address of each fetch, load and store while satp.MODE is not Bare, and performs the
// physical access itself on its own TLM socket (DMI where the target grants it). mmu::Mmu
// implements this interface; with no translator attached, satp only accepts Bare.
#pragma once

#include <cstdint>

#include "models/cpu/riscv.h"

namespace vmplat::cpu {

// The hart state a translation depends on, passed with every access. The translator
// applies MPRV/MPP itself (loads and stores only) and reads SUM and MXR from mstatus.
struct XlateContext {
  Priv priv;
  uint64_t mstatus;
  uint64_t satp;
  // How many hart cycles the hart runs ahead of SystemC time (temporal decoupling) when
  // the access starts: a walker issues its transactions that much later than
  // sc_time_stamp(), so DRAM sees them at the right time. Cycles, not sc_time, so that
  // building the context costs nothing on the hit path.
  uint64_t local_cycles;
  // menvcfg: PBMTE (Svpbmt) and ADUE (Svadu) decide how walks treat PTEs. Read on walks
  // only: a TLB entry filled before a change stays usable until an SFENCE.VMA, which the
  // spec asks software to execute after changing them.
  uint64_t menvcfg = 0;
};

// Physical memory protection of the page-table walker's own accesses. Privileged spec
// 3.7.1: PTE reads and A/D writes are checked with effective privilege S, and a denied one
// is an access fault of the original access's type (4.3.2 steps 2 and 7). The hart's PMP
// (cpu::Pmp) implements it and hands it to its translator with set_protection().
class PhysicalProtection {
 public:
  virtual ~PhysicalProtection() = default;
  // Whether the walker may load (write = false) or store `size` bytes at pa. counted: an
  // access of a real walk (statistics); false for a debugger's side-effect-free walk.
  virtual bool walker_may_access(uint64_t pa, unsigned size, bool write, bool counted) = 0;
};

// Architecturally visible events a translator counts, for the hart's performance counters
// (cpu::Hpm maps the mhpmevent values software writes to these; docs/mmu.md lists them).
enum class MmuEvent : uint8_t {
  kItlbMiss,        // L1 ITLB misses (fetches)
  kDtlbLoadMiss,    // L1 DTLB misses of loads
  kDtlbStoreMiss,   // L1 DTLB misses of stores and AMOs
  kL2tlbMiss,       // L2 TLB misses
  kWalk,            // page-table walks
  kWalkCycles,      // hart cycles spent in walks (memory and walker logic)
  kPageFault,       // page faults of all three kinds (12, 13, 15)
};

struct XlateResult {
  uint64_t pa = 0;      // valid when translate() returns true
  uint64_t cycles = 0;  // hart cycles the translation took (TLB latency, walk); always valid
  uint8_t cause = 0;    // exception code, valid when translate() returns false
  uint64_t tval = 0;    // xtval for that exception
};

class Translator {
 public:
  virtual ~Translator() = default;

  // Translates one access of `size` bytes at va (the hart never passes an access that
  // crosses a page: it splits misaligned ones). Returns false with cause/tval on a fault.
  virtual bool translate(uint64_t va, unsigned size, AccessKind kind, const XlateContext& ctx,
                         XlateResult& out) = 0;
  // Same walk, with no side effect at all (no TLB fill, no A/D update, no statistic):
  // for debuggers and traces.
  virtual bool translate_debug(uint64_t va, AccessKind kind, const XlateContext& ctx,
                               XlateResult& out) = 0;
  // The menvcfg bits the translator implements (cpu::menvcfg::kPBMTE, kADUE): writable in
  // the hart's menvcfg; the others the translator reads stay read-only zero.
  virtual uint64_t menvcfg_bits() const { return 0; }
  // satp is WARL: the hart keeps the old value when MODE is not supported.
  virtual bool supports_satp_mode(unsigned mode) const = 0;
  // A satp write took effect (a TLB without ASIDs flushes here).
  virtual void satp_written(uint64_t old_satp, uint64_t new_satp) = 0;
  // SFENCE.VMA; has_vaddr/has_asid say whether rs1/rs2 were x0, not their values.
  virtual void sfence_vma(bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid) = 0;
  // Svinval: SINVAL.VMA invalidates exactly what SFENCE.VMA with the same operands does;
  // SFENCE.W.INVAL (ir = false) and SFENCE.INVAL.IR (ir = true) only order, which a hart
  // that performs every access in program order, at once, already does (docs/mmu.md).
  virtual void sinval_vma(bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid)
  {
    sfence_vma(has_vaddr, vaddr, has_asid, asid);
  }
  virtual void sfence_inval(bool ir) { (void)ir; }
  // The hart enters (true) or leaves (false, at the xRET) a software-interrupt handler:
  // fences meanwhile are remote requests from another hart (an IPI), counted as such.
  virtual void set_ipi_handler(bool active) { (void)active; }
  // The PMP that checks the walker's accesses (none: nothing is checked).
  virtual void set_protection(PhysicalProtection* pmp) { (void)pmp; }
  // How many `event`s happened since reset, exact at the moment of the call (the hart's
  // performance counters read it); 0 for an event the translator does not count.
  virtual uint64_t event_count(MmuEvent event) const
  {
    (void)event;
    return 0;
  }

  // Optional repeat fast path. A translator that offers it returns, per access kind, a
  // counter that changes whenever the TLB serving that kind does anything but repeat the
  // last hit of that kind. When a translate() call leaves the counter unchanged, it was
  // such a repeat: the hart then serves further accesses of that kind to the same 4 KiB
  // page without calling translate(), while the counter and the hart's translation state
  // (privilege, satp, mstatus) are unchanged, adding that call's cycles each time, and
  // reports how many it served with count_reuse() before statistics are read. That is
  // exactly what the calls would have done: the same entry hits again, and re-touching the
  // most recently used entry changes no replacement state.
  virtual const uint64_t* tlb_generation(AccessKind kind) const
  {
    (void)kind;
    return nullptr;
  }
  virtual void count_reuse(AccessKind kind, uint64_t n)
  {
    (void)kind;
    (void)n;
  }
};

}  // namespace vmplat::cpu
