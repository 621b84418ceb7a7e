// mem::DramTiming: each latency case with hand-computed numbers (DDR4-3200 defaults:
// tCL = tRCD = tRP = 22, tRAS = 52, tBURST = 4, tREFI = 12480, tRFC = 560), refresh,
// the address mapping.
#include <catch2/catch.hpp>

#include <vector>

#include "models/mem/dram_timing.h"

using namespace vmplat::mem;

namespace {

// Default mapping, 1 channel, 1 rank: offset bits 0-5, column 6-12, bank 13-14,
// bank group 15-16, row 17 and up.
constexpr uint64_t kBank1 = 1ull << 13;
constexpr uint64_t kRow1 = 1ull << 17;

DramTiming make(DramGeometry g = {}, const char* mapping = nullptr)
{
  DramMapping m;
  if (mapping)
    REQUIRE(m.parse(mapping).empty());
  REQUIRE(DramTiming::check_geometry(g).empty());
  return DramTiming(g, DramTimingParams{}, m);
}

}  // namespace

TEST_CASE("dram timing: closed bank then row hit then row conflict")
{
  DramTiming t = make();
  auto r = t.access(0, 8, 100);
  CHECK(r.misses == 1);
  CHECK(r.latency == 22 + 22 + 4);  // tRCD + tCL + tBURST
  r = t.access(0x40, 8, 200);
  CHECK(r.hits == 1);
  CHECK(r.latency == 22 + 4);  // tCL + tBURST
  // Row 1 of bank 0 at 300: the row opened at 100 has met tRAS (52), so
  // tRP + tRCD + tCL + tBURST.
  r = t.access(kRow1, 8, 300);
  CHECK(r.conflicts == 1);
  CHECK(r.latency == 22 + 22 + 22 + 4);
  CHECK(t.counters(0).row_hits->value() == 1);
  CHECK(t.counters(0).row_misses->value() == 1);
  CHECK(t.counters(0).row_conflicts->value() == 1);
}

TEST_CASE("dram timing: a conflict soon after an activate waits for tRAS")
{
  DramTiming t = make();
  // Activate at 100 (closed bank), column at 122, bank ready for a command at 126.
  REQUIRE(t.access(0, 8, 100).latency == 48);
  // Another row at 130: precharge no earlier than 100 + tRAS = 152, activate 174,
  // column 196, data 218..222: latency 92 = 22 cycles of tRAS + 70.
  auto r = t.access(kRow1, 8, 130);
  CHECK(r.conflicts == 1);
  CHECK(r.latency == 92);
}

TEST_CASE("dram timing: refresh blocks the rank for tRFC and closes its rows")
{
  DramTiming t = make();
  REQUIRE(t.access(0, 8, 100).misses == 1);
  // Arrival at 12480 + 100, inside the first refresh window [12480, 13040): wait 460,
  // then the refresh has closed the row: a closed-bank access, 48.
  auto r = t.access(0x40, 8, 12580);
  CHECK(r.refresh_stall == 460);
  CHECK(r.misses == 1);
  CHECK(r.latency == 460 + 48);
  // Just after the second window (ends at 24960 + 560 = 25520): no stall, row closed.
  r = t.access(0x40, 8, 25520);
  CHECK(r.refresh_stall == 0);
  CHECK(r.misses == 1);
  CHECK(r.latency == 48);
  // Just before the third window: no stall, the row is still open.
  r = t.access(0x80, 8, 37439);
  CHECK(r.hits == 1);
  CHECK(r.latency == 26);
}

// docs/memory.md: a refresh is all-bank, in every rank, and closes every row of the rank.
// Two ranks of 16 banks: a row opened in each of the 32 banks is still open before the
// first refresh (32 hits) and closed after it (32 misses, one activate per bank).
TEST_CASE("dram timing: a refresh closes the open row of every bank in every rank")
{
  DramGeometry g;
  g.ranks = 2;
  DramTiming t = make(g);
  REQUIRE(t.bank_count() == 32);
  std::vector<uint64_t> addr_of(t.bank_count(), ~0ull);
  for (uint64_t a = 0; a < g.size; a += g.burst_bytes) {
    const DramAddress d = t.decode(a);
    if (d.row == 0 && d.column == 0 && addr_of[t.bank_index(d)] == ~0ull)
      addr_of[t.bank_index(d)] = a;
  }
  for (uint64_t a : addr_of)
    REQUIRE(a != ~0ull);
  const auto sweep = [&](uint64_t start) {
    DramTiming::Result sum;
    for (size_t i = 0; i < addr_of.size(); ++i) {
      const DramTiming::Result r = t.access(addr_of[i] + 0x40, 8, start + 100 * i);
      sum.hits += r.hits;
      sum.misses += r.misses;
      sum.conflicts += r.conflicts;
    }
    return sum;
  };
  CHECK(sweep(100).misses == 32);  // every bank activates row 0
  const DramTiming::Result before = sweep(6000);
  CHECK(before.hits == 32);
  const DramTiming::Result after = sweep(13040);  // after the window [12480, 13040)
  CHECK(after.hits == 0);
  CHECK(after.misses == 32);
  CHECK(after.conflicts == 0);
}

TEST_CASE("dram timing: refresh disabled with tREFI = 0 keeps rows open")
{
  DramTimingParams p;
  p.tREFI = 0;
  DramTiming t(DramGeometry{}, p, DramMapping{});
  t.access(0, 8, 100);
  auto r = t.access(0, 8, 12580);
  CHECK(r.hits == 1);
  CHECK(r.latency == 26);
}

