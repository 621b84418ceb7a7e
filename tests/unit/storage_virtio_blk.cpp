// storage::VirtioBlk driven like a driver would: registers through a bus::Router, rings
// and buffers in a mem::Dram, DMA back through the router. Each bad-descriptor case has
// its own test: the device must answer with an error status or DEVICE_NEEDS_RESET, never
// crash, never touch the medium outside its size.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "models/bus/router.h"
#include "models/mem/dram.h"
#include "models/storage/virtio_blk.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using sc_core::sc_time;
using sc_core::SC_US;

namespace {

constexpr uint64_t kRam = 0x8000'0000;
constexpr uint64_t kSlot = 0x1000'1000;

// Registers (virtio 1.1 §4.2.2).
constexpr uint64_t kMagic = 0x000, kVersion = 0x004, kDeviceId = 0x008, kVendor = 0x00c,
                   kDevFeat = 0x010, kDevFeatSel = 0x014, kDrvFeat = 0x020, kDrvFeatSel = 0x024,
                   kPageSize = 0x028, kQueueSel = 0x030, kQueueNumMax = 0x034, kQueueNum = 0x038,
                   kQueueAlign = 0x03c, kQueuePfn = 0x040, kQueueReady = 0x044,
                   kQueueNotify = 0x050, kIntStatus = 0x060, kIntAck = 0x064, kStatus = 0x070,
                   kDescLo = 0x080, kDescHi = 0x084, kAvailLo = 0x090, kAvailHi = 0x094,
                   kUsedLo = 0x0a0, kUsedHi = 0x0a4, kConfig = 0x100;
constexpr uint32_t kAck = 1, kDriver = 2, kDriverOk = 4, kFeaturesOk = 8, kNeedsReset = 64;
constexpr uint16_t kNext = 1, kWrite = 2, kIndirect = 4;
constexpr uint32_t kIn = 0, kOut = 1, kFlush = 4, kGetId = 8;

// Guest memory layout.
constexpr uint64_t kDesc = kRam + 0x1000, kAvail = kRam + 0x2000, kUsed = kRam + 0x3000;
constexpr uint64_t kHdr = kRam + 0x10000, kStat = kRam + 0x18000, kData = kRam + 0x20000;

struct Desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;  // kWrite / kIndirect; kNext is added by submit()
};

struct Bench {
  test::TestInitiator cpu{"cpu"};
  bus::Router router{"router"};
  mem::Dram dram{"dram"};
  storage::VirtioBlk disk{"disk"};
  test::FakeIrqSink plic;
  uint32_t num = 16;
  uint16_t avail_idx = 0;
  uint16_t next_desc = 0;

  Bench()
  {
    cpu.isock.bind(router.tsock);
    disk.isock.bind(router.tsock);
    router.isock.bind(dram.tsock);
    router.map(kRam, dram.size(), "dram");
    router.isock.bind(disk.tsock);
    router.map(kSlot, 0x1000, "disk");
    disk.irq.bind(plic, 1);
    test::elaborate();
  }

  uint32_t reg(uint64_t off) { return cpu.read32(kSlot + off); }
  void reg(uint64_t off, uint32_t v) { cpu.write32(kSlot + off, v); }
  uint8_t* mem(uint64_t gpa) { return dram.host_ptr() + (gpa - kRam); }
  template <typename T>
  T get(uint64_t gpa)
  {
    T v;
    std::memcpy(&v, mem(gpa), sizeof v);
    return v;
  }
  template <typename T>
  void put(uint64_t gpa, T v)
  {
    std::memcpy(mem(gpa), &v, sizeof v);
  }

  // The driver initialisation of §3.1.1 for the modern interface.
  void setup(bool accept_version1 = true)
  {
    reg(kStatus, 0);
    reg(kStatus, kAck);
    reg(kStatus, kAck | kDriver);
    reg(kDevFeatSel, 0);
    uint32_t lo = reg(kDevFeat);
    reg(kDevFeatSel, 1);
    uint32_t hi = reg(kDevFeat);
    reg(kDrvFeatSel, 0);
    reg(kDrvFeat, lo);
    reg(kDrvFeatSel, 1);
    reg(kDrvFeat, accept_version1 ? hi : 0);
    reg(kStatus, kAck | kDriver | kFeaturesOk);
    REQUIRE((reg(kStatus) & kFeaturesOk) != 0);
    reg(kQueueSel, 0);
    REQUIRE(reg(kQueueNumMax) == 256);
    reg(kQueueNum, num);
    reg(kDescLo, uint32_t(kDesc));
    reg(kDescHi, uint32_t(kDesc >> 32));
    reg(kAvailLo, uint32_t(kAvail));
    reg(kAvailHi, 0);
    reg(kUsedLo, uint32_t(kUsed));
    reg(kUsedHi, 0);
    reg(kQueueReady, 1);
    reg(kStatus, kAck | kDriver | kFeaturesOk | kDriverOk);
    avail_idx = 0;
    next_desc = 0;
  }

