#include "models/common/sim.h"

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
}

}  // namespace vmplat::common
