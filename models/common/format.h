// Formatting shared by messages and reports.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace vmplat::common {

// "0x" followed by the value in lower-case hex, no padding: addresses in user messages.
inline std::string hex(uint64_t v)
{
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace vmplat::common
