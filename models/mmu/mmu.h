// mmu::Mmu: address translation between the hart and the bus (privileged spec 4.3-4.5).
//
// The hart calls translate() for each fetch, load and store while satp.MODE is not Bare
// and performs the physical access itself. The MMU applies M-mode bypass, MPRV/MPP (loads
// and stores only, in M-mode), SUM, MXR and the U bit, checks canonical addresses, looks
// the page up in the L1 TLB of the access (itlb or dtlb), then the shared L2 TLB, then
// walks the table; it decides every fault, a TLB never does.
//
// Sockets
//   isock  the page-table walker's initiator socket (a reference to walker.isock: the
//          walker is the child module "<name>.walker"); bind it to the bus router (the
//          platform binds it to mem::Cache when mmu.walker.path asks for caches).
//
// Configuration (see also mmu::TlbLevel for mmu.{itlb,dtlb,l2tlb}.* and
// mmu::PageTableWalker for mmu.walker.level_cycles and mmu.pwc.entries)
//   mmu.satp_modes        bare,sv39,sv48 (default)     translation modes satp accepts: a
//                                                      list of bare, sv39, sv48, sv57 (',' or
//                                                      '+')
//   mmu.walker.ad_policy  hardware (default) | fault   A/D: set by the walker, or Svade
//                         | svadu                      page faults, or Svadu: whichever
//                                                      menvcfg.ADUE selects (1: the walker)
//   mmu.svpbmt            false (default) | true       Svpbmt: PTE bits 62:61 (PBMT) are a
//                                                      memory type while menvcfg.PBMTE = 1
//   mmu.svnapot           false (default) | true       Svnapot: 64 KiB NAPOT leaves (N = 1)
//   mmu.napot             whole (default) | split      how the TLBs hold a NAPOT page: one
//                                                      entry covering its 16 pages, or a 4 KiB
//                                                      entry per page touched
//   mmu.trace.{file,events,vaddr}                      the event trace (mmu::EventTrace)
//   defaults: itlb and dtlb 32 entries fully associative plru, hit latency 0;
//             l2tlb 512 entries 4-way plru, hit latency 6; pwc 8 entries.
//
// Performance-counter events (Translator::event_count, cpu::MmuEvent): ITLB misses, DTLB
// load and store misses, L2 TLB misses, walks, walk cycles, page faults; each equals its
// statistic at any moment.
//
// Statistics
//   mmu.page_faults.{fetch,load,store}, mmu.access_faults.{fetch,load,store}
//   mmu.page_faults (derived total, summary), mmu.walker.ad_updates, mmu.rewalks
//   mmu.svinval.{w_inval,inval_ir}: SFENCE.W.INVAL and SFENCE.INVAL.IR executed (SINVAL.VMA
//   is counted per TLB: <tlb>.flushes.sinval_*)
//   mmu.napot.walks (walks that found a NAPOT leaf), mmu.napot.fills (TLB entries written for
//   NAPOT pages, every level: one per 64 KiB with whole, one per 4 KiB page with split)
//   mmu.pbmt.{pma,nc,io}: the memory type (Svpbmt) of each translation a walk produced
//   (TLB hits are not counted: the type has no effect here, see docs/mmu.md)
//   (TLB hits whose entry did not permit the access, re-checked against memory)
//   mmu.priv.{u,s,m}.{itlb_misses,dtlb_misses,l2tlb_misses,walks,walk_cycles,page_faults}:
//   the same events split by the access's effective privilege (MPRV applied), so the
//   kernel's share of a Linux run separates from the application's. Counted on the miss
//   path only: the hit path is unchanged.
//
// Timing: XlateResult::cycles = the hit latency of each TLB looked up, plus the walk: its
// transactions start at the hart's local time and their delays are converted to cycles.
//
// Atomicity of A/D updates (spec 4.3.2 step 7): the walker reads the PTE, checks it and
// writes it back inside one translate() call. Nothing runs between (the single hart is the
// only translating agent, and b_transport of memory does not yield), so the read-check-write
// is atomic with respect to the hart and the PTE cannot change under it; no re-walk is ever
// needed.
//
// Event trace (mmu.trace.file): miss, fill, evict, flush and walk lines are written from
// translate_slow(), sfence_vma() and satp_written() only, so the hit paths are unchanged;
// set_clock() gives the lines the hart's cycle count.
//
// Debugger interface (the GDB stub's monitor commands): debug_walk(), explain(),
// debug_map() and, per TLB level, TlbLevel::entries()/dump(). None of them changes any
// state: PTEs are read with transport_dbg, and no TLB, PWC, A/D bit or statistic moves.
//
// Permission failures on a TLB hit are not trusted: the MMU re-walks and decides from the
// page table in memory (like QEMU), so software that upgrades a PTE without SFENCE.VMA sees
// no spurious fault, and a store to an entry without D always reaches the walker.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <systemc>