  void write_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
  {
    uint64_t d = kDesc + 16ull * i;
    put<uint64_t>(d, addr);
    put<uint32_t>(d + 8, len);
    put<uint16_t>(d + 12, flags);
    put<uint16_t>(d + 14, next);
  }
  // Makes descriptor `head` available and notifies.
  void publish(uint16_t head)
  {
    put<uint16_t>(kAvail + 4 + 2 * (avail_idx % num), head);
    ++avail_idx;
    put<uint16_t>(kAvail + 2, avail_idx);
    reg(kQueueNotify, 0);
  }
  uint16_t submit(const std::vector<Desc>& chain)
  {
    uint16_t head = next_desc;
    for (size_t i = 0; i < chain.size(); ++i) {
      uint16_t idx = uint16_t((head + i) % num);
      bool last = i + 1 == chain.size();
      write_desc(idx, chain[i].addr, chain[i].len, uint16_t(chain[i].flags | (last ? 0 : kNext)),
                 uint16_t((idx + 1) % num));
    }
    next_desc = uint16_t((head + chain.size()) % num);
    publish(head);
    return head;
  }
  void header(uint64_t at, uint32_t type, uint64_t sector)
  {
    put<uint32_t>(at, type);
    put<uint32_t>(at + 4, 0);
    put<uint64_t>(at + 8, sector);
  }
  // A read or write of `len` bytes at kData, header at kHdr, status at kStat.
  void request(uint32_t type, uint64_t sector, uint32_t len)
  {
    header(kHdr, type, sector);
    mem(kStat)[0] = 0xee;
    std::vector<Desc> chain{{kHdr, 16, 0}};
    if (len)
      chain.push_back({kData, len, uint16_t(type == kOut ? 0 : kWrite)});
    chain.push_back({kStat, 1, kWrite});
    submit(chain);
  }
  uint16_t used_idx() { return get<uint16_t>(kUsed + 2); }
  uint32_t used_len(unsigned i) { return get<uint32_t>(kUsed + 4 + 8 * (i % num) + 4); }
  uint32_t used_id(unsigned i) { return get<uint32_t>(kUsed + 4 + 8 * (i % num)); }
  uint8_t status_byte() { return mem(kStat)[0]; }
  void run(double us = 1000) { sc_core::sc_start(sc_time(us, SC_US)); }
  double stat(const char* name) { return common::stats().value(name); }
};

void configure(const std::string& disk_key = "disk.size", const std::string& value = "1M")
{
  test::reset_globals();
  common::config().set("dram.size", "16M", "test");
  common::config().set(disk_key, value, "test");
}

std::string temp_image(uint64_t size, uint8_t fill)
{
  char path[] = "/tmp/vmplat-disk-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  std::vector<uint8_t> buf(size, fill);
  REQUIRE(write(fd, buf.data(), buf.size()) == ssize_t(size));
  close(fd);
  return path;
}

