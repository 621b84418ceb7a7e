#include "models/mem/dram.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "models/common/config.h"

namespace vmplat::mem {

namespace {

common::Counter& counter(const std::string& prefix, const char* leaf, const char* doc,
                         bool summary = false)
{
  return common::stats().counter(prefix + "." + leaf, doc, summary);
}

}  // namespace

Dram::Dram(sc_core::sc_module_name name)
    : sc_module(name),
      tsock("tsock"),
      m_prefix(basename()),
      m_reads(counter(m_prefix, "reads", "read transactions through b_transport", true)),
      m_writes(counter(m_prefix, "writes", "write transactions through b_transport", true)),
      m_bytes_read(counter(m_prefix, "bytes_read", "bytes read through b_transport")),
      m_bytes_written(counter(m_prefix, "bytes_written", "bytes written through b_transport")),
      m_bursts(counter(m_prefix, "bursts", "bursts (burst_bytes each) the accesses took")),
      m_row_hits(counter(m_prefix, "row_hits", "bursts that found their row open")),
      m_row_misses(counter(m_prefix, "row_misses", "bursts to a closed bank (activate)")),
      m_row_conflicts(counter(m_prefix, "row_conflicts",
                              "bursts to a bank with another row open (precharge, activate)")),
      m_refresh_stalls(counter(m_prefix, "refresh_stalls", "accesses that waited for a refresh")),
      m_refresh_stall_cycles(counter(m_prefix, "refresh_stall_cycles",
                                     "tCK cycles accesses waited for refreshes")),
      m_latency(common::stats().histogram(m_prefix + ".latency",
                                          "latency of b_transport accesses in tCK cycles",
                                          common::Histogram::linear(16, 48), true))
{
  auto& cfg = common::config();
  m_size = cfg.u64(m_prefix + ".size", 128ull << 20, "bytes",
                   "size of the main memory (host memory is committed only when touched)",
                   4096, 1ull << 40);
  m_timed = cfg.choice(m_prefix + ".mode", "fast", {"fast", "timed"},
                       "fast: DMI granted at fast_latency, b_transport through the bank/row "
                       "model; timed: every access through the model") == "timed";
  m_timed_dmi = cfg.flag(m_prefix + ".timed_dmi", true,
                         "timed mode: let the hart access memory directly and call the bank/row "
                         "model itself (same latencies and statistics, faster); false: every "
                         "access through b_transport");
  double tck_ns = cfg.real(m_prefix + ".tCK", 0.625, "ns",
                           "DRAM clock period (0.625 ns = DDR4-3200)", 0.01, 100.0);
  uint64_t fast = cfg.u64(m_prefix + ".fast_latency", 26, "tCK",
                          "latency of a DMI access in fast mode (default tCL + tBURST, a row hit)",
                          0, 1000000);
  m_tck = sc_core::sc_time(tck_ns, sc_core::SC_NS);
  m_fast_latency = m_tck * double(fast);
  declare_timing();

  void* p = mmap(nullptr, m_size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    throw common::UserError(m_prefix + ".size = " + std::to_string(m_size) +
                            ": cannot reserve host memory (" + std::strerror(errno) +
                            "); use a smaller size");
  m_mem = static_cast<uint8_t*>(p);

  tsock.register_b_transport(this, &Dram::b_transport);
  tsock.register_transport_dbg(this, &Dram::transport_dbg);
  tsock.register_get_direct_mem_ptr(this, &Dram::get_direct_mem_ptr);
}

void Dram::declare_timing()
{
  auto& cfg = common::config();
  const std::string& p = m_prefix;
  DramGeometry g;
  g.size = m_size;
  g.channels = unsigned(cfg.u64(p + ".channels", 1, "", "channels (power of two)", 1, 16));
  g.ranks = unsigned(cfg.u64(p + ".ranks", 1, "", "ranks per channel (power of two)", 1, 16));
  g.bankgroups = unsigned(cfg.u64(p + ".bankgroups", 4, "", "bank groups per rank (power of two)",
                                  1, 16));
  g.banks = unsigned(cfg.u64(p + ".banks", 4, "", "banks per bank group (power of two)", 1, 64));
  g.row_bytes = cfg.u64(p + ".row_bytes", 8192, "bytes",
                        "bytes of one row across the rank (page size)", 64, 1ull << 20);
  g.burst_bytes = cfg.u64(p + ".burst_bytes", 64, "bytes",
                          "bytes one burst moves (bus width x burst length)", 1, 4096);
  std::string bad = DramTiming::check_geometry(g);
  if (!bad.empty())
    throw common::UserError(p + ": bad geometry (" + std::to_string(g.channels) + " channels, " +
                            std::to_string(g.ranks) + " ranks, " + std::to_string(g.bankgroups) +
                            " bank groups, " + std::to_string(g.banks) + " banks, row " +
                            std::to_string(g.row_bytes) + " bytes, burst " +
                            std::to_string(g.burst_bytes) + " bytes): " + bad);
  DramMapping map;
  std::string text = cfg.text(p + ".mapping", map.to_string(),
                              "address bits, most significant field first, above the offset "
                              "inside a burst: each of row, rank, bankgroup, bank, channel, "
                              "column once, separated by ':'");
  bad = map.parse(text);
  if (!bad.empty())
    throw common::UserError(p + ".mapping = '" + text + "': " + bad +
                            "; allowed: row, rank, bankgroup, bank, channel, column in any "
                            "order, each once, separated by ':'");

  DramTimingParams t;
  auto cycles = [&](const char* leaf, uint64_t def, const char* doc) {
    return cfg.u64(p + "." + leaf, def, "tCK", doc, 0, 1000000);
  };
  t.tCL = cycles("tCL", t.tCL, "CAS latency: column command to first data");
  t.tRCD = cycles("tRCD", t.tRCD, "activate to column command");
  t.tRP = cycles("tRP", t.tRP, "precharge to activate");
  t.tRAS = cycles("tRAS", t.tRAS, "activate to precharge, minimum");
  t.tBURST = cycles("tBURST", t.tBURST, "data bus time of one burst (BL8 on DDR = 4 tCK)");
  t.tREFI = cycles("tREFI", t.tREFI, "refresh interval (0: no refresh)");
  t.tRFC = cycles("tRFC", t.tRFC, "refresh cycle time: the rank is blocked this long");
  if (t.tREFI != 0 && t.tRFC >= t.tREFI)
    throw common::UserError(p + ".tRFC = " + std::to_string(t.tRFC) +
                            ": must be less than " + p + ".tREFI (" + std::to_string(t.tREFI) +
                            ")");
  m_timing = std::make_unique<DramTiming>(g, t, map);

  auto& st = common::stats();
  for (unsigned c = 0; c < g.channels; ++c)
    for (unsigned r = 0; r < g.ranks; ++r)
      for (unsigned bg = 0; bg < g.bankgroups; ++bg)
        for (unsigned b = 0; b < g.banks; ++b) {
          std::string n = p + ".bank." + std::to_string(c) + "." + std::to_string(r) + "." +
                          std::to_string(bg) + "." + std::to_string(b) + ".";
          unsigned i = m_timing->bank_index({c, r, bg, b, 0, 0});
          m_timing->bind_counters(
              i, {&st.counter(n + "row_hits", "bursts to this bank that hit the open row"),
                  &st.counter(n + "row_misses", "bursts to this bank while it was closed"),
                  &st.counter(n + "row_conflicts", "bursts to this bank with another row open")});
        }
  st.derived(p + ".row_hit_rate", "row hits / bursts", [this] {
    return m_bursts.value() ? double(m_row_hits.value()) / double(m_bursts.value()) : 0.0;
  }, true);
}

Dram::~Dram()
{
  if (m_mem)
    munmap(m_mem, m_size);
}

void Dram::copy(tlm::tlm_generic_payload& tx, uint64_t addr, unsigned len)
{
  uint8_t* mem = m_mem + addr;
  uint8_t* data = tx.get_data_ptr();
  const uint8_t* be = tx.get_byte_enable_ptr();
  unsigned be_len = tx.get_byte_enable_length();
  bool write = tx.is_write();
  if (!be || be_len == 0) {
    if (write)
      std::memcpy(mem, data, len);
    else
      std::memcpy(data, mem, len);
    return;
  }
  // TLM-2.0 (IEEE 1666-2011 §14.15): byte i is enabled when be[i % be_len] is 0xff.
  for (unsigned i = 0; i < len; ++i) {
    if (be[i % be_len] != TLM_BYTE_ENABLED)
      continue;
    if (write)
      mem[i] = data[i];
    else
      data[i] = mem[i];
  }
}

void Dram::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay)
{
  uint64_t addr = tx.get_address();
  unsigned len = tx.get_data_length();
  tlm::tlm_command cmd = tx.get_command();
  if (addr >= m_size || len > m_size - addr) {
    tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (tx.get_streaming_width() != 0 && tx.get_streaming_width() < len) {
    tx.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (cmd == tlm::TLM_IGNORE_COMMAND) {
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  copy(tx, addr, len);
  if (m_fast_forward) {
    delay += m_fast_latency;
    tx.set_dmi_allowed(true);
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  const sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
  delay += sc_core::sc_time::from_value(
               timed_access(addr, len, cmd == tlm::TLM_WRITE_COMMAND, at.value())) -
           at;
  tx.set_dmi_allowed(!m_timed);  // timed DMI is for initiators that ask for it
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

uint64_t Dram::timed_access(uint64_t addr, unsigned len, bool write, uint64_t at)
{
  if (write) {
    ++m_writes;
    m_bytes_written += len;
  } else {
    ++m_reads;
    m_bytes_read += len;
  }
  // The access happens at the initiator's local time; the bank state advances with it.
  // It is taken at the next tCK edge, so the result lands on an edge too.
  const uint64_t tck = m_tck.value();
  const uint64_t now = (at + tck - 1) / tck;
  const DramTiming::Result r = m_timing->access(addr, len, now);
  m_bursts += r.bursts;
  m_row_hits += r.hits;
  m_row_misses += r.misses;
  m_row_conflicts += r.conflicts;
  if (r.refresh_stall) {
    ++m_refresh_stalls;
    m_refresh_stall_cycles += r.refresh_stall;
  }
  m_latency.sample(r.latency);
  return (now + r.latency) * tck;
}

unsigned Dram::transport_dbg(tlm::tlm_generic_payload& tx)
{
  uint64_t addr = tx.get_address();
  if (addr >= m_size || tx.get_command() == tlm::TLM_IGNORE_COMMAND) {
    tx.set_response_status(addr >= m_size ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                          : tlm::TLM_OK_RESPONSE);
    return 0;
  }
  uint64_t avail = m_size - addr;
  unsigned len = tx.get_data_length() > avail ? unsigned(avail) : tx.get_data_length();
  if (tx.is_write())
    std::memcpy(m_mem + addr, tx.get_data_ptr(), len);
  else
    std::memcpy(tx.get_data_ptr(), m_mem + addr, len);
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

bool Dram::get_direct_mem_ptr(tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi)
{
  dmi.set_start_address(0);
  dmi.set_end_address(m_size - 1);
  common::TimedDmi* timed_dmi = nullptr;
  tx.get_extension(timed_dmi);
  const bool timed = m_timed && !m_fast_forward;
  if (timed && (!m_timed_dmi || !timed_dmi)) {
    // The refusal covers the whole memory, so the initiator does not ask again per page.
    dmi.allow_none();
    return false;
  }
  dmi.set_dmi_ptr(m_mem);
  dmi.allow_read_write();
  m_granted = true;
  if (timed) {
    timed_dmi->memory = this;  // every access's latency comes from timed_access
    timed_dmi->fetch_memory = this;
    return true;
  }
  if (timed_dmi)
    timed_dmi->memory = timed_dmi->fetch_memory = nullptr;
  dmi.set_read_latency(m_fast_latency);
  dmi.set_write_latency(m_fast_latency);
  return true;
}

void Dram::set_fast_forward(bool on)
{
  if (on == m_fast_forward)
    return;
  m_fast_forward = on;
  if (!on)
    m_timing->close_rows();
  // Fast mode's grant is the same in and out of a fast-forward; timed mode's is not.
  if (m_timed && m_granted) {
    m_granted = false;
    tsock->invalidate_direct_mem_ptr(0, m_size - 1);
  }
}

}  // namespace vmplat::mem
