#include "models/mmu/page_table_walker.h"

#include "models/common/config.h"

namespace vmplat::mmu {

namespace {
constexpr uint64_t kPpnMask = (1ull << 44) - 1;  // PTE bits 53:10
constexpr uint64_t kReservedMask = 0x7full << 54;  // bits 60:54: reserved
constexpr unsigned kPbmtShift = 61;                // bits 62:61: Svpbmt's memory type
constexpr uint64_t kPbmtMask = 3ull << kPbmtShift;
constexpr uint64_t kNapotBit = 1ull << 63;  // Svnapot's N
constexpr uint64_t kPageSize = 4096;

// Step 2's reserved bits and encodings: PBMT is reserved unless Svpbmt is in effect
// (Svpbmt chapter: with menvcfg.PBMTE = 0 it is as if not implemented), and its value 3
// always; N is reserved unless Svnapot is implemented.
bool reserved_encoding(uint64_t pte, const PageTableWalker::Format& format)
{
  const uint64_t reserved =
      kReservedMask | (format.pbmt ? 0 : kPbmtMask) | (format.napot ? 0 : kNapotBit);
  return (pte & reserved) || (pte & kPbmtMask) == kPbmtMask;
}
}  // namespace

const char* fault_reason_name(FaultReason reason)
{
  switch (reason) {
    case FaultReason::kNone: return "none";
    case FaultReason::kPteInvalid: return "pte_invalid";
    case FaultReason::kWriteWithoutRead: return "w_without_r";
    case FaultReason::kReservedBits: return "reserved_bits";
    case FaultReason::kPointerFlags: return "pointer_adu";
    case FaultReason::kNoLeaf: return "no_leaf";
    case FaultReason::kMisalignedSuperpage: return "misaligned_superpage";
    case FaultReason::kNapotReserved: return "napot_reserved";
    case FaultReason::kPteBusError: return "pte_bus_error";
    case FaultReason::kPtePmp: return "pte_pmp";
    case FaultReason::kNonCanonical: return "non_canonical";
    case FaultReason::kPermission: return "permission";
    case FaultReason::kAdClear: return "ad_clear";
    case FaultReason::kAdBusError: return "ad_bus_error";
    case FaultReason::kAdPmp: return "ad_pmp";
  }
  return "?";
}

const char* fault_cause_name(uint8_t cause)
{
  switch (cause) {
    case cpu::exc::kInstrAccessFault: return "instr_access_fault";
    case cpu::exc::kLoadAccessFault: return "load_access_fault";
    case cpu::exc::kStoreAccessFault: return "store_access_fault";
    case cpu::exc::kInstrPageFault: return "instr_page_fault";
    case cpu::exc::kLoadPageFault: return "load_page_fault";
    case cpu::exc::kStorePageFault: return "store_page_fault";
  }
  return "not_an_mmu_fault";
}

PageTableWalker::PageTableWalker(sc_core::sc_module_name name, sc_core::sc_time cpu_period)
    : sc_module(name), isock("isock"), m_cpu_period(cpu_period),
      m_level_cycles(common::config().u64("mmu.walker.level_cycles", 1, "cycles",
                                          "walker logic per level visited (beyond memory time)",
                                          0, 1000)),
      m_walks(common::stats().counter("mmu.walker.walks", "page-table walks", true)),
      m_levels(common::stats().counter("mmu.walker.levels",
                                       "levels visited by walks (page-walk-cache hits included)")),
      m_pte_reads(common::stats().counter("mmu.walker.pte_reads", "PTE reads sent to memory")),
      m_pte_writes(common::stats().counter("mmu.walker.pte_writes",
                                           "PTE writes sent to memory (A/D updates)")),
      m_mem_refs(common::stats().counter("mmu.walker.mem_refs",
                                         "memory references by the walker (reads + writes)")),
      m_access_faults(common::stats().counter(
          "mmu.walker.access_faults", "PTE reads or writes that got a bus error (access fault)")),
      m_latency(common::stats().histogram("mmu.walker.latency",
                                          "walk latency in hart cycles (memory + walker logic)",
                                          common::Histogram::pow2(12))),
      m_pwc_hits(common::stats().counter("mmu.pwc.hits", "non-leaf PTE reads served by the PWC")),
      m_pwc_misses(common::stats().counter("mmu.pwc.misses",
                                           "non-leaf PTE reads the PWC could not serve"))
{
  const uint64_t pwc = common::config().u64("mmu.pwc.entries", 8, "entries",
                                            "page-walk cache of non-leaf PTEs (0 = off)", 0, 1024);
  m_pwc.resize(pwc);
  const common::Histogram* lat = &m_latency;
  common::stats().derived(
      "mmu.walker.mean_latency", "mean walk latency in hart cycles", [lat] { return lat->mean(); },
      true);
  m_tx.set_data_ptr(m_buf);
  m_tx.set_data_length(8);
  m_tx.set_streaming_width(8);
  m_tx.set_byte_enable_ptr(nullptr);
}

bool PageTableWalker::read_pte(uint64_t addr, uint64_t& value, sc_core::sc_time& delay, bool debug)
{
  m_tx.set_command(tlm::TLM_READ_COMMAND);
  m_tx.set_address(addr);
  m_tx.set_dmi_allowed(false);
  m_tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (debug) {
    if (isock->transport_dbg(m_tx) != 8)
      return false;
  } else {
    ++m_pte_reads;
    ++m_mem_refs;
    isock->b_transport(m_tx, delay);
    if (m_tx.is_response_error()) {
      ++m_access_faults;
      return false;
    }
  }
  value = 0;
  for (int i = 7; i >= 0; --i)  // PTEs are little-endian in memory
    value = (value << 8) | m_buf[i];
  return true;
}

FaultReason PageTableWalker::write_pte(uint64_t addr, uint64_t value, sc_core::sc_time& delay)
{
  if (m_pmp && !m_pmp->walker_may_access(addr, 8, true, true))
    return FaultReason::kAdPmp;
  for (unsigned i = 0; i < 8; ++i)
    m_buf[i] = uint8_t(value >> (8 * i));
  m_tx.set_command(tlm::TLM_WRITE_COMMAND);
  m_tx.set_address(addr);
  m_tx.set_dmi_allowed(false);
  m_tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  ++m_pte_writes;
  ++m_mem_refs;
  isock->b_transport(m_tx, delay);
  if (m_tx.is_response_error()) {
    ++m_access_faults;
    return FaultReason::kAdBusError;
  }
  return FaultReason::kNone;
}

bool PageTableWalker::pwc_find(uint64_t addr, uint64_t& value)
{
  for (PwcEntry& e : m_pwc) {
    if (e.valid && e.addr == addr) {
      e.stamp = ++m_pwc_clock;
      value = e.pte;
      return true;
    }
  }
  return false;
}

void PageTableWalker::pwc_insert(uint64_t addr, uint64_t value)
{
  PwcEntry* victim = &m_pwc[0];
  for (PwcEntry& e : m_pwc) {
    if (!e.valid) {
      victim = &e;
      break;
    }
    if (e.stamp < victim->stamp)
      victim = &e;
  }
  *victim = {true, addr, value, ++m_pwc_clock};
}

bool PageTableWalker::pwc_holds(uint64_t addr) const
{
  for (const PwcEntry& e : m_pwc) {
    if (e.valid && e.addr == addr)
      return true;
  }
  return false;
}

void PageTableWalker::flush_pwc()
{
  for (PwcEntry& e : m_pwc)
    e.valid = false;
}

// Privileged spec 4.3.2, steps 1-6 (permissions and A/D, steps 5 and 7, are the Mmu's).
PageTableWalker::Walk PageTableWalker::walk(uint64_t satp, unsigned levels, uint64_t vpn,
                                            const Format& format, sc_core::sc_time& delay,
                                            bool debug, Steps* steps)
{
  Walk w;
  if (!debug)
    ++m_walks;
  if (steps)
    steps->count = 0;
  auto page_fault = [&w](FaultReason why) {
    w.fault = why;
    return w;
  };
  uint64_t table = (satp & kPpnMask) * kPageSize;
  for (int i = int(levels) - 1; i >= 0; --i) {
    const uint64_t addr = table + ((vpn >> (9 * i)) & 0x1ff) * 8;
    uint64_t pte = 0;
    if (!debug) {
      ++m_levels;
      delay += m_cpu_period * double(m_level_cycles);
    }
    if (m_pmp && !m_pmp->walker_may_access(addr, 8, false, !debug)) {
      if (steps)
        steps->step[steps->count++] = {addr, 0, uint8_t(i), false};
      w.outcome = Outcome::kAccessFault;
      w.fault = FaultReason::kPtePmp;
      return w;
    }
    const bool use_pwc = !debug && !m_pwc.empty() && i > 0;
    bool cached = false;
    if (use_pwc && pwc_find(addr, pte)) {
      ++m_pwc_hits;
      cached = true;
    } else {
      if (use_pwc)
        ++m_pwc_misses;
      if (!read_pte(addr, pte, delay, debug)) {
        if (steps)
          steps->step[steps->count++] = {addr, 0, uint8_t(i), false};
        w.outcome = Outcome::kAccessFault;
        w.fault = FaultReason::kPteBusError;
        return w;
      }
    }
    if (steps)
      steps->step[steps->count++] = {addr, pte, uint8_t(i), cached};
    const uint8_t flags = uint8_t(pte);
    if (!(flags & pte::kV))
      return page_fault(FaultReason::kPteInvalid);
    if ((flags & pte::kW) && !(flags & pte::kR))
      return page_fault(FaultReason::kWriteWithoutRead);
    if ((pte >> 54) && reserved_encoding(pte, format))  // bits 63:54 are almost always 0
      return page_fault(FaultReason::kReservedBits);
    if (flags & pte::kG)
      w.global = true;
    if (flags & (pte::kR | pte::kX)) {
      // A leaf: a superpage's low PPN fields must be zero (step 6).
      const uint64_t ppn = (pte >> 10) & kPpnMask;
      if (i > 0 && (ppn & ((1ull << (9 * i)) - 1)))
        return page_fault(FaultReason::kMisalignedSuperpage);
      // Svnapot: N is defined on level-0 leaves only, where PPN[3:0] = 0b1000 is the one
      // encoding (64 KiB) not reserved.
      if (pte & kNapotBit) {
        if (i > 0 || (ppn & 0xf) != 0x8)
          return page_fault(FaultReason::kNapotReserved);
        w.napot = true;
      }
      w.outcome = Outcome::kLeaf;
      w.pte = pte;
      w.pte_addr = addr;
      w.level = unsigned(i);
      w.pbmt = uint8_t((pte & kPbmtMask) >> kPbmtShift);
      return w;
    }
    // A pointer: A, D and U are reserved on non-leaf PTEs and must be zero, and so are
    // PBMT and N (Svpbmt, Svnapot chapters).
    if ((flags & (pte::kA | pte::kD | pte::kU)) || (pte & (kPbmtMask | kNapotBit)))
      return page_fault(FaultReason::kPointerFlags);
    if (use_pwc && !cached)
      pwc_insert(addr, pte);
    table = ((pte >> 10) & kPpnMask) * kPageSize;
  }
  return page_fault(FaultReason::kNoLeaf);
}

void PageTableWalker::save_state(nlohmann::json& j) const
{
  j["pwc_entries"] = m_pwc.size();
  j["pwc_clock"] = m_pwc_clock;
  nlohmann::json entries = nlohmann::json::array();
  for (const PwcEntry& e : m_pwc)
    entries.push_back({e.valid, e.addr, e.pte, e.stamp});
  j["pwc"] = entries;
}

bool PageTableWalker::restore_state(const common::StateIn& in)
{
  flush_pwc();
  if (in.get<size_t>("pwc_entries") != m_pwc.size())
    return false;
  const nlohmann::json& entries = in.table("pwc", m_pwc.size(), 4, "[valid, addr, pte, stamp]");
  for (size_t i = 0; i < m_pwc.size(); ++i) {
    const nlohmann::json& e = entries[i];
    m_pwc[i] = {in.value<bool>(e[0], "pwc"), in.value<uint64_t>(e[1], "pwc"),
                in.value<uint64_t>(e[2], "pwc"), in.value<uint64_t>(e[3], "pwc")};
  }
  m_pwc_clock = in.get<uint64_t>("pwc_clock");
  return true;
}

}  // namespace vmplat::mmu
