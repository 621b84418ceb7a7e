// The Verilated RTL TLB (rtl/tlb/tlb.sv) against the C++ model and against hand-computed
// expectations: a constrained-random lockstep stream, each SFENCE.VMA flush case, the
// replacement order of every RTL policy, the defective variant being caught, the
// waveform, and the user errors.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "models/common/config.h"
#include "models/common/sim.h"
#include "models/common/stats.h"
#include "models/cosim/lockstep_tlb.h"
#include "models/cosim/register.h"
#include "models/cosim/rtl_tlb.h"
#include "models/mmu/set_assoc_tlb.h"

using namespace vmplat;
using cpu::AccessKind;
using mmu::FlushRequest;
using mmu::TlbEntry;
using mmu::TlbParams;

namespace {

TlbParams params(unsigned entries, unsigned ways, unsigned asid_bits, unsigned levels,
                 const std::string& policy)
{
  TlbParams p;
  p.name = "test.tlb";
  p.entries = entries;
  p.ways = ways;
  p.asid_bits = asid_bits;
  p.levels = levels;
  p.policy = policy;
  return p;
}

std::unique_ptr<cosim::RtlTlb> rtl(const TlbParams& p, const std::string& wave = "",
                                   const std::string& defect = "none")
{
  cosim::RtlOptions o;
  o.wave = wave;
  o.defect = defect;
  return cosim::RtlTlb::create(p, o);
}

TlbEntry entry(uint64_t vpn, uint64_t ppn, uint8_t level, uint16_t asid, bool global = false)
{
  TlbEntry e;
  e.vpn = vpn;
  e.ppn = ppn;
  e.level = level;
  e.asid = asid;
  e.global = global;
  e.flags = uint8_t(mmu::pte::kV | mmu::pte::kR | mmu::pte::kA | (global ? mmu::pte::kG : 0));
  return e;
}

FlushRequest flush_req(bool has_vaddr, uint64_t vpn, bool has_asid, uint16_t asid)
{
  FlushRequest f;
  f.has_vaddr = has_vaddr;
  f.vpn = vpn;
  f.has_asid = has_asid;
  f.asid = asid;
  return f;
}

// A random stream whose addresses collide on purpose: a pool of pages (of every level the
// TLB holds, some global, a few ASIDs, some with high vpn bits set) that fills refill in
// place, evict, and that lookups hit with and without the right ASID.
struct Stream {
  struct Page {
    uint64_t vpn;
    uint8_t level;
    uint16_t asid;
    bool global;
  };

  Stream(uint64_t seed, const TlbParams& p, unsigned pool) : m_rng(seed), m_levels(p.levels)
  {
    for (unsigned i = 0; i < pool; ++i) {
      Page pg;
      pg.level = uint8_t(pick(10) < 6 ? 0 : pick(m_levels));
      pg.vpn = pick(10) < 8 ? pick(1u << 16) : (m_rng() & ((uint64_t(1) << 52) - 1));
      pg.vpn &= ~((uint64_t(1) << (9 * pg.level)) - 1);
      pg.asid = uint16_t(pick(10) < 8 ? pick(4) : m_rng());
      pg.global = pick(10) == 0;
      m_pages.push_back(pg);
    }
  }
  uint64_t pick(uint64_t n) { return m_rng() % n; }

  // Runs n operations on tlb; returns how many lookups hit.
  uint64_t run(mmu::Tlb& tlb, uint64_t n)
  {
    uint64_t hits = 0;
    for (uint64_t i = 0; i < n; ++i) {
      const unsigned r = unsigned(pick(100));
      const Page& pg = m_pages[pick(m_pages.size())];
      const uint64_t span = uint64_t(1) << (9 * pg.level);
      if (r < 58) {
        const uint16_t asid = pick(4) ? pg.asid : uint16_t(pick(6));
        hits += tlb.lookup(pg.vpn + pick(span), asid, AccessKind(pick(3))).hit;
      } else if (r < 96) {
        TlbEntry e = entry(pg.vpn, m_rng() & ((uint64_t(1) << 44) - 1), pg.level, pg.asid,
                           pg.global);
        e.flags = uint8_t(m_rng());
        tlb.fill(e);
      } else {
        tlb.flush(flush_req(pick(2), pg.vpn + pick(span), pick(2), pick(3) ? pg.asid : 0));
      }
    }
    return hits;
  }

