// The MMU's optional extensions against their chapters of the privileged spec: Svpbmt
// (PBMT bits and menvcfg.PBMTE), Svinval, Svadu (menvcfg.ADUE), Sv57 and Svnapot. Each
// case builds page tables in DRAM and asserts the physical address, or the cause of the
// fault, and the statistics the extension adds.
#include <catch2/catch.hpp>

#include "models/common/config.h"
#include "tests/unit/mmu_testbench.h"

using namespace vmplat;
using test::MmuBench;
namespace pte = mmu::pte;
using cpu::AccessKind;
using cpu::Priv;

namespace {
using test::kRW;
using test::kVa;
using test::kPa;
constexpr uint64_t kPbmtShift = 61;

uint64_t with_pbmt(uint64_t value, uint64_t type)
{
  return value | (type << kPbmtShift);
}
}  // namespace

TEST_CASE("Svpbmt off: PBMTE is not writable and PBMT bits page-fault even with PBMTE set")
{
  MmuBench b;
  CHECK(b.mmu.menvcfg_bits() == 0);
  b.menvcfg = cpu::menvcfg::kPBMTE;  // what a hart would never pass: still reserved
  const uint64_t slot = b.map(kVa, kPa, kRW);
  b.write64(slot, with_pbmt(b.read64(slot), 1));
  CHECK(b.load(kVa).cause == cpu::exc::kLoadPageFault);
}

TEST_CASE("Svpbmt: PBMT 0-2 translate with PBMTE = 1, 3 is reserved, each type counted")
{
  MmuBench b({"mmu.svpbmt=true"});
  CHECK(b.mmu.menvcfg_bits() == cpu::menvcfg::kPBMTE);
  b.menvcfg = cpu::menvcfg::kPBMTE;
  const uint64_t slot = b.map(kVa, kPa, kRW);
  const uint64_t good = b.read64(slot);
  for (uint64_t type = 0; type < 3; ++type) {
    b.write64(slot, with_pbmt(good, type));
    b.mmu.sfence_vma(false, 0, false, 0);
    auto r = b.store(kVa + 8);
    CHECK(r.ok);
    CHECK(r.pa == kPa + 8);
  }
  CHECK(MmuBench::stat("mmu.pbmt.pma") == 1);
  CHECK(MmuBench::stat("mmu.pbmt.nc") == 1);
  CHECK(MmuBench::stat("mmu.pbmt.io") == 1);
  // A TLB hit is not a walk: not counted again.
  CHECK(b.load(kVa + 16).ok);
  CHECK(MmuBench::stat("mmu.pbmt.io") == 1);
  b.write64(slot, with_pbmt(good, 3));
  b.mmu.sfence_vma(false, 0, false, 0);
  auto r = b.load(kVa);
  CHECK(r.cause == cpu::exc::kLoadPageFault);
  CHECK(r.tval == kVa);
  CHECK(b.mmu.explain(kVa, AccessKind::kLoad, {Priv::kS, 0, b.satp(), 0, b.menvcfg})
            .find("reserved bits or encodings") != std::string::npos);
}

TEST_CASE("Svpbmt: with menvcfg.PBMTE = 0 the PBMT bits are reserved")
{
  MmuBench b({"mmu.svpbmt=true"});
  const uint64_t slot = b.map(kVa, kPa, kRW);
  b.write64(slot, with_pbmt(b.read64(slot), 2));
  CHECK(b.load(kVa).cause == cpu::exc::kLoadPageFault);
  b.menvcfg = cpu::menvcfg::kPBMTE;
  CHECK(b.load(kVa).pa == kPa);
}

TEST_CASE("Svpbmt: PBMT on a non-leaf PTE page-faults")
{
  MmuBench b({"mmu.svpbmt=true"});
  b.menvcfg = cpu::menvcfg::kPBMTE;
  b.map(kVa, kPa, kRW);
  const uint64_t ptr_slot = b.root + ((kVa >> 30) & 0x1ff) * 8;
  const uint64_t ptr = b.read64(ptr_slot);
  for (uint64_t type = 1; type < 4; ++type) {
    b.write64(ptr_slot, with_pbmt(ptr, type));
    b.mmu.sfence_vma(false, 0, false, 0);
    CHECK(b.store(kVa).cause == cpu::exc::kStorePageFault);
  }
  b.write64(ptr_slot, ptr);
  b.mmu.sfence_vma(false, 0, false, 0);
  CHECK(b.store(kVa).ok);
  CHECK(MmuBench::stat("mmu.pbmt.pma") == 1);
}

