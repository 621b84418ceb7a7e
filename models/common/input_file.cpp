#include "models/common/input_file.h"

#include <sys/stat.h>

#include <fstream>

#include "models/common/config.h"

namespace vmplat::common {

std::vector<uint8_t> read_input_file(const std::string& path, const std::string& what,
                                     uint64_t max_bytes, const std::string& limit_reason)
{
  const std::string name = what + " '" + path + "'";
  const std::string limit = std::to_string(max_bytes) + " bytes (" + limit_reason + ")";
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw UserError(name + " is a directory; expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw UserError(name + " cannot be read (missing or no permission)");
  if (S_ISREG(st.st_mode) && uint64_t(st.st_size) > max_bytes)
    throw UserError(name + " is " + std::to_string(st.st_size) + " bytes; at most " + limit);
  // Read in pieces up to one byte past the limit: devices and pipes have no size to check.
  std::vector<uint8_t> bytes;
  constexpr uint64_t kPiece = 1 << 20;
  while (in) {
    const uint64_t have = bytes.size();
    const uint64_t want = max_bytes - have >= kPiece ? kPiece : max_bytes - have + 1;
    bytes.resize(have + want);
    in.read(reinterpret_cast<char*>(bytes.data() + have), std::streamsize(want));
    bytes.resize(have + uint64_t(in.gcount()));
    if (bytes.size() > max_bytes)
      throw UserError(name + " holds more than " + limit);
  }
  if (in.bad())
    throw UserError(name + " cannot be read (I/O error)");
  return bytes;
}

}  // namespace vmplat::common