  std::mt19937_64 m_rng;
  unsigned m_levels;
  std::vector<Page> m_pages;
};

void lockstep_random(TlbParams p, uint64_t seed, uint64_t ops)
{
  p.name = "random" + std::to_string(seed);
  common::sim().reset();
  cosim::LockstepTlb ls(p.name, std::make_unique<mmu::SetAssocTlb>(p), rtl(p));
  Stream s(seed, p, p.entries * 3 / 2 + 4);
  const uint64_t hits = s.run(ls, ops);
  INFO(ls.report());
  CHECK_FALSE(ls.mismatched());
  CHECK_FALSE(common::sim().stop_requested());
  // The stream must exercise both outcomes, or agreement would mean little.
  CHECK(hits > ops / 20);
  CHECK(hits < ops / 2);
  CHECK(common::stats().value(p.name + ".lockstep.checks") == double(ops));
}

}  // namespace

// ---- constrained random: 6 geometries, 1.2 million operations in all -----------------------

TEST_CASE("random lockstep: default itlb/dtlb, 32-way plru, Sv48", "[cosim][random]")
{
  lockstep_random(params(32, 32, 16, 4, "plru"), 1, 200000);
}

TEST_CASE("random lockstep: l2tlb 512 entries 4-way plru, Sv48", "[cosim][random]")
{
  lockstep_random(params(512, 4, 16, 4, "plru"), 2, 200000);
}

TEST_CASE("random lockstep: 64 entries 4-way lru", "[cosim][random]")
{
  lockstep_random(params(64, 4, 16, 4, "lru"), 3, 200000);
}

TEST_CASE("random lockstep: 64 entries 4-way fifo", "[cosim][random]")
{
  lockstep_random(params(64, 4, 16, 4, "fifo"), 4, 200000);
}

TEST_CASE("random lockstep: 2-way fifo with 9-bit ASIDs", "[cosim][random]")
{
  lockstep_random(params(16, 2, 9, 4, "fifo"), 5, 200000);
}

TEST_CASE("random lockstep: fully associative lru and direct-mapped without ASIDs",
          "[cosim][random]")
{
  lockstep_random(params(16, 16, 16, 4, "lru"), 6, 100000);
  lockstep_random(params(8, 1, 0, 3, "plru"), 7, 100000);
}

// ---- directed: every SFENCE.VMA case (docs/tlb-model.md "Flush") ----------------------------

namespace {

// A (asid 1) and B (asid 2) share vpn 0x100; C is global; D is a 2 MiB page of asid 1 over
// vpns 0x400..0x5ff; E belongs to asid 2. Returns which of A..E still hit.
std::string survivors(mmu::Tlb& t)
{
  std::string s;
  s += t.lookup(0x100, 1, AccessKind::kLoad).hit ? "A" : "-";
  const auto b = t.lookup(0x100, 2, AccessKind::kLoad);
  s += b.hit && b.entry.asid == 2 ? "B" : "-";
  s += t.lookup(0x200, 1, AccessKind::kLoad).hit ? "C" : "-";
  s += t.lookup(0x480, 1, AccessKind::kLoad).hit ? "D" : "-";
  s += t.lookup(0x1000, 2, AccessKind::kLoad).hit ? "E" : "-";
  return s;
}

void fill_abcde(mmu::Tlb& t)
{
  t.fill(entry(0x100, 0x80001, 0, 1));
  t.fill(entry(0x100, 0x80002, 0, 2));
  t.fill(entry(0x200, 0x80003, 0, 1, true));
  t.fill(entry(0x400, 0x80200, 1, 1));
  t.fill(entry(0x1000, 0x80005, 0, 2));
}

}  // namespace