TEST_CASE("mmu.svpbmt with a value that is not a boolean is a user error naming it")
{
  CHECK_THROWS_WITH(MmuBench({"mmu.svpbmt=maybe"}), Catch::Contains("mmu.svpbmt"));
}

TEST_CASE("Svinval: sinval.vma invalidates what sfence.vma does, counted as sinval")
{
  MmuBench b;
  const uint64_t slot = b.map(kVa, kPa, kRW);
  b.map(kVa + 0x1000, kPa + 0x1000, kRW);
  CHECK(b.load(kVa).pa == kPa);
  CHECK(b.load(kVa + 0x1000).pa == kPa + 0x1000);
  // Remap the first page; only an invalidation of that page makes it visible.
  b.write64(slot, MmuBench::pte(kPa + 0x5000, pte::kV | kRW));
  CHECK(b.load(kVa).pa == kPa);
  b.mmu.sinval_vma(true, kVa, true, 1);
  CHECK(b.load(kVa).pa == kPa + 0x5000);
  CHECK(MmuBench::stat("mmu.dtlb.flushes.sinval_vaddr_asid") == 1);
  CHECK(MmuBench::stat("mmu.dtlb.flushes.vaddr_asid") == 0);
  CHECK(MmuBench::stat("mmu.l2tlb.flushes.sinval_vaddr_asid") == 1);
  // The other page stayed in the TLB: a hit, no walk.
  const uint64_t walks = MmuBench::stat("mmu.walker.walks");
  CHECK(b.load(kVa + 0x1000).ok);
  CHECK(MmuBench::stat("mmu.walker.walks") == walks);
  // Without an address it also drops the page-walk cache, like sfence.vma x0.
  b.mmu.sinval_vma(false, 0, false, 0);
  CHECK(MmuBench::stat("mmu.dtlb.flushes.sinval_all") == 1);
  const uint64_t misses = MmuBench::stat("mmu.pwc.misses");
  CHECK(b.load(kVa + 0x1000).ok);
  CHECK(MmuBench::stat("mmu.pwc.misses") == misses + 2);
  b.mmu.sinval_vma(false, 0, true, 1);
  b.mmu.sinval_vma(true, kVa, false, 0);
  CHECK(MmuBench::stat("mmu.itlb.flushes.sinval_asid") == 1);
  CHECK(MmuBench::stat("mmu.itlb.flushes.sinval_vaddr") == 1);
}

TEST_CASE("Svinval: sfence.w.inval and sfence.inval.ir invalidate nothing and are counted")
{
  MmuBench b;
  b.map(kVa, kPa, kRW);
  CHECK(b.load(kVa).ok);
  b.mmu.sfence_inval(false);
  b.mmu.sfence_inval(true);
  b.mmu.sfence_inval(true);
  CHECK(MmuBench::stat("mmu.svinval.w_inval") == 1);
  CHECK(MmuBench::stat("mmu.svinval.inval_ir") == 2);
  CHECK(MmuBench::stat("mmu.dtlb.flushed_entries") == 0);
  const uint64_t walks = MmuBench::stat("mmu.walker.walks");
  CHECK(b.load(kVa).ok);
  CHECK(MmuBench::stat("mmu.walker.walks") == walks);
}

