#include "models/mmu/mmu.h"

#include <cinttypes>
#include <cstdio>

#include "models/common/config.h"
#include "models/common/time.h"
#include "models/mmu/event_trace.h"

namespace vmplat::mmu {

namespace {

using cpu::AccessKind;

constexpr uint8_t kPageFaultCause[3] = {cpu::exc::kInstrPageFault, cpu::exc::kLoadPageFault,
                                        cpu::exc::kStorePageFault};
constexpr uint8_t kAccessFaultCause[3] = {cpu::exc::kInstrAccessFault,
                                          cpu::exc::kLoadAccessFault,
                                          cpu::exc::kStoreAccessFault};
const char* const kKindNames[3] = {"fetch", "load", "store"};
const char* const kPageSizes[5] = {"4 KiB", "2 MiB", "1 GiB", "512 GiB", "256 TiB"};
const char* page_size_name(unsigned level, bool napot)
{
  return napot ? "64 KiB NAPOT" : kPageSizes[level];
}
const char* const kModeNames[6] = {"", "", "", "Sv39", "Sv48", "Sv57"};  // by table levels

const char* priv_name(cpu::Priv p)
{
  switch (p) {
    case cpu::Priv::kU: return "U";
    case cpu::Priv::kS: return "S";
    case cpu::Priv::kM: return "M";
  }
  return "?";
}

template <typename... Args>
std::string format(const char* fmt, Args... args)
{
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// Why a leaf does not permit an access, in the order Mmu::permitted checks (spec 4.3.2
// step 5).
std::string permission_text(uint8_t flags, cpu::Priv priv, AccessKind kind, uint64_t mstatus)
{
  if (flags & pte::kU) {
    if (priv == cpu::Priv::kS && kind == AccessKind::kFetch)
      return "S mode never executes from a U page";
    if (priv == cpu::Priv::kS && !(mstatus & cpu::mstatus::kSUM))
      return "a U page, and S-mode loads and stores reach U pages only with mstatus.SUM = 1";
  } else if (priv == cpu::Priv::kU) {
    return "U mode cannot access a page without U";
  }
  switch (kind) {
    case AccessKind::kFetch: return "the page is not executable (X = 0)";
    case AccessKind::kLoad:
      return flags & pte::kX ? "the page is not readable (R = 0; X = 1 counts only with "
                               "mstatus.MXR = 1)"
                             : "the page is not readable (R = 0, X = 0)";
    case AccessKind::kStore: return "the page is not writable (W = 0)";
  }
  return "?";
}

// mmu.satp_modes: a list of bare, sv39, sv48 and sv57 separated by ',' or '+'. Bare is
// always there (satp resets to it); each mode needs the narrower ones (privileged spec 4.5
// and 4.6: a core with Sv48 also has Sv39, one with Sv57 also has Sv48). The device tree's
// mmu-type names the widest, which Linux tries first.
Mmu::SatpModes satp_modes_configured()
{
  const std::string text =
      common::config().text("mmu.satp_modes", "bare,sv39,sv48",
                            "translation modes satp accepts: a list of bare, sv39, sv48 and sv57 "
                            "(Bare is always accepted; sv48 needs sv39 and sv57 needs sv48, "
                            "spec 4.5, 4.6)");
  Mmu::SatpModes m;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find_first_of(",+", pos), text.size());
    const std::string mode = text.substr(pos, end - pos);
    if (mode == "sv39")
      m.sv39 = true;
    else if (mode == "sv48")
      m.sv48 = true;
    else if (mode == "sv57")
      m.sv57 = true;
    else if (mode != "bare")
      throw common::UserError("mmu.satp_modes: '" + text + "' names mode '" + mode +
                              "'; allowed: a list of bare, sv39, sv48, sv57 (e.g. bare,sv39)");
    pos = end + 1;
  }
  if (m.sv48 && !m.sv39)
    throw common::UserError("mmu.satp_modes: '" + text +
                            "' has sv48 without sv39; a core with Sv48 also has Sv39 "
                            "(privileged spec 4.5): use bare,sv39,sv48");
  if (m.sv57 && !m.sv48)
    throw common::UserError("mmu.satp_modes: '" + text +
                            "' has sv57 without sv48; a core with Sv57 also has Sv48 "
                            "(privileged spec 4.6): use bare,sv39,sv48,sv57");
  return m;
}

Mmu::AdPolicy ad_policy_configured()
{
  const std::string p = common::config().choice(
      "mmu.walker.ad_policy", "hardware", {"hardware", "fault", "svadu"},
      "A/D bits: the walker sets them atomically (hardware), or a clear A, or a clear D on a "
      "store, is a page fault (fault, Svade), or Svadu: menvcfg.ADUE (reset 0) chooses "
      "between the two");
  return p == "fault"   ? Mmu::AdPolicy::kFault
         : p == "svadu" ? Mmu::AdPolicy::kSvadu
                        : Mmu::AdPolicy::kHardware;
}

}  // namespace

