// Run control shared by the models: who asked the simulation to stop, and with which
// exit code. The finisher, HTIF and the instruction limit all end a run through here, so
// the executable turns any of them into its exit status the same way. It also keeps the
// wall-clock timeout (sim.timeout), which the hart polls once per quantum.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace vmplat::common {

class Sim {
 public:
  static Sim& instance();

  // Ends the run at the end of the current delta cycle with this exit code; the first
  // request wins. The hart checks stop_requested() after each device access.
  void request_stop(int exit_code, const std::string& reason);
  bool stop_requested() const { return m_stopped; }
  int exit_code() const { return m_exit_code; }
  const std::string& reason() const { return m_reason; }
  void reset();

  // A wall-clock limit of `seconds` (0: none), counted from start_clock(); when it has
  // passed, timed_out() requests the stop with kTimeoutExitCode and returns true.
  static constexpr int kTimeoutExitCode = 94;
  void set_timeout(double seconds) { m_timeout_s = seconds; }
  void start_clock();
  bool timed_out()
  {
    return m_has_deadline && std::chrono::steady_clock::now() >= m_deadline && expire();
  }

 private:
  bool expire();

  bool m_stopped = false;
  int m_exit_code = 0;
  std::string m_reason;
  double m_timeout_s = 0;
  bool m_has_deadline = false;
  std::chrono::steady_clock::time_point m_deadline;
};

inline Sim& sim() { return Sim::instance(); }

}  // namespace vmplat::common
