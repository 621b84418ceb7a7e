#include "models/storage/virtio_blk.h"

#include <algorithm>
#include <cstring>

#include "models/common/bits.h"
#include "models/common/config.h"

namespace vmplat::storage {

namespace {

// virtio-mmio registers (virtio 1.1 §4.2.2, legacy §4.2.4).
enum Reg : uint64_t {
  kMagicValue = 0x000,
  kVersion = 0x004,
  kDeviceId = 0x008,
  kVendorId = 0x00c,
  kDeviceFeatures = 0x010,
  kDeviceFeaturesSel = 0x014,
  kDriverFeatures = 0x020,
  kDriverFeaturesSel = 0x024,
  kGuestPageSize = 0x028,
  kQueueSel = 0x030,
  kQueueNumMax = 0x034,
  kQueueNum = 0x038,
  kQueueAlign = 0x03c,
  kQueuePfn = 0x040,
  kQueueReady = 0x044,
  kQueueNotify = 0x050,
  kInterruptStatus = 0x060,
  kInterruptAck = 0x064,
  kStatus = 0x070,
  kQueueDescLow = 0x080,
  kQueueDescHigh = 0x084,
  kQueueDriverLow = 0x090,
  kQueueDriverHigh = 0x094,
  kQueueDeviceLow = 0x0a0,
  kQueueDeviceHigh = 0x0a4,
  kConfigGeneration = 0x0fc,
  kConfig = 0x100,
};

constexpr uint32_t kMagic = 0x74726976;  // "virt"
constexpr uint32_t kVendorQemu = 0x554d4551;  // "QEMU"
constexpr uint32_t kDeviceIdBlock = 2;
constexpr uint64_t kConfigSize = 0x3c;  // up to and including the discard/write-zeroes fields

// Device status bits (§2.1).
constexpr uint32_t kStatusDriverOk = 4;
constexpr uint32_t kStatusFeaturesOk = 8;
constexpr uint32_t kStatusNeedsReset = 64;

// Feature bits.
constexpr uint64_t kFeatSegMax = 1ull << 2;
constexpr uint64_t kFeatBlkSize = 1ull << 6;
constexpr uint64_t kFeatFlush = 1ull << 9;
constexpr uint64_t kFeatVersion1 = 1ull << 32;

// Split virtqueue (§2.6.5, §2.6.6, §2.6.8).
constexpr uint16_t kDescNext = 1;
constexpr uint16_t kDescWrite = 2;
constexpr uint16_t kDescIndirect = 4;
constexpr uint16_t kAvailNoInterrupt = 1;

// virtio-blk requests (§5.2.6).
constexpr uint32_t kTypeIn = 0;
constexpr uint32_t kTypeOut = 1;
constexpr uint32_t kTypeFlush = 4;
constexpr uint32_t kTypeGetId = 8;
constexpr uint8_t kStatusOk = 0;
constexpr uint8_t kStatusIoErr = 1;
constexpr uint8_t kStatusUnsupp = 2;
constexpr uint64_t kHeaderSize = 16;
constexpr uint64_t kIdSize = 20;

constexpr size_t kBufferSize = 64 * 1024;

using common::is_pow2;

template <typename T>
T load_le(const uint8_t* p)
{
  T v;
  std::memcpy(&v, p, sizeof v);  // the host and the guest are both little-endian
  return v;
}

}  // namespace

VirtioBlk::VirtioBlk(sc_core::sc_module_name name)
    : sc_module(name),
      tsock("tsock"),
      isock("isock"),
      m_prefix(basename()),
      m_req_read(common::stats().counter(m_prefix + ".requests.read", "IN requests", true)),
      m_req_write(common::stats().counter(m_prefix + ".requests.write", "OUT requests", true)),
      m_req_flush(common::stats().counter(m_prefix + ".requests.flush", "FLUSH requests")),
      m_req_get_id(common::stats().counter(m_prefix + ".requests.get_id", "GET_ID requests")),
      m_req_unsupported(common::stats().counter(m_prefix + ".requests.unsupported",
                                                "requests of a type the device does not know")),
      m_sectors_read(common::stats().counter(m_prefix + ".sectors_read", "512-byte sectors read")),
      m_sectors_written(common::stats().counter(m_prefix + ".sectors_written",
                                                "512-byte sectors written")),
      m_bytes_read(common::stats().counter(m_prefix + ".bytes_read", "bytes read from the medium")),
      m_bytes_written(common::stats().counter(m_prefix + ".bytes_written",
                                              "bytes written to the medium")),
      m_errors(common::stats().counter(m_prefix + ".errors",
                                       "requests completed with VIRTIO_BLK_S_IOERR")),
      m_needs_reset(common::stats().counter(m_prefix + ".needs_reset",
                                            "times the device entered DEVICE_NEEDS_RESET")),
      m_latency(common::stats().histogram(
          m_prefix + ".latency", "request latency in microseconds, taken to completion",
          common::Histogram::pow2(16), true)),
      m_queue_depth(common::stats().histogram(
          m_prefix + ".queue_depth", "outstanding requests when a request is taken",
          common::Histogram::pow2(10)))
{
  auto& cfg = common::config();
  const std::string& p = m_prefix;
  std::string image = cfg.text(p + ".image", "",
                               "raw disk image file (size a multiple of 512), written through");
  uint64_t size = cfg.u64(p + ".size", 0, "bytes",
                          "size of an in-memory disk when no image is given (0: no disk)", 0,
                          1ull << 44);
  m_legacy = cfg.flag(p + ".legacy", false, "legacy virtio-mmio (version 1) instead of version 2");
  m_queue_size = uint32_t(cfg.u64(p + ".queue_size", 256, "descriptors",
                                  "QueueNumMax: largest queue the driver may set up (power of two)",
                                  2, 32768));
  m_serial = cfg.text(p + ".serial", "vmplat-disk0", "GET_ID answer (at most 20 characters)");
  uint64_t rd_lat = cfg.u64(p + ".read_latency", 80000, "ns",
                            "medium time of a read request before its data moves", 0, 1000000000);
  uint64_t wr_lat = cfg.u64(p + ".write_latency", 20000, "ns",
                            "medium time of a write or flush request", 0, 1000000000);
  uint64_t rd_bw = cfg.u64(p + ".read_bandwidth", 2000, "MB/s", "medium read bandwidth (10^6 B/s)",
                           1, 1000000);
  uint64_t wr_bw = cfg.u64(p + ".write_bandwidth", 1500, "MB/s",
                           "medium write bandwidth (10^6 B/s)", 1, 1000000);
  if (!is_pow2(m_queue_size))
    throw common::UserError(p + ".queue_size = " + std::to_string(m_queue_size) +
                            ": allowed: a power of two from 2 to 32768");
  if (m_serial.size() > kIdSize)
    throw common::UserError(p + ".serial = '" + m_serial + "': allowed: at most 20 characters");
  // A size of 0 is "no in-memory disk": what the effective configuration of a run with an
  // image records, so that configuration loads back (--stats "config" as --config).
  if (!image.empty() && size != 0)
    throw common::UserError(p + ": give " + p + ".image or " + p + ".size, not both");
  if (!image.empty()) {
    m_store = BlockStore::open_image(image);
  } else {
    if (size % BlockStore::kSectorSize != 0)
      throw common::UserError(p + ".size = " + std::to_string(size) +
                              ": allowed: a multiple of 512 bytes");
    m_store = BlockStore::anonymous(size);
  }
  m_read_latency = sc_core::sc_time(double(rd_lat), sc_core::SC_NS);
  m_write_latency = sc_core::sc_time(double(wr_lat), sc_core::SC_NS);
  m_read_ps_per_byte = 1e6 / double(rd_bw);
  m_write_ps_per_byte = 1e6 / double(wr_bw);

  m_readable.resize(m_queue_size);
  m_writable.resize(m_queue_size);
  m_buffer.resize(kBufferSize);
  reset();

  tsock.register_b_transport(this, &VirtioBlk::b_transport);
  tsock.register_transport_dbg(this, &VirtioBlk::transport_dbg);
  SC_HAS_PROCESS(VirtioBlk);
  SC_THREAD(worker);
}

VirtioBlk::~VirtioBlk() = default;

uint64_t VirtioBlk::offered_features() const
{
  uint64_t f = kFeatSegMax | kFeatBlkSize | kFeatFlush;
  return m_legacy ? f : f | kFeatVersion1;
}

void VirtioBlk::reset()
{
  m_status = 0;
  m_irq_status = 0;
  m_dev_features_sel = m_drv_features_sel = 0;
  m_drv_features = 0;
  m_queue_sel = 0;
  m_guest_page_size = 4096;
  m_queue_align = 4096;
  m_queue_pfn = 0;
  m_queue_num = m_queue_size;
  m_queue_ready = false;
  m_desc_addr = m_avail_addr = m_used_addr = 0;
  m_last_avail = m_used_idx = 0;
  m_broken = false;
  ++m_generation;
  update_irq();
}

void VirtioBlk::update_irq() { irq.set(m_irq_status != 0); }

// ---------------------------------------------------------------- registers

void VirtioBlk::b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay)
{
  unsigned len = tx.get_data_length();
  if (tx.get_byte_enable_ptr()) {
    tx.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (len == 0 || len > 8 || tx.get_streaming_width() < len) {
    tx.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  uint64_t off = tx.get_address();
  uint64_t value = 0;
  if (tx.is_read()) {
    value = read_reg(off, len);
    std::memcpy(tx.get_data_ptr(), &value, len);
  } else if (tx.is_write()) {
    std::memcpy(&value, tx.get_data_ptr(), len);
    write_reg(off, len, value, delay);
  }
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

// A debugger reads the registers as the guest would, without side effects (read_reg has
// none); writing them could start a request, so a debug write is refused.
unsigned VirtioBlk::transport_dbg(tlm::tlm_generic_payload& tx)
{
  const unsigned len = tx.get_data_length();
  if (!tx.is_read() || tx.get_byte_enable_ptr() || len == 0 || len > 8) {
    tx.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return 0;
  }
  const uint64_t value = read_reg(tx.get_address(), len);
  std::memcpy(tx.get_data_ptr(), &value, len);
  tx.set_response_status(tlm::TLM_OK_RESPONSE);
  return len;
}

uint64_t VirtioBlk::config_bytes(uint64_t off, unsigned len) const
{
  // virtio-blk configuration layout (§5.2.4), little-endian.
  uint8_t cfg[kConfigSize] = {};
  uint64_t capacity = capacity_sectors();
  uint32_t seg_max = m_queue_size - 2;  // a request needs a header and a status descriptor
  uint32_t blk_size = uint32_t(BlockStore::kSectorSize);
  std::memcpy(cfg + 0x00, &capacity, 8);
  std::memcpy(cfg + 0x0c, &seg_max, 4);
  std::memcpy(cfg + 0x14, &blk_size, 4);
  uint64_t v = 0;
  if (off < kConfigSize)
    std::memcpy(&v, cfg + off, std::min<uint64_t>(len, kConfigSize - off));
  return v;
}

uint64_t VirtioBlk::read_reg(uint64_t off, unsigned len) const
{
  if (!present()) {
    // An empty slot, as QEMU shows one: magic, version and vendor, device id 0.
    if (len != 4)
      return 0;
    switch (off) {
      case kMagicValue: return kMagic;
      case kVersion: return m_legacy ? 1 : 2;
      case kVendorId: return kVendorQemu;
      default: return 0;
    }
  }
  if (off >= kConfig)
    return config_bytes(off - kConfig, len);
  // §4.2.2.2: the driver uses 32-bit accesses for registers; others read as 0 (as QEMU).
  if (len != 4)
    return 0;
  uint64_t features = offered_features();
  switch (off) {
    case kMagicValue: return kMagic;
    case kVersion: return m_legacy ? 1 : 2;
    case kDeviceId: return kDeviceIdBlock;
    case kVendorId: return kVendorQemu;
    case kDeviceFeatures:
      return m_dev_features_sel == 0   ? uint32_t(features)
             : m_dev_features_sel == 1 ? uint32_t(features >> 32)
                                       : 0;
    case kQueueNumMax: return m_queue_sel == 0 ? m_queue_size : 0;
    case kQueuePfn: return m_legacy && m_queue_sel == 0 ? m_queue_pfn : 0;
    case kQueueReady: return !m_legacy && m_queue_sel == 0 && m_queue_ready;
    case kInterruptStatus: return m_irq_status;
    case kStatus: return m_status;
    case kConfigGeneration: return 0;
    default: return 0;
  }
}

void VirtioBlk::write_reg(uint64_t off, unsigned len, uint64_t value,
                          const sc_core::sc_time& delay)
{
  if (!present() || off >= kConfig || len != 4)
    return;  // config space is read-only for virtio-blk (no writeback feature)
  uint32_t v = uint32_t(value);
  auto set_half = [&](uint64_t& reg, bool high) {
    if (m_legacy || m_queue_sel != 0)
      return;
    reg = high ? (reg & 0xffffffffull) | (uint64_t(v) << 32) : (reg & ~0xffffffffull) | v;
  };
  switch (off) {
    case kDeviceFeaturesSel: m_dev_features_sel = v; break;
    case kDriverFeaturesSel: m_drv_features_sel = v; break;
    case kDriverFeatures:
      // §3.1.1: features are fixed once FEATURES_OK is set; unknown bits are dropped.
      if ((m_status & kStatusFeaturesOk) || m_drv_features_sel > 1)
        break;
      if (m_drv_features_sel == 0)
        m_drv_features = (m_drv_features & ~0xffffffffull) | v;
      else
        m_drv_features = (m_drv_features & 0xffffffffull) | (uint64_t(v) << 32);
      m_drv_features &= offered_features();
      break;
    case kGuestPageSize:
      if (m_legacy)
        m_guest_page_size = v;
      break;
    case kQueueSel: m_queue_sel = v; break;
    case kQueueNum:
      // Split rings index modulo the size, so it must be a power of two (§2.6).
      if (m_queue_sel == 0 && is_pow2(v) && v <= m_queue_size)
        m_queue_num = v;
      break;
    case kQueueAlign:
      if (m_legacy)
        m_queue_align = v;
      break;
    case kQueuePfn:
      if (m_legacy && m_queue_sel == 0) {
        // Legacy ring layout (§4.2.4, §2.6.2 legacy interface): descriptors, then the
        // available ring, then the used ring at the next QueueAlign boundary.
        m_queue_pfn = v;
        uint64_t align = m_queue_align ? m_queue_align : 1;
        m_desc_addr = uint64_t(v) * m_guest_page_size;
        m_avail_addr = m_desc_addr + 16ull * m_queue_num;
        uint64_t avail_end = m_avail_addr + 6 + 2ull * m_queue_num;
        m_used_addr = (avail_end + align - 1) / align * align;
        m_last_avail = m_used_idx = 0;
        kick(delay);
      }
      break;
    case kQueueReady:
      if (!m_legacy && m_queue_sel == 0) {
        m_queue_ready = v & 1;
        kick(delay);
      }
      break;
    case kQueueNotify:
      if (v == 0)
        kick(delay);
      break;
    case kInterruptAck:
      m_irq_status &= ~v;
      update_irq();
      break;
    case kStatus: set_status(v, delay); break;
    case kQueueDescLow: set_half(m_desc_addr, false); break;
    case kQueueDescHigh: set_half(m_desc_addr, true); break;
    case kQueueDriverLow: set_half(m_avail_addr, false); break;
    case kQueueDriverHigh: set_half(m_avail_addr, true); break;
    case kQueueDeviceLow: set_half(m_used_addr, false); break;
    case kQueueDeviceHigh: set_half(m_used_addr, true); break;
    default: break;
  }
}

void VirtioBlk::set_status(uint32_t value, const sc_core::sc_time& delay)
{
  if (value == 0) {
    reset();
    return;
  }
  // FEATURES_OK is accepted even when the driver did not take VERSION_1: QEMU does the
  // same (it validates features only for VERSION_1 drivers), and on a little-endian
  // guest the legacy and modern request formats are identical. DEVICE_NEEDS_RESET is the
  // device's bit: the driver cannot clear it except by a reset.
  bool was_ok = m_status & kStatusDriverOk;
  m_status = (value & 0xff & ~kStatusNeedsReset) | (m_status & kStatusNeedsReset);
  if (!was_ok && (m_status & kStatusDriverOk))
    kick(delay);
}

// ---------------------------------------------------------------- request processing

void VirtioBlk::worker()
{
  for (;;) {
    sc_core::wait(m_kick);
    m_kicks_seen = m_kicks;
    m_serving = true;
    while (serve_one()) {
    }
    m_serving = false;
  }
}

void VirtioBlk::break_device(const char* why)
{
  m_broken = true;
  m_status |= kStatusNeedsReset;
  ++m_needs_reset;
  SC_REPORT_WARNING(name(), (std::string("guest error, device needs reset: ") + why).c_str());
  // §2.1.2: with DRIVER_OK set the device sends a configuration change notification.
  if (m_status & kStatusDriverOk) {
    m_irq_status |= 2;
    update_irq();
  }
}

bool VirtioBlk::serve_one()
{
  bool live = m_legacy ? m_queue_pfn != 0 : m_queue_ready;
  if (!present() || m_broken || !(m_status & kStatusDriverOk) || !live)
    return false;
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  m_medium_time = sc_core::SC_ZERO_TIME;
  uint16_t avail_idx = 0, avail_flags = 0, head = 0;
  if (!read16(m_avail_addr + 2, avail_idx, delay)) {
    break_device("available ring outside memory");
    return false;
  }
  uint16_t pending = uint16_t(avail_idx - m_last_avail);
  if (pending == 0)
    return false;
  if (pending > m_queue_num) {
    break_device("available index moved by more than the queue size");
    return false;
  }
  if (!read16(m_avail_addr + 4 + 2ull * (m_last_avail % m_queue_num), head, delay)) {
    break_device("available ring outside memory");
    return false;
  }
  m_queue_depth.sample(uint16_t(avail_idx - m_used_idx));
  ++m_last_avail;
  sc_core::sc_time start = sc_core::sc_time_stamp();
  uint64_t generation = m_generation;
  uint32_t used_len = 0;
  if (serve(head, used_len, delay) == Outcome::kBroken)
    return false;

  // The DMA took `delay` and the medium m_medium_time: the request completes then. The
  // medium time is kept out of the DMA's local time so the DRAM sees the transfers when
  // they start, not a request's length in the future (which would stall the hart's
  // accesses to the same bank behind them).
  sc_core::wait(delay + m_medium_time);
  if (generation != m_generation)
    return true;  // reset while in flight: the driver no longer expects this request
  delay = sc_core::SC_ZERO_TIME;
  uint8_t elem[8];
  uint32_t id = head;
  std::memcpy(elem, &id, 4);
  std::memcpy(elem + 4, &used_len, 4);
  uint16_t next_used = uint16_t(m_used_idx + 1);
  if (!dma(tlm::TLM_WRITE_COMMAND, m_used_addr + 4 + 8ull * (m_used_idx % m_queue_num), elem, 8,
           delay) ||
      !dma(tlm::TLM_WRITE_COMMAND, m_used_addr + 2, reinterpret_cast<uint8_t*>(&next_used), 2,
           delay)) {
    break_device("used ring outside memory");
    return false;
  }
  m_used_idx = next_used;
  m_latency.sample(uint64_t((sc_core::sc_time_stamp() - start) / sc_core::sc_time(1, sc_core::SC_US)));
  if (!read16(m_avail_addr, avail_flags, delay)) {
    break_device("available ring outside memory");
    return false;
  }
  if (!(avail_flags & kAvailNoInterrupt)) {
    m_irq_status |= 1;
    update_irq();
  }
  return true;
}

VirtioBlk::Outcome VirtioBlk::serve(uint16_t head, uint32_t& used_len, sc_core::sc_time& delay)
{
  // Walk the chain (§2.6.5). Faults in the ring structure itself leave no trustworthy
  // place for a status byte: they put the device in DEVICE_NEEDS_RESET, as QEMU does.
  m_nreadable = m_nwritable = 0;
  uint64_t readable = 0, writable = 0;
  uint16_t idx = head;
  for (uint32_t count = 1;; ++count) {
    if (idx >= m_queue_num) {
      break_device("descriptor index beyond the queue size");
      return Outcome::kBroken;
    }
    if (count > m_queue_num) {
      break_device("descriptor chain longer than the queue size (a loop)");
      return Outcome::kBroken;
    }
    uint8_t d[16];
    if (!dma(tlm::TLM_READ_COMMAND, m_desc_addr + 16ull * idx, d, 16, delay)) {
      break_device("descriptor table outside memory");
      return Outcome::kBroken;
    }
    Segment seg{load_le<uint64_t>(d), load_le<uint32_t>(d + 8)};
    uint16_t flags = load_le<uint16_t>(d + 12);
    if (flags & kDescIndirect) {
      break_device("indirect descriptor, a feature the device does not offer");
      return Outcome::kBroken;
    }
    if (flags & kDescWrite) {
      m_writable[m_nwritable++] = seg;
      writable += seg.len;
    } else {
      // §2.6.4.2: device-readable descriptors come before device-writable ones.
      if (m_nwritable != 0) {
        break_device("device-readable descriptor after a device-writable one");
        return Outcome::kBroken;
      }
      m_readable[m_nreadable++] = seg;
      readable += seg.len;
    }
    if (!(flags & kDescNext))
      break;
    idx = load_le<uint16_t>(d + 14);
  }
  if (writable == 0) {
    break_device("request without a device-writable status byte");
    return Outcome::kBroken;
  }

  // The header is the first 16 readable bytes, the status the last writable byte; the
  // data is what lies between (any descriptor layout, §2.6.4).
  uint64_t in_len = writable - 1;
  uint8_t status = kStatusIoErr;
  uint32_t written = 0;
  uint8_t hdr[kHeaderSize];
  if (readable >= kHeaderSize &&
      dma_segments(m_readable, m_nreadable, 0, hdr, kHeaderSize, tlm::TLM_READ_COMMAND, delay)) {
    uint32_t type = load_le<uint32_t>(hdr);
    uint64_t sector = load_le<uint64_t>(hdr + 8);
    switch (type) {
      case kTypeIn:
        ++m_req_read;
        status = serve_in(sector, in_len, delay);
        if (status == kStatusOk)
          written = uint32_t(in_len);
        break;
      case kTypeOut:
        ++m_req_write;
        status = serve_out(sector, readable - kHeaderSize, delay);
        break;
      case kTypeFlush:
        ++m_req_flush;
        m_medium_time += m_write_latency;
        status = m_store.flush() ? kStatusOk : kStatusIoErr;
        break;
      case kTypeGetId:
        ++m_req_get_id;
        status = serve_get_id(in_len, written, delay);
        break;
      default:
        ++m_req_unsupported;
        status = kStatusUnsupp;
        break;
    }
  }
  if (status == kStatusIoErr)
    ++m_errors;
  if (!dma_segments(m_writable, m_nwritable, in_len, &status, 1, tlm::TLM_WRITE_COMMAND, delay)) {
    break_device("status byte outside memory");
    return Outcome::kBroken;
  }
  used_len = written + 1;
  return Outcome::kDone;
}

bool VirtioBlk::in_range(uint64_t sector, uint64_t len) const
{
  // Whole sectors inside the medium: nothing is ever read or written outside the image.
  uint64_t size = m_store.size();
  return len % BlockStore::kSectorSize == 0 && sector <= size / BlockStore::kSectorSize &&
         len <= size - sector * BlockStore::kSectorSize;
}

uint8_t VirtioBlk::serve_in(uint64_t sector, uint64_t len, sc_core::sc_time& delay)
{
  if (!in_range(sector, len))
    return kStatusIoErr;
  m_medium_time += medium_time(false, len);
  uint64_t base = sector * BlockStore::kSectorSize;
  for (uint64_t pos = 0; pos < len;) {
    uint64_t n = std::min<uint64_t>(m_buffer.size(), len - pos);
    if (!m_store.read(base + pos, m_buffer.data(), n) ||
        !dma_segments(m_writable, m_nwritable, pos, m_buffer.data(), n, tlm::TLM_WRITE_COMMAND,
                      delay))
      return kStatusIoErr;
    pos += n;
  }
  m_sectors_read += len / BlockStore::kSectorSize;
  m_bytes_read += len;
  return kStatusOk;
}

uint8_t VirtioBlk::serve_out(uint64_t sector, uint64_t len, sc_core::sc_time& delay)
{
  if (!in_range(sector, len))
    return kStatusIoErr;
  m_medium_time += medium_time(true, len);
  uint64_t base = sector * BlockStore::kSectorSize;
  for (uint64_t pos = 0; pos < len;) {
    uint64_t n = std::min<uint64_t>(m_buffer.size(), len - pos);
    if (!dma_segments(m_readable, m_nreadable, kHeaderSize + pos, m_buffer.data(), n,
                      tlm::TLM_READ_COMMAND, delay) ||
        !m_store.write(base + pos, m_buffer.data(), n))
      return kStatusIoErr;
    pos += n;
  }
  m_sectors_written += len / BlockStore::kSectorSize;
  m_bytes_written += len;
  return kStatusOk;
}

uint8_t VirtioBlk::serve_get_id(uint64_t len, uint32_t& written, sc_core::sc_time& delay)
{
  // §5.2.6: a 20-byte string, NUL-padded (no NUL when it is exactly 20 characters).
  uint8_t id[kIdSize] = {};
  std::memcpy(id, m_serial.data(), m_serial.size());
  uint64_t n = std::min<uint64_t>(len, kIdSize);
  if (!dma_segments(m_writable, m_nwritable, 0, id, n, tlm::TLM_WRITE_COMMAND, delay))
    return kStatusIoErr;
  written = uint32_t(n);
  return kStatusOk;
}

sc_core::sc_time VirtioBlk::medium_time(bool write, uint64_t bytes) const
{
  double ps = double(bytes) * (write ? m_write_ps_per_byte : m_read_ps_per_byte);
  return (write ? m_write_latency : m_read_latency) + sc_core::sc_time(ps, sc_core::SC_PS);
}

// ---------------------------------------------------------------- DMA

bool VirtioBlk::dma(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint64_t len,
                    sc_core::sc_time& delay)
{
  while (len > 0) {
    if (addr + len < addr)
      return false;  // wraps around the address space
    unsigned n = unsigned(std::min<uint64_t>(len, kBufferSize));
    m_tx.set_command(cmd);
    m_tx.set_address(addr);
    m_tx.set_data_ptr(data);
    m_tx.set_data_length(n);
    m_tx.set_streaming_width(n);
    m_tx.set_byte_enable_ptr(nullptr);
    m_tx.set_byte_enable_length(0);
    m_tx.set_dmi_allowed(false);
    m_tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    isock->b_transport(m_tx, delay);
    if (!m_tx.is_response_ok())
      return false;
    addr += n;
    data += n;
    len -= n;
  }
  return true;
}

bool VirtioBlk::dma_segments(const std::vector<Segment>& segs, size_t nsegs, uint64_t off,
                             uint8_t* buf, uint64_t len, tlm::tlm_command cmd,
                             sc_core::sc_time& delay)
{
  for (size_t i = 0; i < nsegs && len > 0; ++i) {
    if (off >= segs[i].len) {
      off -= segs[i].len;
      continue;
    }
    uint64_t n = std::min<uint64_t>(segs[i].len - off, len);
    if (!dma(cmd, segs[i].addr + off, buf, n, delay))
      return false;
    buf += n;
    len -= n;
    off = 0;
  }
  return len == 0;
}

bool VirtioBlk::read16(uint64_t addr, uint16_t& v, sc_core::sc_time& delay)
{
  uint8_t b[2];
  if (!dma(tlm::TLM_READ_COMMAND, addr, b, 2, delay))
    return false;
  v = load_le<uint16_t>(b);
  return true;
}

// ---------------------------------------------------------------- checkpoints

void VirtioBlk::save_state(nlohmann::json& j) const
{
  j["status"] = m_status;
  j["irq_status"] = m_irq_status;
  j["dev_features_sel"] = m_dev_features_sel;
  j["drv_features_sel"] = m_drv_features_sel;
  j["drv_features"] = m_drv_features;
  j["queue_sel"] = m_queue_sel;
  j["guest_page_size"] = m_guest_page_size;
  j["queue_align"] = m_queue_align;
  j["queue_pfn"] = m_queue_pfn;
  j["queue_num"] = m_queue_num;
  j["queue_ready"] = m_queue_ready;
  j["desc_addr"] = m_desc_addr;
  j["avail_addr"] = m_avail_addr;
  j["used_addr"] = m_used_addr;
  j["last_avail"] = m_last_avail;
  j["used_idx"] = m_used_idx;
  j["broken"] = m_broken;
  j["capacity_bytes"] = m_store.size();
}

void VirtioBlk::restore_state(const common::StateIn& in)
{
  if (in.get<uint64_t>("capacity_bytes") != m_store.size())
    in.bad("capacity_bytes", "differs from this disk's size: a checkpoint cannot change it");
  m_status = in.get<uint32_t>("status");
  m_irq_status = in.get<uint32_t>("irq_status");
  m_dev_features_sel = in.get<uint32_t>("dev_features_sel");
  m_drv_features_sel = in.get<uint32_t>("drv_features_sel");
  m_drv_features = in.get<uint64_t>("drv_features");
  m_queue_sel = in.get<uint32_t>("queue_sel");
  m_guest_page_size = in.get<uint32_t>("guest_page_size");
  m_queue_align = in.get<uint32_t>("queue_align");
  m_queue_pfn = in.get<uint32_t>("queue_pfn");
  const uint32_t num = in.get<uint32_t>("queue_num");
  if (!is_pow2(num) || num > m_queue_size)
    in.bad("queue_num", "is not a power of two up to disk.queue_size");
  m_queue_num = num;
  m_queue_ready = in.get<bool>("queue_ready");
  m_desc_addr = in.get<uint64_t>("desc_addr");
  m_avail_addr = in.get<uint64_t>("avail_addr");
  m_used_addr = in.get<uint64_t>("used_addr");
  m_last_avail = in.get<uint16_t>("last_avail");
  m_used_idx = in.get<uint16_t>("used_idx");
  m_broken = in.get<bool>("broken");
  update_irq();
}

}  // namespace vmplat::storage
