// The hart's memory-access path: address translation (through the Translator, with the
// repeat fast path), the DMI fast path and physical accesses on the bus, the per-page
// decode cache and instruction fetch, and misaligned or page-crossing accesses. The inline
// fast paths the execute loop uses are in hart_access.h.
#include <algorithm>
#include <cstring>

#include "models/common/sim.h"
#include "models/common/time.h"
#include "models/cpu/hart.h"
#include "models/cpu/hart_access.h"
#include "models/cpu/hart_internal.h"

namespace vmplat::cpu {

using sc_core::sc_time;

namespace {

constexpr uint8_t kAccessFault[3] = {exc::kInstrAccessFault, exc::kLoadAccessFault,
                                     exc::kStoreAccessFault};

}  // namespace

void Hart::set_translator(Translator* translator)
{
  if (m_translator)
    m_translator->set_protection(nullptr);
  m_translator = translator;
  for (unsigned k = 0; k < 3; ++k)
    m_tlb_generation[k] = translator ? translator->tlb_generation(AccessKind(k)) : nullptr;
  if (translator)
    translator->set_protection(&m_pmp);
  update_xlate_flags();
}

Priv Hart::data_priv() const
{
  if (m_priv == Priv::kM && (m_mstatus & mstatus::kMPRV))
    return Priv((m_mstatus & mstatus::kMPP) >> mstatus::kMPPShift);
  return m_priv;
}

bool Hart::translate(uint64_t va, unsigned size, AccessKind kind, uint64_t& pa)
{
  const bool fetch = kind == AccessKind::kFetch;
  pa = va;
  if (fetch ? m_mmu_fetch : m_mmu_data) {
    XlateResult r;
    const XlateContext ctx{m_priv, m_mstatus, m_satp, m_cycles - m_sync_cycles, m_menvcfg};
    const bool ok = m_translator->translate(va, size, kind, ctx, r);
    m_cycles += r.cycles;
    if (!ok) {
      raise(r.cause, r.tval);
      return false;
    }
    pa = r.pa;
  }
  m_pmp_whole_page = true;
  if (!(fetch ? m_pmp_fetch : m_pmp_data))
    return true;
  const PmpWindow& w = m_pmp_window[unsigned(kind)];
  return pa - w.base < w.size || pmp_check(va, pa, size, kind);
}

bool Hart::pmp_check(uint64_t va, uint64_t pa, unsigned size, AccessKind kind)
{
  // PMP checks the physical address (privileged 3.7); a denial is an access fault with
  // the virtual address in xtval. An allowed decision is kept with the range it holds for.
  const bool fetch = kind == AccessKind::kFetch;
  const Pmp::Decision d = m_pmp.check(pa, size, kind, fetch ? m_priv : m_data_priv);
  if (!d.allowed) {
    raise(kAccessFault[unsigned(kind)], va);
    return false;
  }
  // Keep the whole pages of the decision's range: accesses never cross a page.
  const uint64_t base = (d.lo + (kPageSize - 1)) & ~(kPageSize - 1);
  const uint64_t end = d.hi == ~uint64_t(0) ? ~(kPageSize - 1) : (d.hi + 1) & ~(kPageSize - 1);
  m_pmp_whole_page = base < end && pa - base < end - base;
  if (m_pmp_whole_page)
    m_pmp_window[unsigned(kind)] = {base, end - base};
  return true;
}

void Hart::try_dmi(uint64_t pa)
{
  tlm::tlm_generic_payload t;
  tlm::tlm_dmi dmi;
  common::TimedDmi timed;  // asks for timed DMI too (common/timed_memory.h)
  t.set_address(pa);
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_extension(&timed);
  const bool granted = isock->get_direct_mem_ptr(t, dmi);
  t.clear_extension(&timed);  // a stack object: the payload must not free it
  if (!granted || !dmi.is_read_write_allowed() || pa < dmi.get_start_address() ||
      pa > dmi.get_end_address())
    return;
  m_dmi_ptr = dmi.get_dmi_ptr();
  m_dmi_base = dmi.get_start_address();
  m_dmi_size = dmi.get_end_address() - dmi.get_start_address() + 1;
  m_dmi_timed = timed.memory;
  m_fetch_timed = timed.fetch_memory;
  // The inline load/store path charges the fixed DMI latency; under timed DMI loads and
  // stores take phys_access, which asks the timing model (charge_dmi).
  m_code_page = m_group->marks_for(m_dmi_base, m_dmi_size);
  // Without the group's marks for this region every store takes phys_access.
  m_dmi_fast_limit = !m_dmi_timed && m_code_page && m_dmi_size >= 8 ? m_dmi_size - 7 : 0;
  m_dmi_read_cycles = common::to_cycles(dmi.get_read_latency(), m_period);
  m_dmi_write_cycles = common::to_cycles(dmi.get_write_latency(), m_period);
  flush_decode_cache();
}

void Hart::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end)
{
  if (!m_dmi_ptr || end < m_dmi_base || start > m_dmi_base + m_dmi_size - 1)
    return;
  m_dmi_ptr = nullptr;
  m_dmi_timed = m_fetch_timed = nullptr;
  m_dmi_base = m_dmi_size = m_dmi_fast_limit = 0;
  flush_decode_cache();
  m_code_page = nullptr;
}

