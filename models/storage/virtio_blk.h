// storage::VirtioBlk: a virtio block device on virtio-mmio (virtio 1.1 §4.2.2; legacy
// §4.2.4 with disk.legacy=true), one split virtqueue (§2.6), DMA over its own initiator
// socket, a storage medium with per-request latency plus bytes over bandwidth.
//
// Register map (offsets in the slot; 32-bit accesses, config space 1/2/4/8 bytes):
//   off    name               reset        access  notes
//   0x000  MagicValue         0x74726976   R       "virt"
//   0x004  Version            2 (legacy 1) R
//   0x008  DeviceID           2            R       0 when there is no medium (empty slot)
//   0x00c  VendorID           0x554d4551   R       "QEMU"
//   0x010  DeviceFeatures     -            R       32 bits chosen by DeviceFeaturesSel
//   0x014  DeviceFeaturesSel  0            W
//   0x020  DriverFeatures     0            W       32 bits chosen by DriverFeaturesSel
//   0x024  DriverFeaturesSel  0            W
//   0x028  GuestPageSize      4096         W       legacy only
//   0x030  QueueSel           0            W       only queue 0 exists
//   0x034  QueueNumMax        queue_size   R       0 for any other queue
//   0x038  QueueNum           queue_size   W       1..queue_size, a power of two
//   0x03c  QueueAlign         4096         W       legacy only
//   0x040  QueuePFN           0            RW      legacy only: ring page number, 0 stops
//   0x044  QueueReady         0            RW      modern only
//   0x050  QueueNotify        -            W       value = queue index
//   0x060  InterruptStatus    0            R       bit 0 used buffer, bit 1 config change
//   0x064  InterruptACK       -            W       clears the bits written
//   0x070  Status             0            RW      writing 0 resets the device
//   0x080  QueueDescLow/High  0            W       0x084 high (modern only)
//   0x090  QueueDriverLow/High 0           W       0x094 high: the available ring
//   0x0a0  QueueDeviceLow/High 0           W       0x0a4 high: the used ring
//   0x0fc  ConfigGeneration   0            R       the config space never changes
//   0x100  Config             -            R       virtio-blk config (§5.2.4), below
// Config space: 0x00 capacity (le64, 512-byte sectors), 0x0c seg_max (le32),
// 0x14 blk_size (le32, 512); other fields read 0.
//
// Features offered: VIRTIO_BLK_F_SEG_MAX (2), VIRTIO_BLK_F_BLK_SIZE (6), VIRTIO_BLK_F_FLUSH
// (9), and VIRTIO_F_VERSION_1 (32) when modern; not VIRTIO_F_INDIRECT_DESC (28) nor
// VIRTIO_F_EVENT_IDX (29): the driver suppresses used-buffer interrupts with the available
// ring's VIRTQ_AVAIL_F_NO_INTERRUPT flag (§2.6.7). Requests: IN, OUT, FLUSH, GET_ID; any
// other type completes with VIRTIO_BLK_S_UNSUPP.
//
// Sockets and lines
//   tsock  target: the register slot (local addresses 0..0x1ff)
//   isock  initiator: DMA to guest memory (descriptors, rings, data)
//   irq    level = InterruptStatus != 0 (PLIC source 1 on the platform)
//
// Configuration (prefix = module name, "disk" on the platform; docs/storage.md has all)
//   disk.image, disk.size, disk.legacy, disk.queue_size, disk.serial,
//   disk.read_latency, disk.write_latency (ns), disk.read_bandwidth,
//   disk.write_bandwidth (MB/s)
//
// Statistics: disk.requests.{read,write,flush,get_id,unsupported}, disk.sectors_read,
// disk.sectors_written, disk.bytes_read, disk.bytes_written, disk.errors,
// disk.needs_reset, disk.latency (histogram, µs), disk.queue_depth (histogram).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/common/state.h"
#include "models/common/irq.h"
#include "models/common/stats.h"
#include "models/storage/block_store.h"

namespace vmplat::storage {

class VirtioBlk : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<VirtioBlk> tsock;
  tlm_utils::simple_initiator_socket<VirtioBlk> isock;
  common::IrqLine irq;

  explicit VirtioBlk(sc_core::sc_module_name name);
  ~VirtioBlk() override;

  bool present() const { return m_store.present(); }
  uint64_t capacity_sectors() const { return m_store.size() / BlockStore::kSectorSize; }
  uint32_t status() const { return m_status; }
  // The features the driver accepted (DriverFeatures as negotiated: offered bits only,
  // fixed once FEATURES_OK is set, §3.1.1); the register itself is write-only.
  uint64_t driver_features() const { return m_drv_features; }
  // The medium, for checkpoints (whose copy of it is restored into an anonymous store).
  BlockStore& store() { return m_store; }
  // No request in flight and no notification the worker has not yet looked at: the state
  // is all in registers, rings and the medium (checkpoints are taken only then).
  bool idle() const { return !m_serving && m_kicks_seen == m_kicks; }
  // Checkpoints (docs/checkpoints.md): the registers and queue state (not the medium).
  void save_state(nlohmann::json& j) const;
  void restore_state(const common::StateIn& in);

