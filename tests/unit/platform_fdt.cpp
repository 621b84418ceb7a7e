// platforms/virt/fdt and boot: device trees written and read back, user trees that are
// broken in any place, the boot plan's hand-off values, and the trees of 1 and 4 harts
// against what QEMU's virt -smp writes.
#include <catch2/catch.hpp>

#include <algorithm>
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

namespace {

std::vector<uint32_t> cells(const FdtNode& node, const char* prop)
{
  const auto* v = node.get(prop);
  REQUIRE(v);
  std::vector<uint32_t> out;
  for (size_t i = 0; i + 4 <= v->size(); i += 4)
    out.push_back(uint32_t((*v)[i]) << 24 | uint32_t((*v)[i + 1]) << 16 |
                  uint32_t((*v)[i + 2]) << 8 | (*v)[i + 3]);
  return out;
}

void collect_phandles(const FdtNode& node, std::vector<uint32_t>& out)
{
  if (node.get("phandle"))
    out.push_back(cells(node, "phandle").at(0));
  for (const auto& c : node.children) collect_phandles(c, out);
}

FdtNode tree_of(unsigned harts)
{
  virt::FdtInfo info = info_128m();
  info.harts = harts;
  return virt::fdt_read(virt::fdt_write(virt::virt_fdt(info)), "test");
}

}  // namespace

TEST_CASE(
    "the virt tree for 4 harts has a cpu node with its own interrupt controller and a "
    "cpu-map core per hart")
{
  const FdtNode tree = tree_of(4);
  const FdtNode& cpus = *tree.find_child("cpus");
  const FdtNode* cluster = cpus.find_child("cpu-map")->find_child("cluster0");
  REQUIRE(cluster);
  std::vector<uint32_t> phandles;
  for (unsigned h = 0; h < 4; ++h) {
    INFO("hart " << h);
    const FdtNode* cpu = cpus.find_child("cpu@" + std::to_string(h));
    REQUIRE(cpu);
    CHECK(cells(*cpu, "reg") == std::vector<uint32_t>{h});
    const FdtNode* intc = cpu->find_child("interrupt-controller");
    REQUIRE(intc);
    CHECK(std::string(reinterpret_cast<const char*>(intc->get("compatible")->data())) ==
          "riscv,cpu-intc");
    const FdtNode* core = cluster->find_child("core" + std::to_string(h));
    REQUIRE(core);
    CHECK(cells(*core, "cpu") == cells(*cpu, "phandle"));
    phandles.push_back(cells(*cpu, "phandle").at(0));
    phandles.push_back(cells(*intc, "phandle").at(0));
  }
  CHECK_FALSE(cpus.find_child("cpu@4"));
  CHECK_FALSE(cluster->find_child("core4"));
  CHECK(cluster->children.size() == 4);
  // Every phandle in the tree is unique, and the references to the test device find it.
  std::vector<uint32_t> all;
  collect_phandles(tree, all);
  std::sort(all.begin(), all.end());
  CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
  CHECK(all.size() == 10);  // 4 cpus, 4 interrupt controllers, the PLIC, the test device
  const auto test_phandle = cells(*tree.find_child("soc")->find_child("test@100000"), "phandle");
  CHECK(cells(*tree.find_child("poweroff"), "regmap") == test_phandle);
  CHECK(cells(*tree.find_child("reboot"), "regmap") == test_phandle);
  // As QEMU 7.2 numbers them (it makes the cpu nodes from the last hart down).
  std::sort(phandles.begin(), phandles.end());
  CHECK(phandles == std::vector<uint32_t>{1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(cells(*tree.find_child("soc")->find_child("plic@c000000"), "phandle") ==
        std::vector<uint32_t>{9});
}

TEST_CASE(
    "the virt tree for 4 harts gives each hart MEIP and SEIP contexts on the PLIC and "
    "MSIP and MTIP on the CLINT, in QEMU's order")
{
  const FdtNode tree = tree_of(4);
  const FdtNode& cpus = *tree.find_child("cpus");
  std::vector<uint32_t> plic_irqs, clint_irqs;
  for (unsigned h = 0; h < 4; ++h) {
    const uint32_t intc =
        cells(*cpus.find_child("cpu@" + std::to_string(h))->find_child("interrupt-controller"),
              "phandle")
            .at(0);
    plic_irqs.insert(plic_irqs.end(), {intc, 11, intc, 9});
    clint_irqs.insert(clint_irqs.end(), {intc, 3, intc, 7});
  }
  const FdtNode& soc = *tree.find_child("soc");
  CHECK(cells(*soc.find_child("plic@c000000"), "interrupts-extended") == plic_irqs);
  CHECK(cells(*soc.find_child("clint@2000000"), "interrupts-extended") == clint_irqs);
  // What qemu-system-riscv64 -M virt -smp 4 (7.2) writes.
  CHECK(plic_irqs == std::vector<uint32_t>{8, 11, 8, 9, 6, 11, 6, 9, 4, 11, 4, 9, 2, 11, 2, 9});
  const uint32_t plic = cells(*soc.find_child("plic@c000000"), "phandle").at(0);
  CHECK(cells(*soc.find_child("serial@10000000"), "interrupt-parent") ==
        std::vector<uint32_t>{plic});
}

TEST_CASE("the virt tree for one hart is the tree from before harts were counted")
{
  const FdtNode tree = tree_of(1);
  CHECK(virt::fdt_write(tree) == virt::fdt_write(virt::virt_fdt(info_128m())));
  const FdtNode& cpus = *tree.find_child("cpus");
  CHECK(cpus.children.size() == 2);  // cpu@0 and cpu-map
  const FdtNode* cpu = cpus.find_child("cpu@0");
  REQUIRE(cpu);
  CHECK(cells(*cpu, "phandle") == std::vector<uint32_t>{1});
  CHECK(cells(*cpu->find_child("interrupt-controller"), "phandle") == std::vector<uint32_t>{2});
  CHECK(cells(*cpus.find_child("cpu-map")->find_child("cluster0")->find_child("core0"), "cpu") ==
        std::vector<uint32_t>{1});
  const FdtNode& soc = *tree.find_child("soc");
  CHECK(cells(*soc.find_child("plic@c000000"), "phandle") == std::vector<uint32_t>{3});
  CHECK(cells(*soc.find_child("plic@c000000"), "interrupts-extended") ==
        std::vector<uint32_t>{2, 11, 2, 9});
  CHECK(cells(*soc.find_child("clint@2000000"), "interrupts-extended") ==
        std::vector<uint32_t>{2, 3, 2, 7});
  CHECK(cells(*soc.find_child("test@100000"), "phandle") == std::vector<uint32_t>{4});
  CHECK(cells(*tree.find_child("poweroff"), "regmap") == std::vector<uint32_t>{4});
}
