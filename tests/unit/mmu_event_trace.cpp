// mmu::EventTrace through the Mmu (mmu.trace.*): each case builds a page table, runs a few
// translations and fences with the trace on, and checks the lines against what the test set
// up: the PTE addresses a walk read, the fault it ended in, the victim of an eviction, the
// entries a flush removed, the cycle the platform's clock gave, and the filters. The file
// is complete once the bench (and its Mmu) is gone, so each case reads it after its scope.
// That the trace changes no statistic and no console output is a system test
// (mmu.trace.counts): SystemC elaborates only once per process.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "models/common/format.h"
#include "models/mmu/event_trace.h"
#include "tests/unit/mmu_testbench.h"

using namespace vmplat;
using test::MmuBench;
namespace pte = mmu::pte;
using common::hex;
using cpu::AccessKind;
using cpu::Priv;

namespace {
using test::kPa;
using test::kRW;
using test::kVa;

struct Line {
  uint64_t cycle = 0;
  unsigned hart = 0;
  std::string event;
  std::map<std::string, std::string> field;
  std::string text;
  const std::string& operator[](const std::string& key) const
  {
    static const std::string kAbsent = "(absent)";
    auto it = field.find(key);
    return it == field.end() ? kAbsent : it->second;
  }
};

std::vector<Line> read_trace(const std::string& path)
{
  std::vector<Line> lines;
  std::ifstream in(path);
  REQUIRE(in);
  for (std::string text; std::getline(in, text);) {
    if (text.empty() || text[0] == '#')
      continue;
    Line l;
    l.text = text;
    std::istringstream words(text);
    words >> l.cycle >> l.hart >> l.event;
    for (std::string kv; words >> kv;)
      l.field[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    lines.push_back(l);
  }
  return lines;
}

std::string events_of(const std::vector<Line>& lines)
{
  std::string out;
  for (const Line& l : lines) out += (out.empty() ? "" : " ") + l.event;
  return out;
}
}  // namespace

TEST_CASE("a walk line names the PTE addresses read, the PWC hits and the result")
{
  const std::string path = "mmu_event_trace_walk.log";
  uint64_t slots[3], slot2 = 0;
  {
    MmuBench b({"mmu.trace.file=" + path});
    b.map(kVa, kPa, kRW);
    b.map(kVa + 0x1000, kPa + 0x7000, kRW);
    for (unsigned level = 0; level < 3; ++level) slots[level] = b.slot_of(kVa, level);
    slot2 = b.slot_of(kVa + 0x1000, 0);
    uint64_t cycle = 1000;
    b.mmu.set_clock([&cycle] { return cycle; });
    CHECK(b.load(kVa + 0x10).pa == kPa + 0x10);
    cycle = 2000;
    CHECK(b.load(kVa + 0x10).ok);  // a hit: no line
    CHECK(b.store(kVa + 0x1008).pa == kPa + 0x7008);
  }
  const auto lines = read_trace(path);
  REQUIRE(events_of(lines) == "miss miss walk fill fill miss miss walk fill fill");
  CHECK(lines[0].cycle == 1000);
  CHECK(lines[0].hart == 0);
  CHECK(lines[0].text == "1000 0 miss tlb=dtlb access=load va=0x40001010 asid=1");
  CHECK(lines[1]["tlb"] == "l2tlb");
  const Line& w = lines[2];
  CHECK(w["levels"] == "3");
  CHECK(w["ptes"] == hex(slots[2]) + "," + hex(slots[1]) + "," + hex(slots[0]));
  CHECK(w["result"] == "ok");
  CHECK(w["pa"] == hex(kPa + 0x10));
  CHECK(w["level"] == "0");
  CHECK(w["flags"] == "DA---WRV");
  CHECK(std::stoull(w["latency"]) > 0);
  CHECK(w["reason"] == "(absent)");
  CHECK(lines[3].text.find(" fill tlb=l2tlb access=load va=0x40001010 asid=1 vpn=0x40001 "
                           "ppn=0x80203 level=0 global=0 flags=DA---WRV set=") !=
        std::string::npos);
  CHECK(lines[4]["tlb"] == "dtlb");
  CHECK(lines[4]["way"] == "0");
  // The second page shares the pointer PTEs, now in the page-walk cache.
  CHECK(lines[5].cycle == 2000);
  CHECK(lines[7]["access"] == "store");
  CHECK(lines[7]["ptes"] == hex(slots[2]) + "(pwc)," + hex(slots[1]) + "(pwc)," + hex(slot2));
  CHECK(lines[9]["way"] == "1");
}

TEST_CASE("a walk line names the fault cause and reason, also when the MMU decides it")
{
  const std::string path = "mmu_event_trace_faults.log";
  uint64_t hole_slot = 0;
  {
    MmuBench b({"mmu.trace.file=" + path});
    b.map(kVa, kPa, pte::kR | pte::kA);  // read-only
    // A leaf table in the hole (root slot 3), and a leaf PTE in ROM without A (slot 4).
    const uint64_t va_hole = 0xc0000000, va_rom = 0x100000000;
    b.write64(b.root + 3 * 8, MmuBench::pte(0x100000000000ull, pte::kV));
    hole_slot = 0x100000000000ull;
    const uint64_t l1 = b.alloc_table();
    b.write64(b.root + 4 * 8, MmuBench::pte(l1, pte::kV));
    b.write64(l1, MmuBench::pte(test::kRomBase, pte::kV));
    b.write64(test::kRomBase, MmuBench::pte(kPa, pte::kV | pte::kR | pte::kW));
    CHECK(b.store(kVa).cause == cpu::exc::kStorePageFault);
    CHECK(b.fetch(va_hole).cause == cpu::exc::kInstrAccessFault);
    CHECK(b.store(va_rom).cause == cpu::exc::kStoreAccessFault);
    CHECK(b.load(kVa + 0x5000).cause == cpu::exc::kLoadPageFault);
    CHECK(b.load(0x0000004000000000ull).cause == cpu::exc::kLoadPageFault);  // no walk
  }
  std::vector<Line> walks;
  for (const Line& l : read_trace(path)) {
    if (l.event == "walk")
      walks.push_back(l);
  }
  REQUIRE(walks.size() == 4);
  CHECK(walks[0]["result"] == "store_page_fault");
  CHECK(walks[0]["reason"] == "permission");
  CHECK(walks[0]["flags"] == "-A----RV");
  CHECK(walks[0]["pa"] == "(absent)");
  CHECK(walks[1]["result"] == "instr_access_fault");
  CHECK(walks[1]["reason"] == "pte_bus_error");
  CHECK(walks[1]["levels"] == "2");
  CHECK(walks[1]["ptes"].substr(walks[1]["ptes"].find(',') + 1) == hex(hole_slot));
  CHECK(walks[1]["flags"] == "(absent)");
  CHECK(walks[2]["result"] == "store_access_fault");
  CHECK(walks[2]["reason"] == "ad_bus_error");
  CHECK(walks[2]["ad_update"] == "1");
  CHECK(walks[3]["result"] == "load_page_fault");
  CHECK(walks[3]["reason"] == "pte_invalid");
  CHECK(walks[3]["level"] == "0");
}

TEST_CASE("a rewalk after a hit that does not permit the access is marked")
{
  const std::string path = "mmu_event_trace_rewalk.log";
  {
    MmuBench b({"mmu.trace.file=" + path});
    b.map(kVa, kPa, pte::kR | pte::kW | pte::kA);  // D clear: the first store rewalks
    CHECK(b.load(kVa).ok);
    CHECK(b.store(kVa).ok);
  }
  const auto lines = read_trace(path);
  REQUIRE(events_of(lines) == "miss miss walk fill fill walk fill fill");
  CHECK(lines[5]["rewalk"] == "1");
  CHECK(lines[5]["ad_update"] == "1");
  CHECK(lines[5]["flags"] == "-A---WRV");  // as read, before the update
  CHECK(lines[6]["flags"] == "DA---WRV");
  CHECK(lines[2]["rewalk"] == "(absent)");
}

TEST_CASE("an evict line names the victim, a flush line what it removed")
{
  const std::string path = "mmu_event_trace_evict.log";
  {
    MmuBench b({"mmu.trace.file=" + path, "mmu.dtlb.entries=2", "mmu.dtlb.ways=2",
                "mmu.dtlb.policy=lru", "mmu.l2tlb.entries=0", "mmu.itlb.asid_bits=0"});
    for (unsigned i = 0; i < 3; ++i) b.map(kVa + 0x1000 * i, kPa + 0x1000 * i, kRW);
    b.load(kVa, Priv::kS, 0, 5);
    b.load(kVa + 0x1000, Priv::kS, 0, 5);
    b.load(kVa + 0x2000, Priv::kS, 0, 5);  // evicts kVa (LRU)
    b.mmu.sfence_vma(true, kVa + 0x1000, true, 5);
    b.mmu.sfence_vma(true, kVa + 0x2abc, false, 0);
    b.mmu.sfence_vma(false, 0, true, 5);
    b.mmu.sfence_vma(false, 0, false, 0);
    b.mmu.satp_written(b.satp(5), b.satp(6));  // the ITLB has no ASIDs
  }
  const auto lines = read_trace(path);
  std::vector<Line> evicts, flushes;
  for (const Line& l : lines) {
    if (l.event == "evict")
      evicts.push_back(l);
    if (l.event == "flush")
      flushes.push_back(l);
    CHECK(l["tlb"] != "l2tlb");  // off: no line
  }
  REQUIRE(evicts.size() == 1);
  CHECK(evicts[0].text ==
        "0 0 evict tlb=dtlb access=load va=0x40003000 asid=5 vpn=0x40001 "
        "ppn=0x80203 level=0 global=0 flags=DA---WRV entry_asid=5 set=0 way=0");
  REQUIRE(flushes.size() == 9);
  CHECK(flushes[0].text == "0 0 flush tlb=itlb kind=vaddr_asid va=0x40002000 asid=5 entries=0");
  CHECK(flushes[1].text == "0 0 flush tlb=dtlb kind=vaddr_asid va=0x40002000 asid=5 entries=1");
  CHECK(flushes[3].text == "0 0 flush tlb=dtlb kind=vaddr va=0x40003abc entries=1");
  CHECK(flushes[5].text == "0 0 flush tlb=dtlb kind=asid asid=5 entries=0");
  CHECK(flushes[7]["kind"] == "all");
  CHECK(flushes[8].text == "0 0 flush tlb=itlb kind=satp entries=0");
}

TEST_CASE("mmu.trace.events and mmu.trace.vaddr keep only what they name")
{
  const std::string path = "mmu_event_trace_filter.log";
  {
    MmuBench b(
        {"mmu.trace.file=" + path, "mmu.trace.events=walk,flush", "mmu.trace.vaddr=0x40002000+4K"});
    for (unsigned i = 0; i < 3; ++i) b.map(kVa + 0x1000 * i, kPa + 0x1000 * i, kRW);
    for (unsigned i = 0; i < 3; ++i) b.load(kVa + 0x1000 * i + 0x20);
    b.mmu.sfence_vma(true, kVa, true, 1);          // outside: dropped
    b.mmu.sfence_vma(true, 0x40002fff, false, 0);  // inside
    b.mmu.sfence_vma(false, 0, false, 0);          // no address: kept
  }
  const auto lines = read_trace(path);
  REQUIRE(events_of(lines) == "walk flush flush flush flush flush flush");
  CHECK(lines[0]["va"] == "0x40002020");
  CHECK(lines[1]["va"] == "0x40002fff");
  CHECK(lines[6]["kind"] == "all");
  std::ifstream in(path);
  std::string header((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(header.find("# filter: events=flush,walk vaddr=0x40002000-0x40002fff\n") !=
        std::string::npos);
}

TEST_CASE("mmu.trace.vaddr accepts LO-HI and LO+SIZE, mmu.trace.events the five names")
{
  using mmu::EventTrace;
  uint64_t lo = 1, hi = 0;
  CHECK(EventTrace::parse_range("", lo, hi));
  CHECK((lo == 0 && hi == UINT64_MAX));
  CHECK(EventTrace::parse_range("0x1000-0x1fff", lo, hi));
  CHECK((lo == 0x1000 && hi == 0x1fff));
  CHECK(EventTrace::parse_range("4096+4K", lo, hi));
  CHECK((lo == 4096 && hi == 8191));
  CHECK(EventTrace::parse_range("0x5-0x5", lo, hi));
  CHECK(EventTrace::parse_range("0xffffffffffffffff+1", lo, hi));
  CHECK(hi == UINT64_MAX);
  for (const char* bad : {"0x2000-0x1000", "0x1000", "0x1000+0", "0x1000+", "-0x10", "1-", "x-y",
                          "0xffffffffffffffff+2", "0x10 - 0x20"})
    CHECK_FALSE(EventTrace::parse_range(bad, lo, hi));

  unsigned mask = 0;
  std::string bad;
  CHECK(EventTrace::parse_events("miss,fill,evict,flush,walk", mask, bad));
  CHECK(mask == EventTrace::kAllEvents);
  CHECK(EventTrace::parse_events("walk", mask, bad));
  CHECK(mask == 1u << unsigned(EventTrace::Event::kWalk));
  CHECK_FALSE(EventTrace::parse_events("walk,misses", mask, bad));
  CHECK(bad == "misses");
  CHECK_FALSE(EventTrace::parse_events("", mask, bad));
  CHECK_FALSE(EventTrace::parse_events("miss,", mask, bad));
}

TEST_CASE("bad trace settings are user errors naming the key")
{
  CHECK_THROWS_WITH(
      MmuBench({"mmu.trace.events=miss,bogus"}),
      Catch::Contains("mmu.trace.events: unknown event 'bogus'") && Catch::Contains("allowed"));
  CHECK_THROWS_WITH(MmuBench({"mmu.trace.vaddr=0x10-0x1"}),
                    Catch::Contains("mmu.trace.vaddr: bad range '0x10-0x1'"));
  CHECK_THROWS_WITH(MmuBench({"mmu.trace.file=/nonexistent/dir/t.log"}),
                    Catch::Equals("mmu.trace.file: cannot open '/nonexistent/dir/t.log' for "
                                  "writing"));
}

TEST_CASE("the MMUs of several harts write one trace and each line carries its hart's id")
{
  const std::string path = "mmu_event_trace_harts.log";
  {
    std::unique_ptr<mmu::Mmu> third;
    MmuBench b({"mmu.trace.file=" + path}, false, [&third](MmuBench& bench) {
      common::StatsPrefix prefix("hart2.");
      third =
          std::make_unique<mmu::Mmu>("mmu2", sc_core::sc_time(1, sc_core::SC_NS), 2, &bench.mmu);
      third->isock.bind(bench.router.tsock);
    });
    b.map(kVa, kPa, kRW);
    b.load(kVa);
    cpu::XlateContext ctx{Priv::kS, 0, b.satp(1), 0, b.menvcfg};
    cpu::XlateResult r;
    REQUIRE(third->translate(kVa, 8, AccessKind::kLoad, ctx, r));
    third->sfence_vma(false, 0, false, 0);
  }
  const auto lines = read_trace(path);
  std::string harts;
  for (const Line& l : lines) harts += std::to_string(l.hart) + l.event.substr(0, 2) + " ";
  // Hart 0 misses both TLBs, walks and fills; hart 2 does the same, then fences.
  CHECK(harts == "0mi 0mi 0wa 0fi 0fi 2mi 2mi 2wa 2fi 2fi 2fl 2fl 2fl ");
}
