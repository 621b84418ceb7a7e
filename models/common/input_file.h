// Reading a whole input file (firmware, kernel, initrd, device tree) into memory, bounded:
// a file larger than `max_bytes` is a UserError before it is read, so no input, not even
// an endless one such as /dev/zero or a FIFO, makes vmplat allocate without limit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vmplat::common {

// The bytes of `path`; `what` names the file in errors (e.g. "initrd"), `limit_reason`
// says where the limit comes from (e.g. "the 128 MiB of RAM it must fit in").
std::vector<uint8_t> read_input_file(const std::string& path, const std::string& what,
                                     uint64_t max_bytes, const std::string& limit_reason);

}  // namespace vmplat::common