TEST_CASE("dram timing: banks work in parallel but share the channel's data bus")
{
  DramTiming t = make();
  REQUIRE(t.access(0, 8, 1000).latency == 48);
  // Bank 1 at the same cycle: column at 1022, data ready at 1044 but the bus is busy
  // until 1048: done at 1052.
  auto r = t.access(kBank1, 8, 1000);
  CHECK(r.misses == 1);
  CHECK(r.latency == 52);
  // Bank 0 is not disturbed by bank 1: still a hit.
  CHECK(t.access(0x40, 8, 2000).hits == 1);
}

TEST_CASE("dram timing: a 256-byte access is four bursts back to back")
{
  DramTiming t = make();
  t.access(0, 8, 0);
  auto r = t.access(0, 256, 1000);
  CHECK(r.bursts == 4);
  CHECK(r.hits == 4);
  CHECK(r.latency == 22 + 4 * 4);  // tCL + 4 tBURST
  // Unaligned: 8 bytes straddling a burst boundary are two bursts.
  CHECK(t.access(0x3c, 8, 2000).bursts == 2);
}

TEST_CASE("dram timing: the mapping decides which bits select channel rank bank and row")
{
  DramGeometry g;
  g.channels = 2;
  g.ranks = 2;
  g.size = 1ull << 30;
  DramTiming t = make(g);
  // Default order row:rank:bankgroup:bank:channel:column above the 6 offset bits:
  // column 6-12, channel 13, bank 14-15, bank group 16-17, rank 18, row 19 up.
  uint64_t addr = (0x123ull << 19) | (1ull << 18) | (2ull << 16) | (3ull << 14) | (1ull << 13) |
                  (0x55ull << 6) | 0x21;
  DramAddress a = t.decode(addr);
  CHECK(a.row == 0x123);
  CHECK(a.rank == 1);
  CHECK(a.bankgroup == 2);
  CHECK(a.bank == 3);
  CHECK(a.channel == 1);
  CHECK(a.column == 0x55);
  CHECK(t.bank_index(a) == ((1 * 2 + 1) * 4 + 2) * 4 + 3);
  CHECK(t.bank_count() == 64);

  // Channel in the lowest bits: consecutive bursts alternate channels.
  DramTiming u = make(g, "row:rank:bankgroup:bank:column:channel");
  a = u.decode(addr);
  CHECK(a.channel == ((addr >> 6) & 1));
  CHECK(a.column == ((addr >> 7) & 0x7f));
  CHECK(u.decode(0x40).channel == 1);
  // So two bursts move in parallel on two buses: 48, where one channel needs 48 + 4.
  CHECK(u.access(0, 128, 0).latency == 48);
  DramTiming one = make(DramGeometry{});
  CHECK(one.access(0, 128, 0).latency == 52);
}

TEST_CASE("dram timing: mapping strings are checked")
{
  DramMapping m;
  CHECK(m.parse("row:rank:bankgroup:bank:channel:column").empty());
  CHECK(m.to_string() == "row:rank:bankgroup:bank:channel:column");
  CHECK(m.parse("column:channel:bank:bankgroup:rank:row").empty());
  CHECK(m.to_string() == "column:channel:bank:bankgroup:rank:row");
  CHECK(m.parse("row:rank:bankgroup:bank:channel").find("once") != std::string::npos);
  CHECK(m.parse("row:row:bankgroup:bank:channel:column").find("twice") != std::string::npos);
  CHECK(m.parse("row:rank:bg:bank:channel:column").find("unknown field 'bg'") !=
        std::string::npos);
  CHECK(m.to_string() == "column:channel:bank:bankgroup:rank:row");  // unchanged by failures
  DramGeometry g;
  g.banks = 3;
  CHECK(!DramTiming::check_geometry(g).empty());
}

TEST_CASE("the per-burst bank index agrees with decode for every mapping and geometry")
{
  DramGeometry g;
  g.channels = 2;
  g.ranks = 4;
  g.bankgroups = 2;
  g.banks = 8;
  g.size = 1ull << 32;
  DramGeometry single;  // one channel and one rank: their fields take no bits
  const char* mappings[] = {"row:rank:bankgroup:bank:channel:column",
                            "row:rank:bankgroup:bank:column:channel",
                            "channel:rank:row:column:bank:bankgroup",
                            "bankgroup:column:row:channel:bank:rank"};
  for (const DramGeometry& geo : {g, single}) {
    for (const char* mapping : mappings) {
      DramTiming t = make(geo, mapping);
      uint64_t x = 0x9e3779b97f4a7c15ull;
      for (int i = 0; i < 2000; ++i) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const uint64_t addr = x & (geo.size - 1);
        INFO(mapping << ", address " << addr);
        REQUIRE(t.bank_of(addr) == t.bank_index(t.decode(addr)));
      }
    }
  }
}

TEST_CASE(
    "dram timing: an arrival from the past waits for later reservations unless they are its future")
{
  // Another hart ran ahead: 64 bursts of one row from cycle 1000 keep bank 0 and the bus
  // busy until 1000 + 48 + 63 * 4. Then an access arrives at cycle 500 in the same row.
  for (const bool idle : {false, true}) {
    DramTiming t = make();
    t.set_past_arrivals_idle(idle);
    REQUIRE(t.access(0, 64 * 64, 1000).latency == 48 + 63 * 4);
    const auto r = t.access(0x40, 8, 500);
    CHECK(r.hits == 1);
    if (idle)
      CHECK(r.latency == 22 + 4);  // the open row, nothing else: tCL + tBURST
    else
      CHECK(r.latency == 1000 + 48 + 63 * 4 + 4 - 500);  // behind the bank's last burst
    // An access after the latest arrival waits for the bank and the bus as always.
    CHECK(t.access(0x80, 8, 1100).latency == 1000 + 48 + 63 * 4 + (idle ? 4 : 8) - 1100);
  }
}