TEST_CASE("flush: every case invalidates exactly what SFENCE.VMA names", "[cosim][flush]")
{
  auto t = rtl(params(64, 4, 16, 4, "lru"));
  fill_abcde(*t);
  REQUIRE(survivors(*t) == "ABCDE");

  SECTION("all addresses, all ASIDs")
  {
    CHECK(t->flush(flush_req(false, 0, false, 0)) == 5);
    CHECK(survivors(*t) == "-----");
  }
  SECTION("one ASID: global entries survive")
  {
    CHECK(t->flush(flush_req(false, 0, true, 1)) == 2);
    CHECK(survivors(*t) == "-BC-E");
  }
  SECTION("one address, every ASID, the superpage covering it included")
  {
    CHECK(t->flush(flush_req(true, 0x100, false, 0)) == 2);
    CHECK(survivors(*t) == "--CDE");
    CHECK(t->flush(flush_req(true, 0x5ff, false, 0)) == 1);
    CHECK(survivors(*t) == "--C-E");
    CHECK(t->flush(flush_req(true, 0x200, false, 0)) == 1);
    CHECK(survivors(*t) == "----E");
  }
  SECTION("one address in one ASID: global entries survive")
  {
    CHECK(t->flush(flush_req(true, 0x100, true, 2)) == 1);
    CHECK(survivors(*t) == "A-CDE");
    CHECK(t->flush(flush_req(true, 0x200, true, 1)) == 0);
    CHECK(t->flush(flush_req(true, 0x480, true, 1)) == 1);
    CHECK(survivors(*t) == "A-C-E");
  }
}

TEST_CASE("flush: the sweep takes one cycle per set, charged as busy cycles", "[cosim][flush]")
{
  auto t = rtl(params(64, 4, 16, 4, "lru"));  // 16 sets
  t->take_busy_cycles();
  const uint64_t before = t->cycles();
  t->flush(flush_req(false, 0, false, 0));
  CHECK(t->cycles() - before == 16);
  CHECK(t->take_busy_cycles() == 15);
  CHECK(t->take_busy_cycles() == 0);
  t->lookup(0x100, 1, AccessKind::kLoad);
  CHECK(t->cycles() - before == 17);
  CHECK(t->take_busy_cycles() == 0);
}

// ---- directed: replacement order ------------------------------------------------------------

namespace {

// Fills one set (set 3 of a 16- or 128-set TLB: vpn = k*sets + 3) and returns the victims'
// ways of `n` further fills, with lookups of the ways in `touch` (hits) first.
std::vector<unsigned> victims(mmu::Tlb& t, unsigned sets, const std::vector<unsigned>& touch,
                              unsigned n)
{
  for (unsigned w = 0; w < 4; ++w) {
    const auto f = t.fill(entry(w * sets + 3, 0x100 + w, 0, 1));
    REQUIRE(f.way == w);
    REQUIRE_FALSE(f.evicted);
  }
  for (unsigned w : touch) {
    const auto l = t.lookup(w * sets + 3, 1, AccessKind::kLoad);
    REQUIRE(l.hit);
    REQUIRE(l.way == w);
  }
  std::vector<unsigned> out;
  for (unsigned i = 0; i < n; ++i) {
    const auto f = t.fill(entry((10 + i) * sets + 3, 0x200 + i, 0, 1));
    REQUIRE(f.set == 3);
    REQUIRE(f.evicted);
    out.push_back(f.way);
  }
  return out;
}

}  // namespace

TEST_CASE("replacement: tree PLRU victims", "[cosim][replacement]")
{
  auto t = rtl(params(512, 4, 16, 4, "plru"));
  // After fills of ways 0..3 the tree points at way 0; touching 0 moves it to way 2, each
  // fill then touches its way: 2 → 1 → 3 → 0.
  CHECK(victims(*t, 128, {0}, 5) == std::vector<unsigned>{2, 1, 3, 0, 2});
}

TEST_CASE("replacement: LRU victims follow hits and fills", "[cosim][replacement]")
{
  auto t = rtl(params(64, 4, 16, 4, "lru"));
  // Touch order 0 1 2 3 (fills) then 0 2 (hits): oldest first 1 3 0 2.
  CHECK(victims(*t, 16, {0, 2}, 5) == std::vector<unsigned>{1, 3, 0, 2, 1});
}

