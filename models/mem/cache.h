// mem::Cache: a set-associative data cache as a timing model between initiators and the
// bus, usable as an L1D or an L2 (chain them: L1D isock -> L2 tsock -> bus). On the platform
// it sits on the page-table walker's path (mmu.walker.path) and, in timed mode, the hart's
// data path (cpu.data_path; docs/memory.md, "Caches").
//
// Tag-only: the data always lives in the memory behind it, which is never stale, so the hart's
// DMI and virtio DMA need no coherence with it. The cache decides only time and traffic:
//   hit    hit_cycles; the data moves with transport_dbg (no time, not counted downstream)
//   miss   hit_cycles (the lookup), then a line fill: one line-sized, line-aligned read
//          b_transport downstream, whose time is added; the data moves with transport_dbg
//   victim a dirty one is written back after the fill, one line-sized write b_transport, off
//          the requester's critical path (a write-back buffer): its time is not added to the
//          access, but it occupies the memory behind (banks, data bus) as traffic does
// write_back: write-allocate, a write marks the line dirty. write_through: a write is also
// sent downstream as it is (b_transport, its time added) and a write miss allocates nothing.
// An access that spans several lines looks each of them up (counted once per line).
//
// Pass-through, unchanged and uncounted except in `uncached`: an address outside the
// cacheable range, any command but read and write, byte enables, a streaming width below the
// length, and an access whose line fill or data transfer failed downstream (the access
// itself is then sent as it is, so its TLM error reaches the initiator). transport_dbg
// always passes through.
//
// DMI: only timed DMI (common/timed_memory.h) is granted, and only when the memory behind
// grants it: the cache passes the grant on with itself as the timing model (`memory`), so
// the initiator's accesses through the pointer take the cache's timed_access, which does
// what b_transport does and sends its fills and write-backs to the timed model behind.
// Instruction fetches (`fetch_memory`) go past it. Plain DMI is refused (it would bypass
// the cache).
//
// Bypass (set_bypass; a fast-forward, docs/exploration.md "Fast-forward and sampling"): the
// cache steps aside. b_transport passes through uncounted and untimed, and the memory
// behind's DMI grant, plain or timed, is passed on as it is; the lines keep what they held,
// neither filled nor evicted until the bypass ends.
//
// Sockets
//   tsock  target, any number of initiators (the walker and the hart share an L1D):
//          b_transport, transport_dbg (passed on), get_direct_mem_ptr (timed only)
//   isock  initiator: towards the next level or the bus
//
// Configuration (prefix "cache.<name>"; defaults from the platform: docs/memory.md)
//   size        bytes   ways x line_bytes x sets, sets a power of two; at most 256M
//   ways        ways    associativity
//   line_bytes  bytes   power of two, 8..4096
//   hit_cycles  cycles  hart cycles of a lookup (hit or miss)
//   policy      lru | fifo | random (xorshift from `seed`: runs repeat)
//   seed        the random policy's seed
//   write       write_back | write_through
//
// Statistics (prefix "cache.<name>")
//   reads, writes (transactions the cache handled), read_hits, read_misses, write_hits,
//   write_misses (per line looked up), evictions (valid lines replaced), writebacks (dirty
//   ones written back), fills (line reads sent downstream), uncached (transactions passed
//   through), hit_rate (derived: hits / lookups, summary)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>
#include <tlm>

#include "models/common/state.h"
#include "models/common/stats.h"
#include "models/common/timed_memory.h"

namespace vmplat::mem {

class Cache : public sc_core::sc_module, public common::TimedMemory {
 public:
  enum class Policy : uint8_t { kLru, kFifo, kRandom };
  struct Params {
    uint64_t size = 0;  // bytes
    unsigned ways = 0;
    unsigned line_bytes = 0;
    uint64_t hit_cycles = 0;
    Policy policy = Policy::kLru;
    bool write_through = false;
    uint64_t seed = 1;  // the random policy's
  };

