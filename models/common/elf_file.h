// Reading firmware ELF files (through Debian's libelf): the loadable segments, the entry
// point and the symbol table. Anything that is not a 64-bit little-endian RISC-V
// executable is a UserError naming the file and what was expected.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vmplat::common {

class ElfFile {
 public:
  struct Segment {
    uint64_t paddr = 0;   // where it is loaded (physical: vmplat loads like QEMU -kernel)
    uint64_t memsz = 0;   // bytes in memory; those past data.size() are zero
    std::vector<uint8_t> data;
  };

  explicit ElfFile(const std::string& path);

  const std::string& path() const { return m_path; }
  uint64_t entry() const { return m_entry; }
  const std::vector<Segment>& segments() const { return m_segments; }
  std::optional<uint64_t> symbol(const std::string& name) const;

 private:
  std::string m_path;
  uint64_t m_entry = 0;
  std::vector<Segment> m_segments;
  std::map<std::string, uint64_t> m_symbols;
};

}  // namespace vmplat::common