Mmu::Mmu(sc_core::sc_module_name name, sc_core::sc_time cpu_period, unsigned hart_id,
         const Mmu* first)
    : sc_module(name),
      m_walker("walker", cpu_period),
      isock(m_walker.isock),
      m_cpu_period(cpu_period),
      m_satp_modes(satp_modes_configured()),
      m_ad_policy(ad_policy_configured()),
      m_svpbmt(common::config().flag(
          "mmu.svpbmt", false,
          "Svpbmt: PTE bits 62:61 select a memory type (PMA, NC, IO) while menvcfg.PBMTE = 1; "
          "false: they are reserved (page fault) and PBMTE is read-only zero")),
      m_svnapot(common::config().flag(
          "mmu.svnapot", false,
          "Svnapot: a level-0 leaf with N = 1 and PPN[3:0] = 0b1000 maps 64 KiB; false: N is "
          "reserved (page fault)")),
      m_napot_whole(common::config().choice("mmu.napot", "whole", {"whole", "split"},
                                            "how the TLBs hold a 64 KiB NAPOT page (Svnapot): "
                                            "one entry covering its 16 pages, or a 4 KiB "
                                            "entry per page touched") == "whole"),
      m_tlb_levels(m_satp_modes.sv57   ? 5
                   : m_satp_modes.sv48 ? 4
                                       : 3),
      m_vpn_mask((1ull << (9 * m_tlb_levels)) - 1),
      m_itlb("mmu.itlb", {32, 32, "plru", 0, false}, m_tlb_levels, m_svnapot && m_napot_whole),
      m_dtlb("mmu.dtlb", {32, 32, "plru", 0, false}, m_tlb_levels, m_svnapot && m_napot_whole),
      m_l2(make_l2(first)),
      m_l2tlb(m_l2->level),
      m_hart_id(hart_id),
      m_trace(first ? first->m_trace : std::shared_ptr<EventTrace>(EventTrace::from_config())),
      m_napot_walks(common::stats().counter("mmu.napot.walks",
                                            "walks that found a 64 KiB NAPOT leaf (Svnapot)")),
      m_napot_fills(
          common::stats().counter("mmu.napot.fills",
                                  "TLB entries written for NAPOT pages (all levels; per 64 KiB "
                                  "with mmu.napot whole, per 4 KiB page with split)")),
      m_w_inval(common::stats().counter("mmu.svinval.w_inval",
                                        "SFENCE.W.INVAL executed (Svinval; orders only)")),
      m_inval_ir(common::stats().counter("mmu.svinval.inval_ir",
                                         "SFENCE.INVAL.IR executed (Svinval; orders only)")),
      m_ad_updates(common::stats().counter("mmu.walker.ad_updates",
                                           "PTEs written back to set A and/or D (hardware)")),
      m_rewalks(common::stats().counter(
          "mmu.rewalks", "TLB hits whose entry did not permit the access (walked again)")),
      m_shootdown_fences(common::stats().counter(
          "mmu.shootdown.fences",
          "SFENCE.VMA and SINVAL.VMA executed in a software-interrupt handler: remote fences "
          "another hart asked for with an IPI (an SBI remote fence, a kernel's TLB shootdown)")),
      m_shootdown_entries(common::stats().counter(
          "mmu.shootdown.entries", "TLB entries (all levels) those remote fences invalidated"))
{
  auto& st = common::stats();
  for (unsigned k = 0; k < 3; ++k) {
    m_page_faults[k] = &st.counter(std::string("mmu.page_faults.") + kKindNames[k],
                                   std::string(kKindNames[k]) + " page faults");
    m_access_faults[k] =
        &st.counter(std::string("mmu.access_faults.") + kKindNames[k],
                    std::string(kKindNames[k]) + " access faults from PTE reads or writes");
  }
  static const char* const kPrivNames[3] = {"u", "s", "m"};
  static const char* const kPrivModes[3] = {"U-mode", "S-mode", "M-mode (MPRV)"};
  for (unsigned p = 0; p < 3; ++p) {
    const std::string pre = std::string("mmu.priv.") + kPrivNames[p] + ".";
    const std::string of = std::string(" of ") + kPrivModes[p] + " accesses";
    m_priv[p] = {&st.counter(pre + "itlb_misses", "ITLB misses" + of),
                 &st.counter(pre + "dtlb_misses", "DTLB misses" + of),
                 &st.counter(pre + "l2tlb_misses", "L2 TLB misses" + of),
                 &st.counter(pre + "walks", "page-table walks" + of),
                 &st.counter(pre + "walk_cycles", "hart cycles spent in the walks" + of),
                 &st.counter(pre + "page_faults", "page faults" + of)};
  }
  static const char* const kPbmtNames[3] = {"pma", "nc", "io"};
  static const char* const kPbmtDocs[3] = {"PMA (PBMT 0: the physical memory attributes)",
                                           "NC (PBMT 1: non-cacheable, idempotent)",
                                           "IO (PBMT 2: non-cacheable, non-idempotent)"};
  for (unsigned t = 0; t < 3; ++t)
    m_pbmt[t] = &st.counter(std::string("mmu.pbmt.") + kPbmtNames[t],
                            std::string("translations walked with memory type ") + kPbmtDocs[t]);
  static const char* const kLeafNames[5] = {"4k", "2m", "1g", "512g", "256t"};
  for (unsigned level = 0; level < 5; ++level)
    m_leaves[level] =
        level < m_tlb_levels
            ? &st.counter(std::string("mmu.leaves.") + kLeafNames[level],
                          std::string("walks that ended in a ") + kPageSizes[level] +
                              " leaf" + (level == 0 ? " (64 KiB NAPOT leaves included)" : ""))
            : nullptr;
  common::Counter* const* pf = m_page_faults;
  st.derived(
      "mmu.page_faults", "page faults of all kinds",
      [pf] { return double(pf[0]->value() + pf[1]->value() + pf[2]->value()); }, true);
}

