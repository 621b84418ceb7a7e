#include "models/periph/sim_ctrl.h"

#include <ostream>

#include "models/common/sim.h"
#include "models/periph/mmio.h"

namespace vmplat::periph {

namespace {

common::Counter& command_counter(const char* kind, const char* doc)
{
  return common::stats().counter(std::string("simctl.commands.") + kind, doc);
}

// The sum of the counters under `prefix` in a Stats::counts() object.
uint64_t sum_prefix(const nlohmann::json& counts, const std::string& prefix)
{
  uint64_t sum = 0;
  for (const auto& [name, value] : counts.items())
    if (name.compare(0, prefix.size(), prefix) == 0 && value.is_number_unsigned())
      sum += value.get<uint64_t>();
  return sum;
}

uint64_t counter_in(const nlohmann::json& counts, const char* name)
{
  const auto it = counts.find(name);
  return it != counts.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

}  // namespace

SimCtrl::SimCtrl(sc_core::sc_module_name name)
    : sc_core::sc_module(name),
      tsock("tsock"),
      m_reset_stats(command_counter("reset_stats", "sim-control RESET_STATS commands")),
      m_snapshot(command_counter("snapshot", "sim-control SNAPSHOT commands")),
      m_checkpoint(command_counter("checkpoint", "sim-control CHECKPOINT commands")),
      m_end(command_counter("end", "sim-control END commands")),
      m_bad_commands(common::stats().counter(
          "simctl.bad_commands", "sim-control CMD writes of no known command (ignored)")),
      m_name_dropped(common::stats().counter(
          "simctl.name_dropped",
          "sim-control NAME bytes dropped: not printable ASCII, or past 63 characters"))
{
  tsock.register_b_transport(this, &SimCtrl::b_transport);
  tsock.register_transport_dbg(this, &SimCtrl::transport_dbg);
}

void SimCtrl::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay)
{
  access(trans, delay, false);
}

unsigned SimCtrl::transport_dbg(tlm::tlm_generic_payload& trans)
{
  access(trans, sc_core::SC_ZERO_TIME, true);
  return trans.is_response_ok() ? trans.get_data_length() : 0;
}

void SimCtrl::access(tlm::tlm_generic_payload& trans, const sc_core::sc_time& delay, bool debug)
{
  const uint64_t addr = trans.get_address();
  auto status = check_mmio(trans, addr == kName ? kWidth1 | kWidth2 | kWidth4 : kWidth4);
  if (status == tlm::TLM_OK_RESPONSE && addr > kCount)
    status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
  const bool readable = addr == kMagic || addr == kVersion || addr == kArg || addr == kCount;
  // A debugger may read the registers and set ARG; commands and names are the guest's.
  const bool writable = addr == kArg || (!debug && (addr == kCmd || addr == kName));
  if (status == tlm::TLM_OK_RESPONSE && !(trans.is_read() ? readable : writable))
    status = tlm::TLM_COMMAND_ERROR_RESPONSE;
  trans.set_response_status(status);
  if (status != tlm::TLM_OK_RESPONSE)
    return;
  unsigned char* data = trans.get_data_ptr();
  const unsigned len = trans.get_data_length();
  if (trans.is_read()) {
    uint32_t value = 0;
    switch (addr) {
      case kMagic: value = kMagicValue; break;
      case kVersion: value = kVersionValue; break;
      case kArg: value = m_arg; break;
      case kCount: value = uint32_t(m_count_before + m_snapshots.size()); break;
    }
    store_le(data, len, value);
    return;
  }
  switch (addr) {
    case kArg: m_arg = uint32_t(load_le(data, len)); break;
    case kName: append_name(data, len); break;
    case kCmd: command(uint32_t(load_le(data, len)), sc_core::sc_time_stamp() + delay); break;
  }
}

void SimCtrl::append_name(const unsigned char* bytes, unsigned len)
{
  // A single byte is always a character; in a wider write a zero byte ends the text, so
  // firmware may store a word of a string padded with zeros.
  for (unsigned i = 0; i < len; ++i) {
    const unsigned char c = bytes[i];
    if (c == 0 && len > 1)
      return;
    if (c < 0x20 || c > 0x7e || m_name.size() >= kMaxName)
      ++m_name_dropped;
    else
      m_name.push_back(char(c));
  }
}

std::string SimCtrl::take_name()
{
  std::string name = m_name.empty() ? "roi" + std::to_string(m_unnamed++) : m_name;
  m_name.clear();
  return name;
}

void SimCtrl::command(uint32_t cmd, const sc_core::sc_time& at)
{
  auto& st = common::stats();
  switch (cmd) {
    case kResetStats:
      take_name();
      m_baseline = st.counts();
      ++m_reset_stats;
      return;
    case kSnapshot: {
      Snapshot s;
      s.name = take_name();
      s.instret = m_progress ? m_progress() : 0;
      s.time_ns = at / sc_core::sc_time(1, sc_core::SC_NS);
      s.stats = common::Stats::difference(st.counts(), m_baseline);
      m_snapshots.push_back(std::move(s));
      ++m_snapshot;
      return;
    }
    case kCheckpoint:
      common::sim().request_checkpoint(take_name());
      ++m_checkpoint;
      return;
    case kEnd:
      take_name();
      ++m_end;
      common::sim().request_stop(int(m_arg),
                                 "sim-control: END with exit code " + std::to_string(m_arg));
      return;
    default: ++m_bad_commands;
  }
}

nlohmann::json SimCtrl::snapshots_json() const
{
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : m_snapshots)
    list.push_back(
        {{"name", s.name}, {"instret", s.instret}, {"time_ns", s.time_ns}, {"stats", s.stats}});
  return list;
}

void SimCtrl::write_summary(std::ostream& os) const
{
  for (const auto& s : m_snapshots)
    os << "  snapshot " << s.name << ": instret " << s.instret << ", cpu.instret +"
       << counter_in(s.stats, "cpu.instret") << ", cpu.cycles +"
       << counter_in(s.stats, "cpu.cycles") << ", mmu.dtlb misses +"
       << sum_prefix(s.stats, "mmu.dtlb.misses.") << "\n";
}

void SimCtrl::save_state(nlohmann::json& j) const
{
  j["arg"] = m_arg;
  j["name"] = m_name;
  j["unnamed"] = m_unnamed;
  j["count"] = m_count_before + m_snapshots.size();
}

void SimCtrl::restore_state(const common::StateIn& in)
{
  m_arg = in.get<uint32_t>("arg");
  m_name = in.get<std::string>("name");
  if (m_name.size() > kMaxName)
    in.bad("name", "is longer than " + std::to_string(kMaxName) + " characters");
  m_unnamed = in.get<unsigned>("unnamed");
  m_count_before = in.get<uint64_t>("count");
  m_snapshots.clear();
  m_baseline = nlohmann::json::object();
}

}  // namespace vmplat::periph