std::vector<uint8_t> file_bytes(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("virtio-blk: identity registers and config space of a modern device")
{
  configure("disk.size", "1M");
  Bench b;
  CHECK(b.reg(kMagic) == 0x74726976);
  CHECK(b.reg(kVersion) == 2);
  CHECK(b.reg(kDeviceId) == 2);
  CHECK(b.reg(kVendor) == 0x554d4551);
  b.reg(kDevFeatSel, 0);
  CHECK(b.reg(kDevFeat) == ((1u << 2) | (1u << 6) | (1u << 9)));  // SEG_MAX BLK_SIZE FLUSH
  b.reg(kDevFeatSel, 1);
  CHECK(b.reg(kDevFeat) == 1);  // VERSION_1
  CHECK(b.cpu.read64(kSlot + kConfig) == 2048);  // capacity: 1 MiB in sectors
  CHECK(b.cpu.read32(kSlot + kConfig) == 2048);
  CHECK(b.reg(kConfig + 0x0c) == 254);  // seg_max
  CHECK(b.reg(kConfig + 0x14) == 512);  // blk_size
  CHECK(b.cpu.read8(kSlot + kConfig + 1) == 8);
  // Registers are 32-bit only: a byte read of the magic reads 0, as on QEMU.
  CHECK(b.cpu.read8(kSlot + kMagic) == 0);
  b.reg(kQueueSel, 1);
  CHECK(b.reg(kQueueNumMax) == 0);
}

TEST_CASE("virtio-blk: a debugger reads the registers and cannot write them")
{
  configure("disk.size", "1M");
  Bench b;
  uint32_t v = 0;
  CHECK(b.cpu.debug(tlm::TLM_READ_COMMAND, kSlot + kMagic, reinterpret_cast<uint8_t*>(&v), 4) ==
        4);
  CHECK(v == 0x74726976);
  uint64_t capacity = 0;
  CHECK(b.cpu.debug(tlm::TLM_READ_COMMAND, kSlot + kConfig,
                    reinterpret_cast<uint8_t*>(&capacity), 8) == 8);
  CHECK(capacity == 2048);
  b.reg(kStatus, kAck);
  v = kAck | kDriver;
  CHECK(b.cpu.debug(tlm::TLM_WRITE_COMMAND, kSlot + kStatus, reinterpret_cast<uint8_t*>(&v),
                    4) == 0);
  CHECK(b.cpu.last_status == tlm::TLM_COMMAND_ERROR_RESPONSE);
  CHECK(b.reg(kStatus) == kAck);
}

TEST_CASE("virtio-blk: an empty slot reads as no device")
{
  configure("disk.size", "0");
  Bench b;
  CHECK(b.reg(kMagic) == 0x74726976);
  CHECK(b.reg(kVersion) == 2);
  CHECK(b.reg(kDeviceId) == 0);
  CHECK(b.reg(kVendor) == 0x554d4551);
  CHECK(b.reg(kQueueNumMax) == 0);
}

TEST_CASE("virtio-blk: write then read round trip with interrupt and completion time")
{
  configure();
  Bench b;
  b.setup();
  for (unsigned i = 0; i < 4096; ++i)
    b.mem(kData)[i] = uint8_t(i * 7 + 1);
  b.request(kOut, 8, 4096);
  // Write: 20 us + 4096 B at 1500 MB/s = 22.73 us, plus the DRAM time of the DMA.
  b.run(22.7);
  CHECK(b.used_idx() == 0);
  CHECK(!b.plic.level(1));
  b.run(0.8);  // the DMA of the ring, descriptors and 4 KiB of data takes well under 0.8 us
  REQUIRE(b.used_idx() == 1);
  CHECK(b.used_id(0) == 0);
  CHECK(b.used_len(0) == 1);
  CHECK(b.status_byte() == 0);
  CHECK(b.plic.level(1));
  CHECK(b.reg(kIntStatus) == 1);
  b.reg(kIntAck, 1);
  CHECK(b.reg(kIntStatus) == 0);
  CHECK(!b.plic.level(1));

  std::memset(b.mem(kData), 0, 8192);
  b.request(kIn, 8, 4096);
  b.run(10);
  // Mid-request the DMA is done but the medium is still busy: the DRAM has not been told
  // about transfers 80 us in the future, so the hart's access to the same bank is quick.
  uint64_t v = 0;
  sc_time after;
  b.cpu.access(tlm::TLM_READ_COMMAND, kData, 8, v, sc_core::SC_ZERO_TIME, &after);
  CHECK(after < sc_time(0.1, SC_US));
  b.run(75);  // read: 80 us + 4096 B at 2000 MB/s = 82.05 us
  REQUIRE(b.used_idx() == 2);
  CHECK(b.status_byte() == 0);
  CHECK(b.used_len(1) == 4097);
  bool same = true;
  for (unsigned i = 0; i < 4096; ++i)
    same = same && b.mem(kData)[i] == uint8_t(i * 7 + 1);
  CHECK(same);
  CHECK(b.mem(kData)[4096] == 0);
  // Sector 7 and 16 were never written: the write landed at sector 8 exactly.
  b.request(kIn, 7, 1024);
  b.run();
  CHECK(b.mem(kData)[511] == 0);
  CHECK(b.mem(kData)[512] == 1);

  CHECK(b.stat("disk.requests.write") == 1);
  CHECK(b.stat("disk.requests.read") == 2);
  CHECK(b.stat("disk.sectors_written") == 8);
  CHECK(b.stat("disk.sectors_read") == 10);
  CHECK(b.stat("disk.bytes_written") == 4096);
  const common::Histogram* lat = common::stats().find_histogram("disk.latency");
  CHECK(lat->count() == 3);
  CHECK(lat->max() == 82);
  CHECK(b.stat("dram.writes") > 0);  // the DMA went through the DRAM model
}

TEST_CASE("virtio-blk: data split over descriptors in any layout")
{
  configure();
  Bench b;
  b.setup();
  // Header in two pieces, data in three, the status byte sharing the last data descriptor.
  b.header(kHdr, kOut, 3);
  for (unsigned i = 0; i < 1024; ++i)
    b.mem(kData)[i] = uint8_t(0x40 + i % 61);
  b.submit({{kHdr, 10, 0},
            {kHdr + 10, 6, 0},
            {kData, 100, 0},
            {kData + 100, 900, 0},
            {kData + 1000, 24, 0},
            {kStat, 1, kWrite}});
  b.run();
  REQUIRE(b.used_idx() == 1);
  CHECK(b.status_byte() == 0);
  std::memset(b.mem(kData), 0, 2048);
  b.header(kHdr, kIn, 3);
  b.submit({{kHdr, 16, 0}, {kData, 700, kWrite}, {kData + 700, 325, kWrite}});
  b.run();
  REQUIRE(b.used_idx() == 2);
  CHECK(b.mem(kData)[1024] == 0);  // the status byte
  bool same = true;
  for (unsigned i = 0; i < 1024; ++i)
    same = same && b.mem(kData)[i] == uint8_t(0x40 + i % 61);
  CHECK(same);
}

TEST_CASE("virtio-blk: FLUSH and GET_ID and an unsupported request type")
{
  configure();
  common::config().set("disk.serial", "unit-test-serial", "test");
  Bench b;
  b.setup();
  b.request(kFlush, 0, 0);
  b.run();
  REQUIRE(b.used_idx() == 1);
  CHECK(b.status_byte() == 0);
  std::memset(b.mem(kData), 0xaa, 32);
  b.request(kGetId, 0, 20);
  b.run();
  REQUIRE(b.used_idx() == 2);
  CHECK(b.status_byte() == 0);
  CHECK(b.used_len(1) == 21);
  CHECK(std::string(reinterpret_cast<char*>(b.mem(kData))) == "unit-test-serial");
  CHECK(b.mem(kData)[19] == 0);
  CHECK(b.mem(kData)[20] == 0xaa);
  b.request(11, 0, 512);  // DISCARD: not offered
  b.run();
  REQUIRE(b.used_idx() == 3);
  CHECK(b.status_byte() == 2);  // VIRTIO_BLK_S_UNSUPP
  CHECK(b.stat("disk.requests.flush") == 1);
  CHECK(b.stat("disk.requests.get_id") == 1);
  CHECK(b.stat("disk.requests.unsupported") == 1);
}

TEST_CASE("virtio-blk: a driver that sets FEATURES_OK without VERSION_1 is accepted as by QEMU")
{
  configure();
  Bench b;
  b.setup(false);
  CHECK((b.reg(kStatus) & kFeaturesOk) != 0);
  b.put<uint64_t>(kData, 0x0123456789abcdefull);
  b.request(kOut, 1, 512);
  b.run();
  REQUIRE(b.used_idx() == 1);
  CHECK(b.status_byte() == 0);
}

TEST_CASE("virtio-blk: features written after FEATURES_OK are ignored and reset clears all")
{
  configure();
  Bench b;
  b.setup();
  const uint64_t accepted = b.disk.driver_features();
  CHECK(accepted == ((1ull << 32) | (1u << 9) | (1u << 6) | (1u << 2)));
  // §3.1.1: the feature set is fixed once FEATURES_OK is set: later writes change nothing.
  b.reg(kDrvFeatSel, 0);
  b.reg(kDrvFeat, 0);
  b.reg(kDrvFeatSel, 1);
  b.reg(kDrvFeat, 0);
  CHECK(b.disk.driver_features() == accepted);
  b.request(kOut, 0, 512);
  b.run();
  REQUIRE(b.used_idx() == 1);
  CHECK(b.reg(kQueueReady) == 1);
  CHECK(b.plic.level(1));
  b.reg(kStatus, 0);
  CHECK(b.reg(kStatus) == 0);
  CHECK(b.reg(kQueueReady) == 0);
  CHECK(b.reg(kIntStatus) == 0);
  CHECK(b.disk.driver_features() == 0);
  CHECK(!b.plic.level(1));
  // Before FEATURES_OK the driver's writes count, offered bits only.
  b.reg(kStatus, kAck | kDriver);
  b.reg(kDrvFeatSel, 0);
  b.reg(kDrvFeat, 0xffffffff);
  CHECK(b.disk.driver_features() == ((1u << 9) | (1u << 6) | (1u << 2)));
  // After the reset the device starts over from used index 0.
  std::memset(b.mem(kUsed), 0, 64);
  std::memset(b.mem(kAvail), 0, 64);
  b.setup();
  b.request(kIn, 0, 512);
  b.run();
  CHECK(b.used_idx() == 1);
}

TEST_CASE("virtio-blk: a reset while a request is in flight drops its completion, "
          "the device serves the next")
{
  configure();
  Bench b;
  b.setup();
  b.request(kIn, 0, 512);
  b.run(10);  // the read takes 80 us
  b.reg(kStatus, 0);
  CHECK(b.reg(kIntStatus) == 0);
  // The driver sets the device up again at once, on the same rings, and writes: the write
  // completes with an interrupt, and the dropped read never shows up in the used ring
  // (its used element would have length 513, and used idx would be 2).
  std::memset(b.mem(kUsed), 0, 64);
  std::memset(b.mem(kAvail), 0, 64);
  b.setup();
  std::memset(b.mem(kData), 0x5a, 512);
  b.request(kOut, 3, 512);
  b.run(200);
  REQUIRE(b.used_idx() == 1);
  CHECK(b.used_id(0) == 0);
  CHECK(b.used_len(0) == 1);
  CHECK(b.status_byte() == 0);
  CHECK(b.plic.level(1));
  CHECK(b.reg(kIntStatus) == 1);
  CHECK(b.stat("disk.requests.write") == 1);
  b.run(200);
  CHECK(b.used_idx() == 1);
}

// §2.6.7 (virtio 1.1 2.7.7 for packed rings): VIRTQ_AVAIL_F_NO_INTERRUPT in the available
// ring's flags asks the device not to interrupt for used buffers; the used ring is still
// written. VIRTIO_F_EVENT_IDX is not offered, so the flag is the driver's only way.
TEST_CASE("virtio-blk: VIRTQ_AVAIL_F_NO_INTERRUPT suppresses the used-buffer interrupt")
{
  configure();
  Bench b;
  b.reg(kDevFeatSel, 0);
  CHECK((b.reg(kDevFeat) & (1u << 29)) == 0);  // VIRTIO_F_EVENT_IDX
  CHECK((b.reg(kDevFeat) & (1u << 28)) == 0);  // VIRTIO_F_INDIRECT_DESC
  b.setup();
  b.put<uint16_t>(kAvail, 1);  // VIRTQ_AVAIL_F_NO_INTERRUPT
  b.request(kOut, 0, 512);
  b.run();
  REQUIRE(b.used_idx() == 1);
  CHECK(b.status_byte() == 0);
  CHECK(b.reg(kIntStatus) == 0);
  CHECK(!b.plic.level(1));
  b.put<uint16_t>(kAvail, 0);
  b.request(kIn, 0, 512);
  b.run();
  REQUIRE(b.used_idx() == 2);
  CHECK(b.reg(kIntStatus) == 1);
  CHECK(b.plic.level(1));
}

// §2.6.6/2.6.8: ring positions are the free-running 16-bit indexes modulo the queue size.
// 40 requests one after another on a 16-entry queue: the rings and the descriptor table
// wrap twice and every request lands where the index says.
TEST_CASE("virtio-blk: the rings wrap around past the queue size")
{
  configure();
  Bench b;
  b.setup();
  for (unsigned r = 0; r < 40; ++r) {
    b.put<uint64_t>(kData, 0x1000 + r);
    const uint16_t head = b.next_desc;
    b.request(kOut, r, 512);
    b.run(100);
    REQUIRE(b.used_idx() == r + 1);
    CHECK(b.used_id(r) == head);
    CHECK(b.status_byte() == 0);
  }
  for (unsigned r = 0; r < 40; ++r) {
    b.request(kIn, r, 512);
    b.run(200);
    CHECK(b.get<uint64_t>(kData) == 0x1000 + r);
  }
  CHECK(b.used_idx() == 80);
}

// The 16-bit indexes themselves wrap at 65536 (§2.6.6: "idx ... wraps naturally at 65536"):
// 65536 + 64 FLUSH requests in batches of 128 on a 256-entry queue, every one completed.
TEST_CASE("virtio-blk: the 16-bit ring indexes wrap at 65536")
{
  configure();
  Bench b;
  b.num = 256;
  b.setup();
  b.header(kHdr, kFlush, 0);
  uint32_t done = 0;
  const uint32_t total = 65536 + 64;
  while (done < total) {
    const uint32_t batch = std::min<uint32_t>(128, total - done);
    for (uint32_t i = 0; i < batch; ++i)
      b.submit({{kHdr, 16, 0}, {kStat + i, 1, kWrite}});
    for (int spin = 0; spin < 100 && uint16_t(b.used_idx() - uint16_t(done)) < batch; ++spin)
      b.run(1000);
    REQUIRE(uint16_t(b.used_idx() - uint16_t(done)) == batch);
    done += batch;
    b.reg(kIntAck, 1);
  }
  CHECK(b.used_idx() == uint16_t(total));
  CHECK(b.used_id(total - 1) == uint16_t(2 * (total - 1) % 256));
  CHECK(b.stat("disk.requests.flush") == total);
  CHECK((b.reg(kStatus) & kNeedsReset) == 0);
}

TEST_CASE("virtio-blk: several requests at once are all served in order")
{
  configure();
  Bench b;
  b.setup();
  for (unsigned r = 0; r < 3; ++r) {
    uint64_t hdr = kHdr + 16 * r;
    b.header(hdr, kOut, 10 + r);
    std::memset(b.mem(kData + 512 * r), int(0x10 + r), 512);
    b.submit({{hdr, 16, 0}, {kData + 512 * r, 512, 0}, {kStat + r, 1, kWrite}});
  }
  b.run();
  REQUIRE(b.used_idx() == 3);
  CHECK(b.used_id(0) == 0);
  CHECK(b.used_id(1) == 3);
  CHECK(b.used_id(2) == 6);
  const common::Histogram* qd = common::stats().find_histogram("disk.queue_depth");
  CHECK(qd->count() == 3);
  CHECK(qd->max() == 3);
  CHECK(qd->sum() == 3 + 2 + 1);
}

TEST_CASE("virtio-blk: the image file holds the written data after the device is gone")
{
  std::string path = temp_image(64 * 1024, 0x5c);
  configure("disk.image", path);
  {
    Bench b;
    CHECK(b.disk.capacity_sectors() == 128);
    b.setup();
    std::memset(b.mem(kData), 0xa5, 1024);
    b.request(kOut, 126, 1024);  // the last two sectors
    b.run();
    REQUIRE(b.status_byte() == 0);
    // Written through: on the host file before any flush.
    CHECK(file_bytes(path)[126 * 512] == 0xa5);
    b.request(kFlush, 0, 0);
    b.run();
    CHECK(b.status_byte() == 0);
  }
  std::vector<uint8_t> bytes = file_bytes(path);
  REQUIRE(bytes.size() == 64 * 1024);
  CHECK(bytes[126 * 512 - 1] == 0x5c);
  CHECK(bytes[126 * 512] == 0xa5);
  CHECK(bytes[64 * 1024 - 1] == 0xa5);
  std::remove(path.c_str());
}

TEST_CASE("virtio-blk: a bad image is a user error naming the path and the rule")
{
  configure("disk.image", "/nonexistent/disk.img");
  REQUIRE_THROWS_WITH(storage::VirtioBlk("disk"),
                      Catch::Contains("/nonexistent/disk.img") && Catch::Contains("cannot be"));
  std::string path = temp_image(1000, 0);
  configure("disk.image", path);
  REQUIRE_THROWS_WITH(storage::VirtioBlk("disk"),
                      Catch::Contains(path) && Catch::Contains("multiple of 512"));
  std::remove(path.c_str());
  configure("disk.size", "1000");
  REQUIRE_THROWS_WITH(storage::VirtioBlk("disk"),
                      Catch::Contains("disk.size") && Catch::Contains("multiple of 512"));
}

TEST_CASE("virtio-blk: legacy interface with QueuePFN")
{
  configure();
  common::config().set("disk.legacy", "true", "test");
  Bench b;
  CHECK(b.reg(kVersion) == 1);
  b.reg(kDevFeatSel, 1);
  CHECK(b.reg(kDevFeat) == 0);  // no VERSION_1 on a legacy device
  b.reg(kStatus, kAck | kDriver);
  b.reg(kDevFeatSel, 0);
  b.reg(kDrvFeat, b.reg(kDevFeat));
  b.reg(kPageSize, 4096);
  b.reg(kQueueSel, 0);
  b.reg(kQueueNum, 16);
  b.reg(kQueueAlign, 4096);
  // Legacy layout: descriptors at the page, the available ring after 16 descriptors, the
  // used ring at the next 4 KiB boundary: exactly kDesc, kDesc + 0x100, kDesc + 0x1000.
  b.reg(kQueuePfn, uint32_t(kDesc / 4096));
  CHECK(b.reg(kQueuePfn) == kDesc / 4096);
  b.reg(kStatus, kAck | kDriver | kDriverOk);
  const uint64_t avail = kDesc + 0x100, used = kDesc + 0x1000;
  b.header(kHdr, kOut, 0);
  std::memset(b.mem(kData), 0x77, 512);
  b.write_desc(0, kHdr, 16, kNext, 1);
  b.write_desc(1, kData, 512, kNext, 2);
  b.write_desc(2, kStat, 1, kWrite, 0);
  b.put<uint16_t>(avail + 4, 0);
  b.put<uint16_t>(avail + 2, 1);
  b.reg(kQueueNotify, 0);
  b.run();
  CHECK(b.get<uint16_t>(used + 2) == 1);
  CHECK(b.status_byte() == 0);
  CHECK(b.stat("disk.sectors_written") == 1);
}

// ---- guest misbehaviour: error status where one can be written, else NEEDS_RESET

TEST_CASE("virtio-blk bad: a sector past the end completes with IOERR and writes nothing")
{
  std::string path = temp_image(8192, 0x11);
  configure("disk.image", path);
  {
    Bench b;
    b.setup();
    std::memset(b.mem(kData), 0x99, 1024);
    b.request(kOut, 15, 1024);  // sector 15 exists, 16 does not
    b.run();
    REQUIRE(b.used_idx() == 1);
    CHECK(b.status_byte() == 1);
    b.request(kOut, ~0ull / 512, 512);  // sector*512 overflows 64 bits
    b.run();
    CHECK(b.status_byte() == 1);
    b.request(kIn, 16, 512);
    b.run();
    CHECK(b.status_byte() == 1);
    CHECK(b.stat("disk.errors") == 3);
    CHECK(b.stat("disk.sectors_written") == 0);
    CHECK((b.reg(kStatus) & kNeedsReset) == 0);
  }
  std::vector<uint8_t> bytes = file_bytes(path);
  CHECK(bytes.size() == 8192);
  CHECK(std::count(bytes.begin(), bytes.end(), 0x11) == 8192);
  std::remove(path.c_str());
}

TEST_CASE("virtio-blk bad: a data buffer outside RAM completes with IOERR and the device goes on")
{
  configure();
  Bench b;
  b.setup();
  b.header(kHdr, kIn, 0);
  b.submit({{kHdr, 16, 0}, {0x4000'0000, 512, kWrite}, {kStat, 1, kWrite}});
  b.run();
  REQUIRE(b.used_idx() == 1);
  CHECK(b.status_byte() == 1);
  b.header(kHdr, kOut, 0);
  // Straddles the end of RAM: 16 MiB DRAM ends at 0x8100_0000.
  b.submit({{kHdr, 16, 0}, {kRam + (16 << 20) - 256, 512, 0}, {kStat, 1, kWrite}});
  b.run();
  REQUIRE(b.used_idx() == 2);
  CHECK(b.status_byte() == 1);
  b.request(kIn, 0, 512);
  b.run();
  REQUIRE(b.used_idx() == 3);
  CHECK(b.status_byte() == 0);
  CHECK(b.stat("disk.errors") == 2);
}

TEST_CASE("virtio-blk bad: a header shorter than 16 bytes completes with IOERR")
{
  configure();
  Bench b;
  b.setup();
  b.header(kHdr, kIn, 0);
  b.submit({{kHdr, 8, 0}, {kData, 512, kWrite}, {kStat, 1, kWrite}});
  b.run();
  REQUIRE(b.used_idx() == 1);
  CHECK(b.status_byte() == 1);
}

TEST_CASE("virtio-blk bad: a data length that is not whole sectors completes with IOERR")
{
  configure();
  Bench b;
  b.setup();
  b.request(kIn, 0, 100);
  b.run();
  REQUIRE(b.used_idx() == 1);
  CHECK(b.status_byte() == 1);
  CHECK(b.stat("disk.sectors_read") == 0);
}

TEST_CASE("virtio-blk bad: a looping chain sets DEVICE_NEEDS_RESET with a config interrupt")
{
  configure();
  Bench b;
  b.setup();
  b.header(kHdr, kIn, 0);
  b.write_desc(0, kHdr, 16, kNext, 1);
  b.write_desc(1, kData, 512, kWrite | kNext, 2);
  b.write_desc(2, kData + 512, 512, kWrite | kNext, 1);  // back to 1
  b.publish(0);
  b.run();
  CHECK(b.used_idx() == 0);
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);
  CHECK(b.reg(kIntStatus) == 2);
  CHECK(b.plic.level(1));
  CHECK(b.stat("disk.needs_reset") == 1);
  // Only a reset clears it (virtio 1.x 2.1.1): a status write without the bit keeps it.
  b.reg(kStatus, kAck | kDriver | kFeaturesOk | kDriverOk);
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);
  // Further notifications are ignored until the driver resets the device...
  b.request(kIn, 0, 512);
  b.run();
  CHECK(b.used_idx() == 0);
  // ...after which it works again.
  std::memset(b.mem(kAvail), 0, 64);
  b.setup();
  CHECK((b.reg(kStatus) & kNeedsReset) == 0);
  b.request(kIn, 0, 512);
  b.run();
  CHECK(b.used_idx() == 1);
  CHECK(b.status_byte() == 0);
}

TEST_CASE("virtio-blk bad: a chain longer than the queue sets DEVICE_NEEDS_RESET")
{
  configure();
  Bench b;
  b.num = 4;
  b.setup();
  b.header(kHdr, kOut, 0);
  // Four descriptors that all chain on: the fifth link would be a fifth descriptor.
  for (uint16_t i = 0; i < 4; ++i)
    b.write_desc(i, kHdr, 16, kNext, uint16_t((i + 1) % 4));
  b.publish(0);
  b.run();
  CHECK(b.used_idx() == 0);
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);
}

TEST_CASE("virtio-blk bad: a descriptor index beyond the queue sets DEVICE_NEEDS_RESET")
{
  configure();
  Bench b;
  b.setup();
  b.header(kHdr, kIn, 0);
  b.write_desc(0, kHdr, 16, kNext, 200);  // queue of 16
  b.publish(0);
  b.run();
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);
  CHECK(b.used_idx() == 0);
}