Mmu::~Mmu() = default;

bool Mmu::supports_satp_mode(unsigned mode) const
{
  return mode == cpu::satp::kModeBare || (m_satp_modes.sv39 && mode == cpu::satp::kModeSv39) ||
         (m_satp_modes.sv48 && mode == cpu::satp::kModeSv48) ||
         (m_satp_modes.sv57 && mode == cpu::satp::kModeSv57);
}

uint64_t Mmu::menvcfg_bits() const
{
  return (m_svpbmt ? cpu::menvcfg::kPBMTE : 0) | (has_svadu() ? cpu::menvcfg::kADUE : 0);
}

uint64_t Mmu::event_count(cpu::MmuEvent event) const
{
  switch (event) {
    case cpu::MmuEvent::kItlbMiss: return m_itlb.misses();
    case cpu::MmuEvent::kDtlbLoadMiss: return m_dtlb.misses(AccessKind::kLoad);
    case cpu::MmuEvent::kDtlbStoreMiss: return m_dtlb.misses(AccessKind::kStore);
    case cpu::MmuEvent::kL2tlbMiss: return m_l2tlb.misses();
    case cpu::MmuEvent::kWalk: return m_walker.walks();
    case cpu::MmuEvent::kWalkCycles: return m_walker.walk_cycles();
    case cpu::MmuEvent::kPageFault:
      return m_page_faults[0]->value() + m_page_faults[1]->value() + m_page_faults[2]->value();
  }
  return 0;
}

bool Mmu::fault(bool page, AccessKind kind, cpu::Priv priv, uint64_t va,
                cpu::XlateResult& out)
{
  const unsigned k = unsigned(kind);
  out.cause = page ? kPageFaultCause[k] : kAccessFaultCause[k];
  out.tval = va;
  ++*(page ? m_page_faults[k] : m_access_faults[k]);
  if (page)
    ++*m_priv[priv_index(priv)].page_faults;
  return false;
}

bool Mmu::translate(uint64_t va, unsigned, AccessKind kind, const cpu::XlateContext& ctx,
                    cpu::XlateResult& out)
{
  TlbLevel& l1 = kind == AccessKind::kFetch ? m_itlb : m_dtlb;
  FastPath& fast = m_fast[unsigned(kind)];
  if (fast.generation == l1.generation() && ((va >> 12) & fast.vpn_mask) == fast.vpn &&
      ctx.satp == fast.satp && (ctx.mstatus & kStatusBits) == fast.status &&
      ctx.priv == fast.priv) {
    l1.count_repeat_hit(kind);
    out.cycles = l1.hit_latency();
    out.pa = fast.pa_base | (va & fast.offset_mask);
    return true;
  }
  return translate_lookup(va, kind, ctx, out);
}