TEST_CASE("replacement: FIFO ignores hits", "[cosim][replacement]")
{
  auto t = rtl(params(64, 4, 16, 4, "fifo"));
  CHECK(victims(*t, 16, {3, 0, 2}, 5) == std::vector<unsigned>{0, 1, 2, 3, 0});
}

TEST_CASE("replacement: refill in place and invalid ways first, evicted entry reported",
          "[cosim][replacement]")
{
  auto t = rtl(params(64, 4, 16, 4, "fifo"));
  t->fill(entry(0x3, 0x10, 0, 1));
  auto f = t->fill(entry(0x3, 0x11, 0, 1));  // same page, same ASID: in place
  CHECK(f.way == 0);
  CHECK_FALSE(f.evicted);
  CHECK(t->lookup(0x3, 1, AccessKind::kLoad).entry.ppn == 0x11);
  f = t->fill(entry(0x3, 0x12, 0, 2));  // another ASID: its own way
  CHECK(f.way == 1);
  for (unsigned w = 2; w < 4; ++w)
    t->fill(entry(0x13 + 0x10 * w, 0x20 + w, 0, 1));
  f = t->fill(entry(0x93, 0x30, 0, 1));
  CHECK(f.evicted);
  CHECK(f.way == 0);
  CHECK(f.victim.vpn == 0x3);
  CHECK(f.victim.ppn == 0x11);
  CHECK(f.victim.asid == 1);
  // Flushing leaves the FIFO pointer alone: the next victim is way 1 even after way 0 goes.
  t->flush(flush_req(true, 0x3, true, 2));
  f = t->fill(entry(0xa3, 0x31, 0, 1));
  CHECK(f.way == 1);
  CHECK_FALSE(f.evicted);
  f = t->fill(entry(0xb3, 0x32, 0, 1));
  CHECK(f.way == 1);
  CHECK(f.evicted);
}

// ---- lockstep can fail ------------------------------------------------------------------------

TEST_CASE("lockstep: the ignore_asid RTL variant is caught at the first wrong hit",
          "[cosim][lockstep]")
{
  common::sim().reset();
  const TlbParams p = params(32, 32, 16, 4, "plru");
  cosim::LockstepTlb ls(p.name, std::make_unique<mmu::SetAssocTlb>(p),
                        rtl(p, "", "ignore_asid"));
  for (unsigned i = 0; i < 20; ++i)
    ls.fill(entry(0x400 + i, 0x9000 + i, 0, 1));
  for (unsigned i = 0; i < 20; ++i)
    ls.lookup(0x400 + i, 1, AccessKind::kLoad);
  REQUIRE_FALSE(ls.mismatched());
  const auto r = ls.lookup(0x405, 7, AccessKind::kStore);
  CHECK_FALSE(r.hit);  // the caller gets the model's answer
  REQUIRE(ls.mismatched());
  CHECK(common::sim().stop_requested());
  CHECK(common::sim().exit_code() == cosim::LockstepTlb::kMismatchExitCode);
  const std::string& rep = ls.report();
  CHECK(rep.find("lockstep mismatch in test.tlb (hit) at operation 40") != std::string::npos);
  CHECK(rep.find("operation: #40 lookup vpn 0x405 asid 7 (store)") != std::string::npos);
  CHECK(rep.find("model: miss") != std::string::npos);
  CHECK(rep.find("rtl:   hit way 5: vpn 0x405 ppn 0x9005") != std::string::npos);
  // The 16 operations before it, oldest first.
  CHECK(rep.find("#24 lookup vpn 0x404 asid 1 (load) -> hit way 4") != std::string::npos);
  CHECK(rep.find("#39 lookup vpn 0x413 asid 1") != std::string::npos);
  CHECK(rep.find("#23 ") == std::string::npos);
  CHECK(common::stats().value("test.tlb.lockstep.mismatches") == 1);
}