#include "models/common/state.h"
#include "models/common/stats.h"
#include "models/cpu/translate_if.h"
#include "models/mmu/page_table_walker.h"
#include "models/mmu/tlb_level.h"

namespace vmplat::mmu {

class EventTrace;

class Mmu : public sc_core::sc_module, public cpu::Translator {
 public:
  // The MMU of hart `hart_id`; the MMUs of a platform's other harts name the first, whose
  // event trace they share.
  Mmu(sc_core::sc_module_name name, sc_core::sc_time cpu_period, unsigned hart_id = 0,
      const Mmu* first = nullptr);
  ~Mmu() override;

 private:
  PageTableWalker m_walker;  // declared before isock, which refers to its socket

 public:
  tlm_utils::simple_initiator_socket<PageTableWalker>& isock;

  bool translate(uint64_t va, unsigned size, cpu::AccessKind kind, const cpu::XlateContext& ctx,
                 cpu::XlateResult& out) override;
  bool translate_debug(uint64_t va, cpu::AccessKind kind, const cpu::XlateContext& ctx,
                       cpu::XlateResult& out) override;
  bool supports_satp_mode(unsigned mode) const override;
  uint64_t menvcfg_bits() const override;
  // The extensions enabled by configuration (the device tree advertises them).
  bool has_svpbmt() const { return m_svpbmt; }
  bool has_svnapot() const { return m_svnapot; }
  bool has_svadu() const { return m_ad_policy == AdPolicy::kSvadu; }
  // Svade: a clear A/D bit can be a page fault (ad_policy fault, or svadu with ADUE = 0).
  bool has_svade() const { return m_ad_policy != AdPolicy::kHardware; }
  // The modes besides Bare that mmu.satp_modes enables.
  struct SatpModes {
    bool sv39 = false, sv48 = false, sv57 = false;
  };
  void satp_written(uint64_t old_satp, uint64_t new_satp) override;
  void sfence_vma(bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid) override;
  void sinval_vma(bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid) override;
  void sfence_inval(bool ir) override;
  void set_ipi_handler(bool active) override { m_in_ipi = active; }
  void set_protection(cpu::PhysicalProtection* pmp) override { m_walker.set_protection(pmp); }
  // The events the hart's performance counters select (docs/mmu.md, "Performance counters").
  uint64_t event_count(cpu::MmuEvent event) const override;
  const uint64_t* tlb_generation(cpu::AccessKind kind) const override
  {
    const TlbLevel& l1 = kind == cpu::AccessKind::kFetch ? m_itlb : m_dtlb;
    return l1.repeat_hits_may_skip() ? l1.generation_ptr() : nullptr;
  }
  void count_reuse(cpu::AccessKind kind, uint64_t n) override
  {
    (kind == cpu::AccessKind::kFetch ? m_itlb : m_dtlb).count_repeat_hit(kind, n);
  }

  // Checkpoints (docs/checkpoints.md): the TLBs and the page-walk cache. restore_state
  // restores each structure whose geometry is unchanged and names the others, which start
  // cold, in `cold`.
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in, std::vector<std::string>& cold);

  TlbLevel& itlb() { return m_itlb; }
  TlbLevel& dtlb() { return m_dtlb; }
  TlbLevel& l2tlb() { return m_l2tlb; }

  // The cycle count trace lines carry: the platform passes the hart's cycle count, read
  // when a traced translation or fence starts. Without a clock the lines carry 0.
  void set_clock(std::function<uint64_t()> clock) { m_clock = std::move(clock); }

  // A walk with every detail and no side effect (for debuggers).
  struct DebugWalk {
    bool translated = false;         // translation applies: not M mode, satp not Bare
    cpu::Priv priv = cpu::Priv::kM;  // the access's effective privilege (MPRV applied)
    unsigned levels = 0;             // table levels of satp's mode: 3, 4, 5 (Sv39/48/57)
    PageTableWalker::Steps steps{};  // the PTEs read, root first
    bool leaf = false;               // a well-formed leaf was found
    uint64_t pte = 0, pte_addr = 0;  // the leaf PTE and its address
    unsigned level = 0;              // the leaf's level: 0 = 4 KiB, 1 = 2 MiB, ... 4 = 256 TiB
    bool napot = false;              // the leaf is a 64 KiB NAPOT PTE (level 0)
    bool global = false;             // G on the leaf or above it
    uint64_t pa = 0;                 // va's physical address: leaf found, or not translated
    bool permitted = false;          // the access would succeed
    bool ad_update = false;          // ... and the walker would set A (and D) first
    uint8_t cause = 0;               // when not permitted: the exception code (tval = va)
    FaultReason reason = FaultReason::kNone;  // and why
  };
  DebugWalk debug_walk(uint64_t va, cpu::AccessKind kind, const cpu::XlateContext& ctx);
  // debug_walk() as text: each PTE read (address, value, flags, PPN), the result (pa and
  // page size, or the fault and why) and the TLB entries that currently match the page.
  std::string explain(uint64_t va, cpu::AccessKind kind, const cpu::XlateContext& ctx);
  // The physical address va maps to in ctx's address space as a load sees it (MPRV
  // applies), ignoring R/W/X/U/SUM/MXR and A/D: what a debugger reads. pa = va when
  // translation does not apply; false when va is not canonical or not mapped.
  bool debug_map(uint64_t va, const cpu::XlateContext& ctx, uint64_t& pa);

