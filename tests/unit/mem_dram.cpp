// mem::Dram: data path, errors, DMI, debug access, lazy allocation.
#include <catch2/catch.hpp>

#include <fstream>
#include <unistd.h>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/common/config.h"
#include "models/common/stats.h"
#include "models/mem/dram.h"

using namespace vmplat;
using sc_core::sc_time;
using sc_core::SC_NS;

namespace {

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> isock{"isock"};
  unsigned invalidations = 0;  // DMI invalidations received
  explicit Initiator(sc_core::sc_module_name n) : sc_module(n)
  {
    isock.register_invalidate_direct_mem_ptr(this, &Initiator::invalidate);
  }
  void invalidate(sc_dt::uint64, sc_dt::uint64) { ++invalidations; }

  tlm::tlm_response_status access(tlm::tlm_command cmd, uint64_t addr, void* data, unsigned len,
                                  sc_time& delay, const uint8_t* be = nullptr,
                                  unsigned be_len = 0)
  {
    tlm::tlm_generic_payload tx;
    tx.set_command(cmd);
    tx.set_address(addr);
    tx.set_data_ptr(static_cast<uint8_t*>(data));
    tx.set_data_length(len);
    tx.set_streaming_width(len);
    tx.set_byte_enable_ptr(const_cast<uint8_t*>(be));
    tx.set_byte_enable_length(be_len);
    tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    isock->b_transport(tx, delay);
    return tx.get_response_status();
  }
  tlm::tlm_response_status write(uint64_t addr, uint64_t v, unsigned len = 8)
  {
    sc_time d = sc_core::SC_ZERO_TIME;
    return access(tlm::TLM_WRITE_COMMAND, addr, &v, len, d);
  }
  uint64_t read(uint64_t addr, unsigned len = 8)
  {
    uint64_t v = 0;
    sc_time d = sc_core::SC_ZERO_TIME;
    REQUIRE(access(tlm::TLM_READ_COMMAND, addr, &v, len, d) == tlm::TLM_OK_RESPONSE);
    return v;
  }
};

struct Bench {
  mem::Dram dram;
  Initiator cpu;
  explicit Bench() : dram("dram"), cpu("cpu")
  {
    cpu.isock.bind(dram.tsock);
    sc_core::sc_start(sc_core::SC_ZERO_TIME);
  }
};

uint64_t rss_bytes()
{
  std::ifstream statm("/proc/self/statm");
  uint64_t vsize = 0, resident = 0;
  statm >> vsize >> resident;
  return resident * uint64_t(sysconf(_SC_PAGESIZE));
}

}  // namespace

TEST_CASE("dram: write then read returns the data and counts")
{
  common::config().set("dram.size", "1M", "test");
  Bench b;
  REQUIRE(b.dram.size() == (1u << 20));
  REQUIRE(b.cpu.write(0x1000, 0x1122334455667788ull) == tlm::TLM_OK_RESPONSE);
  REQUIRE(b.cpu.read(0x1000) == 0x1122334455667788ull);
  REQUIRE(b.cpu.read(0x1002, 2) == 0x5566);
  REQUIRE(b.dram.host_ptr()[0x1000] == 0x88);
  REQUIRE(common::stats().value("dram.writes") == 1);
  REQUIRE(common::stats().value("dram.reads") == 2);
  REQUIRE(common::stats().value("dram.bytes_read") == 8 + 2);
  REQUIRE(common::stats().value("dram.bytes_written") == 8);
}

TEST_CASE("dram: b_transport latency follows the bank state at the initiator's local time")
{
  common::config().set("dram.size", "1M", "test");
  Bench b;
  const sc_time tck(0.625, SC_NS);
  uint64_t v = 0;
  // Closed bank at cycle 100: tRCD + tCL + tBURST = 48 tCK.
  sc_time d = tck * 100;
  REQUIRE(b.cpu.access(tlm::TLM_READ_COMMAND, 0x40, &v, 8, d) == tlm::TLM_OK_RESPONSE);
  REQUIRE(d == tck * (100 + 48));
  // Same row at cycle 200: tCL + tBURST = 26 tCK.
  d = tck * 200;
  b.cpu.access(tlm::TLM_WRITE_COMMAND, 0x80, &v, 8, d);
  REQUIRE(d == tck * (200 + 26));
  // Another row of bank 0 (bit 17 up is the row) at cycle 300: tRP + tRCD + tCL + tBURST.
  d = tck * 300;
  b.cpu.access(tlm::TLM_READ_COMMAND, 0x20000, &v, 8, d);
  REQUIRE(d == tck * (300 + 70));
  // An arrival between tCK edges is served from the next edge.
  d = tck * 400 + sc_time(0.1, SC_NS);
  b.cpu.access(tlm::TLM_READ_COMMAND, 0x20040, &v, 8, d);
  REQUIRE(d == tck * (401 + 26));

  REQUIRE(common::stats().value("dram.row_misses") == 1);
  REQUIRE(common::stats().value("dram.row_hits") == 2);
  REQUIRE(common::stats().value("dram.row_conflicts") == 1);
  REQUIRE(common::stats().value("dram.bank.0.0.0.0.row_hits") == 2);
  REQUIRE(common::stats().value("dram.bank.0.0.0.1.row_hits") == 0);
  REQUIRE(common::stats().value("dram.row_hit_rate") == Approx(0.5));
  const common::Histogram* h = common::stats().find_histogram("dram.latency");
  REQUIRE(h->count() == 4);
  REQUIRE(h->sum() == 48 + 26 + 70 + 26);
  REQUIRE(h->max() == 70);
}

