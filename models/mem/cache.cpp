#include "models/mem/cache.h"

#include "models/common/bits.h"
#include "models/common/config.h"

namespace vmplat::mem {

using common::is_pow2;
using common::log2_floor;

namespace {

const char* policy_name(Cache::Policy policy)
{
  switch (policy) {
    case Cache::Policy::kLru: return "lru";
    case Cache::Policy::kFifo: return "fifo";
    case Cache::Policy::kRandom: return "random";
  }
  return "?";
}

// A non-zero xorshift state from any seed (splitmix64's finaliser spreads small seeds).
uint64_t seed_state(uint64_t seed)
{
  uint64_t z = seed + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return z ? z : 1;
}

// The two sizes nearest to `size` that the geometry allows, for the error message.
std::string valid_sizes_near(uint64_t size, uint64_t set_bytes)
{
  if (size < set_bytes)
    return std::to_string(set_bytes);
  const uint64_t below = set_bytes << log2_floor(size / set_bytes);
  return std::to_string(below) + " or " + std::to_string(below * 2);
}

}  // namespace

Cache::Params Cache::read_config(const std::string& p, const Params& d)
{
  auto& cfg = common::config();
  Params r;
  r.size = cfg.u64(p + ".size", d.size, "bytes",
                   "capacity: ways x line_bytes x sets, with a power-of-two number of sets", 64,
                   256ull << 20);
  r.ways = unsigned(cfg.u64(p + ".ways", d.ways, "ways", "associativity: lines per set", 1, 1024));
  r.line_bytes =
      unsigned(cfg.u64(p + ".line_bytes", d.line_bytes, "bytes",
                       "line size (a power of two): what a miss reads from below", 8, 4096));
  r.hit_cycles = cfg.u64(p + ".hit_cycles", d.hit_cycles, "cycles",
                         "hart cycles of a lookup: a hit's whole latency, a miss's before its fill",
                         0, 100000);
  const std::string policy =
      cfg.choice(p + ".policy", policy_name(d.policy), {"lru", "fifo", "random"},
                 "replacement: least recently used, first in first out, or random (from "
                 "seed, so runs repeat)");
  r.seed = cfg.u64(p + ".seed", d.seed, "", "seed of the random policy", 0, UINT64_MAX);
  r.policy = policy == "lru" ? Policy::kLru : policy == "fifo" ? Policy::kFifo : Policy::kRandom;
  r.write_through =
      cfg.choice(p + ".write", d.write_through ? "write_through" : "write_back",
                 {"write_back", "write_through"},
                 "write_back: write-allocate, dirty lines written back when evicted; "
                 "write_through: every write also goes down, a write miss allocates nothing") ==
      "write_through";

  if (!is_pow2(r.line_bytes))
    throw common::UserError(p + ".line_bytes: " + std::to_string(r.line_bytes) +
                            " is not a power of two; allowed: 8, 16, 32, ..., 4096");
  const uint64_t set_bytes = uint64_t(r.ways) * r.line_bytes;
  if (r.size % set_bytes != 0 || !is_pow2(r.size / set_bytes))
    throw common::UserError(
        p + ".size: " + std::to_string(r.size) + " is not ways (" + std::to_string(r.ways) +
        ") x line_bytes (" + std::to_string(r.line_bytes) +
        ") x a power-of-two number of sets; allowed: e.g. " + valid_sizes_near(r.size, set_bytes));
  return r;
}

Cache::Cache(sc_core::sc_module_name name, const std::string& stat_prefix, const Params& params,
             sc_core::sc_time cpu_period, uint64_t base, uint64_t size)
    : sc_module(name),
      tsock("tsock"),
      isock("isock"),
      m_params(params),
      m_hit_time(cpu_period * double(params.hit_cycles)),
      m_base(base),
      m_size(size),
      m_sets(params.size / (uint64_t(params.ways) * params.line_bytes)),
      m_line_shift(log2_floor(params.line_bytes)),
      m_lines(params.size / params.line_bytes),
      m_random(seed_state(params.seed)),
      m_line_buf(params.line_bytes),
      m_reads(common::stats().counter(stat_prefix + ".reads", "read transactions cached")),
      m_writes(common::stats().counter(stat_prefix + ".writes", "write transactions cached")),
      m_read_hits(common::stats().counter(stat_prefix + ".read_hits", "read lookups that hit")),
      m_read_misses(common::stats().counter(stat_prefix + ".read_misses",
                                            "read lookups that missed (a line fill)")),
      m_write_hits(common::stats().counter(stat_prefix + ".write_hits", "write lookups that hit")),
      m_write_misses(
          common::stats().counter(stat_prefix + ".write_misses",
                                  "write lookups that missed (a line fill, unless write-through)")),
      m_evictions(
          common::stats().counter(stat_prefix + ".evictions", "valid lines replaced by a fill")),
      m_writebacks(common::stats().counter(stat_prefix + ".writebacks",
                                           "dirty lines written back when replaced")),
      m_fills(common::stats().counter(stat_prefix + ".fills", "line reads sent downstream")),
      m_uncached(common::stats().counter(
          stat_prefix + ".uncached",
          "transactions passed through: outside memory, not a plain read or write, or a failed "
          "fill"))
{
  const common::Counter* hits[] = {&m_read_hits, &m_write_hits};
  const common::Counter* misses[] = {&m_read_misses, &m_write_misses};
  common::stats().derived(
      stat_prefix + ".hit_rate", "hits / lookups (reads and writes)",
      [hits, misses] {
        const double h = double(hits[0]->value() + hits[1]->value());
        const double all = h + double(misses[0]->value() + misses[1]->value());
        return all ? h / all : 0.0;
      },
      true);
  m_line_tx.set_data_ptr(m_line_buf.data());
  m_line_tx.set_data_length(params.line_bytes);
  m_line_tx.set_streaming_width(params.line_bytes);
  m_line_tx.set_byte_enable_ptr(nullptr);
  tsock.register_b_transport(this, &Cache::b_transport);
  tsock.register_transport_dbg(this, &Cache::transport_dbg);
  tsock.register_get_direct_mem_ptr(this, &Cache::get_direct_mem_ptr);
  isock.register_invalidate_direct_mem_ptr(this, &Cache::invalidate_direct_mem_ptr);
}

bool Cache::cacheable(const tlm::tlm_generic_payload& tx) const
{
  const tlm::tlm_command cmd = tx.get_command();
  const uint64_t addr = tx.get_address();
  const unsigned len = tx.get_data_length();
  return (cmd == tlm::TLM_READ_COMMAND || cmd == tlm::TLM_WRITE_COMMAND) &&
         !tx.get_byte_enable_ptr() && len != 0 &&
         (tx.get_streaming_width() == 0 || tx.get_streaming_width() >= len) && in_range(addr, len);
}

void Cache::b_transport(int, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay)
{
  if (m_bypass) {
    isock->b_transport(tx, delay);
    return;
  }
  if (!cacheable(tx)) {
    ++m_uncached;
    isock->b_transport(tx, delay);
    return;
  }
  const bool write = tx.is_write();
  const uint64_t now = sc_core::sc_time_stamp().value();
  uint64_t t = now + delay.value() + m_hit_time.value();
  const bool ok = access_lines(tx.get_address(), tx.get_data_length(), write, t, false);
  delay = sc_core::sc_time::from_value(t - now);
  if (!ok) {
    ++m_uncached;
    isock->b_transport(tx, delay);
    return;
  }
  if (write) {
    ++m_writes;
    if (m_params.write_through) {
      isock->b_transport(tx, delay);
      return;
    }
  } else {
    ++m_reads;
  }
  // The data itself: memory is always current, the cache only decided the time. A target
  // that refuses it (a write to ROM) gets the access as it is, to answer with its own error.
  if (isock->transport_dbg(tx) != tx.get_data_length()) {
    ++m_uncached;
    isock->b_transport(tx, delay);
    return;
  }
  tx.set_dmi_allowed(false);
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

uint64_t Cache::timed_access(uint64_t offset, unsigned len, bool write, uint64_t at)
{
  const uint64_t addr = m_dmi_base + offset;
  if (!in_range(addr, len))
    return m_down->timed_access(offset, len, write, at);
  uint64_t t = at + m_hit_time.value();
  access_lines(addr, len, write, t, true);  // timed DMI cannot fail: the region was granted
  ++(write ? m_writes : m_reads);
  if (write && m_params.write_through)
    t = m_down->timed_access(offset, len, true, t);
  return t;
}

bool Cache::access_lines(uint64_t addr, unsigned len, bool write, uint64_t& t, bool timed)
{
  const uint64_t last = (addr + len - 1) >> m_line_shift;
  for (uint64_t line = addr >> m_line_shift; line <= last; ++line)
    if (!access_line(line << m_line_shift, write, t, timed))
      return false;
  return true;
}

bool Cache::access_line(uint64_t line_addr, bool write, uint64_t& t, bool timed)
{
  const uint64_t line = line_addr >> m_line_shift;
  Line* set = &m_lines[(line & (m_sets - 1)) * m_params.ways];
  for (unsigned w = 0; w < m_params.ways; ++w) {
    Line& l = set[w];
    if (l.valid && l.tag == line) {
      ++(write ? m_write_hits : m_read_hits);
      if (m_params.policy == Policy::kLru)
        l.stamp = ++m_clock;
      if (write && !m_params.write_through)
        l.dirty = true;
      return true;
    }
  }
  if (write && m_params.write_through) {
    ++m_write_misses;  // no-write-allocate: the write itself goes down
    return true;
  }
  if (!transfer_line(tlm::TLM_READ_COMMAND, line_addr, t, timed))
    return false;
  ++(write ? m_write_misses : m_read_misses);
  ++m_fills;
  Line& v = victim(line & (m_sets - 1));
  if (v.valid) {
    ++m_evictions;
    if (v.dirty) {
      ++m_writebacks;
      // The write-back buffer drains after the fill: the requester does not wait for it.
      uint64_t drain = t;
      transfer_line(tlm::TLM_WRITE_COMMAND, v.tag << m_line_shift, drain, timed);
    }
  }
  v = {line, ++m_clock, true, write};
  return true;
}

Cache::Line& Cache::victim(uint64_t set_index)
{
  Line* set = &m_lines[set_index * m_params.ways];
  for (unsigned w = 0; w < m_params.ways; ++w)
    if (!set[w].valid)
      return set[w];
  if (m_params.policy == Policy::kRandom) {
    return set[common::xorshift64(m_random) % m_params.ways];
  }
  Line* oldest = set;  // LRU: least recently used; FIFO: first filled
  for (unsigned w = 1; w < m_params.ways; ++w)
    if (set[w].stamp < oldest->stamp)
      oldest = &set[w];
  return *oldest;
}

bool Cache::transfer_line(tlm::tlm_command cmd, uint64_t line_addr, uint64_t& t, bool timed)
{
  if (timed) {
    t = m_down->timed_access(line_addr - m_dmi_base, m_params.line_bytes,
                             cmd == tlm::TLM_WRITE_COMMAND, t);
    return true;
  }
  m_line_tx.set_address(line_addr);
  m_line_tx.set_dmi_allowed(false);
  if (cmd == tlm::TLM_WRITE_COMMAND) {
    // Tag-only: memory already holds the line's current bytes, so the write-back writes them
    // back unchanged; only its time and traffic matter.
    m_line_tx.set_command(tlm::TLM_READ_COMMAND);
    isock->transport_dbg(m_line_tx);
  }
  m_line_tx.set_command(cmd);
  m_line_tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  const uint64_t now = sc_core::sc_time_stamp().value();
  sc_core::sc_time delay = sc_core::sc_time::from_value(t - now);
  isock->b_transport(m_line_tx, delay);
  t = now + delay.value();
  return !m_line_tx.is_response_error();
}

unsigned Cache::transport_dbg(int, tlm::tlm_generic_payload& tx)
{
  return isock->transport_dbg(tx);
}

bool Cache::get_direct_mem_ptr(int, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi)
{
  if (m_bypass)
    return isock->get_direct_mem_ptr(tx, dmi);
  common::TimedDmi* timed = nullptr;
  tx.get_extension(timed);
  if (!timed) {
    // Plain DMI would bypass the cache: refused over the whole address space, so the
    // initiator does not ask again.
    dmi.set_start_address(0);
    dmi.set_end_address(~0ull);
    dmi.allow_none();
    return false;
  }
  if (!isock->get_direct_mem_ptr(tx, dmi))
    return false;  // the refusal from behind, with its range
  if (!timed->memory) {
    dmi.allow_none();  // a plain grant: refused over its range
    return false;
  }
  m_down = timed->memory;
  m_dmi_base = dmi.get_start_address();
  timed->memory = this;
  return true;
}

void Cache::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end)
{
  for (unsigned i = 0; i < tsock.size(); ++i) tsock[i]->invalidate_direct_mem_ptr(start, end);
}

namespace {
std::string cache_shape(const Cache::Params& p, uint64_t base, uint64_t size)
{
  return std::to_string(p.size) + " bytes, " + std::to_string(p.ways) + " ways, " +
         std::to_string(p.line_bytes) + "-byte lines, policy " +
         std::to_string(unsigned(p.policy)) + (p.write_through ? ", write-through" : "") +
         ", seed " + std::to_string(p.seed) + ", caching " + std::to_string(base) + "+" +
         std::to_string(size);
}
}  // namespace

void Cache::save_state(nlohmann::json& j) const
{
  j["shape"] = cache_shape(m_params, m_base, m_size);
  nlohmann::json lines = nlohmann::json::array();
  for (const Line& l : m_lines)
    lines.push_back({l.valid, l.dirty, l.tag, l.stamp});
  j["lines"] = lines;
  j["clock"] = m_clock;
  j["random"] = m_random;
}

bool Cache::restore_state(const common::StateIn& in)
{
  if (in.get<std::string>("shape") != cache_shape(m_params, m_base, m_size))
    return false;
  const nlohmann::json& lines =
      in.table("lines", m_lines.size(), 4, "[valid, dirty, tag, stamp]");
  for (size_t i = 0; i < m_lines.size(); ++i) {
    const nlohmann::json& l = lines[i];
    m_lines[i].valid = in.value<bool>(l[0], "lines");
    m_lines[i].dirty = in.value<bool>(l[1], "lines");
    m_lines[i].tag = in.value<uint64_t>(l[2], "lines");
    m_lines[i].stamp = in.value<uint64_t>(l[3], "lines");
  }
  m_clock = in.get<uint64_t>("clock");
  m_random = in.get<uint64_t>("random");
  return true;
}

}  // namespace vmplat::mem
