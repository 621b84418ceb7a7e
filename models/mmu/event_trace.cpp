#include "models/mmu/event_trace.h"

#include <cinttypes>

#include "models/common/config.h"

namespace vmplat::mmu {

namespace {

const char* const kEventNames[5] = {"miss", "fill", "evict", "flush", "walk"};
const char* const kKindNames[3] = {"fetch", "load", "store"};
constexpr const char* kAllowedEvents = "a comma list of miss, fill, evict, flush, walk";
constexpr const char* kAllowedRange =
    "LO-HI (inclusive) or LO+SIZE, in hex (0x...) or decimal, e.g. 0x10000-0x1ffff or "
    "0x10000+64K; \"\" for every address";

}  // namespace

bool EventTrace::parse_events(const std::string& text, unsigned& mask, std::string& bad)
{
  mask = 0;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string name = text.substr(start, comma == std::string::npos ? comma : comma - start);
    unsigned e = 0;
    while (e < 5 && name != kEventNames[e]) ++e;
    if (e == 5) {
      bad = name;
      return false;
    }
    mask |= 1u << e;
    if (comma == std::string::npos)
      return true;
    start = comma + 1;
  }
}

bool EventTrace::parse_range(const std::string& text, uint64_t& lo, uint64_t& hi)
{
  if (text.empty()) {
    lo = 0;
    hi = UINT64_MAX;
    return true;
  }
  const size_t plus = text.find('+');
  if (plus != std::string::npos) {
    uint64_t size = 0;
    if (!common::parse_u64(text.substr(0, plus), lo, false) ||
        !common::parse_u64(text.substr(plus + 1), size, true) || size == 0 ||
        size - 1 > UINT64_MAX - lo)
      return false;
    hi = lo + (size - 1);
    return true;
  }
  const size_t dash = text.find('-');
  return dash != std::string::npos && common::parse_u64(text.substr(0, dash), lo, false) &&
         common::parse_u64(text.substr(dash + 1), hi, false) && lo <= hi;
}

std::unique_ptr<EventTrace> EventTrace::from_config()
{
  auto& cfg = common::config();
  const std::string file =
      cfg.text("mmu.trace.file", "",
               "MMU event trace file: a line per TLB miss, fill, eviction, flush and page walk "
               "(docs/debugging.md); \"\" = no trace");
  const std::string events =
      cfg.text("mmu.trace.events", "miss,fill,evict,flush,walk",
               "events the MMU trace writes: " + std::string(kAllowedEvents));
  const std::string vaddr =
      cfg.text("mmu.trace.vaddr", "",
               "MMU trace filter: only events of accesses to virtual addresses in LO-HI or "
               "LO+SIZE (and flushes that may touch them); \"\" = all");
  unsigned mask = 0;
  std::string bad;
  if (!parse_events(events, mask, bad))
    throw common::UserError("mmu.trace.events: unknown event '" + bad + "' in '" + events +
                            "'; allowed: " + kAllowedEvents);
  uint64_t lo = 0, hi = 0;
  if (!parse_range(vaddr, lo, hi))
    throw common::UserError("mmu.trace.vaddr: bad range '" + vaddr +
                            "'; allowed: " + kAllowedRange);
  if (file.empty())
    return nullptr;
  return std::make_unique<EventTrace>(file, mask, lo, hi);
}

EventTrace::EventTrace(const std::string& path, unsigned events, uint64_t va_lo, uint64_t va_hi)
    : m_buffer(1 << 20), m_events(events), m_va_lo(va_lo), m_va_hi(va_hi)
{
  m_file = std::fopen(path.c_str(), "w");
  if (!m_file)
    throw common::UserError("mmu.trace.file: cannot open '" + path + "' for writing");
  std::setvbuf(m_file, m_buffer.data(), _IOFBF, m_buffer.size());
  std::fputs(
      "# vmplat MMU event trace, format 1 (docs/debugging.md): <cycle> <hart> <event> "
      "key=value...\n"
      "# miss  tlb access va asid\n"
      "# fill  tlb access va asid vpn ppn level global flags set way\n"
      "# evict tlb access va asid vpn ppn level global flags entry_asid set way\n"
      "# flush tlb kind [va] [asid] entries\n"
      "# fence kind\n"
      "# walk  access va asid levels ptes latency result [pa] level [flags] [reason] "
      "[ad_update] [rewalk]\n",
      m_file);
  std::fputs("# filter: events=", m_file);
  const char* sep = "";
  for (unsigned e = 0; e < 5; ++e) {
    if (events >> e & 1) {
      std::fprintf(m_file, "%s%s", sep, kEventNames[e]);
      sep = ",";
    }
  }
  if (va_lo == 0 && va_hi == UINT64_MAX)
    std::fputs(" vaddr=all\n", m_file);
  else
    std::fprintf(m_file, " vaddr=0x%" PRIx64 "-0x%" PRIx64 "\n", va_lo, va_hi);
}