TEST_CASE("dram: fast mode grants DMI and timed mode refuses it with the same data")
{
  std::vector<uint64_t> seen[2];
  for (int timed = 0; timed < 2; ++timed) {
    common::config().reset();
    common::stats().reset();
    common::config().set("dram.size", "64K", "test");
    common::config().set("dram.mode", timed ? "timed" : "fast", "test");
    mem::Dram dram("dram");
    // Not bound: the test calls through the target socket's own interface.
    tlm::tlm_fw_transport_if<>& fw = dram.tsock;
    REQUIRE(dram.timed() == bool(timed));
    tlm::tlm_generic_payload tx;
    tlm::tlm_dmi dmi;
    tx.set_address(0);
    tx.set_command(tlm::TLM_READ_COMMAND);
    REQUIRE(fw.get_direct_mem_ptr(tx, dmi) == !timed);
    REQUIRE(dmi.get_end_address() == 0xffff);
    for (uint64_t a = 0; a < 0x10000; a += 0x1008) {
      uint64_t v = a * 0x9e3779b97f4a7c15ull;
      tx.set_command(tlm::TLM_WRITE_COMMAND);
      tx.set_address(a);
      tx.set_data_ptr(reinterpret_cast<uint8_t*>(&v));
      tx.set_data_length(8);
      tx.set_streaming_width(8);
      sc_time d = sc_core::SC_ZERO_TIME;
      fw.b_transport(tx, d);
      REQUIRE(tx.is_response_ok());
      REQUIRE(tx.is_dmi_allowed() == !timed);
    }
    for (uint64_t a = 0; a < 0x10000; a += 0x1008) {
      uint64_t v = 0;
      tx.set_command(tlm::TLM_READ_COMMAND);
      tx.set_address(a);
      tx.set_data_ptr(reinterpret_cast<uint8_t*>(&v));
      sc_time d = sc_core::SC_ZERO_TIME;
      fw.b_transport(tx, d);
      seen[timed].push_back(v);
    }
    REQUIRE(common::stats().value("dram.reads") == 16);
  }
  REQUIRE(seen[0] == seen[1]);
  REQUIRE(seen[0][1] == 0x1008 * 0x9e3779b97f4a7c15ull);
}

TEST_CASE("dram: timed mode grants timed DMI, whose accesses time and count as b_transport's")
{
  // The same access sequence (rows hit, missed and in conflict, a refresh window) once
  // through b_transport and once through timed DMI: the same completion times and the
  // same statistics; a request without the extension is still refused.
  std::vector<uint64_t> done[2];
  std::vector<double> stats[2];
  const char* kStats[] = {"dram.reads", "dram.writes", "dram.bytes_read", "dram.bytes_written",
                          "dram.bursts", "dram.row_hits", "dram.row_misses",
                          "dram.row_conflicts", "dram.refresh_stalls",
                          "dram.refresh_stall_cycles"};
  for (int direct = 0; direct < 2; ++direct) {
    common::config().reset();
    common::stats().reset();
    common::config().set("dram.size", "1M", "test");
    common::config().set("dram.mode", "timed", "test");
    common::config().set("dram.tREFI", "400", "test");
    common::config().set("dram.tRFC", "40", "test");
    mem::Dram dram("dram");
    tlm::tlm_fw_transport_if<>& fw = dram.tsock;
    tlm::tlm_generic_payload tx;
    tlm::tlm_dmi dmi;
    tx.set_address(0);
    tx.set_command(tlm::TLM_READ_COMMAND);
    REQUIRE_FALSE(fw.get_direct_mem_ptr(tx, dmi));
    common::TimedDmi ext;
    tx.set_extension(&ext);
    REQUIRE(fw.get_direct_mem_ptr(tx, dmi));
    tx.clear_extension(&ext);
    REQUIRE(ext.memory == &dram);
    REQUIRE(dmi.get_dmi_ptr() == dram.host_ptr());
    sc_time at = sc_core::SC_ZERO_TIME;
    for (uint64_t i = 0; i < 64; ++i) {
      // Two rows of one bank (128 KiB apart: conflicts) and scattered accesses.
      const uint64_t addr =
          i % 3 == 2 ? (i * 0x12345) % 0xff000 : (i % 3) * 0x20000 + (i * 8) % 0x2000;
      const bool write = i % 4 == 1;
      const unsigned len = i % 5 == 0 ? 64 : 8;
      sc_time end;
      if (direct) {
        end = sc_time::from_value(ext.memory->timed_access(addr, len, write, at.value()));
      } else {
        uint8_t buf[64] = {};
        tx.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        tx.set_address(addr);
        tx.set_data_ptr(buf);
        tx.set_data_length(len);
        tx.set_streaming_width(len);
        sc_time d = at;  // sc_time_stamp() is 0: the delay is the arrival time
        fw.b_transport(tx, d);
        REQUIRE(tx.is_response_ok());
        end = d;
      }
      done[direct].push_back(end.value());
      at = end + sc_time(double(i % 7), sc_core::SC_NS);
    }
    for (const char* name : kStats)
      stats[direct].push_back(common::stats().value(name));
  }
  CHECK(done[0] == done[1]);
  CHECK(stats[0] == stats[1]);
  CHECK(stats[0][8] > 0);  // the sequence met a refresh window
  CHECK(stats[0][7] > 0);  // and row conflicts
}

