// Time conversions done once per module: configuration speaks integer cycles, SystemC
// speaks sc_time.
#pragma once

#include <cstdint>
#include <systemc>

namespace vmplat::common {

// mtime of the virt machine (10 MHz) at simulated time t.
inline uint64_t mtime_at(const sc_core::sc_time& t)
{
  static const uint64_t tick = sc_core::sc_time(100, sc_core::SC_NS).value();
  return t.value() / tick;
}

// Simulated time at which mtime reaches `ticks`.
inline sc_core::sc_time time_of_mtime(uint64_t ticks)
{
  return sc_core::sc_time(100, sc_core::SC_NS) * double(ticks);
}

inline uint64_t to_cycles(const sc_core::sc_time& t, const sc_core::sc_time& period)
{
  return (t.value() + period.value() - 1) / period.value();
}

}  // namespace vmplat::common
