// Fuzz harness: the boot loader (platforms/virt/boot.cpp, models/common/elf_file.cpp, the
// device-tree reader) on every file a user hands it: the positional firmware ELF, --bios
// (ELF or raw), --kernel (ELF or Linux Image), --initrd and --dtb.
//
// Input: byte 0 picks the role of the file, byte 1 the RAM size, the rest is the file.
// Properties: plan_boot() either throws a common::UserError of one line, or returns a plan
// whose images all lie in RAM without overlapping, whose total size is at most the RAM
// (the host memory a plan can make vmplat allocate is bounded by --ram), and whose device
// tree reads back. Anything else (a crash, a sanitizer report, another exception, a hang
// past libFuzzer's -timeout) is a bug.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/config.h"
#include "platforms/virt/boot.h"
#include "tests/fuzz/fuzz_util.h"

using vmplat::fuzz::fail;
using vmplat::fuzz::write_file;

namespace {

// A minimal RV64 ELF executable: one PT_LOAD of `code` at 0x80200000, entry there.
std::vector<uint8_t> tiny_elf()
{
  std::vector<uint8_t> f(64 + 56 + 8, 0);
  auto put = [&f](size_t off, uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) f[off + i] = uint8_t(v >> (8 * i));
  };
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  std::copy(std::begin(ident), std::end(ident), f.begin());
  put(16, 2, 2);            // ET_EXEC
  put(18, 243, 2);          // EM_RISCV
  put(20, 1, 4);            // EV_CURRENT
  put(24, 0x80200000, 8);   // e_entry
  put(32, 64, 8);           // e_phoff
  put(52, 64, 2);           // e_ehsize
  put(54, 56, 2);           // e_phentsize
  put(56, 1, 2);            // e_phnum
  put(64, 1, 4);            // PT_LOAD
  put(68, 5, 4);            // R+X
  put(72, 120, 8);          // p_offset
  put(80, 0x80200000, 8);   // p_vaddr
  put(88, 0x80200000, 8);   // p_paddr
  put(96, 8, 8);            // p_filesz
  put(104, 8, 8);           // p_memsz
  put(120, 0x0000006f, 4);  // j .
  return f;
}

struct Files {
  std::string bios, kernel, initrd;
};

const Files& files()
{
  static const Files f = [] {
    Files files;
    const uint8_t raw_bios[16] = {0x6f};  // j .
    files.bios = write_file("bios.bin", raw_bios, sizeof raw_bios);
    const std::vector<uint8_t> elf = tiny_elf();
    files.kernel = write_file("kernel.elf", elf.data(), elf.size());
    files.initrd = write_file("initrd.cpio", std::string(3000, 'i'));
    return files;
  }();
  return f;
}

void check_plan(const vmplat::virt::BootPlan& plan, const vmplat::virt::FdtInfo& info)
{
  const uint64_t lo = info.ram_base, hi = info.ram_base + info.ram_size;
  uint64_t total = 0;
  std::vector<std::pair<uint64_t, uint64_t>> spans;
  for (const auto& b : plan.blobs) {
    if (b.memsz < b.data.size())
      fail(b.what + ": memsz below its data size");
    if (b.addr < lo || b.addr > hi || b.memsz > hi - b.addr)
      fail(b.what + " lies outside RAM");
    total += b.memsz;
    spans.push_back({b.addr, b.addr + b.memsz});
  }
  if (total > info.ram_size)
    fail("the plan's images add up to more than RAM");
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i)
    if (spans[i].first < spans[i - 1].second)
      fail("two images of the plan overlap");
  if (plan.fdt_addr < lo || plan.fdt_addr + plan.fdt.size() > hi)
    fail("the device tree lies outside RAM");
  try {
    vmplat::virt::fdt_read(plan.fdt, "the plan's device tree");
  } catch (const vmplat::common::UserError& e) {
    fail(std::string("the device tree vmplat made does not read back: ") + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (size < 2)
    return 0;
  static const uint64_t kRamSizes[] = {128ull << 20, 1ull << 20, 4ull << 20,  16ull << 20,
                                       2ull << 30,   8ull << 30, 64ull << 10, 3ull << 20};
  const unsigned role = data[0] % 6;
  vmplat::virt::FdtInfo info;
  info.ram_base = 0x80000000;
  info.ram_size = kRamSizes[data[1] % 8];
  info.mmu_type = "riscv,sv48";
  info.plic_size = 0x600000;
  const std::string input = write_file("input", data + 2, size - 2);

  vmplat::virt::BootSpec spec;
  switch (role) {
    case 0:  // the positional firmware: ELF only
      spec.bios = input;
      spec.bios_elf_only = true;
      break;
    case 1: spec.bios = input; break;  // --bios: ELF or raw
    case 2:                            // --kernel: ELF or Linux Image, under firmware
      spec.bios = files().bios;
      spec.kernel = input;
      break;
    case 3:  // --kernel with an initrd
      spec.bios = files().bios;
      spec.kernel = input;
      spec.initrd = files().initrd;
      break;
    case 4:  // --initrd
      spec.kernel = files().kernel;
      spec.initrd = input;
      break;
    default:  // --dtb
      spec.bios = files().bios;
      spec.dtb = input;
      spec.bootargs = "console=ttyS0";
      break;
  }
  try {
    check_plan(vmplat::virt::plan_boot(spec, info), info);
  } catch (const vmplat::common::UserError& e) {
    vmplat::fuzz::check_user_error(e);
  }
  return 0;
}