bool Mmu::translate_lookup(uint64_t va, AccessKind kind, const cpu::XlateContext& ctx,
                           cpu::XlateResult& out)
{
  TlbLevel& l1 = kind == AccessKind::kFetch ? m_itlb : m_dtlb;
  FastPath& fast = m_fast[unsigned(kind)];
  const cpu::Priv priv = effective_priv(kind, ctx);
  out.cycles = 0;
  if (priv == cpu::Priv::kM || !supports_satp_mode(cpu::satp::mode(ctx.satp)) ||
      cpu::satp::mode(ctx.satp) == cpu::satp::kModeBare) {
    out.pa = va;
    return true;
  }
  if (!canonical(va, levels_of(ctx.satp)))
    return fault(true, kind, priv, va, out);
  out.cycles = l1.hit_latency();
  const TlbEntry* e = l1.lookup((va >> 12) & m_vpn_mask, cpu::satp::asid(ctx.satp), kind);
  if (e && permitted(e->flags, priv, kind, ctx.mstatus) && ad_set(e->flags, kind)) {
    out.pa = physical(*e, va);
    if (l1.shortcut_active()) {
      fast.generation = l1.generation();
      fast.vpn_mask = l1.memo_mask() & ((1ull << 52) - 1);
      fast.vpn = (va >> 12) & fast.vpn_mask;
      fast.satp = ctx.satp;
      fast.status = ctx.mstatus & kStatusBits;
      fast.priv = ctx.priv;
      fast.offset_mask = (1ull << (12 + span_shift(*e))) - 1;
      fast.pa_base = out.pa & ~fast.offset_mask;
    }
    return true;
  }
  return translate_slow(va, kind, ctx, priv, e != nullptr, out);
}

bool Mmu::translate_slow(uint64_t va, AccessKind kind, const cpu::XlateContext& ctx,
                         cpu::Priv priv, bool l1_hit, cpu::XlateResult& out)
{
  TlbLevel& l1 = kind == AccessKind::kFetch ? m_itlb : m_dtlb;
  const uint64_t vpn = (va >> 12) & m_vpn_mask;
  const uint16_t asid = cpu::satp::asid(ctx.satp);
  EventTrace* const trace = m_trace.get();
  if (trace) {
    trace->begin_access(m_hart_id, now(), kind, va, asid);
    if (!l1_hit)
      trace->miss(l1.short_name());
  }
  out.cycles += l1.take_busy_cycles();
  PrivCounters& by_priv = m_priv[priv_index(priv)];
  if (!l1_hit)
    ++*(kind == AccessKind::kFetch ? by_priv.itlb_misses : by_priv.dtlb_misses);
  TlbEntry e;
  bool rewalk = l1_hit;
  if (l1_hit) {
    ++m_rewalks;
  } else if (m_l2tlb.enabled()) {
    out.cycles += m_l2tlb.hit_latency();
    const TlbEntry* hit = m_l2tlb.lookup(vpn, asid, kind);
    out.cycles += m_l2tlb.take_busy_cycles();
    if (m_l2_shared) {
      ++*m_l2_lookups;
      *m_l2_misses += !hit;
    }
    if (hit) {
      if (permitted(hit->flags, priv, kind, ctx.mstatus) && ad_set(hit->flags, kind)) {
        e = *hit;
        // The L2 TLB keeps only its own ASID tag bits; the L1 entry belongs to the current
        // address space (the hit matched it), and an L1 with more tag bits needs them all.
        e.asid = asid;
        const TlbFill filled = l1.fill(e);
        if (trace)
          trace->fill(l1.short_name(), e, filled);
        out.cycles += l1.take_busy_cycles();
        out.pa = physical(e, va);
        return true;
      }
      ++m_rewalks;
      rewalk = true;
    } else {
      ++*by_priv.l2tlb_misses;
      if (trace)
        trace->miss(m_l2tlb.short_name());
    }
  }

  // The walk: its transactions start at the hart's local time plus the TLB cycles so far.
  const sc_core::sc_time start = m_cpu_period * double(ctx.local_cycles + out.cycles);
  sc_core::sc_time t = start;
  const unsigned levels = levels_of(ctx.satp);
  PageTableWalker::Steps steps;  // written only when traced
  const PageTableWalker::Walk w =
      m_walker.walk(ctx.satp, levels, vpn, walk_format(ctx), t, false, trace ? &steps : nullptr);
  const bool leaf = w.outcome == PageTableWalker::Outcome::kLeaf;
  uint64_t pte_value = w.pte;
  FaultReason reason = w.fault;
  bool ad_update = false;
  if (leaf) {
    reason = check_leaf(uint8_t(pte_value), priv, kind, ctx.mstatus, hardware_ad(ctx), ad_update);
    if (ad_update) {
      // Step 7, atomic by construction (see the header); PMP may deny the write.
      pte_value |= pte::kA | (kind == AccessKind::kStore ? pte::kD : 0);
      reason = m_walker.write_pte(w.pte_addr, pte_value, t);
      ad_update = reason != FaultReason::kAdPmp;
      if (ad_update)
        ++m_ad_updates;
    }
  }
  const uint64_t walk_cycles = common::to_cycles(t - start, m_cpu_period);
  m_walker.record_latency(walk_cycles);
  ++*by_priv.walks;
  *by_priv.walk_cycles += walk_cycles;
  out.cycles += walk_cycles;
  auto trace_walk = [&](uint8_t cause, uint64_t pa) {
    EventTrace::WalkLine line;
    line.steps = &steps;
    line.latency = walk_cycles;
    line.leaf = leaf;
    line.flags = uint8_t(w.pte);
    line.pa = pa;
    line.cause = cause;
    line.reason = reason;
    line.ad_update = ad_update;
    line.rewalk = rewalk;
    trace->walk(line);
  };
  if (reason != FaultReason::kNone) {
    fault(!is_access_fault(reason), kind, priv, va, out);
    if (trace)
      trace_walk(out.cause, 0);
    return false;
  }

  ++*m_pbmt[w.pbmt];
  ++*m_leaves[w.level];
  e.level = uint8_t(w.level);
  const uint64_t low_mask = (1ull << (9 * w.level)) - 1;
  e.vpn = vpn & ~low_mask;
  e.ppn = ((pte_value >> 10) & ((1ull << 44) - 1)) & ~low_mask;
  if (w.napot) {
    // Svnapot: pa.ppn[3:0] = va.vpn[3:0]. Whole: one entry over the 16 pages; split: the
    // 4 KiB page of this access.
    ++m_napot_walks;
    e.napot = m_napot_whole;
    e.vpn = m_napot_whole ? vpn & ~uint64_t(0xf) : vpn;
    e.ppn = (e.ppn & ~uint64_t(0xf)) | (m_napot_whole ? 0 : vpn & 0xf);
  }
  e.asid = asid;
  e.global = w.global;
  e.flags = uint8_t(pte_value);
  out.pa = physical(e, va);
  if (trace)
    trace_walk(0, out.pa);
  if (m_l2tlb.enabled()) {
    const TlbFill filled = m_l2tlb.fill(e);
    if (trace)
      trace->fill(m_l2tlb.short_name(), e, filled);
    out.cycles += m_l2tlb.take_busy_cycles();
    if (m_l2_shared)
      note_shared_l2_fill(filled);
    if (w.napot)
      ++m_napot_fills;
  }
  if (w.napot)
    ++m_napot_fills;
  const TlbFill filled = l1.fill(e);
  if (trace)
    trace->fill(l1.short_name(), e, filled);
  out.cycles += l1.take_busy_cycles();
  return true;
}