EventTrace::~EventTrace()
{
  std::fclose(m_file);
}

void EventTrace::begin_access(unsigned hart, uint64_t cycle, cpu::AccessKind kind, uint64_t va,
                              uint16_t asid)
{
  m_hart = hart;
  m_cycle = cycle;
  m_kind = unsigned(kind);
  m_va = va;
  m_asid = asid;
  m_in_range = va >= m_va_lo && va <= m_va_hi;
}

void EventTrace::begin_fence(unsigned hart, uint64_t cycle)
{
  m_hart = hart;
  m_cycle = cycle;
}

void EventTrace::prefix(const char* event)
{
  std::fprintf(m_file, "%" PRIu64 " %u %s", m_cycle, m_hart, event);
}

void EventTrace::miss(const char* tlb)
{
  if (!wants(Event::kMiss))
    return;
  prefix("miss");
  std::fprintf(m_file, " tlb=%s access=%s va=0x%" PRIx64 " asid=%u\n", tlb, kKindNames[m_kind],
               m_va, unsigned(m_asid));
}

void EventTrace::fill(const char* tlb, const TlbEntry& entry, const TlbFill& result)
{
  if (wants(Event::kFill)) {
    prefix("fill");
    std::fprintf(m_file,
                 " tlb=%s access=%s va=0x%" PRIx64 " asid=%u vpn=0x%" PRIx64 " ppn=0x%" PRIx64
                 " level=%u global=%d flags=%s set=%u way=%u\n",
                 tlb, kKindNames[m_kind], m_va, unsigned(m_asid), entry.vpn, entry.ppn,
                 unsigned(entry.level), int(entry.global), pte::letters(entry.flags).data(),
                 result.set, result.way);
  }
  if (result.evicted && wants(Event::kEvict)) {
    const TlbEntry& v = result.victim;
    prefix("evict");
    std::fprintf(m_file,
                 " tlb=%s access=%s va=0x%" PRIx64 " asid=%u vpn=0x%" PRIx64 " ppn=0x%" PRIx64
                 " level=%u global=%d flags=%s entry_asid=%u set=%u way=%u\n",
                 tlb, kKindNames[m_kind], m_va, unsigned(m_asid), v.vpn, v.ppn, unsigned(v.level),
                 int(v.global), pte::letters(v.flags).data(), unsigned(v.asid), result.set,
                 result.way);
  }
}

void EventTrace::flush(const char* tlb, TlbLevel::FlushKind kind, bool has_vaddr, uint64_t va,
                       bool has_asid, uint16_t asid, unsigned entries)
{
  // A flush by no address may touch any address, the filtered range included.
  if (!(m_events >> unsigned(Event::kFlush) & 1) || (has_vaddr && (va < m_va_lo || va > m_va_hi)))
    return;
  prefix("flush");
  std::fprintf(m_file, " tlb=%s kind=%s", tlb, TlbLevel::flush_kind_name(kind));
  if (has_vaddr)
    std::fprintf(m_file, " va=0x%" PRIx64, va);
  if (has_asid)
    std::fprintf(m_file, " asid=%u", unsigned(asid));
  std::fprintf(m_file, " entries=%u\n", entries);
}

void EventTrace::fence(const char* kind)
{
  if (!(m_events >> unsigned(Event::kFlush) & 1))
    return;
  prefix("fence");
  std::fprintf(m_file, " kind=%s\n", kind);
}

void EventTrace::walk(const WalkLine& w)
{
  if (!wants(Event::kWalk))
    return;
  const PageTableWalker::Steps& s = *w.steps;
  prefix("walk");
  std::fprintf(m_file, " access=%s va=0x%" PRIx64 " asid=%u levels=%u ptes=", kKindNames[m_kind],
               m_va, unsigned(m_asid), s.count);
  for (unsigned i = 0; i < s.count; ++i)
    std::fprintf(m_file, "%s0x%" PRIx64 "%s", i ? "," : "", s.step[i].addr,
                 s.step[i].pwc ? "(pwc)" : "");
  std::fprintf(m_file, " latency=%" PRIu64 " result=%s", w.latency,
               w.cause ? fault_cause_name(w.cause) : "ok");
  if (!w.cause)
    std::fprintf(m_file, " pa=0x%" PRIx64, w.pa);
  // The level the walk stopped at: the page's level when it found a leaf.
  std::fprintf(m_file, " level=%u", s.count ? unsigned(s.step[s.count - 1].level) : 0u);
  if (w.leaf)
    std::fprintf(m_file, " flags=%s", pte::letters(w.flags).data());
  if (w.cause)
    std::fprintf(m_file, " reason=%s", fault_reason_name(w.reason));
  if (w.ad_update)
    std::fputs(" ad_update=1", m_file);
  if (w.rewalk)
    std::fputs(" rewalk=1", m_file);
  std::fputc('\n', m_file);
}

}  // namespace vmplat::mmu