void Hart::charge_dmi(uint64_t off, unsigned len, bool write)
{
  if (m_dmi_timed)
    charge_timed_dmi(m_dmi_timed, off, len, write);
  else
    m_cycles += write ? m_dmi_write_cycles : m_dmi_read_cycles;
}

void Hart::charge_timed_dmi(common::TimedMemory* memory, uint64_t off, unsigned len, bool write)
{
  // As b_transport would: the access arrives at the hart's local time, which is
  // sc_time_stamp() + local_time() (the hart's clock never lags the kernel's: each sync
  // rounds it up), and the hart waits for it to end.
  const uint64_t period = m_period.value();
  const uint64_t done = memory->timed_access(off, len, write, m_cycles * period);
  m_cycles = std::max(m_cycles, (done + period - 1) / period);
}

bool Hart::phys_access(uint64_t pa, uint8_t* buf, unsigned len, bool write, bool debug)
{
  const uint64_t off = pa - m_dmi_base;
  if (m_dmi_ptr && off < m_dmi_size && m_dmi_size - off >= len) {
    if (write) {
      std::memcpy(m_dmi_ptr + off, buf, len);
      note_code_write(pa, len);
    } else {
      std::memcpy(buf, m_dmi_ptr + off, len);
    }
    if (!debug)
      charge_dmi(off, len, write);
    return true;
  }
  m_trans.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  m_trans.set_address(pa);
  m_trans.set_data_ptr(buf);
  m_trans.set_data_length(len);
  m_trans.set_streaming_width(len);
  m_trans.set_byte_enable_ptr(nullptr);
  m_trans.set_byte_enable_length(0);
  m_trans.set_dmi_allowed(false);
  m_trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  if (debug) {
    if (isock->transport_dbg(m_trans) != len || !m_trans.is_response_ok())
      return false;
    if (write)
      note_code_write(pa, len);  // a debugger's write over decoded code
    return true;
  }
  sc_time delay = local_time();
  isock->b_transport(m_trans, delay);
  const uint64_t done = common::to_cycles(sc_core::sc_time_stamp() + delay, m_period);
  m_cycles = std::max(m_cycles, done);
  if (common::sim().stop_requested())
    m_stop_cycle = 0;
  if (!m_trans.is_response_ok())
    return false;
  if (write)
    note_code_write(pa, len);
  if (m_trans.is_dmi_allowed() && !m_dmi_ptr)
    try_dmi(pa);
  return true;
}

void Hart::drop_decoded(uint64_t pa, uint64_t len)
{
  // Called for every store that hits a page holding this hart's decoded code (or any store
  // off the DMI path): drop the decoded instructions of the 64-byte lines written, plus the
  // last slot before them (a 32-bit instruction there may reach into the first line).
  const uint64_t last = pa + len - 1;
  for (uint64_t ppn = pa / kPageSize; ppn <= last / kPageSize; ++ppn) {
    auto it = m_decoded.find(ppn);
    if (it == m_decoded.end())
      continue;
    DecodedPage& page = *it->second;
    const uint64_t lo = std::max(pa, ppn * kPageSize) % kPageSize;
    const uint64_t hi = std::min(last, ppn * kPageSize + kPageSize - 1) % kPageSize;
    for (uint64_t line = lo / 64; line <= hi / 64; ++line) {
      if (!((page.line_mask >> line) & 1))
        continue;
      page.line_mask &= ~(1ull << line);
      std::fill_n(&page.slot[line * 32], 32, Insn{});
      if (line > 0)
        page.slot[line * 32 - 1] = Insn{};
      ++m_code_invalidations;
    }
  }
}

