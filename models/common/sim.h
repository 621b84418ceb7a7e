// Run control shared by the models: who asked the simulation to stop, and with which
// exit code. The finisher, HTIF and the instruction limit all end a run through here, so
// the executable turns any of them into its exit status the same way.
#pragma once

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

 private:
  bool m_stopped = false;
  int m_exit_code = 0;
  std::string m_reason;
};

inline Sim& sim() { return Sim::instance(); }

}  // namespace vmplat::common