TEST_CASE("Svadu: ADUE = 1 makes the walker set A/D, ADUE = 0 is Svade")
{
  MmuBench b({"mmu.walker.ad_policy=svadu"});
  CHECK(b.mmu.menvcfg_bits() == cpu::menvcfg::kADUE);
  CHECK(b.mmu.has_svadu());
  CHECK(b.mmu.has_svade());
  const uint64_t slot = b.map(kVa, kPa, pte::kR | pte::kW);
  // ADUE = 0: A clear faults on a load, nothing is written.
  CHECK(b.load(kVa).cause == cpu::exc::kLoadPageFault);
  CHECK(b.read64(slot) == MmuBench::pte(kPa, pte::kV | pte::kR | pte::kW));
  CHECK(b.mmu.explain(kVa, AccessKind::kLoad, {Priv::kS, 0, b.satp(), 0, 0})
            .find("menvcfg.ADUE = 0") != std::string::npos);
  // ADUE = 1: the walker sets A, then D on a store.
  b.menvcfg = cpu::menvcfg::kADUE;
  CHECK(b.load(kVa).pa == kPa);
  CHECK((b.read64(slot) & (pte::kA | pte::kD)) == pte::kA);
  CHECK(b.store(kVa).pa == kPa);
  CHECK((b.read64(slot) & (pte::kA | pte::kD)) == (pte::kA | pte::kD));
  CHECK(MmuBench::stat("mmu.walker.ad_updates") == 2);
  // Back to ADUE = 0: a store to a page with D clear faults again.
  b.menvcfg = 0;
  const uint64_t ro = b.map(kVa + 0x1000, kPa + 0x1000, pte::kR | pte::kW | pte::kA);
  CHECK(b.load(kVa + 0x1000).ok);
  CHECK(b.store(kVa + 0x1000).cause == cpu::exc::kStorePageFault);
  CHECK((b.read64(ro) & pte::kD) == 0);
}

TEST_CASE("ad_policy hardware sets A/D whatever ADUE says and does not implement ADUE")
{
  MmuBench b;
  CHECK(b.mmu.menvcfg_bits() == 0);
  CHECK_FALSE(b.mmu.has_svade());
  b.map(kVa, kPa, pte::kR | pte::kW);
  CHECK(b.load(kVa).ok);  // ADUE = 0 passed, A set anyway
}

TEST_CASE("ad_policy fault page-faults whatever ADUE says and does not implement ADUE")
{
  MmuBench b({"mmu.walker.ad_policy=fault"});
  CHECK(b.mmu.menvcfg_bits() == 0);
  CHECK(b.mmu.has_svade());
  CHECK_FALSE(b.mmu.has_svadu());
  b.menvcfg = cpu::menvcfg::kADUE;
  b.map(kVa, kPa, pte::kR | pte::kW);
  CHECK(b.load(kVa).cause == cpu::exc::kLoadPageFault);
}

TEST_CASE("mmu.walker.ad_policy with an unknown value is a user error listing svadu")
{
  CHECK_THROWS_WITH(MmuBench({"mmu.walker.ad_policy=software"}),
                    Catch::Contains("mmu.walker.ad_policy") && Catch::Contains("svadu"));
}

TEST_CASE("Sv57: refused unless enabled")
{
  MmuBench b;
  CHECK_FALSE(b.mmu.supports_satp_mode(cpu::satp::kModeSv57));
}

TEST_CASE("mmu.satp_modes with sv57 but not sv48 is an error")
{
  CHECK_THROWS_WITH(MmuBench({"mmu.satp_modes=bare,sv39,sv57"}),
                    Catch::Contains("sv57 without sv48"));
}

TEST_CASE("Sv57 walks five levels and has its own canonical range")
{
  MmuBench b({"mmu.satp_modes=bare,sv39,sv48,sv57"});
  CHECK(b.mmu.supports_satp_mode(cpu::satp::kModeSv57));
  b.use_sv57();
  const uint64_t va = 0x0080000000201000ull;  // bit 55 set: canonical in Sv57 only
  b.map(va, kPa, kRW);
  auto r = b.load(va + 8);
  REQUIRE(r.ok);
  CHECK(r.pa == kPa + 8);
  CHECK(MmuBench::stat("mmu.walker.levels") == 5);
  // Bit 56 set with 63:57 clear is not canonical: a fault without a walk.
  auto bad = b.load(0x0100000000000000ull);
  CHECK(bad.cause == cpu::exc::kLoadPageFault);
  CHECK(bad.tval == 0x0100000000000000ull);
  CHECK(MmuBench::stat("mmu.walker.walks") == 1);
  // The sign-extended top is canonical (unmapped: a walk, then a fault).
  CHECK(b.store(0xff00000000000000ull).cause == cpu::exc::kStorePageFault);
  CHECK(MmuBench::stat("mmu.walker.walks") == 2);
  CHECK(b.mmu.explain(0x0100000000000000ull, AccessKind::kLoad, {Priv::kS, 0, b.satp(), 0, 0})
            .find("Sv57") != std::string::npos);
}