bool Mmu::translate_debug(uint64_t va, AccessKind kind, const cpu::XlateContext& ctx,
                          cpu::XlateResult& out)
{
  const DebugWalk d = debug_walk(va, kind, ctx);
  out.cycles = 0;
  if (!d.permitted) {
    out.cause = d.cause;
    out.tval = va;
    return false;
  }
  out.pa = d.pa;
  return true;
}

Mmu::DebugWalk Mmu::debug_walk(uint64_t va, AccessKind kind, const cpu::XlateContext& ctx)
{
  DebugWalk d;
  d.priv = effective_priv(kind, ctx);
  const unsigned mode = cpu::satp::mode(ctx.satp);
  if (d.priv == cpu::Priv::kM || mode == cpu::satp::kModeBare || !supports_satp_mode(mode)) {
    d.pa = va;
    d.permitted = true;
    return d;
  }
  d.translated = true;
  d.levels = levels_of(ctx.satp);
  const unsigned k = unsigned(kind);
  d.cause = kPageFaultCause[k];
  if (!canonical(va, d.levels)) {
    d.reason = FaultReason::kNonCanonical;
    return d;
  }
  sc_core::sc_time t = sc_core::SC_ZERO_TIME;  // transport_dbg takes no time
  const PageTableWalker::Walk w = m_walker.walk(ctx.satp, d.levels, (va >> 12) & m_vpn_mask,
                                                walk_format(ctx), t, true, &d.steps);
  if (w.outcome != PageTableWalker::Outcome::kLeaf) {
    if (w.outcome == PageTableWalker::Outcome::kAccessFault)
      d.cause = kAccessFaultCause[k];
    d.reason = w.fault;
    return d;
  }
  d.leaf = true;
  d.pte = w.pte;
  d.pte_addr = w.pte_addr;
  d.level = w.level;
  d.global = w.global;
  d.napot = w.napot;
  TlbEntry e;
  e.level = uint8_t(w.level);
  e.napot = w.napot;
  e.ppn = (w.pte >> 10) & ((1ull << 44) - 1);
  d.pa = physical(e, va);
  // With the hardware policy the access would set A/D and succeed, if PMP lets it write.
  d.reason = check_leaf(uint8_t(w.pte), d.priv, kind, ctx.mstatus, hardware_ad(ctx), d.ad_update);
  if (d.ad_update && !m_walker.may_write_pte(w.pte_addr)) {
    d.reason = FaultReason::kAdPmp;
    d.ad_update = false;
    d.cause = kAccessFaultCause[k];
  }
  d.permitted = d.reason == FaultReason::kNone;
  if (d.permitted)
    d.cause = 0;
  return d;
}

