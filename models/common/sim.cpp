#include "models/common/sim.h"

#include <cstdio>

#include <systemc>

namespace vmplat::common {

Sim& Sim::instance()
{
  static Sim s;
  return s;
}

void Sim::request_stop(int exit_code, const std::string& reason)
{
  if (m_stopped)
    return;
  m_stopped = true;
  m_exit_code = exit_code;
  m_reason = reason;
  if (sc_core::sc_is_running())
    sc_core::sc_stop();
}

void Sim::reset()
{
  m_stopped = false;
  m_exit_code = 0;
  m_reason.clear();
  m_timeout_s = 0;
  m_has_deadline = false;
  m_boundary_hooks.clear();
  m_checkpoint_requested = false;
  m_checkpoint_name.clear();
}

void Sim::start_clock()
{
  m_has_deadline = m_timeout_s > 0;
  if (m_has_deadline)
    m_deadline = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(m_timeout_s));
}

bool Sim::expire()
{
  char buf[96];
  std::snprintf(buf, sizeof buf, "wall-clock timeout of %g s reached (sim.timeout)", m_timeout_s);
  request_stop(kTimeoutExitCode, buf);
  return true;
}

}  // namespace vmplat::common