  // mmu.walker.ad_policy.
  enum class AdPolicy : uint8_t { kHardware, kFault, kSvadu };

 private:
  static cpu::Priv effective_priv(cpu::AccessKind kind, const cpu::XlateContext& ctx)
  {
    if (kind != cpu::AccessKind::kFetch && ctx.priv == cpu::Priv::kM &&
        (ctx.mstatus & cpu::mstatus::kMPRV))
      return cpu::Priv((ctx.mstatus & cpu::mstatus::kMPP) >> cpu::mstatus::kMPPShift);
    return ctx.priv;
  }
  // Privileged spec 4.3.2 step 5 (U, SUM, MXR, R/W/X) and step 7's A/D condition.
  static bool permitted(uint8_t flags, cpu::Priv priv, cpu::AccessKind kind, uint64_t mstatus)
  {
    if (flags & pte::kU) {
      if (priv == cpu::Priv::kS &&
          (kind == cpu::AccessKind::kFetch || !(mstatus & cpu::mstatus::kSUM)))
        return false;
    } else if (priv == cpu::Priv::kU) {
      return false;
    }
    switch (kind) {
      case cpu::AccessKind::kFetch:
        return flags & pte::kX;
      case cpu::AccessKind::kLoad:
        return (flags & pte::kR) || ((mstatus & cpu::mstatus::kMXR) && (flags & pte::kX));
      case cpu::AccessKind::kStore:
        return flags & pte::kW;
    }
    return false;
  }
  static bool ad_set(uint8_t flags, cpu::AccessKind kind)
  {
    return (flags & pte::kA) && (kind != cpu::AccessKind::kStore || (flags & pte::kD));
  }
  // Whether the walker sets A/D (else a clear one is a page fault, Svade): always with the
  // hardware policy, never with fault, and as menvcfg.ADUE says with svadu (Svadu chapter).
  bool hardware_ad(const cpu::XlateContext& ctx) const
  {
    return m_ad_policy == AdPolicy::kHardware ||
           (m_ad_policy == AdPolicy::kSvadu && (ctx.menvcfg & cpu::menvcfg::kADUE));
  }
  // The checks after a walk found a leaf (steps 5 and 7): kNone, with ad_update when the
  // walker must set A/D first; else kPermission or kAdClear.
  static FaultReason check_leaf(uint8_t flags, cpu::Priv priv, cpu::AccessKind kind,
                                uint64_t mstatus, bool hardware_ad, bool& ad_update)
  {
    ad_update = false;
    if (!permitted(flags, priv, kind, mstatus))
      return FaultReason::kPermission;
    if (!ad_set(flags, kind)) {
      if (!hardware_ad)
        return FaultReason::kAdClear;
      ad_update = true;
    }
    return FaultReason::kNone;
  }
  static uint64_t physical(const TlbEntry& e, uint64_t va)
  {
    const uint64_t offset_mask = (1ull << (12 + span_shift(e))) - 1;
    return ((e.ppn << 12) & ~offset_mask) | (va & offset_mask);
  }
  unsigned levels_of(uint64_t satp) const
  {
    // Only called for a supported, translating mode: Sv39, Sv48 or Sv57 (8, 9, 10).
    return cpu::satp::mode(satp) - cpu::satp::kModeSv39 + 3;
  }
  bool canonical(uint64_t va, unsigned levels) const
  {
    const unsigned bits = 12 + 9 * levels;
    return uint64_t(int64_t(va << (64 - bits)) >> (64 - bits)) == va;
  }

