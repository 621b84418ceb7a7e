// Fuzz harness: storage::VirtioBlk as a guest drives it, through its registers and guest
// memory (the descriptor table, the rings, the buffers), with simulated time running.
//
// Input byte 0 chooses one of two games:
//  - chaos: any register write or read (either device: a modern one and a legacy one),
//    any bytes anywhere in guest memory, descriptor and ring entries, notifications and
//    time, in any order. Properties: no crash, no sanitizer report, no hang; every DMA
//    stays on the bus (the router answers an address error outside RAM); the interrupt
//    line always equals InterruptStatus != 0.
//  - driver: a correct driver set-up with the queue size the input picks, then requests
//    whose type, sector, length and descriptor layout come from the input (header and
//    data split across descriptors, the status byte alone or at the end of the data,
//    sectors past the end, partial sectors, unknown types, GET_ID with short buffers).
//    Properties: every request completes with the used id and length and the status the
//    virtio spec and docs/storage.md give; data read equals what was last written there
//    (a shadow disk), GET_ID returns the serial, and the device never needs a reset.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "models/bus/router.h"
#include "models/common/config.h"
#include "models/common/log.h"
#include "models/mem/dram.h"
#include "models/storage/virtio_blk.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/unit/tlm_test_initiator.h"

using namespace vmplat;
using fuzz::fail;
using sc_core::SC_NS;
using sc_core::sc_time;
using sc_core::SC_US;

namespace {

constexpr uint64_t kRam = 0x8000'0000;
constexpr uint64_t kRamSize = 64 * 1024;
constexpr uint64_t kSlot[2] = {0x1000'1000, 0x1000'2000};
constexpr uint64_t kDiskBytes = 64 * 1024;  // "disk": 128 sectors
constexpr uint32_t kQueueMax = 16;

// virtio-mmio registers (virtio 1.1 §4.2.2, legacy §4.2.4).
constexpr uint64_t kDevFeatSel = 0x014, kDrvFeat = 0x020, kDrvFeatSel = 0x024, kQueueSel = 0x030,
                   kQueueNum = 0x038, kQueueReady = 0x044, kQueueNotify = 0x050, kIntStatus = 0x060,
                   kIntAck = 0x064, kStatus = 0x070, kDescLo = 0x080, kDescHi = 0x084,
                   kAvailLo = 0x090, kAvailHi = 0x094, kUsedLo = 0x0a0, kUsedHi = 0x0a4;
const uint64_t kRegs[] = {0x000, 0x004, 0x008, 0x00c, 0x010, 0x014, 0x020, 0x024, 0x028, 0x030,
                          0x034, 0x038, 0x03c, 0x040, 0x044, 0x050, 0x060, 0x064, 0x070, 0x080,
                          0x084, 0x090, 0x094, 0x0a0, 0x0a4, 0x0fc, 0x100, 0x108, 0x10c, 0x114};
constexpr uint32_t kAck = 1, kDriver = 2, kDriverOk = 4, kFeaturesOk = 8, kNeedsReset = 64;
constexpr uint16_t kNext = 1, kWrite = 2;
constexpr uint8_t kStatusOk = 0, kStatusIoErr = 1, kStatusUnsupp = 2;

// Guest memory of the driver game.
constexpr uint64_t kDesc = kRam + 0x0000, kAvail = kRam + 0x1000, kUsed = kRam + 0x2000;
constexpr uint64_t kBuffers = kRam + 0x4000;  // headers, data and status bytes from here

struct Bench {
  test::TestInitiator cpu{"cpu"};
  bus::Router router{"router"};
  mem::Dram dram{"dram"};
  storage::VirtioBlk disk{"disk"};
  storage::VirtioBlk vdisk{"vdisk"};
  test::FakeIrqSink plic;

  Bench()
  {
    cpu.isock.bind(router.tsock);
    disk.isock.bind(router.tsock);
    vdisk.isock.bind(router.tsock);
    router.isock.bind(dram.tsock);
    router.map(kRam, dram.size(), "dram");
    router.isock.bind(disk.tsock);
    router.map(kSlot[0], 0x1000, "disk");
    router.isock.bind(vdisk.tsock);
    router.map(kSlot[1], 0x1000, "vdisk");
    disk.irq.bind(plic, 1);
    vdisk.irq.bind(plic, 2);
  }