TEST_CASE("dram: a fast-forward grants plain DMI, times b_transport at the fixed latency "
          "without counting, and ends with every row closed")
{
  // Timed mode with an initiator bound, so the switch's DMI invalidation reaches it.
  common::config().set("dram.size", "1M", "test");
  common::config().set("dram.mode", "timed", "test");
  mem::Dram dram("dram");
  Initiator cpu("cpu");
  cpu.isock.bind(dram.tsock);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);
  tlm::tlm_generic_payload tx;
  tlm::tlm_dmi dmi;
  common::TimedDmi ext;
  tx.set_address(0);
  tx.set_command(tlm::TLM_READ_COMMAND);
  tx.set_extension(&ext);
  REQUIRE(cpu.isock->get_direct_mem_ptr(tx, dmi));
  REQUIRE(ext.memory == &dram);  // timed DMI before the fast-forward
  cpu.read(0x40);                // opens the row of address 0
  const double reads = common::stats().value("dram.reads");

  dram.set_fast_forward(true);
  CHECK(cpu.invalidations == 1);
  REQUIRE(cpu.isock->get_direct_mem_ptr(tx, dmi));
  CHECK(ext.memory == nullptr);  // a plain grant
  CHECK(dmi.get_read_latency() == dram.fast_latency());
  sc_time d = sc_core::SC_ZERO_TIME;
  uint64_t v = 0;
  REQUIRE(cpu.access(tlm::TLM_READ_COMMAND, 0x20000, &v, 8, d) == tlm::TLM_OK_RESPONSE);
  CHECK(d == dram.fast_latency());
  CHECK(common::stats().value("dram.reads") == reads);

  dram.set_fast_forward(false);
  CHECK(cpu.invalidations == 2);
  REQUIRE(cpu.isock->get_direct_mem_ptr(tx, dmi));
  CHECK(ext.memory == &dram);
  tx.clear_extension(&ext);
  // The row address 0 opened before is closed now: a miss, not a hit.
  const double hits = common::stats().value("dram.row_hits");
  const double misses = common::stats().value("dram.row_misses");
  cpu.read(0x80);
  CHECK(common::stats().value("dram.row_hits") == hits);
  CHECK(common::stats().value("dram.row_misses") == misses + 1);
}

TEST_CASE("dram: a bad mapping or geometry is a user error naming the key")
{
  common::config().set("dram.mapping", "row:bank:column", "test");
  REQUIRE_THROWS_WITH(mem::Dram("dram"), Catch::Contains("dram.mapping") &&
                                             Catch::Contains("each once"));
  common::config().reset();
  common::config().set("dram.banks", "3", "test");
  REQUIRE_THROWS_WITH(mem::Dram("dram"), Catch::Contains("powers of two"));
  common::config().reset();
  common::config().set("dram.tRFC", "20000", "test");
  REQUIRE_THROWS_WITH(mem::Dram("dram"), Catch::Contains("dram.tRFC"));
}

