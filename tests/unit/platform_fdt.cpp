// platforms/virt/fdt and boot: device trees written and read back, user trees that are
// broken in any place, and the boot plan's hand-off values.
#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "models/common/config.h"
#include "platforms/virt/boot.h"
#include "platforms/virt/fdt.h"
#include "platforms/virt/platform.h"

using namespace vmplat;
using virt::FdtNode;

namespace {

virt::FdtInfo info_128m()
{
  virt::FdtInfo info;
  info.ram_base = 0x8000'0000;
  info.ram_size = 128ull << 20;
  info.isa_extensions = {"i", "m", "a", "c", "zicntr", "zicsr", "zifencei", "zihpm", "sstc"};
  info.mmu_type = "riscv,sv48";
  info.plic_size = 0x400'0000;
  return info;
}

uint64_t le64(const std::vector<uint8_t>& b, size_t off)
{
  uint64_t v = 0;
  std::memcpy(&v, b.data() + off, 8);
  return v;
}

std::string write_temp(const std::string& name, const std::vector<uint8_t>& bytes)
{
  const std::string path = std::string(VMPLAT_SW_DIR) + "/../unit_" + name;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  return path;
}

}  // namespace

TEST_CASE("the virt tree written and read back is the same tree")
{
  FdtNode tree = virt::virt_fdt(info_128m());
  virt::fdt_set_chosen(tree, {"console=ttyS0", true, 0x8700'0000, 0x8710'0000});
  const auto blob = virt::fdt_write(tree);
  const FdtNode back = virt::fdt_read(blob, "test");
  CHECK(virt::fdt_write(back) == blob);
  const FdtNode* chosen = back.find_child("chosen");
  REQUIRE(chosen);
  const auto* start = chosen->get("linux,initrd-start");
  REQUIRE(start);
  CHECK(*start == std::vector<uint8_t>{0, 0, 0, 0, 0x87, 0, 0, 0});
  const FdtNode* cpu = back.find_child("cpus")->find_child("cpu@0");
  REQUIRE(cpu);
  const std::string isa(reinterpret_cast<const char*>(cpu->get("riscv,isa")->data()));
  CHECK(isa == "rv64imac_zicntr_zicsr_zifencei_zihpm_sstc");
}

TEST_CASE(
    "a device tree cut short or with a byte changed anywhere is rejected or read, never a crash")
{
  const auto blob = virt::fdt_write(virt::virt_fdt(info_128m()));
  unsigned rejected = 0;
  for (size_t len = 0; len < blob.size(); ++len) {
    const std::vector<uint8_t> cut(blob.begin(), blob.begin() + long(len));
    CHECK_THROWS_AS(virt::fdt_read(cut, "cut"), common::UserError);
  }
  for (size_t i = 0; i < blob.size(); i += 3) {
    auto bad = blob;
    bad[i] ^= 0xa5;
    try {
      virt::fdt_read(bad, "flipped");
    } catch (const common::UserError& e) {
      CHECK(std::string(e.what()).find("device tree 'flipped'") == 0);
      ++rejected;
    }
  }
  CHECK(rejected > 0);
}

