#include "models/mmu/mmu.h"

#include "models/common/config.h"
#include "models/common/time.h"

namespace vmplat::mmu {

namespace {

using cpu::AccessKind;

constexpr uint8_t kPageFaultCause[3] = {cpu::exc::kInstrPageFault, cpu::exc::kLoadPageFault,
                                        cpu::exc::kStorePageFault};
constexpr uint8_t kAccessFaultCause[3] = {cpu::exc::kInstrAccessFault,
                                          cpu::exc::kLoadAccessFault,
                                          cpu::exc::kStoreAccessFault};
const char* const kKindNames[3] = {"fetch", "load", "store"};

bool sv48_configured()
{
  return common::config().choice("mmu.satp_modes", "sv39+sv48", {"sv39", "sv39+sv48"},
                                 "translation modes satp accepts besides Bare (a core with "
                                 "Sv48 also has Sv39, spec 4.5)") == "sv39+sv48";
}

}  // namespace

Mmu::Mmu(sc_core::sc_module_name name, sc_core::sc_time cpu_period)
    : sc_module(name), m_walker("walker", cpu_period), isock(m_walker.isock),
      m_cpu_period(cpu_period), m_sv48(sv48_configured()),
      m_ad_policy(common::config().choice(
                      "mmu.walker.ad_policy", "hardware", {"hardware", "fault"},
                      "A/D bits: the walker sets them atomically (hardware), or a clear A, or "
                      "a clear D on a store, is a page fault (fault, Svade)") == "fault"
                      ? AdPolicy::kFault
                      : AdPolicy::kHardware),
      m_tlb_levels(m_sv48 ? 4 : 3), m_vpn_mask((1ull << (9 * m_tlb_levels)) - 1),
      m_itlb("mmu.itlb", {32, 32, "plru", 0, false}, m_tlb_levels),
      m_dtlb("mmu.dtlb", {32, 32, "plru", 0, false}, m_tlb_levels),
      m_l2tlb("mmu.l2tlb", {512, 4, "plru", 6, true}, m_tlb_levels),
      m_ad_updates(common::stats().counter("mmu.walker.ad_updates",
                                           "PTEs written back to set A and/or D (hardware)")),
      m_rewalks(common::stats().counter(
          "mmu.rewalks", "TLB hits whose entry did not permit the access (walked again)"))
{
  auto& st = common::stats();
  for (unsigned k = 0; k < 3; ++k) {
    m_page_faults[k] = &st.counter(std::string("mmu.page_faults.") + kKindNames[k],
                                   std::string(kKindNames[k]) + " page faults");
    m_access_faults[k] =
        &st.counter(std::string("mmu.access_faults.") + kKindNames[k],
                    std::string(kKindNames[k]) + " access faults from PTE reads or writes");
  }
  common::Counter* const* pf = m_page_faults;
  st.derived(
      "mmu.page_faults", "page faults of all kinds",
      [pf] { return double(pf[0]->value() + pf[1]->value() + pf[2]->value()); }, true);
}

bool Mmu::supports_satp_mode(unsigned mode) const
{
  return mode == cpu::satp::kModeBare || mode == cpu::satp::kModeSv39 ||
         (m_sv48 && mode == cpu::satp::kModeSv48);
}

bool Mmu::fault(bool page, AccessKind kind, uint64_t va, cpu::XlateResult& out)
{
  const unsigned k = unsigned(kind);
  out.cause = page ? kPageFaultCause[k] : kAccessFaultCause[k];
  out.tval = va;
  ++*(page ? m_page_faults[k] : m_access_faults[k]);
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
    return fault(true, kind, va, out);
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
      fast.offset_mask = (1ull << (12 + 9 * e->level)) - 1;
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
  out.cycles += l1.take_busy_cycles();
  TlbEntry e;
  if (l1_hit) {
    ++m_rewalks;
  } else if (m_l2tlb.enabled()) {
    out.cycles += m_l2tlb.hit_latency();
    const TlbEntry* hit = m_l2tlb.lookup(vpn, asid, kind);
    out.cycles += m_l2tlb.take_busy_cycles();
    if (hit) {
      if (permitted(hit->flags, priv, kind, ctx.mstatus) && ad_set(hit->flags, kind)) {
        e = *hit;
        l1.fill(e);
        out.cycles += l1.take_busy_cycles();
        out.pa = physical(e, va);
        return true;
      }
      ++m_rewalks;
    }
  }

  // The walk: its transactions start at the hart's local time plus the TLB cycles so far.
  const sc_core::sc_time start = m_cpu_period * double(ctx.local_cycles + out.cycles);
  sc_core::sc_time t = start;
  const unsigned levels = levels_of(ctx.satp);
  const PageTableWalker::Walk w = m_walker.walk(ctx.satp, levels, vpn, t, false);
  auto finish = [&] {
    const uint64_t walk_cycles = common::to_cycles(t - start, m_cpu_period);
    m_walker.record_latency(walk_cycles);
    out.cycles += walk_cycles;
  };
  if (w.outcome != PageTableWalker::Outcome::kLeaf) {
    finish();
    return fault(w.outcome == PageTableWalker::Outcome::kPageFault, kind, va, out);
  }
  uint64_t pte_value = w.pte;
  if (!permitted(uint8_t(pte_value), priv, kind, ctx.mstatus)) {
    finish();
    return fault(true, kind, va, out);
  }
  if (!ad_set(uint8_t(pte_value), kind)) {
    if (m_ad_policy == AdPolicy::kFault) {
      finish();
      return fault(true, kind, va, out);
    }
    // Step 7, atomic by construction (see the header).
    pte_value |= pte::kA | (kind == AccessKind::kStore ? pte::kD : 0);
    ++m_ad_updates;
    if (!m_walker.write_pte(w.pte_addr, pte_value, t)) {
      finish();
      return fault(false, kind, va, out);
    }
  }
  finish();

  e.level = uint8_t(w.level);
  const uint64_t low_mask = (1ull << (9 * w.level)) - 1;
  e.vpn = vpn & ~low_mask;
  e.ppn = ((pte_value >> 10) & ((1ull << 44) - 1)) & ~low_mask;
  e.asid = asid;
  e.global = w.global;
  e.flags = uint8_t(pte_value);
  if (m_l2tlb.enabled()) {
    m_l2tlb.fill(e);
    out.cycles += m_l2tlb.take_busy_cycles();
  }
  l1.fill(e);
  out.cycles += l1.take_busy_cycles();
  out.pa = physical(e, va);
  return true;
}

bool Mmu::translate_debug(uint64_t va, AccessKind kind, const cpu::XlateContext& ctx,
                          cpu::XlateResult& out)
{
  const cpu::Priv priv = effective_priv(kind, ctx);
  out.cycles = 0;
  const unsigned k = unsigned(kind);
  if (priv == cpu::Priv::kM || cpu::satp::mode(ctx.satp) == cpu::satp::kModeBare ||
      !supports_satp_mode(cpu::satp::mode(ctx.satp))) {
    out.pa = va;
    return true;
  }
  out.cause = kPageFaultCause[k];
  out.tval = va;
  const unsigned levels = levels_of(ctx.satp);
  if (!canonical(va, levels))
    return false;
  sc_core::sc_time t = m_cpu_period * double(ctx.local_cycles);
  const PageTableWalker::Walk w =
      m_walker.walk(ctx.satp, levels, (va >> 12) & m_vpn_mask, t, true);
  if (w.outcome == PageTableWalker::Outcome::kAccessFault)
    out.cause = kAccessFaultCause[k];
  if (w.outcome != PageTableWalker::Outcome::kLeaf)
    return false;
  const uint8_t flags = uint8_t(w.pte);
  // With the hardware policy the access would set A/D and succeed.
  if (!permitted(flags, priv, kind, ctx.mstatus) ||
      (m_ad_policy == AdPolicy::kFault && !ad_set(flags, kind)))
    return false;
  TlbEntry e;
  e.level = uint8_t(w.level);
  e.ppn = (w.pte >> 10) & ((1ull << 44) - 1);
  out.pa = physical(e, va);
  return true;
}

void Mmu::satp_written(uint64_t old_satp, uint64_t new_satp)
{
  if (old_satp == new_satp)
    return;
  // A TLB without ASID tags cannot tell address spaces apart: a satp write flushes it.
  const FlushRequest all;
  for (TlbLevel* t : {&m_itlb, &m_dtlb, &m_l2tlb}) {
    if (t->asid_bits() == 0)
      t->flush(all, TlbLevel::FlushKind::kSatp);
  }
}

void Mmu::sfence_vma(bool has_vaddr, uint64_t vaddr, bool has_asid, uint16_t asid)
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
  for (TlbLevel* t : {&m_itlb, &m_dtlb, &m_l2tlb})
    t->flush(r, kind);
  // Non-leaf PTEs are ordered only by a fence without an address (spec 4.2.1).
  if (!has_vaddr)
    m_walker.flush_pwc();
}

}  // namespace vmplat::mmu
