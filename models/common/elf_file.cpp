#include "models/common/elf_file.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "models/common/config.h"
#include "models/common/input_file.h"

namespace vmplat::common {

namespace {

struct ElfCloser {
  void operator()(Elf* e) const { elf_end(e); }
};

}  // namespace

ElfFile::ElfFile(const std::string& path, const std::string& role, uint64_t max_load_bytes)
    : m_path(path)
{
  const std::string what = role + " '" + path + "'";
  std::vector<uint8_t> image =
      read_input_file(path, role, kMaxFileBytes, "the largest ELF file vmplat reads");
  if (image.size() < 4 || std::memcmp(image.data(), "\177ELF", 4) != 0)
    throw UserError(what + " is not an ELF file; expected a 64-bit RISC-V ELF executable");

  elf_version(EV_CURRENT);
  std::unique_ptr<Elf, ElfCloser> elf(
      elf_memory(reinterpret_cast<char*>(image.data()), image.size()));
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF)
    throw UserError(what + " is not a valid ELF file: " + elf_errmsg(-1));
  if (gelf_getclass(elf.get()) != ELFCLASS64)
    throw UserError(what + " is a 32-bit ELF; expected a 64-bit RISC-V (RV64) executable");
  GElf_Ehdr eh;
  if (!gelf_getehdr(elf.get(), &eh))
    throw UserError(what + " has an unreadable ELF header: " + elf_errmsg(-1));
  if (eh.e_ident[EI_DATA] != ELFDATA2LSB)
    throw UserError(what + " is big-endian; expected a little-endian RISC-V executable");
  if (eh.e_machine != EM_RISCV)
    throw UserError(what + " is for machine " + std::to_string(eh.e_machine) +
                    ", not RISC-V (243); expected a 64-bit RISC-V executable");
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
    throw UserError(what + " is not an executable (ELF type " + std::to_string(eh.e_type) +
                    "); link it as a static executable");
  m_pie = eh.e_type == ET_DYN;
  m_entry = eh.e_entry;

  uint64_t load_bytes = 0;
  size_t nph = 0;
  if (elf_getphdrnum(elf.get(), &nph) != 0)
    throw UserError(what + " has no readable program headers: " + elf_errmsg(-1));
  for (size_t i = 0; i < nph; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(elf.get(), int(i), &ph) || ph.p_type != PT_LOAD || ph.p_memsz == 0)
      continue;
    // Written so that no sum can wrap: p_offset and p_filesz are anything the file says.
    if (ph.p_filesz > ph.p_memsz || ph.p_offset > image.size() ||
        ph.p_filesz > image.size() - ph.p_offset)
      throw UserError(what + ": segment " + std::to_string(i) + " lies outside the file");
    // Segments that fit in RAM side by side hold no more than RAM: checked before any copy,
    // since many headers may name the same bytes of the file.
    if (ph.p_memsz > max_load_bytes - load_bytes)
      throw UserError(what + ": its loadable segments need more than " +
                      std::to_string(max_load_bytes) + " bytes, the RAM they must fit in");
    load_bytes += ph.p_memsz;
    Segment seg;
    // A PIE's physical addresses mean nothing yet; its virtual ones are its layout.
    seg.paddr = m_pie ? ph.p_vaddr : ph.p_paddr;
    seg.memsz = ph.p_memsz;
    seg.data.assign(image.begin() + long(ph.p_offset),
                    image.begin() + long(ph.p_offset + ph.p_filesz));
    m_segments.push_back(std::move(seg));
  }
  if (m_segments.empty())
    throw UserError(what + " has no loadable segment");

  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(elf.get(), scn)) != nullptr) {
    GElf_Shdr sh;
    if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
      continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || sh.sh_entsize == 0)
      continue;
    const size_t count = sh.sh_size / sh.sh_entsize;
    for (size_t k = 0; k < count; ++k) {
      GElf_Sym sym;
      if (!gelf_getsym(data, int(k), &sym) || sym.st_name == 0)
        continue;
      const char* name = elf_strptr(elf.get(), sh.sh_link, sym.st_name);
      if (name && *name)
        m_symbols.emplace(name, sym.st_value);
    }
  }
}

std::optional<uint64_t> ElfFile::symbol(const std::string& name) const
{
  auto it = m_symbols.find(name);
  if (it == m_symbols.end())
    return std::nullopt;
  return it->second;
}

}  // namespace vmplat::common