void Hart::flush_decode_cache()
{
  if (!m_decoded.empty())
    ++m_code_invalidations;
  // Only pages the hart decoded were marked: clearing theirs, not the whole DRAM's, keeps
  // FENCE.I cheap.
  for (auto& page : m_decoded) {
    m_group->clear_code_mark(m_id, page.first * kPageSize);
    // Freed at the start of the next run: the instruction that flushed (FENCE.I) is still
    // being retired from its slot (exec.cpp).
    m_dropped_pages.push_back(std::move(page.second));
  }
  m_decoded.clear();
  m_fetch_page = nullptr;
  m_fetch_ppn = ~uint64_t{0};
  m_fetch_line = ~uint64_t{0};
  m_fetch_vkey = ~uint64_t{0};
}

bool Hart::read_code(uint64_t pa, void* buf, unsigned len)
{
  return phys_access(pa, static_cast<uint8_t*>(buf), len, false, true);
}

void Hart::fetch_page(uint64_t pa)
{
  if (!m_dmi_ptr)
    try_dmi(pa);  // before taking a page: a new DMI region starts an empty decode cache
  const uint64_t ppn = pa / kPageSize;
  auto& page = m_decoded[ppn];
  if (!page)
    page = std::make_unique<DecodedPage>();
  const uint64_t off = pa - m_dmi_base;
  m_fetch_page_dmi = !m_dmi_ptr || off >= m_dmi_size ? 0 : m_dmi_timed ? kFetchTimedDmi : kFetchDmi;
  if (m_fetch_page_dmi)
    m_group->mark_code(m_id, pa);
  m_fetch_page = page.get();
  m_fetch_ppn = ppn;
}

void Hart::charge_fetch_line(uint64_t pa)
{
  // Instruction fetch is modelled as a 64-byte line buffer: each new line costs one memory
  // read (the DMI latency, or a timed read through the bus, which advances m_cycles to its
  // completion itself); fetches inside it are free.
  const uint64_t off = (pa & ~63ull) - m_dmi_base;
  if (m_dmi_ptr && off < m_dmi_size) {
    if (m_dmi_timed)
      charge_timed_dmi(m_fetch_timed, off, 64, false);  // past any data cache (TimedDmi)
    else
      m_cycles += m_dmi_read_cycles;
    return;
  }
  uint8_t line[64];
  phys_access(pa & ~63ull, line, 64, false);
}

bool Hart::fetch_cross_page(uint64_t pa_lo, Insn& out)
{
  // A 32-bit instruction whose upper half lies on the next page: translate that page
  // separately; never cached, since either page may change on its own.
  uint16_t lo = 0, hi = 0;
  if (!read_code(pa_lo, &lo, 2)) {
    raise(exc::kInstrAccessFault, m_pc);
    return false;
  }
  uint64_t pa_hi = m_pc + 2;
  if (m_xlate_fetch && !translate(m_pc + 2, 2, AccessKind::kFetch, pa_hi))
    return false;
  if (!read_code(pa_hi, &hi, 2)) {
    raise(exc::kInstrAccessFault, m_pc + 2);
    return false;
  }
  out = decode(uint32_t(lo) | (uint32_t(hi) << 16));
  return true;
}

const Insn* Hart::fetch_slow(uint64_t pa)
{
  if (pa / kPageSize != m_fetch_ppn)
    fetch_page(pa);
  Insn* in = &m_fetch_page->slot[(pa % kPageSize) / 2];
  if (in->op == Op::kUndecoded) {
    uint16_t lo = 0;
    if (!read_code(pa, &lo, 2)) {
      raise(exc::kInstrAccessFault, m_pc);
      return nullptr;
    }
    if ((lo & 3) == 3) {
      if (pa % kPageSize == kPageSize - 2) {
        if (!fetch_cross_page(pa, m_cross_insn))
          return nullptr;
        in = &m_cross_insn;
      } else {
        uint32_t w = 0;
        if (!read_code(pa, &w, 4)) {
          raise(exc::kInstrAccessFault, m_pc);
          return nullptr;
        }
        *in = decode(w);
      }
    } else {
      *in = decode(lo);
    }
    if (in != &m_cross_insn) {
      const uint64_t off = pa % kPageSize;
      m_fetch_page->line_mask |= (1ull << (off / 64)) | (1ull << ((off + in->len - 1) / 64));
    }
  }
  if (pa / 64 != m_fetch_line) {
    m_fetch_line = pa / 64;
    charge_fetch_line(pa);
  }
  return in;
}

