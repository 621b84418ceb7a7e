// Reading firmware ELF files (through Debian's libelf): the loadable segments, the entry
// point and the symbol table. Anything that is not a 64-bit little-endian RISC-V
// executable is a UserError naming the file (as `role`, e.g. "firmware" or "kernel") and
// what was expected. Position-independent executables (ET_DYN, such as Debian's OpenSBI
// fw_jump.elf, linked at 0) are accepted: the loader chooses where they go.
//
// Bounds (docs/reliability.md): the file is read whole only up to kMaxFileBytes, and its
// loadable segments together may hold at most `max_load_bytes` (the RAM they must fit in),
// counted by p_memsz, so no header makes vmplat allocate more than that.
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
    uint64_t paddr = 0;  // where it is loaded (physical: vmplat loads like QEMU -kernel)
    uint64_t memsz = 0;  // bytes in memory; those past data.size() are zero
    std::vector<uint8_t> data;
  };

  static constexpr uint64_t kMaxFileBytes = uint64_t(1) << 30;

  explicit ElfFile(const std::string& path, const std::string& role = "firmware",
                   uint64_t max_load_bytes = kMaxFileBytes);

  const std::string& path() const { return m_path; }
  uint64_t entry() const { return m_entry; }
  // ET_DYN: the addresses are relative to a base the loader picks (entry, segments and
  // symbols move together).
  bool position_independent() const { return m_pie; }
  const std::vector<Segment>& segments() const { return m_segments; }
  std::optional<uint64_t> symbol(const std::string& name) const;

 private:
  std::string m_path;
  uint64_t m_entry = 0;
  bool m_pie = false;
  std::vector<Segment> m_segments;
  std::map<std::string, uint64_t> m_symbols;
};

}  // namespace vmplat::common
