// The hart's side of a debugger (debug::GdbServer implements it).
//
// While a debugger holds the hart stopped, the hart's SystemC thread is blocked inside
// Debugger::stopped(): SystemC time does not move and no other process runs. Stopping,
// inspecting and resuming therefore change nothing the simulation computes: a run with a
// debugger attached gives the same cycles and statistics as one without.
#pragma once

#include <cstdint>

namespace vmplat::cpu {

// Which accesses a watchpoint stops on (GDB's watch, rwatch and awatch).
enum class WatchKind : uint8_t { kWrite, kRead, kAccess };

struct StopEvent {
  enum class Cause : uint8_t {
    kHalt,        // the debugger asked: it attached, sent Ctrl-C, or the run halts at reset
    kBreakpoint,  // about to execute the instruction at a breakpoint
    kStep,        // a single step ended (one instruction retired or one trap taken)
    kWatchpoint,  // about to execute a load/store/AMO that touches a watched range
  };
  Cause cause = Cause::kHalt;
  bool hardware = false;                   // kBreakpoint: inserted as a hardware breakpoint
  WatchKind watch = WatchKind::kWrite;     // kWatchpoint: the kind of the watchpoint hit
  uint64_t data_addr = 0;                  // kWatchpoint: the watched address touched
};

enum class Resume : uint8_t { kContinue, kStep };

class Debugger {
 public:
  virtual ~Debugger() = default;
  // The hart stopped (between instructions, or before the one at pc for a watchpoint).
  // Returns when the debugger lets it go; breakpoints, watchpoints and state changes are
  // made through the Hart's debug API before returning.
  virtual Resume stopped(const StopEvent& event) = 0;
  // Asked between instructions, at least once every few quanta while the hart runs (never
  // while it is stopped): true stops the hart now with Cause::kHalt.
  virtual bool wants_stop() = 0;
};

}  // namespace vmplat::cpu