  uint8_t* mem(uint64_t gpa) { return dram.host_ptr() + (gpa - kRam); }
  uint32_t reg(unsigned dev, uint64_t off) { return cpu.read32(kSlot[dev] + off); }
  void reg(unsigned dev, uint64_t off, uint32_t v) { cpu.write32(kSlot[dev] + off, v); }
  template <typename T>
  void put(uint64_t gpa, T v)
  {
    std::memcpy(mem(gpa), &v, sizeof v);
  }
  template <typename T>
  T get(uint64_t gpa)
  {
    T v;
    std::memcpy(&v, mem(gpa), sizeof v);
    return v;
  }
  void check_irq()
  {
    for (unsigned dev = 0; dev < 2; ++dev)
      if (plic.level(dev + 1) != (reg(dev, kIntStatus) != 0))
        fail("the interrupt line of device " + std::to_string(dev) +
             " differs from InterruptStatus != 0");
  }
  // Resets both devices and lets a request in flight finish (it is dropped), so nothing
  // carries over to the next input.
  void quiesce()
  {
    reg(0, kStatus, 0);
    reg(1, kStatus, 0);
    sc_core::sc_start(sc_time(50, SC_US));
  }
};

Bench& bench()
{
  static Bench* b = [] {
    common::install_report_handler("error");
    auto& cfg = common::config();
    for (const char* s :
         {"dram.size=64K", "disk.size=64K", "disk.queue_size=16", "disk.read_latency=200",
          "disk.write_latency=100", "vdisk.size=32K", "vdisk.legacy=true", "vdisk.queue_size=8",
          "vdisk.read_latency=300", "vdisk.write_latency=0"})
      cfg.set(s, "fuzz");
    auto* bench = new Bench;
    test::elaborate();
    return bench;
  }();
  return *b;
}

void chaos(Bench& b, FuzzedDataProvider& in)
{
  for (unsigned op = 0; op < 64 && in.remaining_bytes() > 0; ++op) {
    const unsigned dev = in.ConsumeIntegralInRange<unsigned>(0, 1);
    switch (in.ConsumeIntegralInRange<unsigned>(0, 9)) {
      case 0:
      case 1: {  // a register write, usually a 32-bit one to a real register
        const uint64_t off = in.ConsumeBool()
                                 ? kRegs[in.ConsumeIntegralInRange<size_t>(0, std::size(kRegs) - 1)]
                                 : in.ConsumeIntegralInRange<uint64_t>(0, 0x1ff);
        const unsigned len = in.ConsumeBool() ? 4 : 1u << in.ConsumeIntegralInRange<unsigned>(0, 3);
        const uint32_t v = in.ConsumeBool() ? in.ConsumeIntegralInRange<uint32_t>(0, 16)
                                            : in.ConsumeIntegral<uint32_t>();
        b.cpu.write(kSlot[dev] + off, len, v);
        break;
      }
      case 2: {  // a register read of any width
        const uint64_t off = in.ConsumeIntegralInRange<uint64_t>(0, 0x1ff);
        (void)b.cpu.read(kSlot[dev] + off, 1u << in.ConsumeIntegralInRange<unsigned>(0, 3));
        break;
      }
      case 3: {  // bytes anywhere in guest memory
        const uint64_t off = in.ConsumeIntegralInRange<uint64_t>(0, kRamSize - 1);
        const std::vector<uint8_t> bytes = in.ConsumeBytes<uint8_t>(
            std::min<size_t>(in.ConsumeIntegralInRange<size_t>(1, 32), kRamSize - off));
        if (!bytes.empty())
          std::memcpy(b.mem(kRam + off), bytes.data(), bytes.size());
        break;
      }
      case 4: {  // a descriptor in the driver game's table
        const uint64_t d = kDesc + 16 * in.ConsumeIntegralInRange<unsigned>(0, kQueueMax - 1);
        const uint64_t addr = in.ConsumeBool()
                                  ? kRam + in.ConsumeIntegralInRange<uint64_t>(0, kRamSize)
                                  : in.ConsumeIntegral<uint64_t>();
        b.put<uint64_t>(d, addr);
        b.put<uint32_t>(d + 8, in.ConsumeBool() ? in.ConsumeIntegralInRange<uint32_t>(0, 4096)
                                                : in.ConsumeIntegral<uint32_t>());
        b.put<uint16_t>(d + 12, in.ConsumeIntegralInRange<uint16_t>(0, 7));
        b.put<uint16_t>(d + 14, in.ConsumeIntegralInRange<uint16_t>(0, kQueueMax + 1));
        break;
      }
      case 5: {  // publish a head in the available ring
        const uint16_t idx = b.get<uint16_t>(kAvail + 2);
        b.put<uint16_t>(kAvail + 4 + 2 * (idx % kQueueMax),
                        in.ConsumeIntegralInRange<uint16_t>(0, kQueueMax));
        b.put<uint16_t>(kAvail + 2, uint16_t(idx + in.ConsumeIntegralInRange<unsigned>(0, 2)));
        b.reg(dev, kQueueNotify, 0);
        break;
      }
      case 6: {  // a driver set-up with the input's queue size and rings
        b.reg(dev, kStatus, 0);
        b.reg(dev, kStatus, kAck | kDriver);
        b.reg(dev, kDrvFeatSel, 1);
        b.reg(dev, kDrvFeat, 1);
        b.reg(dev, kStatus, kAck | kDriver | kFeaturesOk);
        b.reg(dev, kQueueSel, 0);
        b.reg(dev, kQueueNum, 1u << in.ConsumeIntegralInRange<unsigned>(0, 5));
        if (dev == 1) {
          b.reg(dev, 0x028, 4096);  // GuestPageSize
          b.reg(dev, 0x03c,
                in.ConsumeBool() ? 4096 : in.ConsumeIntegral<uint32_t>());  // QueueAlign
          b.reg(dev, 0x040, uint32_t(kDesc / 4096));                        // QueuePFN
        } else {
          b.reg(dev, kDescLo, uint32_t(kDesc));
          b.reg(dev, kDescHi, 0);
          b.reg(dev, kAvailLo, uint32_t(kAvail));
          b.reg(dev, kAvailHi, 0);
          b.reg(dev, kUsedLo,
                uint32_t(in.ConsumeBool()
                             ? kUsed
                             : kRam + in.ConsumeIntegralInRange<uint64_t>(0, kRamSize + 16)));
          b.reg(dev, kUsedHi, 0);
          b.reg(dev, kQueueReady, 1);
        }
        b.reg(dev, kStatus, kAck | kDriver | kFeaturesOk | kDriverOk);
        break;
      }
      case 7: b.reg(dev, kIntAck, in.ConsumeIntegral<uint32_t>()); break;
      default:  // time passes
        sc_core::sc_start(sc_time(double(in.ConsumeIntegralInRange<unsigned>(0, 100)), SC_US));
        break;
    }
    b.check_irq();
  }
  sc_core::sc_start(sc_time(200, SC_US));
  b.check_irq();
}

// The driver game: one request at a time on device 0 with a shadow of the disk.
struct Driver {
  Bench& b;
  uint32_t num = 0;
  uint16_t avail_idx = 0, used_seen = 0;
  std::vector<uint8_t> shadow = std::vector<uint8_t>(kDiskBytes);
  std::vector<bool> known = std::vector<bool>(kDiskBytes / 512);  // written by this input