namespace {

// Why debug_walk() found a fault, in words.
std::string fault_text(const Mmu::DebugWalk& d, AccessKind kind, uint64_t mstatus, bool svadu)
{
  const unsigned last = d.steps.count ? d.steps.step[d.steps.count - 1].level : 0;
  const char* mode = kModeNames[d.levels];
  switch (d.reason) {
    case FaultReason::kNonCanonical:
      return format("va is not canonical for %s: bits 63:%u must all equal bit %u", mode,
                    12 + 9 * d.levels, 11 + 9 * d.levels);
    case FaultReason::kPteInvalid: return format("V = 0 in the level-%u PTE", last);
    case FaultReason::kWriteWithoutRead:
      return format("the level-%u PTE has W = 1 without R (reserved)", last);
    case FaultReason::kReservedBits:
      return format(
          "the level-%u PTE sets reserved bits or encodings in 63:54 (60:54 are "
          "reserved; PBMT 62:61 without Svpbmt and menvcfg.PBMTE = 1, or = 3; N 63 "
          "without Svnapot)",
          last);
    case FaultReason::kPointerFlags:
      return format("the level-%u PTE is a pointer with A, D, U, N or PBMT set (reserved)", last);
    case FaultReason::kNoLeaf: return "the level-0 PTE is a pointer: there is no leaf";
    case FaultReason::kMisalignedSuperpage:
      return format("the level-%u leaf is a misaligned superpage (low PPN bits not zero)", last);
    case FaultReason::kNapotReserved:
      return format(
          "the level-%u leaf has N = 1 with a reserved encoding (Svnapot defines "
          "only level 0 with PPN[3:0] = 0b1000, 64 KiB)",
          last);
    case FaultReason::kPteBusError: return format("the level-%u PTE read got a bus error", last);
    case FaultReason::kPtePmp:
      return format("PMP denies the walker's S-mode read of the level-%u PTE", last);
    case FaultReason::kAdPmp:
      return "PMP denies the walker's S-mode write that would set A/D in the leaf PTE";
    case FaultReason::kPermission: return permission_text(uint8_t(d.pte), d.priv, kind, mstatus);
    case FaultReason::kAdClear:
      return std::string(uint8_t(d.pte) & pte::kA ? "D is clear on a store" : "A is clear") +
             (svadu ? " and menvcfg.ADUE = 0 (mmu.walker.ad_policy svadu: Svade until ADUE = 1)"
                    : " and mmu.walker.ad_policy is fault (Svade)");
    case FaultReason::kAdBusError:
    case FaultReason::kNone: break;
  }
  return fault_reason_name(d.reason);
}

}  // namespace

