#include "models/common/wave_recorder.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "models/common/config.h"

namespace vmplat::common {

using sc_core::sc_time;

namespace {

constexpr const char* kExtension = ".vcd";

// SystemC's VCD writer works in trace cycles, which the kernel runs when it leaves a time
// step: the first one opens the file and writes the header and the initial values, and the
// time step a run ends in is never traced. A run that stops inside its first time step (a
// firmware that finishes within the hart's first quantum) would leave no file at all, and
// every run would lose its last changes. So the recorder runs a cycle itself when it first
// wakes and when it finishes. cycle() is protected; a pointer to member formed inside a
// derived class is the way to call it.
struct TraceCycle : sc_core::sc_trace_file {
  static void run(sc_core::sc_trace_file* file) { (file->*&TraceCycle::cycle)(false); }
};

// Heap order of the pending changes: time, then the order they were made in.
template <typename C>
bool later(const C& a, const C& b)
{
  return a.at != b.at ? a.at > b.at : a.seq > b.seq;
}

}  // namespace

std::unique_ptr<WaveRecorder> WaveRecorder::from_config(const char* name, Clock clock)
{
  const std::string path =
      config().text(std::string(name) + ".file", "",
                    "VCD waveform of the interrupt lines, the hart's privilege and the timer "
                    "compares, for GTKWave (docs/debugging.md); empty: none");
  if (path.empty())
    return nullptr;
  return std::make_unique<WaveRecorder>(name, path, std::move(clock));
}

WaveRecorder::WaveRecorder(sc_core::sc_module_name name, const std::string& path, Clock clock)
    : sc_module(name), m_path(path), m_clock(std::move(clock))
{
  const std::string key = std::string(this->name()) + ".file";
  const size_t ext = std::strlen(kExtension);
  // sc_create_vcd_trace_file() appends the extension to the name it is given.
  if (path.size() <= ext || path.compare(path.size() - ext, ext, kExtension) != 0)
    throw UserError(key + ": '" + path + "' does not end in .vcd; allowed: a file name ending " +
                    "in .vcd");
  // SystemC opens the file only when tracing starts, and aborts if it cannot: try first, so
  // the user gets one line naming the key.
  FILE* probe = std::fopen(path.c_str(), "w");
  if (!probe)
    throw UserError(key + ": cannot open '" + path + "' for writing: " + std::strerror(errno));
  std::fclose(probe);
  m_file = sc_core::sc_create_vcd_trace_file(path.substr(0, path.size() - ext).c_str());
  // The kernel's resolution as the VCD unit: every sc_time is a whole number of units.
  m_file->set_time_unit(sc_core::sc_get_time_resolution().to_seconds(), sc_core::SC_SEC);
  m_queue.reserve(1024);
  // Also runs once at time 0, before any time step ends (see TraceCycle).
  SC_METHOD(apply);
  sensitive << m_wake;
}

WaveRecorder::~WaveRecorder() { finish(sc_core::sc_time_stamp()); }

unsigned WaveRecorder::add(const std::string& name, unsigned width, uint64_t initial)
{
  sc_assert(width >= 1 && width <= 64 && !m_traced && m_file);
  Signal& s = m_signals.emplace_back();
  s.name = name;
  s.width = width;
  s.mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  s.last_value = s.value = initial & s.mask;
  s.bit = s.value & 1;
  if (width == 1)
    sc_core::sc_trace(m_file, s.bit, name);
  else
    sc_core::sc_trace(m_file, s.value, name, int(width));
  return unsigned(m_signals.size() - 1);
}

void WaveRecorder::set(unsigned signal, uint64_t value, const sc_time& at)
{
  Signal& s = m_signals[signal];
  value &= s.mask;
  if (value == s.last_value)
    return;
  if (!sc_core::sc_start_of_simulation_invoked()) {
    s.last_value = s.value = value;
    s.bit = value & 1;
    return;
  }
  push(signal, value, at.value());
  schedule();
}

void WaveRecorder::predict(unsigned signal, uint64_t value, const sc_time& at)
{
  Signal& s = m_signals[signal];
  value &= s.mask;
  if (s.predicted && s.predicted_value == value && s.predicted_at == at.value())
    return;
  s.predicted = true;
  s.predicted_value = value;
  s.predicted_at = at.value();
  schedule();
}

void WaveRecorder::retract(unsigned signal)
{
  Signal& s = m_signals[signal];
  if (!s.predicted)
    return;
  s.predicted = false;
  schedule();
}

void WaveRecorder::push(unsigned signal, uint64_t value, uint64_t at)
{
  Signal& s = m_signals[signal];
  at = std::max({at, uint64_t(sc_core::sc_time_stamp().value()), s.last_at});
  s.last_value = value;
  s.last_at = at;
  m_queue.push_back({at, m_seq++, signal, value});
  std::push_heap(m_queue.begin(), m_queue.end(), later<Change>);
}

void WaveRecorder::schedule()
{
  if (!m_file || !sc_core::sc_start_of_simulation_invoked())
    return;
  uint64_t next = m_queue.empty() ? kNever : m_queue.front().at;
  for (const Signal& s : m_signals)
    if (s.predicted)
      next = std::min(next, s.predicted_at);
  if (next == m_wake_at)
    return;
  // A withdrawn notification must not stay: it alone would carry the kernel to its time.
  m_wake.cancel();
  m_wake_at = next;
  if (next == kNever)
    return;
  const uint64_t now = sc_core::sc_time_stamp().value();
  m_wake.notify(next > now ? sc_time::from_value(next - now) : sc_core::SC_ZERO_TIME);
}

void WaveRecorder::first_trace_cycle()
{
  TraceCycle::run(m_file);
  m_traced = true;
}

void WaveRecorder::apply_due(uint64_t now)
{
  while (!m_queue.empty() && m_queue.front().at <= now) {
    std::pop_heap(m_queue.begin(), m_queue.end(), later<Change>);
    const Change c = m_queue.back();
    m_queue.pop_back();
    m_signals[c.signal].value = c.value;
    m_signals[c.signal].bit = c.value & 1;
  }
}

void WaveRecorder::apply()
{
  if (!m_traced)
    first_trace_cycle();
  const uint64_t now = sc_core::sc_time_stamp().value();
  m_wake_at = kNever;
  for (unsigned i = 0; i < m_signals.size(); ++i) {
    Signal& s = m_signals[i];
    if (s.predicted && s.predicted_at <= now) {
      s.predicted = false;
      if (s.predicted_value != s.last_value)
        push(i, s.predicted_value, s.predicted_at);
    }
  }
  apply_due(now);
  schedule();
}

void WaveRecorder::finish(const sc_time& end)
{
  if (!m_file)
    return;
  if (!m_traced)
    first_trace_cycle();  // the simulation never ran: header and initial values
  const uint64_t stop = sc_core::sc_time_stamp().value();
  const uint64_t last = std::max(stop, uint64_t(end.value()));
  for (unsigned i = 0; i < m_signals.size(); ++i) {
    Signal& s = m_signals[i];
    if (s.predicted && s.predicted_at <= last && s.predicted_value != s.last_value)
      push(i, s.predicted_value, s.predicted_at);
    s.predicted = false;
  }
  m_wake.cancel();
  // What is due at the stop, then the trace cycle of the time step the run ended in.
  apply_due(stop);
  TraceCycle::run(m_file);
  std::vector<Change> tail = std::move(m_queue);
  m_queue.clear();
  std::sort(tail.begin(), tail.end(), [](const Change& a, const Change& b) { return later(b, a); });
  sc_core::sc_close_vcd_trace_file(m_file);
  m_file = nullptr;
  write_tail(tail, stop, last);
}

void WaveRecorder::write_tail(const std::vector<Change>& tail, uint64_t stop, uint64_t end)
{
  if (tail.empty() && end == stop)
    return;
  // The changes after SystemC's last time step go after its last time stamp, under the
  // identifiers it chose, read back from the header it wrote.
  std::vector<std::string> ids(m_signals.size());
  {
    std::map<std::string, unsigned> index;
    for (unsigned i = 0; i < m_signals.size(); ++i)
      index[m_signals[i].name] = i;
    std::ifstream in(m_path);
    std::vector<std::string> scopes;
    std::string line, word;
    while (std::getline(in, line)) {
      std::istringstream words(line);
      words >> word;
      if (word == "$scope") {
        std::string kind, scope;
        words >> kind >> scope;
        scopes.push_back(scope);
      } else if (word == "$upscope" && !scopes.empty()) {
        scopes.pop_back();
      } else if (word == "$var") {
        std::string type, width, id, leaf, path;
        words >> type >> width >> id >> leaf;
        // scopes[0] is SystemC's own top scope.
        for (size_t k = 1; k < scopes.size(); ++k)
          path += scopes[k] + ".";
        auto it = index.find(path + leaf);
        if (it != index.end())
          ids[it->second] = id;
      } else if (word == "$enddefinitions") {
        break;
      }
    }
  }
  for (unsigned i = 0; i < m_signals.size(); ++i) {
    if (ids[i].empty()) {
      SC_REPORT_WARNING(
          name(), (m_path + ": the header SystemC wrote does not declare " + m_signals[i].name +
                   "; the changes after " + std::to_string(stop) + " time units are missing")
                      .c_str());
      return;
    }
  }

  // The file's last time stamp: SystemC writes one at the stop, except at time 0. A block
  // of values is short, so it lies within the last few kilobytes.
  uint64_t stamped_at = kNever;
  {
    std::ifstream in(m_path, std::ios::binary | std::ios::ate);
    const std::streamoff size = in.tellg();
    in.seekg(std::max<std::streamoff>(0, size - 4096));
    std::string line;
    while (std::getline(in, line))
      if (line.size() > 1 && line[0] == '#')
        stamped_at = std::stoull(line.substr(1));
  }
  std::ofstream out(m_path, std::ios::app);
  std::vector<unsigned> touched;
  std::vector<uint64_t> next(m_signals.size());
  for (unsigned i = 0; i < m_signals.size(); ++i)
    next[i] = m_signals[i].value;
  // Like SystemC's writer: one block per time, holding the last value of each signal that
  // differs from the one before.
  for (size_t b = 0; b < tail.size();) {
    const uint64_t at = tail[b].at;
    touched.clear();
    size_t e = b;
    for (; e < tail.size() && tail[e].at == at; ++e) {
      next[tail[e].signal] = tail[e].value;
      touched.push_back(tail[e].signal);
    }
    for (unsigned i : touched) {
      Signal& s = m_signals[i];
      if (next[i] == s.value)
        continue;
      s.value = next[i];
      if (at != stamped_at) {
        out << '#' << at << '\n';
        stamped_at = at;
      }
      if (s.width == 1) {
        out << char('0' + (s.value & 1)) << ids[i] << '\n';
      } else {
        std::string bits;
        for (uint64_t v = s.value; v; v >>= 1)
          bits.insert(bits.begin(), char('0' + (v & 1)));
        out << 'b' << (bits.empty() ? "0" : bits) << ' ' << ids[i] << '\n';
      }
    }
    b = e;
  }
  if (stamped_at == kNever || end > stamped_at)
    out << '#' << end << '\n';
  out.flush();
  if (!out)
    SC_REPORT_WARNING(name(), (m_path + ": cannot append the last changes").c_str());
}

}  // namespace vmplat::common