TEST_CASE("lockstep: selected through the configuration tree", "[cosim][lockstep]")
{
  common::sim().reset();
  common::config().reset();
  cosim::register_tlb_impls();
  common::config().set("mmu.dtlb.rtl_defect=ignore_asid");
  TlbParams p = params(32, 32, 16, 4, "plru");
  p.name = "mmu.dtlb";
  auto t = mmu::make_tlb(p, "lockstep");
  CHECK(t->describe().find("DEFECT ignore_asid") != std::string::npos);
  t->fill(entry(0x42, 0x1, 0, 3));
  t->lookup(0x42, 4, AccessKind::kLoad);
  CHECK(common::sim().exit_code() == 90);
}

// ---- RTL assertions stop the run instead of aborting the host ---------------------------------

TEST_CASE("rtl: a failed SystemVerilog assertion is reported, the process survives",
          "[cosim][assert]")
{
  common::sim().reset();
  auto t = rtl(params(8, 1, 0, 3, "plru"));
  t->fill(entry(0x1, 0x2, 0, 0));
  CHECK_FALSE(t->assertion_failed());
  t->fill(entry(0, 0x2, 3, 0));  // a 512 GiB page in a TLB built for 3 page sizes
  CHECK(t->assertion_failed());
  CHECK(common::sim().exit_code() == cosim::RtlTlb::kAssertExitCode);
}

// ---- waveform ---------------------------------------------------------------------------------

TEST_CASE("wave: the VCD holds the TLB's signals and their changes", "[cosim][wave]")
{
  const std::string path = "cosim_wave_test.vcd";
  std::remove(path.c_str());
  {
    auto t = rtl(params(64, 4, 16, 4, "lru"), path);
    t->fill(entry(0x123, 0x456, 0, 1));
    CHECK(t->lookup(0x123, 1, AccessKind::kLoad).hit);
    t->flush(flush_req(false, 0, false, 0));
  }
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string vcd = ss.str();
  CHECK(vcd.find("$scope module tlb $end") != std::string::npos);
  for (const char* sig : {"clk", "lookup_vpn", "lookup_hit", "fill_way", "fill_evict", "busy",
                          "flush_count", "perf_hit"})
    CHECK(vcd.find(std::string(" ") + sig + " ") != std::string::npos);
  // 3 reset/op cycles + 16 flush cycles, two dumps per cycle, 5 time units apart.
  CHECK(vcd.find("\n#100\n") != std::string::npos);
  // The fill's ppn (0x456 = 100 0101 0110) appears as a value change on fill_ppn.
  CHECK(vcd.find("10001010110 ") != std::string::npos);
}

// ---- user errors --------------------------------------------------------------------------------

TEST_CASE("rtl: a geometry that was not Verilated is a user error listing the built ones",
          "[cosim][errors]")
{
  TlbParams p = params(128, 8, 16, 4, "plru");
  p.name = "mmu.dtlb";
  try {
    rtl(p);
    FAIL("no error");
  } catch (const common::UserError& e) {
    const std::string m = e.what();
    CHECK(m.find("mmu.dtlb.impl: no RTL TLB was Verilated for 128:8:16:4:plru") == 0);
    CHECK(m.find("built: 32:32:16:4:plru, ") != std::string::npos);
    CHECK(m.find('\n') == std::string::npos);
  }
  CHECK_THROWS_AS(rtl(params(32, 32, 16, 4, "random")), common::UserError);
  CHECK_THROWS_AS(rtl(params(32, 32, 16, 4, "plru"), "/nonexistent-dir/x.vcd"),
                  common::UserError);
}

TEST_CASE("rtl: five page sizes (Sv57) and whole NAPOT entries are user errors naming the knob",
          "[cosim][errors]")
{
  TlbParams p = params(32, 32, 16, 5, "plru");
  p.name = "mmu.dtlb";
  CHECK_THROWS_WITH(rtl(p), Catch::StartsWith("mmu.dtlb.impl: the RTL TLB holds at most 4 page "
                                              "sizes") &&
                                Catch::Contains("sv57") && !Catch::Contains("\n"));
  p = params(32, 32, 16, 4, "plru");
  p.name = "mmu.itlb";
  p.napot = true;
  CHECK_THROWS_WITH(rtl(p), Catch::StartsWith("mmu.itlb.impl: the RTL TLB does not hold 64 KiB "
                                              "NAPOT") &&
                                Catch::Contains("mmu.napot split"));
}
