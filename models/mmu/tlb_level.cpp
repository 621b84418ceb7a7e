#include "models/mmu/tlb_level.h"

#include <cinttypes>
#include <cstdio>

#include "models/common/config.h"

namespace vmplat::mmu {

namespace {
const char* const kKindNames[3] = {"fetch", "load", "store"};
const char* const kFlushNames[9] = {"all",         "asid",         "vaddr",
                                    "vaddr_asid",  "satp",         "sinval_all",
                                    "sinval_asid", "sinval_vaddr", "sinval_vaddr_asid"};
}  // namespace

TlbLevel::TlbLevel(const std::string& name, const TlbDefaults& d, unsigned levels, bool napot)
    : m_name(name), m_short_name(name.substr(name.rfind('.') + 1)), m_levels(levels)
{
  auto& cfg = common::config();
  auto& st = common::stats();
  const std::string impl = cfg.choice(name + ".impl", "model", {"model", "rtl", "lockstep"},
                                      "implementation: the C++ model, the Verilated RTL TLB, or "
                                      "both in lockstep (rtl/lockstep need a Verilator build)");
  TlbParams p;
  p.name = name;
  p.entries = unsigned(cfg.u64(name + ".entries", d.entries, "entries",
                               d.optional ? "TLB entries (0 = no such TLB)" : "TLB entries",
                               d.optional ? 0 : 1, 1u << 16));
  p.ways = unsigned(cfg.u64(name + ".ways", d.ways, "ways",
                            "associativity: 1 = direct-mapped, entries = fully associative", 1,
                            1u << 16));
  p.policy = cfg.choice(name + ".policy", d.policy, {"lru", "plru", "fifo", "random"},
                        "replacement policy (docs/tlb-model.md)");
  p.asid_bits = unsigned(cfg.u64(name + ".asid_bits", 16, "bits",
                                 "ASID tag width; 0 = no ASID tags (a satp write flushes); below "
                                 "16, a satp write changing an untagged bit flushes",
                                 0, 16));
  m_hit_latency = cfg.u64(name + ".hit_latency", d.hit_latency, "cycles",
                          "hart cycles charged for each lookup of this TLB", 0, 1000);
  p.seed = cfg.u64(name + ".seed", 1, "", "seed of the random replacement policy");
  p.levels = levels;
  p.napot = napot;
  m_entries = p.entries;
  m_asid_bits = p.asid_bits;
  m_asid_mask = uint16_t(p.asid_bits >= 16 ? 0xffff : (1u << p.asid_bits) - 1);

  for (unsigned k = 0; k < 3; ++k) {
    const std::string kn = kKindNames[k];
    const bool summary = name != "mmu.l2tlb";
    m_lookups[k] = &st.counter(name + ".lookups." + kn, kn + " lookups");
    m_hits[k] = &st.counter(name + ".hits." + kn, kn + " lookups that hit");
    m_misses[k] = &st.counter(name + ".misses." + kn, kn + " lookups that missed",
                              summary && (k == 0) == (name == "mmu.itlb"));
  }
  m_fills = &st.counter(name + ".fills", "entries written (after a walk or an L2 hit)");
  m_evictions = &st.counter(name + ".evictions", "fills that replaced a valid entry");
  for (unsigned k = 0; k < m_flushes.size(); ++k)
    m_flushes[k] = &st.counter(
        name + ".flushes." + kFlushNames[k],
        k == 4  ? "implicit full flushes by a satp write (asid_bits below 16)"
        : k < 4 ? std::string("sfence.vma flushes of kind ") + kFlushNames[k]
                : std::string("sinval.vma (Svinval) flushes of kind ") + (kFlushNames[k] + 7));
  m_flushed_entries = &st.counter(name + ".flushed_entries", "entries invalidated by flushes");
  auto lookups = m_lookups;
  auto misses = m_misses;
  st.derived(name + ".miss_rate", "misses / lookups (all kinds)", [lookups, misses] {
    uint64_t l = 0, m = 0;
    for (unsigned k = 0; k < 3; ++k) {
      l += lookups[k]->value();
      m += misses[k]->value();
    }
    return l ? double(m) / double(l) : 0.0;
  });

  if (p.entries == 0)
    return;
  m_tlb = make_tlb(p, impl);
  m_use_memo = impl == "model";
}

const TlbEntry* TlbLevel::lookup_slow(uint64_t vpn, uint16_t asid, cpu::AccessKind kind)
{
  const unsigned k = unsigned(kind);
  m_memo_valid = false;
  ++m_generation;
  if (!m_tlb) {
    ++*m_misses[k];
    return nullptr;
  }
  const TlbLookup r = m_tlb->lookup(vpn, asid, kind);
  if (!r.hit) {
    ++*m_misses[k];
    return nullptr;
  }
  ++*m_hits[k];
  m_memo = r.entry;
  m_memo_valid = m_use_memo;
  m_memo_mask = ~uint64_t(0);
  if (r.entry.level > 0 && m_use_memo && !m_tlb->has_smaller_overlap(vpn, r.entry.level, asid))
    m_memo_mask <<= 9 * r.entry.level;
  m_memo_vpn = vpn & m_memo_mask;
  m_memo_asid = asid;
  return &m_memo;
}

TlbFill TlbLevel::fill(const TlbEntry& entry)
{
  if (!m_tlb)
    return {};
  m_memo_valid = false;
  ++m_generation;
  TlbEntry e = entry;
  e.asid &= m_asid_mask;
  const TlbFill r = m_tlb->fill(e);
  ++*m_fills;
  if (r.evicted)
    ++*m_evictions;
  return r;
}

const char* TlbLevel::flush_kind_name(FlushKind kind) { return kFlushNames[unsigned(kind)]; }

unsigned TlbLevel::flush(const FlushRequest& req, FlushKind kind)
{
  if (!m_tlb)
    return 0;
  m_memo_valid = false;
  ++m_generation;
  FlushRequest r = req;
  r.asid &= m_asid_mask;
  ++*m_flushes[unsigned(kind)];
  const unsigned n = m_tlb->flush(r);
  *m_flushed_entries += n;
  return n;
}

std::string TlbLevel::describe() const { return m_tlb ? m_tlb->describe() : m_name + ": off"; }

std::optional<std::vector<TlbSlot>> TlbLevel::entries() const
{
  if (!m_tlb)
    return std::vector<TlbSlot>{};
  return m_tlb->entries();
}

std::optional<std::vector<TlbSlot>> TlbLevel::holding(uint64_t vpn, uint16_t asid) const
{
  auto all = entries();
  if (!all)
    return std::nullopt;
  asid &= m_asid_mask;
  std::vector<TlbSlot> out;
  for (const TlbSlot& s : *all) {
    const unsigned shift = span_shift(s.entry);
    if ((s.entry.vpn >> shift) == (vpn >> shift) &&
        (s.entry.global || ((s.entry.asid ^ asid) & m_asid_mask) == 0))
      out.push_back(s);
  }
  return out;
}

std::string TlbLevel::dump() const
{
  if (!m_tlb)
    return describe() + "\n";
  std::string out = describe() + "\n";
  const auto all = m_tlb->entries();
  if (!all)
    return out + "  (this implementation cannot list its entries)\n";
  out += "  set  way  va                  pa                  size  asid  flags\n";
  static const char* const kSizes[5] = {"4K", "2M", "1G", "512G", "256T"};
  // Entries hold the low 9 * levels vpn bits; the va is their sign extension (canonical).
  const unsigned va_bits = 12 + 9 * m_levels;
  for (const TlbSlot& s : *all) {
    const TlbEntry& e = s.entry;
    const uint64_t va = uint64_t(int64_t(e.vpn << (64 - va_bits + 12)) >> (64 - va_bits));
    char line[128];
    std::snprintf(line, sizeof line,
                  "  %3u  %3u  0x%016" PRIx64 "  0x%016" PRIx64 "  %-4s  %5u  %s\n", s.set, s.way,
                  va, e.ppn << 12,
                  e.napot       ? "64K"
                  : e.level < 5 ? kSizes[e.level]
                                : "?",
                  unsigned(e.asid), pte::letters(e.flags).data());
    out += line;
  }
  return out + "  " + std::to_string(all->size()) + " of " + std::to_string(m_entries) +
         " entries valid\n";
}

void TlbLevel::save_state(nlohmann::json& j) const
{
  j["shape"] = describe();
  if (m_tlb && !m_tlb->save_state(j["tlb"]))
    j.erase("tlb");
}

bool TlbLevel::restore_state(const common::StateIn& in)
{
  m_memo_valid = false;
  ++m_generation;
  if (in.get<std::string>("shape") != describe())
    return false;
  if (!m_tlb)
    return true;
  if (!in.has("tlb"))
    return false;
  nlohmann::json probe;
  if (!m_tlb->save_state(probe))
    return false;  // this implementation cannot take the entries (RTL)
  m_tlb->restore_state(in.child("tlb"));
  return true;
}

}  // namespace vmplat::mmu
