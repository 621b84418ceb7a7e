#include "models/mmu/set_assoc_tlb.h"

#include <sstream>
#include <stdexcept>

#include "models/common/bits.h"
#include "models/common/config.h"

namespace vmplat::mmu {

namespace {

bool is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

SetAssocTlb::Policy parse_policy(const TlbParams& p)
{
  if (p.policy == "lru")
    return SetAssocTlb::Policy::kLru;
  if (p.policy == "plru")
    return SetAssocTlb::Policy::kPlru;
  if (p.policy == "fifo")
    return SetAssocTlb::Policy::kFifo;
  if (p.policy == "random")
    return SetAssocTlb::Policy::kRandom;
  throw common::UserError(p.name + ".policy: '" + p.policy +
                          "' is not a policy; allowed: lru, plru, fifo, random");
}

}  // namespace

SetAssocTlb::SetAssocTlb(const TlbParams& params)
    : m_params(params), m_policy(parse_policy(params)), m_sets(0), m_ways(params.ways),
      m_asid_mask(uint16_t(params.asid_bits >= 16 ? 0xffff : (1u << params.asid_bits) - 1)),
      m_rng(params.seed ? params.seed : 1)
{
  const std::string& n = params.name;
  if (params.entries == 0)
    throw common::UserError(n + ".entries: 0 entries; allowed: a power-of-two multiple of " +
                            n + ".ways");
  if (m_ways == 0 || m_ways > params.entries || params.entries % m_ways != 0)
    throw common::UserError(n + ".ways: " + std::to_string(m_ways) + " does not divide " + n +
                            ".entries = " + std::to_string(params.entries) +
                            "; allowed: a divisor of entries");
  m_sets = params.entries / m_ways;
  if (!is_pow2(m_sets))
    throw common::UserError(n + ".ways: " + std::to_string(m_ways) + " gives " +
                            std::to_string(m_sets) + " sets of " + n +
                            ".entries; allowed: entries/ways a power of two");
  if (m_policy == Policy::kPlru && !is_pow2(m_ways))
    throw common::UserError(n + ".policy: plru needs a power-of-two " + n + ".ways, got " +
                            std::to_string(m_ways) + "; allowed: lru, fifo, random");
  if (params.levels < 1 || params.levels > 5)
    throw common::UserError(n + ": " + std::to_string(params.levels) +
                            " page sizes; allowed: 1..5");
  m_ways_store.resize(size_t(m_sets) * m_ways);
  m_stamp.assign(size_t(m_sets) * m_ways, 0);
  m_plru.assign(size_t(m_sets) * m_ways, 0);
  m_fifo.assign(m_sets, 0);
}

const TlbEntry* SetAssocTlb::entry_at(unsigned set, unsigned way) const
{
  const Way& w = m_ways_store[size_t(set) * m_ways + way];
  return w.valid ? &w.entry : nullptr;
}

std::optional<std::vector<TlbSlot>> SetAssocTlb::entries() const
{
  std::vector<TlbSlot> out;
  for (unsigned set = 0; set < m_sets; ++set) {
    for (unsigned way = 0; way < m_ways; ++way) {
      if (const TlbEntry* e = entry_at(set, way))
        out.push_back({set, way, *e});
    }
  }
  return out;
}

// Probe order: 4 KiB, 64 KiB (NAPOT), 2 MiB, 1 GiB, ... (docs/tlb-model.md).
TlbLookup SetAssocTlb::lookup(uint64_t vpn, uint16_t asid, cpu::AccessKind)
{
  TlbLookup r;
  const unsigned sizes = m_params.levels + 1;
  for (unsigned size = 0; size < sizes; ++size) {
    if (m_size_count[size] == 0)
      continue;
    const unsigned shift = kSizeShift[size];
    const unsigned set = set_of(vpn, shift);
    const Way* ways = set_ways(set);
    for (unsigned w = 0; w < m_ways; ++w) {
      const Way& way = ways[w];
      if (way.valid && way.size == size && (way.entry.vpn >> shift) == (vpn >> shift) &&
          (way.entry.global || asid_equal(way.entry.asid, asid))) {
        touch(set, w);
        r.hit = true;
        r.entry = way.entry;
        r.way = w;
        return r;
      }
    }
  }
  return r;
}

TlbFill SetAssocTlb::fill(const TlbEntry& entry)
{
  if (entry.level >= m_params.levels)
    throw std::logic_error(m_params.name + ": fill of a level-" + std::to_string(entry.level) +
                           " entry into a TLB holding " + std::to_string(m_params.levels) +
                           " page sizes");
  if (entry.napot && (entry.level != 0 || !m_params.napot))
    throw std::logic_error(m_params.name + ": fill of a NAPOT entry into a TLB without them");
  TlbFill r;
  const unsigned size = size_of(entry);
  const unsigned shift = kSizeShift[size];
  const unsigned set = set_of(entry.vpn, shift);
  Way* ways = set_ways(set);
  r.set = set;
  unsigned target = m_ways;
  for (unsigned w = 0; w < m_ways && target == m_ways; ++w) {
    const TlbEntry& e = ways[w].entry;
    if (ways[w].valid && ways[w].size == size && (e.vpn >> shift) == (entry.vpn >> shift) &&
        ((e.global && entry.global) ||
         (!e.global && !entry.global && asid_equal(e.asid, entry.asid))))
      target = w;
  }
  for (unsigned w = 0; w < m_ways && target == m_ways; ++w) {
    if (!ways[w].valid)
      target = w;
  }
  if (target == m_ways) {
    target = victim(set);
    r.evicted = true;
    r.victim = ways[target].entry;
  }
  if (ways[target].valid)
    --m_size_count[ways[target].size];
  ++m_size_count[size];
  ways[target].valid = true;
  ways[target].size = uint8_t(size);
  ways[target].entry = entry;
  touch(set, target);
  r.way = target;
  return r;
}

unsigned SetAssocTlb::flush(const FlushRequest& req)
{
  unsigned n = 0;
  for (Way& way : m_ways_store) {
    if (!way.valid)
      continue;
    const TlbEntry& e = way.entry;
    if (req.has_asid && (e.global || !asid_equal(e.asid, req.asid)))
      continue;
    const unsigned shift = kSizeShift[way.size];
    if (req.has_vaddr && (e.vpn >> shift) != (req.vpn >> shift))
      continue;
    way.valid = false;
    --m_size_count[way.size];
    ++n;
  }
  return n;
}

bool SetAssocTlb::has_smaller_overlap(uint64_t vpn, unsigned level, uint16_t asid) const
{
  unsigned smaller = 0;
  for (unsigned s = 0; s < level + 1; ++s)  // the sizes below level's: 4 KiB, NAPOT, ...
    smaller += m_size_count[s];
  if (smaller == 0)
    return false;
  const unsigned shift = 9 * level;
  for (const Way& way : m_ways_store) {
    const TlbEntry& e = way.entry;
    if (way.valid && e.level < level && (e.vpn >> shift) == (vpn >> shift) &&
        (e.global || asid_equal(e.asid, asid)))
      return true;
  }
  return false;
}

void SetAssocTlb::touch(unsigned set, unsigned way)
{
  switch (m_policy) {
    case Policy::kLru:
      m_stamp[size_t(set) * m_ways + way] = ++m_clock;
      break;
    case Policy::kPlru: {
      // Walk from the leaf up; each parent bit points at the sibling subtree (away from way).
      uint8_t* bits = &m_plru[size_t(set) * m_ways];
      unsigned node = m_ways + way;
      while (node > 1) {
        const unsigned parent = node / 2;
        bits[parent] = (node & 1) ? 0 : 1;  // came from the right → victim on the left
        node = parent;
      }
      break;
    }
    case Policy::kFifo:
    case Policy::kRandom:
      break;
  }
}

unsigned SetAssocTlb::victim(unsigned set)
{
  switch (m_policy) {
    case Policy::kLru: {
      const uint64_t* stamp = &m_stamp[size_t(set) * m_ways];
      unsigned v = 0;
      for (unsigned w = 1; w < m_ways; ++w) {
        if (stamp[w] < stamp[v])
          v = w;
      }
      return v;
    }
    case Policy::kPlru: {
      const uint8_t* bits = &m_plru[size_t(set) * m_ways];
      unsigned node = 1;
      while (node < m_ways)
        node = 2 * node + bits[node];
      return node - m_ways;
    }
    case Policy::kFifo: {
      const unsigned v = m_fifo[set];
      m_fifo[set] = (v + 1) % m_ways;
      return v;
    }
    case Policy::kRandom:
      return unsigned(common::xorshift64(m_rng) % m_ways);
  }
  return 0;
}

std::string SetAssocTlb::describe() const
{
  std::ostringstream os;
  os << m_params.name << ": model, " << m_params.entries << " entries, " << m_ways << "-way ("
     << m_sets << " sets), " << m_params.policy << ", asid_bits " << m_params.asid_bits
     << ", page sizes " << m_params.levels << (m_params.napot ? " + 64K NAPOT" : "");
  return os.str();
}

bool SetAssocTlb::save_state(nlohmann::json& j) const
{
  nlohmann::json ways = nlohmann::json::array();
  const std::vector<TlbSlot> slots = *entries();
  for (const TlbSlot& s : slots) {
    const TlbEntry& e = s.entry;
    ways.push_back({s.set, s.way, e.vpn, e.ppn, e.level, e.asid, e.global, e.flags, e.napot});
  }
  j["ways"] = ways;
  j["stamp"] = m_stamp;
  j["clock"] = m_clock;
  j["plru"] = m_plru;
  j["fifo"] = m_fifo;
  j["rng"] = m_rng;
  return true;
}

void SetAssocTlb::restore_state(const common::StateIn& in)
{
  for (Way& w : m_ways_store)
    w = Way{};
  std::fill(std::begin(m_size_count), std::end(m_size_count), 0u);
  const nlohmann::json& ways = in.table("ways", common::StateIn::kAnyRows, 9,
                                        "[set, way, vpn, ppn, level, asid, global, flags, napot]");
  uint64_t next_slot = 0;  // entries come in (set, way) order, as save_state writes them
  for (const nlohmann::json& w : ways) {
    const unsigned set = in.value<unsigned>(w[0], "ways");
    const unsigned way = in.value<unsigned>(w[1], "ways");
    const unsigned level = in.value<unsigned>(w[4], "ways");
    if (set >= m_sets || way >= m_ways || level >= m_params.levels)
      in.bad("ways", "holds an entry outside this TLB's sets, ways or page sizes");
    const uint64_t slot_index = uint64_t(set) * m_ways + way;
    if (slot_index < next_slot)
      in.bad("ways", "holds entries out of (set, way) order, or two for one way");
    next_slot = slot_index + 1;
    TlbEntry e;
    e.vpn = in.value<uint64_t>(w[2], "ways");
    e.ppn = in.value<uint64_t>(w[3], "ways");
    e.level = uint8_t(level);
    e.asid = in.value<uint16_t>(w[5], "ways");
    e.global = in.value<bool>(w[6], "ways");
    e.flags = in.value<uint8_t>(w[7], "ways");
    e.napot = in.value<bool>(w[8], "ways");
    Way& slot = set_ways(set)[way];
    slot.valid = true;
    slot.size = uint8_t(size_of(e));
    slot.entry = e;
    ++m_size_count[slot.size];
  }
  in.get_array("stamp", m_stamp.data(), m_stamp.size());
  in.get_array("plru", m_plru.data(), m_plru.size());
  in.get_array("fifo", m_fifo.data(), m_fifo.size());
  m_clock = in.get<uint64_t>("clock");
  m_rng = in.get<uint64_t>("rng");
  for (unsigned& f : m_fifo)
    if (f >= m_ways)
      in.bad("fifo", "holds a way outside this TLB");
}

}  // namespace vmplat::mmu