  // The last successful L1 hit of each access kind and the context it was checked in. A
  // translate() with the same page range, satp, privilege and mstatus bits, while the L1
  // level's generation is unchanged (so a full lookup would return the same entry and
  // leave the same state), is answered from here; the lookup and hit are still counted.
  struct FastPath {
    uint64_t generation = ~uint64_t(0);
    uint64_t vpn_mask = 0, vpn = 0;  // over va >> 12, all 52 bits (canonical by equality)
    uint64_t satp = 0, status = 0;
    cpu::Priv priv = cpu::Priv::kM;
    uint64_t pa_base = 0, offset_mask = 0;
  };
  static constexpr uint64_t kStatusBits =
      cpu::mstatus::kMPRV | cpu::mstatus::kMPP | cpu::mstatus::kSUM | cpu::mstatus::kMXR;

  // Everything but the fast path, out of line so translate() stays a leaf function.
  __attribute__((noinline)) bool translate_lookup(uint64_t va, cpu::AccessKind kind,
                                                  const cpu::XlateContext& ctx,
                                                  cpu::XlateResult& out);
  bool translate_slow(uint64_t va, cpu::AccessKind kind, const cpu::XlateContext& ctx,
                      cpu::Priv priv, bool l1_hit, cpu::XlateResult& out);
  bool fault(bool page, cpu::AccessKind kind, cpu::Priv priv, uint64_t va,
             cpu::XlateResult& out);
  uint64_t now() const { return m_clock ? m_clock() : 0; }
  // SFENCE.VMA and SINVAL.VMA: the same invalidation, counted under their own kinds.
  void invalidate(bool sinval, bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid);

  sc_core::sc_time m_cpu_period;
  SatpModes m_satp_modes;
  AdPolicy m_ad_policy;
  bool m_svpbmt;
  bool m_svnapot;
  bool m_napot_whole;     // mmu.napot: one TLB entry per NAPOT page (else a 4 KiB entry per page)
  unsigned m_tlb_levels;  // page sizes the TLBs hold: 3 (Sv39), 4 (with Sv48), 5 (Sv57)
  uint64_t m_vpn_mask;    // TLB vpns: the low 9 * m_tlb_levels bits of va >> 12
  TlbLevel m_itlb, m_dtlb;
  // The L2 TLB: this MMU's own, or with mmu.l2tlb.shared the one all harts' MMUs use (built
  // by the first, its statistics under mmu.l2tlb.* for all harts), with the hart that
  // filled each slot (key set << 16 | way), so fills that evict another hart's entry count.
  struct L2 {
    L2(unsigned levels, bool napot);
    TlbLevel level;
    std::unordered_map<uint32_t, unsigned> filler;
  };
  std::shared_ptr<L2> make_l2(const Mmu* first);
  void note_shared_l2_fill(const TlbFill& filled);
  // Set by make_l2, so declared before m_l2: this hart's part of a shared L2 TLB's traffic
  // (null unless shared).
  bool m_l2_shared = false;
  common::Counter* m_l2_lookups = nullptr;
  common::Counter* m_l2_misses = nullptr;
  common::Counter* m_l2_cross_evictions = nullptr;
  std::shared_ptr<L2> m_l2;
  TlbLevel& m_l2tlb;
  FastPath m_fast[3];
  std::function<uint64_t()> m_clock;
  unsigned m_hart_id = 0;
  bool m_in_ipi = false;                // the hart handles a software interrupt (set_ipi_handler)
  std::shared_ptr<EventTrace> m_trace;  // null unless mmu.trace.file is set

  // Per effective privilege, indexed by priv_index().
  struct PrivCounters {
    common::Counter* itlb_misses;
    common::Counter* dtlb_misses;
    common::Counter* l2tlb_misses;
    common::Counter* walks;
    common::Counter* walk_cycles;
    common::Counter* page_faults;
  };
  static unsigned priv_index(cpu::Priv p) { return p == cpu::Priv::kM ? 2 : unsigned(p); }
  PrivCounters m_priv[3];

  common::Counter* m_page_faults[3];
  common::Counter* m_access_faults[3];
  PageTableWalker::Format walk_format(const cpu::XlateContext& ctx) const
  {
    PageTableWalker::Format f;
    f.pbmt = m_svpbmt && (ctx.menvcfg & cpu::menvcfg::kPBMTE);
    f.napot = m_svnapot;
    return f;
  }

  common::Counter* m_pbmt[3];  // mmu.pbmt.{pma,nc,io}
  common::Counter* m_leaves[5];  // mmu.leaves.<page size>, by leaf level (null above Sv's)
  common::Counter& m_napot_walks;
  common::Counter& m_napot_fills;
  common::Counter& m_w_inval;   // mmu.svinval.w_inval
  common::Counter& m_inval_ir;  // mmu.svinval.inval_ir
  common::Counter& m_ad_updates;
  common::Counter& m_rewalks;
  common::Counter& m_shootdown_fences;
  common::Counter& m_shootdown_entries;
};

}  // namespace vmplat::mmu