TEST_CASE("Sv57: a 256 TiB level-4 superpage and the TLB holds it at its level")
{
  MmuBench b({"mmu.satp_modes=bare,sv39,sv48,sv57"});
  b.use_sv57();
  const uint64_t va = 0x0001000000000000ull;  // root index 1
  const uint64_t pa = 0;                      // 256 TiB aligned
  b.map(va, pa, kRW, 4);
  auto r = b.load(va + 0x123456789ull);
  REQUIRE(r.ok);
  CHECK(r.pa == 0x123456789ull);
  CHECK(MmuBench::stat("mmu.walker.levels") == 1);
  CHECK(MmuBench::stat("mmu.leaves.256t") == 1);
  // Another address in the same superpage hits.
  CHECK(b.load(va + 0x0000abcdef012345ull).pa == 0x0000abcdef012345ull);
  CHECK(MmuBench::stat("mmu.walker.walks") == 1);
  const auto held = b.mmu.dtlb().entries();
  REQUIRE(held);
  REQUIRE(held->size() == 1);
  CHECK((*held)[0].entry.level == 4);
  CHECK(b.mmu.dtlb().dump().find("256T") != std::string::npos);
  // sfence.vma by an address inside it drops it.
  b.mmu.sfence_vma(true, va + 0x40000000ull, false, 0);
  CHECK(b.mmu.dtlb().entries()->empty());
}

TEST_CASE("Sv57: a misaligned 256 TiB superpage page-faults")
{
  MmuBench b({"mmu.satp_modes=bare,sv39,sv48,sv57"});
  b.use_sv57();
  const uint64_t va = 0x0001000000000000ull;
  b.map(va, 0x80000000ull, kRW, 4);  // PPN's low 36 bits not zero
  CHECK(b.load(va).cause == cpu::exc::kLoadPageFault);
}

namespace {
constexpr uint64_t kNapotVa = 0x40010000;  // 64 KiB aligned
constexpr uint64_t kNapotPa = 0x80400000;  // 64 KiB aligned
constexpr uint64_t kN = 1ull << 63;

// Maps the 16 pages of a 64 KiB NAPOT page: each PTE holds N and PPN[3:0] = 0b1000.
void map_napot(MmuBench& b, uint64_t flags = kRW)
{
  for (uint64_t i = 0; i < 16; ++i) {
    const uint64_t slot = b.map(kNapotVa + i * 0x1000, kNapotPa, flags);
    b.write64(slot, b.read64(slot) | kN | (0x8ull << 10));
  }
}
}  // namespace

TEST_CASE("Svnapot off: N is reserved")
{
  MmuBench b;
  map_napot(b);
  CHECK(b.load(kNapotVa).cause == cpu::exc::kLoadPageFault);
  CHECK(MmuBench::stat("mmu.napot.walks") == 0);
}

TEST_CASE("Svnapot whole: one TLB entry covers the 64 KiB page, pa takes va's bits 15:12")
{
  MmuBench b({"mmu.svnapot=true"});
  map_napot(b);
  auto r = b.load(kNapotVa + 0x3abc);
  REQUIRE(r.ok);
  CHECK(r.pa == kNapotPa + 0x3abc);
  CHECK(MmuBench::stat("mmu.napot.walks") == 1);
  CHECK(MmuBench::stat("mmu.napot.fills") == 2);  // dtlb and l2tlb
  CHECK(MmuBench::stat("mmu.leaves.4k") == 1);       // a NAPOT leaf sits at level 0
  for (uint64_t i = 0; i < 16; ++i)
    CHECK(b.store(kNapotVa + i * 0x1000 + 8).pa == kNapotPa + i * 0x1000 + 8);
  CHECK(MmuBench::stat("mmu.walker.walks") == 1);
  const auto held = b.mmu.dtlb().entries();
  REQUIRE(held->size() == 1);
  CHECK((*held)[0].entry.napot);
  CHECK((*held)[0].entry.vpn == kNapotVa >> 12);
  CHECK(b.mmu.dtlb().dump().find("64K") != std::string::npos);
  // The page after it is not covered.
  CHECK(b.load(kNapotVa + 0x10000).cause == cpu::exc::kLoadPageFault);
  // sfence.vma by any address inside drops the whole entry.
  b.mmu.sfence_vma(true, kNapotVa + 0xf000, false, 0);
  CHECK(b.mmu.dtlb().entries()->empty());
}

