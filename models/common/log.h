// Logging through SystemC's report handler, one line per message:
//   [level time] module: message
#pragma once

#include <string>

namespace vmplat::common {

// Installs the one-line format and sets the verbosity ("error", "warning", "info", "debug").
void install_report_handler(const std::string& level);

}  // namespace vmplat::common