 private:
  struct Segment {
    uint64_t addr;
    uint32_t len;
  };
  // What happened to one request taken from the available ring.
  enum class Outcome { kDone, kBroken };

  void b_transport(tlm::tlm_generic_payload& tx, sc_core::sc_time& delay);
  unsigned transport_dbg(tlm::tlm_generic_payload& tx);
  uint64_t read_reg(uint64_t off, unsigned len) const;
  void write_reg(uint64_t off, unsigned len, uint64_t value, const sc_core::sc_time& delay);
  uint64_t config_bytes(uint64_t off, unsigned len) const;
  void set_status(uint32_t value, const sc_core::sc_time& delay);
  void reset();
  void update_irq();
  uint64_t offered_features() const;

  void worker();
  // Takes and serves one available request; false when there is none (or the device
  // needs a reset).
  bool serve_one();
  Outcome serve(uint16_t head, uint32_t& used_len, sc_core::sc_time& delay);
  // Each returns the request's status byte (VIRTIO_BLK_S_*).
  uint8_t serve_in(uint64_t sector, uint64_t len, sc_core::sc_time& delay);
  uint8_t serve_out(uint64_t sector, uint64_t len, sc_core::sc_time& delay);
  uint8_t serve_get_id(uint64_t len, uint32_t& written, sc_core::sc_time& delay);
  bool in_range(uint64_t sector, uint64_t len) const;
  // The spec's "device needs reset" error state (§2.1.2): stop, tell the driver.
  void break_device(const char* why);

  bool dma(tlm::tlm_command cmd, uint64_t addr, uint8_t* data, uint64_t len,
           sc_core::sc_time& delay);
  // Moves `len` bytes at logical offset `off` of a segment list (readable or writable part
  // of the chain) to or from `buf`.
  bool dma_segments(const std::vector<Segment>& segs, size_t nsegs, uint64_t off, uint8_t* buf,
                    uint64_t len, tlm::tlm_command cmd, sc_core::sc_time& delay);
  bool read16(uint64_t addr, uint16_t& v, sc_core::sc_time& delay);
  sc_core::sc_time medium_time(bool write, uint64_t bytes) const;

  // Configuration.
  std::string m_prefix;
  BlockStore m_store;
  bool m_legacy = false;
  uint32_t m_queue_size = 256;
  std::string m_serial;
  sc_core::sc_time m_read_latency, m_write_latency;
  double m_read_ps_per_byte = 0, m_write_ps_per_byte = 0;

  // Register state.
  uint32_t m_status = 0;
  uint32_t m_irq_status = 0;
  uint32_t m_dev_features_sel = 0, m_drv_features_sel = 0;
  uint64_t m_drv_features = 0;
  uint32_t m_queue_sel = 0;
  uint32_t m_guest_page_size = 4096, m_queue_align = 4096, m_queue_pfn = 0;
  uint32_t m_queue_num = 0;
  bool m_queue_ready = false;
  uint64_t m_desc_addr = 0, m_avail_addr = 0, m_used_addr = 0;

  // Device-side ring state.
  uint16_t m_last_avail = 0;
  uint16_t m_used_idx = 0;
  bool m_broken = false;
  sc_core::sc_time m_medium_time;  // medium time of the request being served
  uint64_t m_generation = 0;  // bumped by every reset, so a request in flight is dropped
  sc_core::sc_event m_kick;
  void kick(const sc_core::sc_time& delay)
  {
    ++m_kicks;
    m_kick.notify(delay);
  }
  uint64_t m_kicks = 0, m_kicks_seen = 0;  // notifications made, and looked at by the worker
  bool m_serving = false;

  // Preallocated: serving a request allocates nothing.
  std::vector<Segment> m_readable, m_writable;
  size_t m_nreadable = 0, m_nwritable = 0;
  std::vector<uint8_t> m_buffer;
  tlm::tlm_generic_payload m_tx;

  // Statistics.
  common::Counter& m_req_read;
  common::Counter& m_req_write;
  common::Counter& m_req_flush;
  common::Counter& m_req_get_id;
  common::Counter& m_req_unsupported;
  common::Counter& m_sectors_read;
  common::Counter& m_sectors_written;
  common::Counter& m_bytes_read;
  common::Counter& m_bytes_written;
  common::Counter& m_errors;
  common::Counter& m_needs_reset;
  common::Histogram& m_latency;
  common::Histogram& m_queue_depth;
};

}  // namespace vmplat::storage