  void setup(uint32_t queue_num)
  {
    num = queue_num;
    b.reg(0, kStatus, 0);
    b.reg(0, kStatus, kAck | kDriver);
    b.reg(0, kDevFeatSel, 1);
    b.reg(0, kDrvFeatSel, 1);
    b.reg(0, kDrvFeat, 1);  // VIRTIO_F_VERSION_1
    b.reg(0, kStatus, kAck | kDriver | kFeaturesOk);
    b.reg(0, kQueueSel, 0);
    b.reg(0, kQueueNum, num);
    b.reg(0, kDescLo, uint32_t(kDesc));
    b.reg(0, kDescHi, 0);
    b.reg(0, kAvailLo, uint32_t(kAvail));
    b.reg(0, kAvailHi, 0);
    b.reg(0, kUsedLo, uint32_t(kUsed));
    b.reg(0, kUsedHi, 0);
    b.reg(0, kQueueReady, 1);
    b.reg(0, kStatus, kAck | kDriver | kFeaturesOk | kDriverOk);
    if ((b.reg(0, kStatus) & kDriverOk) == 0)
      fail("the device refused a correct set-up");
  }

  void request(FuzzedDataProvider& in)
  {
    static const uint32_t kTypes[] = {0, 1, 4, 8, 0, 1, 2, 0xffffffff};
    const uint32_t type = kTypes[in.ConsumeIntegralInRange<unsigned>(0, 7)];
    const uint64_t capacity = kDiskBytes / 512;
    uint64_t sector;
    switch (in.ConsumeIntegralInRange<unsigned>(0, 3)) {
      case 0: sector = capacity - in.ConsumeIntegralInRange<uint64_t>(0, 3); break;
      case 1: sector = in.ConsumeIntegral<uint64_t>(); break;
      default: sector = in.ConsumeIntegralInRange<uint64_t>(0, capacity - 1); break;
    }
    uint64_t len = 512 * in.ConsumeIntegralInRange<uint64_t>(0, 8);
    if (in.ConsumeIntegralInRange<unsigned>(0, 7) == 0)
      len += in.ConsumeIntegralInRange<uint64_t>(1, 511);
    const unsigned header_len = in.ConsumeIntegralInRange<unsigned>(0, 7) == 0
                                    ? in.ConsumeIntegralInRange<unsigned>(0, 15)
                                    : 16;
    const bool status_alone = in.ConsumeBool();
    const unsigned pieces = in.ConsumeIntegralInRange<unsigned>(1, 4);
    const uint32_t fill_seed = in.ConsumeIntegral<uint32_t>();

    // Buffers: header, data, status, laid out one after the other.
    const uint64_t hdr = kBuffers, data = kBuffers + 64, status = data + len + 64;
    b.put<uint32_t>(hdr, type);
    b.put<uint32_t>(hdr + 4, 0);
    b.put<uint64_t>(hdr + 8, sector);
    const bool device_writes = type == 0 || type == 8;
    std::vector<uint8_t> payload(len);
    for (uint64_t i = 0; i < len; ++i) payload[i] = uint8_t((fill_seed >> (i % 4 * 8)) + i * 131);
    if (len)
      std::memcpy(b.mem(data),
                  device_writes ? std::vector<uint8_t>(len, 0xee).data() : payload.data(), len);
    b.put<uint8_t>(status, 0xff);

    // The chain: the header in one or two descriptors, the data in `pieces` descriptors,
    // the status byte alone or as the last byte of the last data descriptor.
    struct D {
      uint64_t addr;
      uint32_t len;
      bool write;
    };
    std::vector<D> chain;
    if (header_len == 16 && pieces > 1) {
      chain.push_back({hdr, 5, false});
      chain.push_back({hdr + 5, 11, false});
    } else {
      chain.push_back({hdr, header_len, false});
    }
    const uint64_t data_desc_len = status_alone ? len : len + 1;
    if (!status_alone) {
      // Data and status are one contiguous buffer: move the status right after the data.
      b.put<uint8_t>(data + len, 0xff);
    }
    uint64_t done = 0;
    for (unsigned p = 0; p < pieces && done < data_desc_len; ++p) {
      const uint64_t n =
          p + 1 == pieces ? data_desc_len - done
                          : std::min<uint64_t>(data_desc_len - done, (data_desc_len / pieces) + 1);
      chain.push_back(
          {data + done, uint32_t(n), device_writes || (!status_alone && p + 1 == pieces)});
      done += n;
    }
    if (!device_writes && !status_alone) {
      // A readable data payload cannot share a descriptor with the writable status byte:
      // split the status byte off the last piece.
      D& last = chain.back();
      last.write = false;
      last.len -= 1;
      chain.push_back({data + len, 1, true});
    }
    if (status_alone)
      chain.push_back({status, 1, true});
    if (chain.size() > num)
      return;  // does not fit this queue; the device would see no request
    for (size_t i = 0; i < chain.size(); ++i) {
      const uint64_t d = kDesc + 16 * i;
      const uint16_t flags =
          uint16_t((chain[i].write ? kWrite : 0) | (i + 1 < chain.size() ? kNext : 0));
      b.put<uint64_t>(d, chain[i].addr);
      b.put<uint32_t>(d + 8, chain[i].len);
      b.put<uint16_t>(d + 12, flags);
      b.put<uint16_t>(d + 14, uint16_t(i + 1));
    }
    b.put<uint16_t>(kAvail + 4 + 2 * (avail_idx % num), 0);
    ++avail_idx;
    b.put<uint16_t>(kAvail + 2, avail_idx);
    b.reg(0, kQueueNotify, 0);
    for (int spin = 0; spin < 200 && b.get<uint16_t>(kUsed + 2) == used_seen; ++spin)
      sc_core::sc_start(sc_time(5, SC_US));
    if (b.get<uint16_t>(kUsed + 2) != uint16_t(used_seen + 1))
      fail("a request did not complete (device status " + std::to_string(b.reg(0, kStatus)) + ")");
    const uint32_t used_id = b.get<uint32_t>(kUsed + 4 + 8 * (used_seen % num));
    const uint32_t used_len = b.get<uint32_t>(kUsed + 8 + 8 * (used_seen % num));
    ++used_seen;
    const uint8_t got_status = b.get<uint8_t>(status_alone ? status : data + len);

    // What the device must have answered (virtio 1.1 §5.2.6, docs/storage.md): the header
    // is the first 16 bytes of the device-readable part of the chain, whatever descriptors
    // they lie in; an OUT's data is the rest of that part; an IN's data, and GET_ID's
    // serial, go to the device-writable part, whose last byte is the status.
    std::vector<uint8_t> readable;
    uint64_t writable = 0;
    for (const D& d : chain) {
      if (d.write)
        writable += d.len;
      else
        readable.insert(readable.end(), b.mem(d.addr), b.mem(d.addr) + d.len);
    }
    const uint64_t in_len = writable - 1;
    uint32_t eff_type = 0;
    uint64_t eff_sector = 0;
    uint8_t want = kStatusIoErr;
    uint32_t want_len = 1;
    const uint64_t capacity_bytes = kDiskBytes;
    auto fits = [&](uint64_t n) {
      return n % 512 == 0 && eff_sector <= capacity && n <= capacity_bytes - eff_sector * 512;
    };
    if (readable.size() >= 16) {
      std::memcpy(&eff_type, readable.data(), 4);
      std::memcpy(&eff_sector, readable.data() + 8, 8);
      switch (eff_type) {
        case 0:
          want = fits(in_len) ? kStatusOk : kStatusIoErr;
          want_len = want == kStatusOk ? uint32_t(in_len + 1) : 1;
          break;
        case 1: want = fits(readable.size() - 16) ? kStatusOk : kStatusIoErr; break;
        case 4: want = kStatusOk; break;
        case 8:
          want = kStatusOk;
          want_len = uint32_t(std::min<uint64_t>(in_len, 20) + 1);
          break;
        default: want = kStatusUnsupp; break;
      }
    }
    char where[160];
    std::snprintf(where, sizeof where,
                  "type %u sector %llu len %llu header %u pieces %u: ", eff_type,
                  (unsigned long long)eff_sector, (unsigned long long)len, header_len, pieces);
    if (used_id != 0)
      fail(std::string(where) + "used id " + std::to_string(used_id) + ", expected the head 0");
    if (got_status != want)
      fail(std::string(where) + "status " + std::to_string(got_status) + ", expected " +
           std::to_string(want));
    if (used_len != want_len)
      fail(std::string(where) + "used length " + std::to_string(used_len) + ", expected " +
           std::to_string(want_len));
    if (want == kStatusOk && eff_type == 1) {
      for (uint64_t i = 16; i < readable.size(); ++i)
        shadow[eff_sector * 512 + i - 16] = readable[i];
      for (uint64_t s = 0; s < (readable.size() - 16) / 512; ++s) known[eff_sector + s] = true;
    }
    if (want == kStatusOk && eff_type == 0) {
      // The data went to the writable descriptors in order: here, the data buffer.
      for (uint64_t s = 0; s < in_len / 512; ++s)
        if (known[eff_sector + s] &&
            std::memcmp(b.mem(data + s * 512), &shadow[(eff_sector + s) * 512], 512) != 0)
          fail(std::string(where) + "sector " + std::to_string(eff_sector + s) +
               " reads back other data than was written");
    }
    if (want == kStatusOk && eff_type == 8) {
      const char id[20] = "vmplat-disk0";
      if (std::memcmp(b.mem(data), id, std::min<uint64_t>(in_len, 20)) != 0)
        fail(std::string(where) + "GET_ID returned another serial");
    }
    if (b.reg(0, kStatus) & kNeedsReset)
      fail(std::string(where) + "a correct driver made the device need a reset");
  }
};

}  // namespace

// This harness runs SystemC threads, whose stack switching (QuickThreads in Debian's
// libsystemc) LeakSanitizer cannot follow: it reports libFuzzer's own objects as leaked
// at exit, or stops with an error. Leak detection is off here; ASan and UBSan stay on.
extern "C" const char* __asan_default_options()
{
  return "detect_leaks=0";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  Bench& b = bench();
  std::memset(b.mem(kRam), 0, kRamSize);
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) {
    chaos(b, in);
  } else {
    Driver d{b};
    d.setup(1u << in.ConsumeIntegralInRange<unsigned>(1, 4));
    for (unsigned r = 0; r < 16 && in.remaining_bytes() > 0; ++r) d.request(in);
  }
  b.quiesce();
  return 0;
}