TEST_CASE("virtio-blk bad: an available index far ahead sets DEVICE_NEEDS_RESET")
{
  configure();
  Bench b;
  b.setup();
  b.put<uint16_t>(kAvail + 2, 1000);
  b.reg(kQueueNotify, 0);
  b.run();
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);
  CHECK(b.used_idx() == 0);
}

TEST_CASE("virtio-blk bad: a status byte outside RAM or missing sets DEVICE_NEEDS_RESET")
{
  configure();
  Bench b;
  b.setup();
  b.header(kHdr, kIn, 0);
  b.submit({{kHdr, 16, 0}, {kData, 512, kWrite}, {0x4000'0000, 1, kWrite}});
  b.run();
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);
  CHECK(b.used_idx() == 0);

  std::memset(b.mem(kAvail), 0, 64);
  b.setup();
  b.header(kHdr, kOut, 0);
  b.submit({{kHdr, 16, 0}, {kData, 512, 0}});  // nothing device-writable
  b.run();
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);
  CHECK(b.stat("disk.sectors_written") == 0);
}

TEST_CASE("virtio-blk bad: an indirect descriptor or a readable after a writable one")
{
  configure();
  Bench b;
  b.setup();
  b.submit({{kHdr, 64, kIndirect}});
  b.run();
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);

  std::memset(b.mem(kAvail), 0, 64);
  b.setup();
  b.header(kHdr, kOut, 0);
  b.submit({{kHdr, 16, 0}, {kStat, 1, kWrite}, {kData, 512, 0}});
  b.run();
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);
  CHECK(b.stat("disk.sectors_written") == 0);
}