TEST_CASE("dram: an access past the end is an address error and changes nothing")
{
  common::config().set("dram.size", "64K", "test");
  Bench b;
  uint64_t v = 0xdeadbeef;
  sc_time d = sc_core::SC_ZERO_TIME;
  REQUIRE(b.cpu.access(tlm::TLM_WRITE_COMMAND, 0x10000, &v, 8, d) ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
  // Straddling the end: the first bytes exist, the access as a whole does not.
  REQUIRE(b.cpu.access(tlm::TLM_WRITE_COMMAND, 0xfffc, &v, 8, d) ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
  REQUIRE(b.cpu.read(0xfff8) == 0);
  REQUIRE(b.cpu.access(tlm::TLM_READ_COMMAND, ~0ull - 3, &v, 8, d) ==
          tlm::TLM_ADDRESS_ERROR_RESPONSE);
  REQUIRE(common::stats().value("dram.writes") == 0);
}

TEST_CASE("dram: byte enables select the bytes written and read")
{
  common::config().set("dram.size", "64K", "test");
  Bench b;
  REQUIRE(b.cpu.write(0x100, 0x1111111111111111ull) == tlm::TLM_OK_RESPONSE);
  uint64_t v = 0x2222222222222222ull;
  const uint8_t be[2] = {0xff, 0x00};  // repeats: bytes 0, 2, 4, 6 enabled
  sc_time d = sc_core::SC_ZERO_TIME;
  REQUIRE(b.cpu.access(tlm::TLM_WRITE_COMMAND, 0x100, &v, 8, d, be, 2) == tlm::TLM_OK_RESPONSE);
  REQUIRE(b.cpu.read(0x100) == 0x1122112211221122ull);

  uint64_t r = 0;
  const uint8_t be_read[8] = {0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
  REQUIRE(b.cpu.access(tlm::TLM_READ_COMMAND, 0x100, &r, 8, d, be_read, 8) ==
          tlm::TLM_OK_RESPONSE);
  REQUIRE(r == 0x1122112200000000ull);
}

TEST_CASE("dram: DMI covers the whole memory with an inclusive end address")
{
  common::config().set("dram.size", "2M", "test");
  Bench b;
  tlm::tlm_generic_payload tx;
  tx.set_address(0x40);
  tx.set_command(tlm::TLM_READ_COMMAND);
  tlm::tlm_dmi dmi;
  REQUIRE(b.cpu.isock->get_direct_mem_ptr(tx, dmi));
  REQUIRE(dmi.get_start_address() == 0);
  REQUIRE(dmi.get_end_address() == (2u << 20) - 1);
  REQUIRE(dmi.is_read_write_allowed());
  REQUIRE(dmi.get_dmi_ptr() == b.dram.host_ptr());
  // Default 26 tCK at 0.625 ns.
  REQUIRE(dmi.get_read_latency() == sc_time(16.25, SC_NS));
  dmi.get_dmi_ptr()[0x1234] = 0x5a;
  REQUIRE(b.cpu.read(0x1234, 1) == 0x5a);
}

TEST_CASE("dram: debug transport reads and writes without timing or statistics")
{
  common::config().set("dram.size", "64K", "test");
  Bench b;
  uint8_t buf[16];
  for (unsigned i = 0; i < 16; ++i)
    buf[i] = uint8_t(i + 1);
  tlm::tlm_generic_payload tx;
  tx.set_command(tlm::TLM_WRITE_COMMAND);
  tx.set_address(0xfff8);  // 16 bytes asked, 8 exist: the count says so
  tx.set_data_ptr(buf);
  tx.set_data_length(16);
  REQUIRE(b.cpu.isock->transport_dbg(tx) == 8);
  REQUIRE(b.cpu.read(0xfff8) == 0x0807060504030201ull);
  REQUIRE(common::stats().value("dram.writes") == 0);
  tx.set_address(0x10000);
  REQUIRE(b.cpu.isock->transport_dbg(tx) == 0);
}

TEST_CASE("dram: 4 GiB costs host memory only for the pages touched")
{
  common::config().set("dram.size", "4G", "test");
  uint64_t before = rss_bytes();
  Bench b;
  REQUIRE(b.dram.size() == (4ull << 30));
  // One write every 256 MiB touches 16 pages.
  for (uint64_t a = 0; a < b.dram.size(); a += 256ull << 20)
    REQUIRE(b.cpu.write(a, a | 1) == tlm::TLM_OK_RESPONSE);
  REQUIRE(b.cpu.read((4ull << 30) - 256ull * 1024 * 1024) == ((4ull << 30) - (256ull << 20) | 1));
  REQUIRE(b.cpu.read(0x7654320) == 0);
  uint64_t grown = rss_bytes() - before;
  INFO("RSS grew by " << grown << " bytes");
  REQUIRE(grown < (16u << 20));
}

TEST_CASE("dram: a size outside the allowed range is a user error naming the key")
{
  common::config().set("dram.size", "100", "test");
  REQUIRE_THROWS_WITH(mem::Dram("dram"), Catch::Contains("dram.size") &&
                                             Catch::Contains("allowed"));
}
