// common::WaveRecorder: platform signals (interrupt lines, the hart's privilege, timer
// compares) in a VCD file written by SystemC's tracing (sc_trace), for GTKWave. See
// docs/debugging.md, "Waveforms", for the signals and the timing rules.
//
// Why a module that replays changes instead of tracing the models' own variables: the hart
// runs ahead of SystemC time (temporal decoupling), and SystemC's VCD writer samples traced
// values when a time step ends, stamping them with sc_time_stamp(). So sources record
// (time, signal, value); the recorder keeps the changes in time order and applies each
// from one SC_METHOD woken at that time by a timed notification of one sc_event: the writer
// then samples the value at the time the model changed it.
//
// Rules a source can rely on:
//   - set(): the value holds from `at` on. `at` is drawn no earlier than SystemC time and
//     no earlier than the signal's previous change: when a device process changes a signal
//     at a time before the hart's latest change of it (the hart ran ahead), the order in
//     which the models made the changes wins. A value equal to the last one is dropped.
//   - predict(): a change that happens at a future `at` unless retract()ed or replaced;
//     one per signal. A pending notification keeps sc_start() running, so predict only what
//     the simulation reaches anyway, or the run would end later than without waves.
//   - Before the simulation starts, set() gives the initial value.
//   - finish() writes what is still pending up to the end of the run (changes SystemC did
//     not reach before sc_stop(): the hart may be up to a quantum ahead) and closes the
//     file; it is idempotent and runs from the destructor too.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

namespace vmplat::common {

class WaveRecorder : public sc_core::sc_module {
 public:
  // The time of the caller: the hart's local time inside the hart's thread, else SystemC's.
  using Clock = std::function<sc_core::sc_time()>;

  // Configuration: <name>.file, the VCD path ("" = off, then this returns null). The path
  // must end in .vcd and be writable (common::UserError otherwise).
  static std::unique_ptr<WaveRecorder> from_config(const char* name, Clock clock);
  SC_HAS_PROCESS(WaveRecorder);
  WaveRecorder(sc_core::sc_module_name name, const std::string& path, Clock clock);
  ~WaveRecorder() override;

  // Declares a signal (before the simulation starts): a dotted name whose prefixes become
  // VCD scopes ("cpu.mip.mtip"), a width of 1..64 bits and the initial value. Returns its id.
  unsigned add(const std::string& name, unsigned width, uint64_t initial);

  void set(unsigned signal, uint64_t value) { set(signal, value, m_clock()); }
  void set(unsigned signal, uint64_t value, const sc_core::sc_time& at);
  void predict(unsigned signal, uint64_t value, const sc_core::sc_time& at);
  void retract(unsigned signal);
  // The value of the last set() (or of a prediction already applied).
  uint64_t value(unsigned signal) const { return m_signals[signal].last_value; }

  // Writes every change up to `end` (the later of SystemC's and the hart's time) and a last
  // time stamp at `end`, then closes the file. Predictions beyond `end` never happened.
  void finish(const sc_core::sc_time& end);

  const std::string& path() const { return m_path; }

 private:
  static constexpr uint64_t kNever = UINT64_MAX;

  struct Signal {
    std::string name;
    unsigned width = 1;
    uint64_t mask = 1;
    // What sc_trace samples: `bit` for 1-bit signals (a VCD scalar), `value` otherwise.
    sc_dt::uint64 value = 0;
    bool bit = false;
    // The latest set() in model order, and its time (sc_time value).
    uint64_t last_value = 0, last_at = 0;
    // The pending prediction, if `predicted`.
    bool predicted = false;
    uint64_t predicted_value = 0, predicted_at = 0;
  };
  struct Change {
    uint64_t at, seq;
    unsigned signal;
    uint64_t value;
  };

  void apply();
  void apply_due(uint64_t now);
  void push(unsigned signal, uint64_t value, uint64_t at);
  void schedule();
  void first_trace_cycle();
  void write_tail(const std::vector<Change>& tail, uint64_t stop, uint64_t end);

  std::string m_path;
  Clock m_clock;
  sc_core::sc_trace_file* m_file = nullptr;
  std::deque<Signal> m_signals;  // sc_trace keeps pointers into it: elements never move
  std::vector<Change> m_queue;   // a min-heap on (at, seq)
  uint64_t m_seq = 0;
  sc_core::sc_event m_wake;
  uint64_t m_wake_at = kNever;  // when m_wake is notified for
  bool m_traced = false;        // SystemC has written the header and the initial values
};

}  // namespace vmplat::common
