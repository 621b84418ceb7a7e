// mem::Cache: hit/miss/eviction/write-back counts worked out by hand on small geometries, the
// latency of hits, misses and write-backs, the traffic it sends down, pass-through of what it
// does not cache (with the TLM error kept), and the geometry checks.
#include <catch2/catch.hpp>

#include <cstring>
#include <memory>
#include <vector>

#include "models/common/config.h"
#include "models/mem/cache.h"
#include "tests/unit/mmu_testbench.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_ZERO_TIME;

namespace {

constexpr uint64_t kBase = 0x1000;  // the cacheable range: [kBase, kBase + kSize)
constexpr uint64_t kSize = 0x20000;
constexpr uint64_t kOutside = 0x30000;  // in memory, outside the cacheable range
constexpr uint64_t kHole = 0x8000;      // 256 bytes inside the range where memory fails
const sc_time kMemTime(100, SC_NS);     // every b_transport of the memory

// A memory of 256 KiB that logs every b_transport with the delay it arrived with, takes
// kMemTime for each, and answers TLM_ADDRESS_ERROR_RESPONSE in [kHole, kHole + 0x100). It
// grants timed DMI over all of it (itself as the model of data and fetches), whose accesses
// it logs and times the same way, `at` as the delay.
class LoggingMemory : public sc_core::sc_module, public common::TimedMemory {
 public:
  struct Access {
    tlm::tlm_command cmd;
    uint64_t addr;
    unsigned len;
    sc_time at;
  };
  tlm_utils::simple_target_socket<LoggingMemory> tsock;
  std::vector<uint8_t> mem = std::vector<uint8_t>(0x40000, 0);
  std::vector<Access> log;

  explicit LoggingMemory(sc_core::sc_module_name name) : sc_module(name), tsock("tsock")
  {
    tsock.register_b_transport(this, &LoggingMemory::b_transport);
    tsock.register_transport_dbg(this, &LoggingMemory::transport_dbg);
    tsock.register_get_direct_mem_ptr(this, &LoggingMemory::get_direct_mem_ptr);
  }
  uint64_t timed_access(uint64_t offset, unsigned len, bool write, uint64_t at) override
  {
    log.push_back({write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, offset, len,
                   sc_time::from_value(at)});
    return at + kMemTime.value();
  }
  uint64_t load64(uint64_t addr) const
  {
    uint64_t v;
    std::memcpy(&v, &mem.at(addr), 8);
    return v;
  }

 private:
  bool fails(uint64_t addr, unsigned len) const
  {
    return addr + len > mem.size() || (addr < kHole + 0x100 && addr + len > kHole);
  }
  void b_transport(tlm::tlm_generic_payload& tx, sc_time& delay)
  {
    log.push_back({tx.get_command(), tx.get_address(), tx.get_data_length(), delay});
    delay += kMemTime;
    if (fails(tx.get_address(), tx.get_data_length())) {
      tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    transport_dbg(tx);
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& tx, tlm::tlm_dmi& dmi)
  {
    common::TimedDmi* timed = nullptr;
    tx.get_extension(timed);
    dmi.set_dmi_ptr(mem.data());
    dmi.set_start_address(0);
    dmi.set_end_address(mem.size() - 1);
    dmi.allow_read_write();
    if (timed)
      timed->memory = timed->fetch_memory = this;
    return true;
  }
  unsigned transport_dbg(tlm::tlm_generic_payload& tx)
  {
    const unsigned len = tx.get_data_length();
    if (fails(tx.get_address(), len))
      return 0;
    if (tx.is_write())
      std::memcpy(&mem[tx.get_address()], tx.get_data_ptr(), len);
    else if (tx.is_read())
      std::memcpy(tx.get_data_ptr(), &mem[tx.get_address()], len);
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
    return len;
  }
};

// Line n of the range: line number (kBase >> 6) + n, so set = n % 2 (0x1000 >> 6 is even).
constexpr uint64_t line(unsigned n)
{
  return kBase + 64 * n;
}
constexpr uint64_t kA = line(0), kB = line(1), kC = line(2), kE = line(4);  // A, C, E: set 0

// An initiator, a cache named "cache.<name>" (keys and statistics) with 1 ns cycles, and the
// logging memory behind it.
struct Chain {
  test::TestInitiator cpu;
  std::unique_ptr<mem::Cache> cache;
  LoggingMemory memory;
  std::string prefix;