std::string Mmu::explain(uint64_t va, AccessKind kind, const cpu::XlateContext& ctx)
{
  const DebugWalk d = debug_walk(va, kind, ctx);
  const char* kn = kKindNames[unsigned(kind)];
  std::string out = format("va 0x%" PRIx64 ": %s as %s", va, kn, priv_name(d.priv));
  if (d.priv != ctx.priv)
    out += format(" (M mode with MPRV = 1, MPP = %s)", priv_name(d.priv));
  if (!d.translated) {
    const char* why = d.priv == cpu::Priv::kM ? "M mode is never translated" : "satp.MODE is Bare";
    return out + format(": not translated (%s); pa = 0x%" PRIx64 "\n", why, va);
  }
  const uint64_t root = (ctx.satp & ((1ull << 44) - 1)) << 12;
  out += format(" (SUM = %d, MXR = %d), satp %s asid %u, root table 0x%" PRIx64 "\n",
                int((ctx.mstatus & cpu::mstatus::kSUM) != 0),
                int((ctx.mstatus & cpu::mstatus::kMXR) != 0), kModeNames[d.levels],
                unsigned(cpu::satp::asid(ctx.satp)), root);
  for (unsigned i = 0; i < d.steps.count; ++i) {
    const PageTableWalker::Step& s = d.steps.step[i];
    const bool failed = i + 1 == d.steps.count && (d.reason == FaultReason::kPteBusError ||
                                                   d.reason == FaultReason::kPtePmp);
    if (failed) {
      out += format("  level %u: PTE 0x%" PRIx64 ": %s\n", unsigned(s.level), s.addr,
                    d.reason == FaultReason::kPtePmp ? "PMP denies the read"
                                                     : "the read got a bus error");
      continue;
    }
    const uint8_t flags = uint8_t(s.pte);
    const char* what = !(flags & pte::kV)                  ? "invalid"
                       : (flags & (pte::kR | pte::kX))     ? "leaf"
                       : i + 1 == d.steps.count && !d.leaf ? "pointer (faulty)"
                                                           : "pointer";
    out += format("  level %u: PTE 0x%" PRIx64 " = 0x%016" PRIx64 "  %s  ppn 0x%" PRIx64 "  %s",
                  unsigned(s.level), s.addr, s.pte, pte::letters(flags).data(),
                  (s.pte >> 10) & ((1ull << 44) - 1), what);
    if (d.leaf && i + 1 == d.steps.count)
      out += format(", %s page", page_size_name(d.level, d.napot));
    else if (m_walker.pwc_holds(s.addr))
      out += " (in the page-walk cache)";
    out += "\n";
  }

  if (d.permitted) {
    const uint64_t size = 1ull << (12 + span_shift(d.level, d.napot));
    out += format("result: pa 0x%" PRIx64 " in the %s page 0x%" PRIx64 " -> 0x%" PRIx64
                  "; %s permitted",
                  d.pa, page_size_name(d.level, d.napot), va & ~(size - 1), d.pa & ~(size - 1), kn);
    if (d.ad_update)
      out += kind == AccessKind::kStore ? " (the walker sets A and D first)"
                                        : " (the walker sets A first)";
    out += "\n";
  } else {
    out += format("result: %s (cause %u, tval 0x%" PRIx64 "): ", fault_cause_name(d.cause),
                  unsigned(d.cause), va);
    out += fault_text(d, kind, ctx.mstatus, has_svadu()) + "\n";
  }

  const uint16_t asid = cpu::satp::asid(ctx.satp);
  out += format("TLB entries matching va with asid %u:\n", unsigned(asid));
  for (const TlbLevel* t : {&m_itlb, &m_dtlb, &m_l2tlb}) {
    if (!t->enabled()) {
      out += format("  %s: off\n", t->short_name());
      continue;
    }
    const auto held = t->holding((va >> 12) & m_vpn_mask, asid);
    if (!held) {
      out +=
          format("  %s: unknown (this implementation cannot list its entries)\n", t->short_name());
      continue;
    }
    if (held->empty())
      out += format("  %s: none\n", t->short_name());
    for (const TlbSlot& h : *held) {
      const TlbEntry& e = h.entry;
      const uint64_t size = 1ull << (12 + span_shift(e));
      out += format("  %s set %u way %u: %s page 0x%" PRIx64 " -> 0x%" PRIx64 "  %s  asid %u\n",
                    t->short_name(), h.set, h.way, page_size_name(e.level, e.napot),
                    va & ~(size - 1), e.ppn << 12, pte::letters(e.flags).data(), unsigned(e.asid));
    }
  }
  return out;
}

bool Mmu::debug_map(uint64_t va, const cpu::XlateContext& ctx, uint64_t& pa)
{
  const DebugWalk d = debug_walk(va, AccessKind::kLoad, ctx);
  if (d.translated && !d.leaf)
    return false;
  pa = d.pa;
  return true;
}

void Mmu::satp_written(uint64_t old_satp, uint64_t new_satp)
{
  if (old_satp == new_satp)
    return;
  // A TLB that tags fewer ASID bits than satp holds (16) cannot tell apart address spaces
  // whose ASIDs differ only in the bits it drops: it is flushed when a satp write changes
  // one of them, so everything it holds belongs to ASIDs that agree with the current one in
  // those bits, where its tags decide. Without ASID tags, every satp write flushes it.
  const uint16_t changed = cpu::satp::asid(old_satp) ^ cpu::satp::asid(new_satp);
  const FlushRequest all;
  EventTrace* const trace = m_trace.get();
  if (trace)
    trace->begin_fence(m_hart_id, now());
  for (TlbLevel* t : {&m_itlb, &m_dtlb, &m_l2tlb}) {
    const unsigned bits = t->asid_bits();
    if (bits != 0 && (bits >= 16 || (changed >> bits) == 0))
      continue;
    const unsigned n = t->flush(all, TlbLevel::FlushKind::kSatp);
    if (trace && t->enabled())
      trace->flush(t->short_name(), TlbLevel::FlushKind::kSatp, false, 0, false, 0, n);
  }
}

