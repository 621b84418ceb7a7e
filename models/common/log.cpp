#include "models/common/log.h"

#include <cstdio>
#include <systemc>

namespace vmplat::common {

namespace {

void handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions)
{
  using namespace sc_core;
  if (actions & (SC_DISPLAY | SC_LOG)) {
    const char* sev = "info";
    switch (rep.get_severity()) {
      case SC_WARNING: sev = "warning"; break;
      case SC_ERROR: sev = "error"; break;
      case SC_FATAL: sev = "fatal"; break;
      default:
        if (rep.get_verbosity() > SC_MEDIUM)
          sev = "debug";
    }
    std::fprintf(stderr, "[%s %s] %s: %s\n", sev, sc_time_stamp().to_string().c_str(),
                 rep.get_msg_type(), rep.get_msg());
  }
  // Errors and stops keep SystemC's meaning (throw, stop, abort) without its own printing.
  sc_report_handler::default_handler(rep, actions & ~(SC_DISPLAY | SC_LOG));
}

}  // namespace

void install_report_handler(const std::string& level)
{
  using namespace sc_core;
  sc_report_handler::set_handler(handler);
  int verbosity = SC_MEDIUM;
  if (level == "debug")
    verbosity = SC_DEBUG;
  sc_report_handler::set_verbosity_level(verbosity);
  if (level == "error") {
    sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
    sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
  } else if (level == "warning") {
    sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
  }
  // SystemC's own deprecation chatter is not for our users.
  sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", SC_DO_NOTHING);
}

}  // namespace vmplat::common