  tlm_utils::multi_passthrough_target_socket<Cache> tsock;
  tlm_utils::simple_initiator_socket<Cache> isock;

  // Declares the keys "<prefix>.*" with the defaults in `defaults` and returns the values in
  // force; a geometry that is not ways x line x (a power of two) sets is a UserError naming
  // the key. The platform declares both caches' keys whether or not a path uses them, so
  // --help-config and sweeps know them.
  static Params read_config(const std::string& prefix, const Params& defaults);

  // `stat_prefix` names the statistics ("cache.l2"); accesses to [base, base + size) are
  // cached, the rest passes through; cpu_period converts hit_cycles.
  Cache(sc_core::sc_module_name name, const std::string& stat_prefix, const Params& params,
        sc_core::sc_time cpu_period, uint64_t base, uint64_t size);

  uint64_t sets() const { return m_sets; }
  // Bypass on or off (see the top of this file); the caller invalidates the DMI grants that
  // went through the cache (mem::Dram::set_fast_forward does).
  void set_bypass(bool on) { m_bypass = on; }
  const Params& params() const { return m_params; }
  // Checkpoints: the lines' tags and state; restored when the geometry and policies are
  // the same (true), else the cache stays cold (false).
  void save_state(nlohmann::json& j) const;
  bool restore_state(const common::StateIn& in);

  // Timed DMI (common/timed_memory.h) for an initiator that asked through this cache: the
  // same lookup, counts and times as b_transport; misses and write-backs go to the timed
  // memory behind.
  uint64_t timed_access(uint64_t offset, unsigned len, bool write, uint64_t at) override;

 private:
  struct Line {
    uint64_t tag = 0;
    uint64_t stamp = 0;  // LRU: last use; FIFO: fill
    bool valid = false;
    bool dirty = false;
  };

  void b_transport(int id, tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(int id, tlm::tlm_generic_payload& tx);
  bool get_direct_mem_ptr(int id, tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi);

  void invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end);

  bool in_range(uint64_t addr, uint64_t len) const
  {
    return addr >= m_base && addr - m_base < m_size && len <= m_size - (addr - m_base);
  }
  bool cacheable(const tlm::tlm_generic_payload& tx) const;
  // Looks up the lines of [addr, addr + len) at time t (absolute, sc_time values: the
  // lookup already counted), filling misses, and advances t to when the last is there;
  // false when a fill failed downstream (that line not allocated). `timed`: downstream
  // through timed DMI, else through isock.
  bool access_lines(uint64_t addr, unsigned len, bool write, uint64_t& t, bool timed);
  bool access_line(uint64_t line_addr, bool write, uint64_t& t, bool timed);
  Line& victim(uint64_t set);
  // Sends one line-sized access downstream (the fill or a write-back) at time t, and
  // advances t to its end.
  bool transfer_line(tlm::tlm_command cmd, uint64_t line_addr, uint64_t& t, bool timed);

  Params m_params;
  sc_core::sc_time m_hit_time;
  uint64_t m_base, m_size;
  uint64_t m_sets;
  unsigned m_line_shift;
  std::vector<Line> m_lines;  // set-major: set s holds m_lines[s * ways .. + ways - 1]
  uint64_t m_clock = 0;
  uint64_t m_random;                      // xorshift64 state
  common::TimedMemory* m_down = nullptr;  // timed DMI behind this cache, once granted
  uint64_t m_dmi_base = 0;                // the granted region's start (global address)
  bool m_bypass = false;
  tlm::tlm_generic_payload m_line_tx;
  std::vector<uint8_t> m_line_buf;

  common::Counter& m_reads;
  common::Counter& m_writes;
  common::Counter& m_read_hits;
  common::Counter& m_read_misses;
  common::Counter& m_write_hits;
  common::Counter& m_write_misses;
  common::Counter& m_evictions;
  common::Counter& m_writebacks;
  common::Counter& m_fills;
  common::Counter& m_uncached;
};

}  // namespace vmplat::mem