Mmu::L2::L2(unsigned levels, bool napot)
    : level("mmu.l2tlb", {512, 4, "plru", 6, true}, levels, napot)
{
}

std::shared_ptr<Mmu::L2> Mmu::make_l2(const Mmu* first)
{
  auto& cfg = common::config();
  m_l2_shared = cfg.flag("mmu.l2tlb.shared", false,
                         "one L2 TLB for all harts (cpu.harts > 1), its entries tagged with "
                         "ASIDs; statistics mmu.l2tlb.* for all, hart<id>.mmu.l2tlb_share.* "
                         "per hart (docs/smp.md)");
  if (!m_l2_shared)
    return std::make_shared<L2>(m_tlb_levels, m_svnapot && m_napot_whole);
  auto& st = common::stats();
  m_l2_lookups = &st.counter("mmu.l2tlb_share.lookups", "this hart's lookups in the shared L2 TLB");
  m_l2_misses = &st.counter("mmu.l2tlb_share.misses", "those that missed");
  m_l2_cross_evictions =
      &st.counter("mmu.l2tlb_share.cross_evictions",
                  "this hart's fills of the shared L2 TLB that evicted an entry another hart "
                  "had filled (contention)");
  if (first)
    return first->m_l2;
  common::StatsPrefix all_harts("");
  return std::make_shared<L2>(m_tlb_levels, m_svnapot && m_napot_whole);
}

void Mmu::note_shared_l2_fill(const TlbFill& filled)
{
  unsigned& filler = m_l2->filler[uint32_t(filled.set) << 16 | filled.way];
  if (filled.evicted && filler != m_hart_id)
    ++*m_l2_cross_evictions;
  filler = m_hart_id;
}

void Mmu::sfence_vma(bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid)
{
  invalidate(false, has_vaddr, vaddr, has_asid, asid);
}

void Mmu::sinval_vma(bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid)
{
  invalidate(true, has_vaddr, vaddr, has_asid, asid);
}

void Mmu::sfence_inval(bool ir)
{
  ++(ir ? m_inval_ir : m_w_inval);
  if (EventTrace* const trace = m_trace.get()) {
    trace->begin_fence(m_hart_id, now());
    trace->fence(ir ? "inval_ir" : "w_inval");
  }
}

void Mmu::invalidate(bool sinval, bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid)
{
  FlushRequest r;
  r.has_vaddr = has_vaddr;
  r.vpn = (vaddr >> 12) & m_vpn_mask;
  r.has_asid = has_asid;
  r.asid = asid;
  const auto kind = has_vaddr ? (has_asid ? TlbLevel::FlushKind::kVaddrAsid
                                          : TlbLevel::FlushKind::kVaddr)
                              : (has_asid ? TlbLevel::FlushKind::kAsid
                                          : TlbLevel::FlushKind::kAll);
  const auto counted =
      sinval ? TlbLevel::FlushKind(unsigned(kind) + unsigned(TlbLevel::FlushKind::kSinvalAll))
             : kind;
  EventTrace* const trace = m_trace.get();
  if (trace)
    trace->begin_fence(m_hart_id, now());
  unsigned entries = 0;
  for (TlbLevel* t : {&m_itlb, &m_dtlb, &m_l2tlb}) {
    const unsigned n = t->flush(r, counted);
    entries += n;
    if (trace && t->enabled())
      trace->flush(t->short_name(), counted, has_vaddr, vaddr, has_asid, asid, n);
  }
  if (m_in_ipi) {
    ++m_shootdown_fences;
    m_shootdown_entries += entries;
  }
  // Non-leaf PTEs are ordered only by a fence without an address (spec 4.2.1).
  if (!has_vaddr)
    m_walker.flush_pwc();
}

void Mmu::save_state(nlohmann::json& j) const
{
  m_itlb.save_state(j["itlb"]);
  m_dtlb.save_state(j["dtlb"]);
  m_l2tlb.save_state(j["l2tlb"]);
  m_walker.save_state(j["walker"]);
}

void Mmu::restore_state(const common::StateIn& in, std::vector<std::string>& cold)
{
  for (TlbLevel* level : {&m_itlb, &m_dtlb, &m_l2tlb})
    if (!level->restore_state(in.child(level->short_name())))
      cold.push_back(level->name());
  if (!m_walker.restore_state(in.child("walker")))
    cold.push_back(std::string(name()) + ".pwc");
  for (FastPath& f : m_fast)
    f = FastPath{};
}

}  // namespace vmplat::mmu
