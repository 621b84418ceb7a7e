#include "models/mem/dram_timing.h"

#include <algorithm>

#include "models/common/bits.h"

namespace vmplat::mem {

using common::is_pow2;
using common::log2_floor;

namespace {

const char* const kFieldNames[6] = {"row", "rank", "bankgroup", "bank", "channel", "column"};


unsigned log2_ceil(uint64_t v) { return is_pow2(v) ? log2_floor(v) : log2_floor(v) + 1; }

}  // namespace

std::string DramMapping::parse(const std::string& text)
{
  std::array<Field, 6> order{};
  std::array<bool, 6> seen{};
  size_t pos = 0, n = 0;
  while (pos <= text.size()) {
    size_t end = text.find(':', pos);
    if (end == std::string::npos)
      end = text.size();
    std::string name = text.substr(pos, end - pos);
    auto it = std::find(std::begin(kFieldNames), std::end(kFieldNames), name);
    if (it == std::end(kFieldNames))
      return "unknown field '" + name + "'";
    size_t f = size_t(it - std::begin(kFieldNames));
    if (seen[f])
      return "field '" + name + "' given twice";
    if (n == 6)
      return "too many fields";
    seen[f] = true;
    order[n++] = Field(f);
    pos = end + 1;
  }
  if (n != 6)
    return "every one of row, rank, bankgroup, bank, channel, column must appear once";
  msb_to_lsb = order;
  return "";
}

std::string DramMapping::to_string() const
{
  std::string s;
  for (Field f : msb_to_lsb)
    s += (s.empty() ? "" : ":") + std::string(kFieldNames[size_t(f)]);
  return s;
}

std::string DramTiming::check_geometry(const DramGeometry& g)
{
  if (!is_pow2(g.channels) || !is_pow2(g.ranks) || !is_pow2(g.bankgroups) || !is_pow2(g.banks))
    return "channels, ranks, bank groups and banks must be powers of two";
  if (!is_pow2(g.burst_bytes) || !is_pow2(g.row_bytes) || g.row_bytes < g.burst_bytes)
    return "row and burst sizes must be powers of two with the row at least one burst";
  return "";
}

DramTiming::DramTiming(const DramGeometry& geo, const DramTimingParams& timing,
                       const DramMapping& map)
    : m_geo(geo), m_t(timing), m_order(map.msb_to_lsb)
{
  std::array<unsigned, 6> width{};
  width[size_t(Field::kRank)] = log2_floor(geo.ranks);
  width[size_t(Field::kBankgroup)] = log2_floor(geo.bankgroups);
  width[size_t(Field::kBank)] = log2_floor(geo.banks);
  width[size_t(Field::kChannel)] = log2_floor(geo.channels);
  width[size_t(Field::kColumn)] = log2_floor(geo.row_bytes / geo.burst_bytes);
  unsigned used = log2_floor(geo.burst_bytes);
  for (size_t f = 1; f < 6; ++f)
    used += width[f];
  unsigned addr_bits = log2_ceil(std::max<uint64_t>(geo.size, 2));
  // The row takes what remains of the address; at the top it takes every remaining bit.
  width[size_t(Field::kRow)] = m_order[0] == Field::kRow ? 64 - std::min(used, 63u)
                               : addr_bits > used        ? addr_bits - used
                                                         : 0;
  unsigned shift = log2_floor(geo.burst_bytes);
  for (size_t i = 6; i-- > 0;) {
    size_t f = size_t(m_order[i]);
    m_shift[f] = std::min(shift, 63u);
    m_mask[f] = width[f] >= 64 ? ~uint64_t{0} : (uint64_t{1} << width[f]) - 1;
    shift += width[f];
  }

  const unsigned bank_w = log2_floor(geo.banks), group_w = log2_floor(geo.bankgroups);
  m_rank_pos = bank_w + group_w;
  m_channel_pos = m_rank_pos + log2_floor(geo.ranks);
  const std::array<std::pair<Field, unsigned>, 4> bank_fields = {
      {{Field::kBank, 0}, {Field::kBankgroup, bank_w}, {Field::kRank, m_rank_pos},
       {Field::kChannel, m_channel_pos}}};
  for (size_t i = 0; i < 4; ++i) {
    const size_t f = size_t(bank_fields[i].first);
    m_bank_bits[i] = {m_shift[f], m_mask[f], bank_fields[i].second};
  }

  unsigned nbanks = geo.channels * geo.ranks * geo.bankgroups * geo.banks;
  m_banks.resize(nbanks);
  m_ranks.resize(geo.channels * geo.ranks);
  m_bus_free.assign(geo.channels, 0);
  m_own_counters.resize(3 * size_t(nbanks));
  for (unsigned i = 0; i < nbanks; ++i)
    m_banks[i].counters = {&m_own_counters[3 * i], &m_own_counters[3 * i + 1],
                           &m_own_counters[3 * i + 2]};
}

DramAddress DramTiming::decode(uint64_t addr) const
{
  auto field = [&](Field f) { return (addr >> m_shift[size_t(f)]) & m_mask[size_t(f)]; };
  DramAddress a;
  a.row = field(Field::kRow);
  a.rank = unsigned(field(Field::kRank));
  a.bankgroup = unsigned(field(Field::kBankgroup));
  a.bank = unsigned(field(Field::kBank));
  a.channel = unsigned(field(Field::kChannel));
  a.column = field(Field::kColumn);
  return a;
}

unsigned DramTiming::bank_index(const DramAddress& a) const
{
  return ((a.channel * m_geo.ranks + a.rank) * m_geo.bankgroups + a.bankgroup) * m_geo.banks +
         a.bank;
}

RowOutcome DramTiming::burst(uint64_t addr, uint64_t t, uint64_t& done, uint64_t& stall)
{
  const unsigned bi = bank_of(addr);
  const uint64_t row = (addr >> m_shift[size_t(Field::kRow)]) & m_mask[size_t(Field::kRow)];
  Bank& b = m_banks[bi];
  if (m_t.tREFI != 0) {
    uint64_t k = t / m_t.tREFI;
    uint64_t window_end = k * m_t.tREFI + m_t.tRFC;
    if (k >= 1 && t < window_end) {
      stall = std::max(stall, window_end - t);
      t = window_end;
    }
    Rank& r = m_ranks[bi >> m_rank_pos];
    if (k > r.refreshes_seen) {
      // A refresh precharges every bank of the rank (JEDEC REF needs all banks idle).
      r.refreshes_seen = k;
      unsigned per_rank = m_geo.bankgroups * m_geo.banks;
      unsigned first = bi - bi % per_rank;
      for (unsigned i = first; i < first + per_rank; ++i) {
        m_banks[i].open_row = kNoRow;
        m_banks[i].ready = std::max(m_banks[i].ready, window_end);
      }
    }
  }

  // An arrival from the past of the bank's latest (set_past_arrivals_idle) does not wait
  // for the reservations of later arrivals: it sees the bank ready, activated long enough
  // ago, and the bus free.
  const bool past = m_past_idle && t < b.last_arrival;
  const uint64_t ready = past ? t : b.ready;
  const uint64_t last_act = past ? 0 : b.act;
  RowOutcome outcome;
  uint64_t col, act = b.act;
  if (b.open_row == row) {
    outcome = RowOutcome::kHit;
    ++*b.counters.row_hits;
    col = std::max(t, ready);
  } else if (b.open_row == kNoRow) {
    outcome = RowOutcome::kMiss;
    ++*b.counters.row_misses;
    act = std::max(t, ready);
    col = act + m_t.tRCD;
  } else {
    outcome = RowOutcome::kConflict;
    ++*b.counters.row_conflicts;
    uint64_t pre = std::max({t, ready, last_act + m_t.tRAS});
    act = pre + m_t.tRP;
    col = act + m_t.tRCD;
  }
  b.open_row = row;
  uint64_t& bus = m_bus_free[bi >> m_channel_pos];
  uint64_t start = std::max(col + m_t.tCL, past ? 0 : bus);
  done = start + m_t.tBURST;
  if (past) {
    b.act = std::max(b.act, act);
    b.ready = std::max(b.ready, col + m_t.tBURST);
    bus = std::max(bus, done);
  } else {
    b.act = act;
    b.ready = col + m_t.tBURST;
    bus = done;
    if (m_past_idle)
      b.last_arrival = t;
  }
  return outcome;
}

DramTiming::Result DramTiming::access(uint64_t addr, uint64_t len, uint64_t now)
{
  Result r;
  uint64_t first = addr & ~(m_geo.burst_bytes - 1);
  uint64_t last = (addr + std::max<uint64_t>(len, 1) - 1) & ~(m_geo.burst_bytes - 1);
  uint64_t end = now;
  for (uint64_t a = first;; a += m_geo.burst_bytes) {
    uint64_t done = 0;
    switch (burst(a, now, done, r.refresh_stall)) {
      case RowOutcome::kHit: ++r.hits; break;
      case RowOutcome::kMiss: ++r.misses; break;
      case RowOutcome::kConflict: ++r.conflicts; break;
    }
    ++r.bursts;
    end = std::max(end, done);
    if (a == last)
      break;
  }
  r.latency = end - now;
  return r;
}

namespace {
std::string timing_shape(size_t banks, size_t ranks, size_t channels,
                         const std::array<unsigned, 6>& shift, const std::array<uint64_t, 6>& mask)
{
  std::string s = std::to_string(banks) + " banks, " + std::to_string(ranks) + " ranks, " +
                  std::to_string(channels) + " channels, fields";
  for (size_t i = 0; i < shift.size(); ++i)
    s += " " + std::to_string(shift[i]) + ":" + std::to_string(mask[i]);
  return s;
}
}  // namespace

void DramTiming::save_state(nlohmann::json& j) const
{
  j["shape"] = timing_shape(m_banks.size(), m_ranks.size(), m_bus_free.size(), m_shift, m_mask);
  for (const Bank& b : m_banks)
    j["banks"].push_back({b.open_row, b.ready, b.act});
  for (const Rank& r : m_ranks)
    j["refreshes_seen"].push_back(r.refreshes_seen);
  j["bus_free"] = m_bus_free;
}

bool DramTiming::restore_state(const common::StateIn& in)
{
  if (in.get<std::string>("shape") !=
      timing_shape(m_banks.size(), m_ranks.size(), m_bus_free.size(), m_shift, m_mask))
    return false;
  const nlohmann::json& banks = in.table("banks", m_banks.size(), 3, "[open_row, ready, act]");
  for (size_t i = 0; i < m_banks.size(); ++i) {
    const nlohmann::json& b = banks[i];
    m_banks[i].open_row = in.value<uint64_t>(b[0], "banks");
    m_banks[i].ready = in.value<uint64_t>(b[1], "banks");
    m_banks[i].act = in.value<uint64_t>(b[2], "banks");
  }
  std::vector<uint64_t> seen(m_ranks.size());
  in.get_array("refreshes_seen", seen.data(), seen.size());
  for (size_t i = 0; i < m_ranks.size(); ++i)
    m_ranks[i].refreshes_seen = seen[i];
  in.get_array("bus_free", m_bus_free.data(), m_bus_free.size());
  return true;
}

}  // namespace vmplat::mem