bool Hart::translate_memo(uint64_t va, unsigned size, AccessKind kind, uint64_t& pa)
{
  XlateMemo& m = m_memo[unsigned(kind)];
  const uint64_t gen_before = m.generation ? *m.generation : 0;
  const uint64_t cycles_before = m_cycles;
  m.vpage = ~uint64_t{0};
  if (!translate(va, size, kind, pa))
    return false;
  // A call that left the TLB's counter alone repeated the last hit: from now on the hart
  // can repeat it itself (Translator::tlb_generation), if one PMP decision holds for the
  // whole page.
  if (m.generation && *m.generation == gen_before && m_pmp_whole_page) {
    m.vpage = va / kPageSize;
    m.pbase = pa - va % kPageSize;
    m.gen = gen_before;
    m.cycles = m_cycles - cycles_before;
  }
  return true;
}

void Hart::forget_memos()
{
  for (XlateMemo& m : m_memo)
    m.vpage = ~uint64_t{0};
  for (PmpWindow& w : m_pmp_window)
    w = PmpWindow{};
  m_fetch_vkey = ~uint64_t{0};
}

const Insn* Hart::fetch_general()
{
  uint64_t pa = m_pc;
  if (m_fetch_page_dmi == kFetchTimedDmi) {
    // A repeat in a new line of a timed DMI page (the execute loop's fetch fast path,
    // exec.cpp, leaves those here).
    if (const Insn* in = fetch_repeat(m_pc, pa)) {
      m_fetch_line = pa / 64;
      charge_timed_dmi(m_fetch_timed, (pa & ~63ull) - m_dmi_base, 64, false);
      ++*m_fetch_hits;
      return in;
    }
    pa = m_pc;
  }
  if (m_xlate_fetch && !translate_fast(m_pc, 2, AccessKind::kFetch, pa))
    return nullptr;
  const Insn* in = fetch_slow(pa);
  if (in && in->len == 4 && in != &m_cross_insn && m_pmp_fetch && !m_pmp_whole_page &&
      !m_pmp.check(pa + 2, 2, AccessKind::kFetch, m_priv).allowed) {
    // A PMP boundary inside the page: the upper half of a 32-bit instruction is checked on
    // its own, and xtval names it (privileged 3.1.16).
    raise(exc::kInstrAccessFault, m_pc + 2);
    return nullptr;
  }
  // May the next fetches from this virtual page skip translation? Without translation,
  // always; with it, while the last fetch translation repeats (see XlateMemo) at no cost.
  // The ITLB only changes on the hart's own calls (fetch translations, SFENCE.VMA, satp
  // writes), and each of those resets m_fetch_vkey.
  m_fetch_vkey = ~uint64_t{0};
  if (!in || in == &m_cross_insn)
    return in;
  const uint64_t vpage = m_pc / kPageSize;
  XlateMemo& memo = m_memo[unsigned(AccessKind::kFetch)];
  if (!m_xlate_fetch) {
    m_fetch_vkey = vpage;
    m_fetch_hits = &m_untranslated_fetches;
  } else if (memo.vpage == vpage && memo.cycles == 0) {
    m_fetch_vkey = vpage;
    m_fetch_hits = &memo.reused;
  }
  m_fetch_pbase = pa - m_pc % kPageSize;
  return in;
}

bool Hart::access_slow(uint64_t va, uint8_t* buf, unsigned len, AccessKind kind)
{
  // Misaligned accesses (and anything the fast path declines): a misaligned access that
  // crosses a page translates both pages, and a fault names the part that faulted
  // (privileged spec 3.7: xtval holds the address of the portion that faulted).
  const bool write = kind == AccessKind::kStore;
  const uint8_t access_fault = write ? exc::kStoreAccessFault : exc::kLoadAccessFault;
  const unsigned n0 = unsigned(std::min<uint64_t>(len, kPageSize - va % kPageSize));
  const unsigned n1 = len - n0;
  uint64_t pa0 = va, pa1 = va + n0;
  if (m_xlate_data) {
    if (!translate(va, n0, kind, pa0))
      return false;
    if (n1 && !translate(va + n0, n1, kind, pa1))
      return false;
  }
  if (!phys_access(pa0, buf, n0, write)) {
    raise(access_fault, va);
    return false;
  }
  if (n1 && !phys_access(pa1, buf + n0, n1, write)) {
    raise(access_fault, va + n0);
    return false;
  }
  if (m_trace) {
    m_trace_mem_addr = va;
    m_trace_mem_size = len;
    m_trace_mem_write = write;
    m_trace_mem_value = 0;
    std::memcpy(&m_trace_mem_value, buf, std::min<unsigned>(len, 8));
  }
  return true;
}

}  // namespace vmplat::cpu
