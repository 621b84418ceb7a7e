// Run control shared by the models: who asked the simulation to stop, and with which
// exit code. The finisher, HTIF and the instruction limit all end a run through here, so
// the executable turns any of them into its exit status the same way. It also keeps the
// wall-clock timeout (sim.timeout), which the hart polls once per quantum.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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

  // Quantum boundaries (docs/checkpoints.md): the hart calls at_boundary() at the end of
  // each quantum it ran, once SystemC time has caught up with it, with its progress
  // (instructions retired plus traps taken). Only there do all models agree on the time
  // and does nothing depend on where the hart stops, so this is where the platform takes
  // checkpoints, switches modes and starts or ends samples: doing it there leaves the run
  // exactly as it would have been. Hooks run in the order added.
  using BoundaryHook = std::function<void(uint64_t progress)>;
  void add_boundary_hook(BoundaryHook hook) { m_boundary_hooks.push_back(std::move(hook)); }
  bool has_boundary_hooks() const { return !m_boundary_hooks.empty(); }
  void at_boundary(uint64_t progress)
  {
    for (auto& hook : m_boundary_hooks)
      hook(progress);
  }

  // The guest (or a debugger) asks for a checkpoint (docs/checkpoints.md); it is taken at
  // the next quantum boundary where no device has a request in flight.
  void request_checkpoint(const std::string& name)
  {
    m_checkpoint_requested = true;
    m_checkpoint_name = name;
  }
  bool checkpoint_requested() const { return m_checkpoint_requested; }
  const std::string& checkpoint_name() const { return m_checkpoint_name; }
  void clear_checkpoint_request() { m_checkpoint_requested = false; }

 private:
  bool expire();

  bool m_stopped = false;
  int m_exit_code = 0;
  std::string m_reason;
  double m_timeout_s = 0;
  bool m_has_deadline = false;
  std::chrono::steady_clock::time_point m_deadline;
  std::vector<BoundaryHook> m_boundary_hooks;
  bool m_checkpoint_requested = false;
  std::string m_checkpoint_name;
};

inline Sim& sim() { return Sim::instance(); }

}  // namespace vmplat::common