  Chain(const std::string& name, const mem::Cache::Params& defaults)
      : cpu((name + "_cpu").c_str()), memory((name + "_mem").c_str()), prefix("cache." + name)
  {
    cache = std::make_unique<mem::Cache>(name.c_str(), prefix,
                                         mem::Cache::read_config(prefix, defaults),
                                         sc_time(1, SC_NS), kBase, kSize);
    cpu.isock.bind(cache->tsock);
    cache->isock.bind(memory.tsock);
  }
  // Asks for DMI as the hart does (with a TimedDmi extension when `timed`).
  bool dmi(bool timed, common::TimedDmi& ext)
  {
    tlm::tlm_generic_payload t;
    tlm::tlm_dmi d;
    t.set_address(kA);
    t.set_command(tlm::TLM_READ_COMMAND);
    if (timed)
      t.set_extension(&ext);
    const bool granted = cpu.isock->get_direct_mem_ptr(t, d);
    if (timed)
      t.clear_extension(&ext);
    return granted;
  }
  uint64_t stat(const char* leaf) const
  {
    return uint64_t(common::stats().value(prefix + "." + leaf));
  }
  // The delay an access returned with, starting from `start`.
  sc_time timed(tlm::tlm_command cmd, uint64_t addr, sc_time start = SC_ZERO_TIME)
  {
    uint64_t v = 0;
    sc_time out;
    REQUIRE(cpu.access(cmd, addr, 8, v, start, &out) == tlm::TLM_OK_RESPONSE);
    return out;
  }
};

// 2 sets x 2 ways x 64-byte lines = 256 bytes, 3 cycles.
mem::Cache::Params tiny(mem::Cache::Policy policy, bool write_through = false)
{
  return {256, 2, 64, 3, policy, write_through, 1};
}

// The sequence both replacement tests run; returns nothing, the counters tell.
void run_sequence(Chain& c)
{
  c.cpu.read64(kA);       // 1
  c.cpu.read64(kA + 8);   // 2
  c.cpu.write64(kC, 1);   // 3
  c.cpu.read64(kB);       // 4
  c.cpu.read64(kA);       // 5
  c.cpu.read64(kE);       // 6
  c.cpu.read64(kC);       // 7
  c.cpu.read64(kB + 56);  // 8
  c.cpu.write64(kE, 2);   // 9
  c.cpu.read64(kA);       // 10
}

std::vector<std::pair<tlm::tlm_command, uint64_t>> traffic(const LoggingMemory& m)
{
  std::vector<std::pair<tlm::tlm_command, uint64_t>> t;
  for (const auto& a : m.log) {
    CHECK(a.len == 64);  // only whole lines go down
    t.push_back({a.cmd, a.addr});
  }
  return t;
}

constexpr auto kRead = tlm::TLM_READ_COMMAND;
constexpr auto kWrite = tlm::TLM_WRITE_COMMAND;

}  // namespace

TEST_CASE("LRU, write-back, 2 sets x 2 ways: the hand-worked sequence")
{
  test::reset_globals();
  Chain c("t", tiny(mem::Cache::Policy::kLru));
  test::elaborate();
  REQUIRE(c.cache->sets() == 2);
  run_sequence(c);
  // set 0 holds A, C, E (lines 0, 2, 4), set 1 holds B (line 1); [ways] oldest use first.
  //  1 read A     miss, fill A            set0 [A]
  //  2 read A+8   hit (same line)         set0 [A]
  //  3 write C    miss, fill C, dirty     set0 [A C*]
  //  4 read B     miss, fill B            set1 [B]
  //  5 read A     hit                     set0 [C* A]
  //  6 read E     miss, fill E; evict C (LRU, dirty): write-back C       set0 [A E]
  //  7 read C     miss, fill C; evict A (clean)                           set0 [E C]
  //  8 read B+56  hit                     set1 [B]
  //  9 write E    hit, E dirty            set0 [C E*]
  // 10 read A     miss, fill A; evict C (clean)                           set0 [E* A]
  CHECK(c.stat("reads") == 8);
  CHECK(c.stat("writes") == 2);
  CHECK(c.stat("read_hits") == 3);     // 2, 5, 8
  CHECK(c.stat("read_misses") == 5);   // 1, 4, 6, 7, 10
  CHECK(c.stat("write_hits") == 1);    // 9
  CHECK(c.stat("write_misses") == 1);  // 3
  CHECK(c.stat("evictions") == 3);     // 6, 7, 10
  CHECK(c.stat("writebacks") == 1);    // 6
  CHECK(c.stat("fills") == 6);
  CHECK(c.stat("uncached") == 0);
  CHECK(common::stats().value("cache.t.hit_rate") == Approx(0.4));
  const std::vector<std::pair<tlm::tlm_command, uint64_t>> expected = {
      {kRead, kA}, {kRead, kC}, {kRead, kB}, {kRead, kE}, {kWrite, kC}, {kRead, kC}, {kRead, kA}};
  CHECK(traffic(c.memory) == expected);
}

TEST_CASE("FIFO replaces the line filled first, however recently it was used")
{
  test::reset_globals();
  Chain c("t", tiny(mem::Cache::Policy::kFifo));
  test::elaborate();
  run_sequence(c);
  // [ways] in fill order:
  //  1 miss A [A]; 2 hit; 3 miss C [A C*]; 4 miss B; 5 hit A (order unchanged)
  //  6 read E   miss; evict A (filled first, clean)           set0 [C* E]
  //  7 read C   hit
  //  8 hit B; 9 write E hit, dirty                            set0 [C* E*]
  // 10 read A   miss; evict C (dirty): write-back C           set0 [E* A]
  CHECK(c.stat("read_hits") == 4);    // 2, 5, 7, 8
  CHECK(c.stat("read_misses") == 4);  // 1, 4, 6, 10
  CHECK(c.stat("write_hits") == 1);
  CHECK(c.stat("write_misses") == 1);
  CHECK(c.stat("evictions") == 2);
  CHECK(c.stat("writebacks") == 1);
  const std::vector<std::pair<tlm::tlm_command, uint64_t>> expected = {
      {kRead, kA}, {kRead, kC}, {kRead, kB}, {kRead, kE}, {kRead, kA}, {kWrite, kC}};
  CHECK(traffic(c.memory) == expected);
}

TEST_CASE("random replacement repeats from run to run and keeps part of a cycle LRU loses")
{
  test::reset_globals();
  // One set of 4 ways; a cycle over 5 lines of it, 20 times. LRU always evicts the line
  // needed next: every access misses. Random keeps some.
  const mem::Cache::Params one_set_lru = {256, 4, 64, 3, mem::Cache::Policy::kLru, false, 1};
  mem::Cache::Params one_set_random = one_set_lru;
  one_set_random.policy = mem::Cache::Policy::kRandom;
  Chain lru("lru", one_set_lru);
  Chain r1("r1", one_set_random);
  Chain r2("r2", one_set_random);
  test::elaborate();
  for (unsigned round = 0; round < 20; ++round)
    for (unsigned n = 0; n < 5; ++n)
      for (Chain* c : {&lru, &r1, &r2}) c->cpu.read64(line(n));
  CHECK(lru.stat("read_hits") == 0);
  CHECK(lru.stat("read_misses") == 100);
  CHECK(r1.stat("read_hits") > 0);
  CHECK(r1.stat("read_hits") + r1.stat("read_misses") == 100);
  CHECK(r2.stat("read_hits") == r1.stat("read_hits"));
  CHECK(r2.stat("evictions") == r1.stat("evictions"));
}

TEST_CASE("a hit costs hit_cycles, a miss hit_cycles and its fill, a write-back is not waited for")
{
  test::reset_globals();
  Chain c("t", tiny(mem::Cache::Policy::kLru));
  test::elaborate();
  const sc_time hit(3, SC_NS);  // 3 cycles of 1 ns
  const sc_time start(50, SC_NS);
  CHECK(c.timed(kRead, kA, start) == start + hit + kMemTime);  // miss
  REQUIRE(c.memory.log.size() == 1);
  CHECK(c.memory.log[0].at == start + hit);              // the fill leaves after the lookup
  CHECK(c.timed(kRead, kA + 16, start) == start + hit);  // hit
  CHECK(c.timed(kWrite, kA, start) == start + hit);      // write hit: A dirty
  CHECK(c.timed(kRead, kC) == hit + kMemTime);           // set 0 full: [A* C]
  CHECK(c.memory.log.size() == 2);
  // E evicts A, dirty: the fill is waited for, the write-back after it is not.
  CHECK(c.timed(kRead, kE) == hit + kMemTime);
  REQUIRE(c.memory.log.size() == 4);
  CHECK(c.memory.log[2].addr == kE);
  CHECK(c.memory.log[3].cmd == kWrite);
  CHECK(c.memory.log[3].addr == kA);
  CHECK(c.memory.log[3].at == hit + kMemTime);  // it leaves when the fill is done
}

TEST_CASE("timed DMI through the cache: the same counts, traffic and times as b_transport")
{
  test::reset_globals();
  Chain c("t", tiny(mem::Cache::Policy::kLru));
  test::elaborate();
  common::TimedDmi plain;
  CHECK_FALSE(c.dmi(false, plain));  // plain DMI would bypass the cache
  common::TimedDmi ext;
  REQUIRE(c.dmi(true, ext));
  REQUIRE(ext.memory == c.cache.get());  // data accesses: the cache's model
  CHECK(ext.fetch_memory == &c.memory);  // fetches: past it, to the memory
  common::TimedMemory& m = *ext.memory;
  const uint64_t hit = sc_time(3, SC_NS).value(), mem = kMemTime.value();
  // The hand-worked sequence of the LRU case, at offsets from the region's start (0).
  const uint64_t at = sc_time(50, SC_NS).value();
  CHECK(m.timed_access(kA, 8, false, at) == at + hit + mem);  //  1 miss
  CHECK(m.timed_access(kA + 8, 8, false, at) == at + hit);    //  2 hit
  m.timed_access(kC, 8, true, 0);                             //  3
  m.timed_access(kB, 8, false, 0);                            //  4
  m.timed_access(kA, 8, false, 0);                            //  5
  CHECK(m.timed_access(kE, 8, false, 0) == hit + mem);        //  6 miss, dirty C evicted
  m.timed_access(kC, 8, false, 0);                            //  7
  m.timed_access(kB + 56, 8, false, 0);                       //  8
  m.timed_access(kE, 8, true, 0);                             //  9
  m.timed_access(kA, 8, false, 0);                            // 10
  CHECK(c.stat("reads") == 8);
  CHECK(c.stat("writes") == 2);
  CHECK(c.stat("read_hits") == 3);
  CHECK(c.stat("read_misses") == 5);
  CHECK(c.stat("write_hits") == 1);
  CHECK(c.stat("write_misses") == 1);
  CHECK(c.stat("evictions") == 3);
  CHECK(c.stat("writebacks") == 1);
  const std::vector<std::pair<tlm::tlm_command, uint64_t>> expected = {
      {kRead, kA}, {kRead, kC}, {kRead, kB}, {kRead, kE}, {kWrite, kC}, {kRead, kC}, {kRead, kA}};
  CHECK(traffic(c.memory) == expected);
  CHECK(c.memory.log[4].at == sc_time::from_value(hit + mem));  // the write-back, after the fill
  // Outside the cacheable range: straight to the memory behind, not counted.
  CHECK(m.timed_access(kOutside, 8, false, 0) == mem);
  CHECK(c.memory.log.back().addr == kOutside);
  CHECK(c.stat("reads") == 8);
}

TEST_CASE("write-through: writes go down as they are and a write miss allocates nothing")
{
  test::reset_globals();
  Chain c("t", tiny(mem::Cache::Policy::kLru, true));
  test::elaborate();
  const sc_time hit(3, SC_NS);
  CHECK(c.timed(kWrite, kA + 8) == hit + kMemTime);  // miss: only the write goes down
  REQUIRE(c.memory.log.size() == 1);
  CHECK(c.memory.log[0].cmd == kWrite);
  CHECK(c.memory.log[0].addr == kA + 8);
  CHECK(c.memory.log[0].len == 8);
  CHECK(c.timed(kRead, kA) == hit + kMemTime);        // not allocated by the write: a miss
  CHECK(c.timed(kWrite, kA + 16) == hit + kMemTime);  // hit, and the write goes down
  CHECK(c.memory.log.size() == 3);
  c.cpu.read64(kC);
  c.cpu.read64(kE);  // evicts A, which is clean: no write-back
  CHECK(c.stat("write_misses") == 1);
  CHECK(c.stat("write_hits") == 1);
  CHECK(c.stat("read_misses") == 3);
  CHECK(c.stat("evictions") == 1);
  CHECK(c.stat("writebacks") == 0);
  CHECK(c.memory.log.size() == 5);
}

TEST_CASE("the data: writes reach memory, reads return memory's bytes, hit or miss")
{
  test::reset_globals();
  Chain c("t", tiny(mem::Cache::Policy::kLru));
  test::elaborate();
  c.cpu.write64(kB + 8, 0x1122334455667788ull);  // write miss: fill, then the data
  CHECK(c.cpu.last_status == tlm::TLM_OK_RESPONSE);
  CHECK(c.memory.load64(kB + 8) == 0x1122334455667788ull);
  CHECK(c.cpu.read64(kB + 8) == 0x1122334455667788ull);  // hit
  std::memcpy(&c.memory.mem[kC], "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  CHECK(c.cpu.read64(kC) == 0x0807060504030201ull);  // miss
  CHECK(c.stat("read_hits") == 1);
  CHECK(c.stat("write_misses") == 1);
}

TEST_CASE("an access across a line boundary looks up both lines")
{
  test::reset_globals();
  Chain c("t", tiny(mem::Cache::Policy::kLru));
  test::elaborate();
  c.cpu.read64(kA + 60);  // bytes 60..67: lines A and B
  CHECK(c.stat("reads") == 1);
  CHECK(c.stat("read_misses") == 2);
  const std::vector<std::pair<tlm::tlm_command, uint64_t>> expected = {{kRead, kA}, {kRead, kB}};
  CHECK(traffic(c.memory) == expected);
  c.cpu.read64(kB);
  CHECK(c.stat("read_hits") == 1);
}

TEST_CASE("outside the range, other commands, debug access and failed fills pass through")
{
  test::reset_globals();
  Chain c("t", tiny(mem::Cache::Policy::kLru));
  test::elaborate();
  // Outside the cacheable range: the access itself goes down, without the hit time.
  CHECK(c.timed(kRead, kOutside) == kMemTime);
  REQUIRE(c.memory.log.size() == 1);
  CHECK(c.memory.log[0].addr == kOutside);
  CHECK(c.memory.log[0].len == 8);
  CHECK(c.stat("uncached") == 1);
  CHECK(c.stat("reads") == 0);
  CHECK(c.stat("read_misses") == 0);

  // A line fill that fails: the access is sent as it is and gets memory's error; nothing is
  // allocated, so the next one tries again.
  for (unsigned i = 1; i <= 2; ++i) {
    c.cpu.read64(kHole + 8);
    CHECK(c.cpu.last_status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    REQUIRE(c.memory.log.size() == 1 + 2 * i);
    CHECK(c.memory.log[2 * i - 1].addr == kHole);  // the fill
    CHECK(c.memory.log[2 * i].addr == kHole + 8);  // then the access itself
    CHECK(c.memory.log[2 * i].len == 8);
  }
  CHECK(c.stat("uncached") == 3);
  CHECK(c.stat("reads") == 0);

  uint64_t v = 0;
  CHECK(c.cpu.access(tlm::TLM_IGNORE_COMMAND, kA, 8, v) == tlm::TLM_OK_RESPONSE);
  CHECK(c.memory.log.back().cmd == tlm::TLM_IGNORE_COMMAND);
  CHECK(c.stat("uncached") == 4);

  // Debug access: data, but no time, no traffic, no counts.
  const size_t before = c.memory.log.size();
  c.memory.mem[kA] = 0x5a;
  uint8_t byte = 0;
  CHECK(c.cpu.debug(kRead, kA, &byte, 1) == 1);
  CHECK(byte == 0x5a);
  CHECK(c.memory.log.size() == before);
  CHECK(c.stat("uncached") == 4);
  CHECK(c.stat("read_misses") == 0);

  tlm::tlm_dmi dmi;
  CHECK_FALSE(c.cpu.get_dmi(kA, dmi));
}

TEST_CASE("the walker through a cache: PTE reads from a hole and A/D writes to ROM still fault")
{
  using test::MmuBench;
  namespace pte = mmu::pte;
  MmuBench b({}, true);
  // As in mmu_mmu's case without a cache: the root points at a table in a hole.
  b.write64(b.root + ((test::kVa >> 30) & 0x1ff) * 8, MmuBench::pte(0x100000000000ull, pte::kV));
  CHECK(b.load(test::kVa).cause == cpu::exc::kLoadAccessFault);
  // A leaf in ROM without A: the PTE read is cached, the A/D write to ROM fails.
  const uint64_t va2 = 0x80200000;
  const uint64_t l1 = b.alloc_table();
  b.write64(b.root + ((va2 >> 30) & 0x1ff) * 8, MmuBench::pte(l1, pte::kV));
  b.write64(l1 + ((va2 >> 21) & 0x1ff) * 8, MmuBench::pte(test::kRomBase, pte::kV));
  b.write64(test::kRomBase + 8, MmuBench::pte(test::kPa, pte::kV | pte::kR | pte::kW));
  auto s = b.store(va2 + 0x1040);
  CHECK_FALSE(s.ok);
  CHECK(s.cause == cpu::exc::kStoreAccessFault);
  CHECK(MmuBench::stat("mmu.walker.access_faults") == 2);
  CHECK(MmuBench::stat("cache.walker.uncached") == 2);  // the hole's read, the ROM's write
  // With A and D set nothing is written, and the walk is served by the cache.
  b.write64(test::kRomBase + 8, MmuBench::pte(test::kPa, pte::kV | test::kRW));
  CHECK(b.store(va2 + 0x1040).pa == test::kPa + 0x40);
  CHECK(MmuBench::stat("cache.walker.read_hits") > 0);
}

TEST_CASE("geometry errors name the key, the value and what is allowed")
{
  const mem::Cache::Params d = tiny(mem::Cache::Policy::kLru);
  auto error = [&](const char* key, const char* value) {
    test::reset_globals();
    common::config().set(key, value, "test");
    try {
      mem::Cache::read_config("cache.t", d);
    } catch (const common::UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  // 3000 / (2 x 64) is not a whole number of sets; 384 is 3 sets.
  CHECK(error("cache.t.size", "3000") ==
        "cache.t.size: 3000 is not ways (2) x line_bytes (64) x a power-of-two number of "
        "sets; allowed: e.g. 2048 or 4096");
  CHECK(error("cache.t.size", "384") ==
        "cache.t.size: 384 is not ways (2) x line_bytes (64) x a power-of-two number of sets; "
        "allowed: e.g. 256 or 512");
  CHECK(error("cache.t.size", "64") ==
        "cache.t.size: 64 is not ways (2) x line_bytes (64) x a power-of-two number of sets; "
        "allowed: e.g. 128");
  CHECK(error("cache.t.line_bytes", "48") ==
        "cache.t.line_bytes: 48 is not a power of two; allowed: 8, 16, 32, ..., 4096");
  CHECK_THAT(error("cache.t.policy", "plru"),
             Catch::Contains("cache.t.policy") && Catch::Contains("lru, fifo, random"));
  CHECK_THAT(error("cache.t.ways", "0"), Catch::Contains("cache.t.ways"));
  CHECK_THAT(error("cache.t.write", "back"),
             Catch::Contains("cache.t.write") && Catch::Contains("write_back, write_through"));
  // Valid: 3 ways x 64 x 4 sets.
  test::reset_globals();
  common::config().set("cache.t.size", "768", "test");
  common::config().set("cache.t.ways", "3", "test");
  CHECK(mem::Cache::read_config("cache.t", d).size == 768);
}