TEST_CASE("virtio-blk bad: rings outside RAM set DEVICE_NEEDS_RESET")
{
  configure();
  Bench b;
  b.setup();
  b.reg(kStatus, 0);
  b.reg(kStatus, kAck | kDriver | kFeaturesOk);
  b.reg(kAvailLo, 0x4000'0000);
  b.reg(kQueueReady, 1);
  b.reg(kStatus, kAck | kDriver | kFeaturesOk | kDriverOk);
  b.reg(kQueueNotify, 0);
  b.run();
  CHECK((b.reg(kStatus) & kNeedsReset) != 0);
}

TEST_CASE("virtio-blk bad: a notification for a queue that does not exist does nothing")
{
  configure();
  Bench b;
  b.setup();
  b.run();  // the device has looked at the empty ring
  b.header(kHdr, kIn, 0);
  b.put<uint16_t>(kAvail + 4, 0);
  b.write_desc(0, kHdr, 16, kNext, 1);
  b.write_desc(1, kStat, 1, kWrite, 0);
  b.put<uint16_t>(kAvail + 2, 1);
  b.reg(kQueueNotify, 1);
  b.run();
  CHECK(b.used_idx() == 0);
  CHECK(b.reg(kStatus) == (kAck | kDriver | kFeaturesOk | kDriverOk));
  b.reg(kQueueNotify, 0);
  b.run();
  CHECK(b.used_idx() == 1);
}