TEST_CASE("the boot plan hands off as QEMU does: fw_dynamic_info names the kernel in S mode")
{
  // A Linux Image header: text_offset 2 MiB, image_size 1 MiB, magic "RSC\x05".
  std::vector<uint8_t> image(4096, 0);
  image[8 + 2] = 0x20;   // text_offset = 0x200000
  image[16 + 2] = 0x10;  // image_size = 0x100000
  std::memcpy(&image[56], "RSC\x05", 4);
  const std::vector<uint8_t> fw(64, 0x13);
  virt::BootSpec spec;
  spec.bios = write_temp("fw.bin", fw);
  spec.kernel = write_temp("Image", image);
  spec.initrd = write_temp("initrd", std::vector<uint8_t>(10000, 7));
  const virt::BootPlan plan = virt::plan_boot(spec, info_128m());
  CHECK(plan.entry == 0x8000'0000);
  CHECK(plan.fdt_addr == 0x87e0'0000);
  const virt::BootPlan::Blob* dyn = nullptr;
  const virt::BootPlan::Blob* initrd = nullptr;
  for (const auto& b : plan.blobs) {
    if (b.what == "fw_dynamic_info")
      dyn = &b;
    if (b.what.rfind("initrd", 0) == 0)
      initrd = &b;
  }
  REQUIRE(dyn);
  CHECK(dyn->addr == plan.dynamic_info_addr);
  CHECK(le64(dyn->data, 0) == virt::kFwDynamicMagic);
  CHECK(le64(dyn->data, 8) == 2);
  CHECK(le64(dyn->data, 16) == 0x8020'0000);  // next_addr: the kernel
  CHECK(le64(dyn->data, 24) == 1);            // next_mode: S
  REQUIRE(initrd);
  CHECK(initrd->addr % 4096 == 0);
  CHECK(initrd->addr + 10000 <= plan.fdt_addr);
  CHECK(plan.fdt_addr - (initrd->addr + 10000) < 4096);
}

namespace {

// The platform's own device tree with the given knobs set: riscv,isa and mmu-type.
std::pair<std::string, std::string> platform_isa(std::initializer_list<const char*> sets)
{
  common::config().set("uart.input", "none", "test");
  for (const char* s : sets) common::config().set(s, "test");
  virt::Platform platform;
  const FdtNode tree = virt::virt_fdt(platform.fdt_info());
  const FdtNode* cpu = tree.find_child("cpus")->find_child("cpu@0");
  auto text = [cpu](const char* prop) {
    return std::string(reinterpret_cast<const char*>(cpu->get(prop)->data()));
  };
  return {text("riscv,isa"), text("mmu-type")};
}

}  // namespace

TEST_CASE("the platform's tree advertises no MMU extension by default, mmu-type sv48")
{
  const auto [isa, mmu] = platform_isa({});
  CHECK(isa == "rv64imafdc_zicntr_zicsr_zifencei_zihpm_sstc");
  CHECK(mmu == "riscv,sv48");
}

TEST_CASE("the platform's tree advertises exactly the enabled MMU extensions, and sv57")
{
  const auto [isa, mmu] =
      platform_isa({"mmu.svpbmt=true", "mmu.svnapot=true", "cpu.svinval=true",
                    "mmu.walker.ad_policy=svadu", "mmu.satp_modes=bare,sv39,sv48,sv57"});
  CHECK(isa == "rv64imafdc_zicntr_zicsr_zifencei_zihpm_sstc_svade_svadu_svinval_svnapot_svpbmt");
  CHECK(mmu == "riscv,sv57");
}

TEST_CASE("the platform's tree: ad_policy fault is Svade alone, Svinval alone")
{
  const auto [isa, mmu] =
      platform_isa({"mmu.walker.ad_policy=fault", "cpu.svinval=true", "mmu.satp_modes=bare,sv39"});
  CHECK(isa == "rv64imafdc_zicntr_zicsr_zifencei_zihpm_sstc_svade_svinval");
  CHECK(mmu == "riscv,sv39");
}

TEST_CASE("the virt tree has the sim-control node software finds the device by")
{
  const FdtNode tree = virt::fdt_read(virt::fdt_write(virt::virt_fdt(info_128m())), "test");
  const FdtNode* node = tree.find_child("soc")->find_child("sim-control@102000");
  REQUIRE(node);
  const auto* compatible = node->get("compatible");
  REQUIRE(compatible);
  CHECK(std::string(reinterpret_cast<const char*>(compatible->data())) == "vmplat,sim-control");
  const auto* reg = node->get("reg");
  REQUIRE(reg);
  REQUIRE(reg->size() == 16);
  // Two big-endian 64-bit cells: base 0x10_2000, size 0x1000.
  CHECK(*reg == std::vector<uint8_t>{0, 0, 0, 0, 0, 0x10, 0x20, 0, 0, 0, 0, 0, 0, 0, 0x10, 0});
}