TEST_CASE("Svnapot split: a 4 KiB entry per page touched, each a walk")
{
  MmuBench b({"mmu.svnapot=true", "mmu.napot=split", "mmu.l2tlb.entries=0"});
  map_napot(b);
  CHECK(b.load(kNapotVa + 0x3abc).pa == kNapotPa + 0x3abc);
  CHECK(b.load(kNapotVa + 0x5000).pa == kNapotPa + 0x5000);
  CHECK(b.load(kNapotVa + 0x3000).pa == kNapotPa + 0x3000);
  CHECK(MmuBench::stat("mmu.walker.walks") == 2);
  CHECK(MmuBench::stat("mmu.napot.walks") == 2);
  CHECK(MmuBench::stat("mmu.napot.fills") == 2);
  const auto held = b.mmu.dtlb().entries();
  REQUIRE(held->size() == 2);
  for (const auto& s : *held) {
    CHECK_FALSE(s.entry.napot);
    CHECK(s.entry.ppn == (kNapotPa >> 12) + (s.entry.vpn & 0xf));
  }
}

TEST_CASE("Svnapot: reserved encodings and N on a non-leaf or superpage page-fault")
{
  MmuBench b({"mmu.svnapot=true"});
  map_napot(b);
  const uint64_t slot = b.slot_of(kNapotVa);
  const uint64_t good = b.read64(slot);
  for (uint64_t low : {0x0ull, 0x1ull, 0x4ull, 0x9ull, 0xcull}) {
    b.write64(slot, (good & ~(0xfull << 10)) | (low << 10));
    b.mmu.sfence_vma(false, 0, false, 0);
    CHECK(b.load(kNapotVa).cause == cpu::exc::kLoadPageFault);
  }
  b.write64(slot, good);
  b.mmu.sfence_vma(false, 0, false, 0);
  CHECK(b.load(kNapotVa).ok);
  // N on the pointer above it.
  const uint64_t ptr_slot = b.slot_of(kNapotVa, 1);
  const uint64_t ptr = b.read64(ptr_slot);
  b.write64(ptr_slot, ptr | kN);
  b.mmu.sfence_vma(false, 0, false, 0);
  CHECK(b.load(kNapotVa).cause == cpu::exc::kLoadPageFault);
  b.write64(ptr_slot, ptr);
  // N on a 2 MiB leaf (its PPN aligned, PPN[3:0] = 0 then 0b1000 after the alignment check
  // cannot hold: any N at level 1 is reserved).
  const uint64_t sp_va = 0x40200000, sp_pa = 0x80600000;
  const uint64_t sp = b.map(sp_va, sp_pa, kRW, 1);
  CHECK(b.load(sp_va).ok);
  b.write64(sp, b.read64(sp) | kN);
  b.mmu.sfence_vma(false, 0, false, 0);
  CHECK(b.load(sp_va).cause == cpu::exc::kLoadPageFault);
  CHECK(b.mmu.explain(sp_va, AccessKind::kLoad, {Priv::kS, 0, b.satp(), 0, 0})
            .find("reserved encoding") != std::string::npos);
}

TEST_CASE("Svnapot whole: a 4 KiB entry of the same range is probed first")
{
  MmuBench b({"mmu.svnapot=true", "mmu.l2tlb.entries=0"});
  map_napot(b);
  CHECK(b.load(kNapotVa).ok);  // the NAPOT entry
  // Remap page 2 as a plain 4 KiB page elsewhere and fence that page only: it is walked
  // and held as a 4 KiB entry, which a lookup finds before the NAPOT one.
  b.map(kNapotVa + 0x2000, 0x80900000, kRW);
  b.mmu.sfence_vma(true, kNapotVa + 0x2000, false, 0);  // drops the NAPOT entry too
  CHECK(b.load(kNapotVa + 0x2000).pa == 0x80900000);
  CHECK(b.load(kNapotVa + 0x1000).pa == kNapotPa + 0x1000);
  CHECK(b.load(kNapotVa + 0x2008).pa == 0x80900008);
  CHECK(b.mmu.dtlb().entries()->size() == 2);
}

TEST_CASE("mmu.napot with an unknown value is a user error naming it")
{
  CHECK_THROWS_WITH(MmuBench({"mmu.napot=half"}),
                    Catch::Contains("mmu.napot") && Catch::Contains("whole"));
}
