/* virtio-blk driver: modern virtio-mmio (version 2), one split virtqueue, one request at a
 * time, completion by interrupt through the PLIC S-mode context. References are to the
 * virtio 1.2 specification. */
#include <stdio.h>
#include <string.h>

#include "kernel.h"

/* virtio-mmio registers (4.2.2), offsets from the transport base. */
#define VIRTIO_MAGIC 0x000             /* R  "virt" */
#define VIRTIO_VERSION 0x004           /* R  2 for the modern interface */
#define VIRTIO_DEVICE_ID 0x008         /* R  2 = block device */
#define VIRTIO_DEVICE_FEATURES 0x010   /* R  32 bits selected by DEVICE_FEATURES_SEL */
#define VIRTIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_DRIVER_FEATURES 0x020   /* W */
#define VIRTIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_QUEUE_SEL 0x030
#define VIRTIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_QUEUE_NUM 0x038
#define VIRTIO_QUEUE_READY 0x044
#define VIRTIO_QUEUE_NOTIFY 0x050
#define VIRTIO_INTERRUPT_STATUS 0x060
#define VIRTIO_INTERRUPT_ACK 0x064
#define VIRTIO_STATUS 0x070
#define VIRTIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_CONFIG 0x100 /* virtio_blk_config.capacity (u64, 512-byte sectors) */

#define MAGIC_VALUE 0x74726976U
#define STATUS_ACKNOWLEDGE 1U
#define STATUS_DRIVER 2U
#define STATUS_DRIVER_OK 4U
#define STATUS_FEATURES_OK 8U
#define FEATURE_HI_VERSION_1 1U /* VIRTIO_F_VERSION_1 is feature bit 32 */

#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define BLK_T_IN 0
#define BLK_T_OUT 1
#define SECTORS_PER_PAGE 8
#define QUEUE_SIZE 4
#define MAX_SLOTS 8

/* PLIC registers of hart h's S-mode context, 2h + 1 (the virt machine's layout). */
#define PLIC_PRIORITY(irq) (VP_PLIC_BASE + 4UL * (irq))
#define PLIC_S_CTX(h) (2UL * (h) + 1)
#define PLIC_ENABLE(ctx) (VP_PLIC_BASE + 0x2000UL + 0x80UL * (ctx))
#define PLIC_THRESHOLD(ctx) (VP_PLIC_BASE + 0x200000UL + 0x1000UL * (ctx))
#define PLIC_CLAIM(ctx) (VP_PLIC_BASE + 0x200004UL + 0x1000UL * (ctx))
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)

struct virtq_desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};

struct virtq_avail {
  uint16_t flags;
  uint16_t idx;
  uint16_t ring[QUEUE_SIZE];
  uint16_t used_event;
};

struct virtq_used_elem {
  uint32_t id;
  uint32_t len;
};

struct virtq_used {
  uint16_t flags;
  volatile uint16_t idx;
  struct virtq_used_elem ring[QUEUE_SIZE];
  uint16_t avail_event;
};

struct blk_req_header {
  uint32_t type;
  uint32_t reserved;
  uint64_t sector;
};

/* Alignment per 2.7: descriptors 16, driver area 2, device area 4. */
static struct {
  struct virtq_desc desc[QUEUE_SIZE];
  struct virtq_avail avail;
  struct virtq_used used __attribute__((aligned(4)));
  struct blk_req_header header;
  volatile uint8_t status;
} m_queue __attribute__((aligned(4096)));

static uint64_t m_base;
static uint32_t m_irq;
static unsigned m_irq_hart; /* the hart whose S context the interrupt is enabled in */
static uint64_t m_capacity_sectors;
static uint16_t m_used_seen;

uint64_t g_probe_armed;
uint64_t g_probe_faulted;
uint32_t probe_read32(uint64_t addr);

/* Reads a register of a transport that may not exist: false if the read faulted. */
static bool probe(uint64_t addr, uint32_t *value)
{
  g_probe_faulted = 0;
  g_probe_armed = 1;
  *value = probe_read32(addr);
  g_probe_armed = 0;
  return g_probe_faulted == 0;
}

static uint32_t reg_read(uint32_t off)
{
  return VP_MMIO32(m_base + off);
}

static void reg_write(uint32_t off, uint32_t value)
{
  VP_MMIO32(m_base + off) = value;
}

/* Slots are probed upwards from 0 until one is a block device (QEMU fills slots from the
 * top, vmplat puts the disk in slot 0); a slot that is not there (access fault) or has no
 * magic value ends the search. */
bool blk_init(void)
{
  for (uint32_t slot = 0; slot < MAX_SLOTS; slot++) {
    m_base = VP_VIRTIO_BASE(slot);
    uint32_t magic;
    if (!probe(m_base + VIRTIO_MAGIC, &magic) || magic != MAGIC_VALUE)
      break;
    if (reg_read(VIRTIO_DEVICE_ID) != 2)
      continue;
    if (reg_read(VIRTIO_VERSION) != 2) {
      printf("virtio: slot %u is a legacy (version 1) device, need version 2\n", slot);
      continue;
    }
    m_irq = VP_VIRTIO_IRQ(slot);
    break;
  }
  if (m_irq == 0)
    return false;

  /* Device initialization, 3.1.1. */
  reg_write(VIRTIO_STATUS, 0);
  reg_write(VIRTIO_STATUS, STATUS_ACKNOWLEDGE);
  reg_write(VIRTIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
  reg_write(VIRTIO_DEVICE_FEATURES_SEL, 1);
  if ((reg_read(VIRTIO_DEVICE_FEATURES) & FEATURE_HI_VERSION_1) == 0) {
    printf("virtio: block device does not offer VIRTIO_F_VERSION_1\n");
    return false;
  }
  reg_write(VIRTIO_DRIVER_FEATURES_SEL, 0);
  reg_write(VIRTIO_DRIVER_FEATURES, 0);
  reg_write(VIRTIO_DRIVER_FEATURES_SEL, 1);
  reg_write(VIRTIO_DRIVER_FEATURES, FEATURE_HI_VERSION_1);
  reg_write(VIRTIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
  if ((reg_read(VIRTIO_STATUS) & STATUS_FEATURES_OK) == 0) {
    printf("virtio: block device refused our features\n");
    return false;
  }

  reg_write(VIRTIO_QUEUE_SEL, 0);
  uint32_t max = reg_read(VIRTIO_QUEUE_NUM_MAX);
  if (max < QUEUE_SIZE || reg_read(VIRTIO_QUEUE_READY) != 0) {
    printf("virtio: queue 0 unusable (max %u)\n", max);
    return false;
  }
  reg_write(VIRTIO_QUEUE_NUM, QUEUE_SIZE);
  uint64_t desc = pa_of(m_queue.desc), avail = pa_of(&m_queue.avail);
  uint64_t used = pa_of(&m_queue.used);
  reg_write(VIRTIO_QUEUE_DESC_LOW, (uint32_t)desc);
  reg_write(VIRTIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
  reg_write(VIRTIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
  reg_write(VIRTIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
  reg_write(VIRTIO_QUEUE_DEVICE_LOW, (uint32_t)used);
  reg_write(VIRTIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
  reg_write(VIRTIO_QUEUE_READY, 1);
  reg_write(VIRTIO_STATUS,
            STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);

  m_capacity_sectors = (uint64_t)reg_read(VIRTIO_CONFIG) |
                       ((uint64_t)reg_read(VIRTIO_CONFIG + 4) << 32);

  VP_MMIO32(PLIC_PRIORITY(m_irq)) = 1;
  m_irq_hart = mycpu()->id;
  VP_MMIO32(PLIC_ENABLE(PLIC_S_CTX(m_irq_hart))) |= 1U << m_irq;
  VP_MMIO32(PLIC_THRESHOLD(PLIC_S_CTX(m_irq_hart))) = 0;
  set_csr(sie, SIE_SEIE);
  printf("virtio: block device at 0x%lx irq %u\n", (unsigned long)m_base, m_irq);
  return true;
}

uint64_t blk_capacity_pages(void)
{
  return m_capacity_sectors / SECTORS_PER_PAGE;
}

/* Claim, acknowledge the device (so its level drops), then complete (PLIC spec 1.0, 7-8). */
void blk_irq(void)
{
  const unsigned long ctx = PLIC_S_CTX(mycpu()->id);
  uint32_t claim = VP_MMIO32(PLIC_CLAIM(ctx));
  uint32_t pending = reg_read(VIRTIO_INTERRUPT_STATUS);
  if (pending)
    reg_write(VIRTIO_INTERRUPT_ACK, pending);
  if (claim)
    VP_MMIO32(PLIC_CLAIM(ctx)) = claim;
}

/* The completion interrupt goes to the hart that waits for it (several harts: whichever
 * holds the kernel lock), through its own S context. */
static void irq_to_this_hart(void)
{
  const unsigned h = mycpu()->id;
  if (h == m_irq_hart)
    return;
  VP_MMIO32(PLIC_ENABLE(PLIC_S_CTX(m_irq_hart))) &= ~(1U << m_irq);
  VP_MMIO32(PLIC_THRESHOLD(PLIC_S_CTX(h))) = 0;
  VP_MMIO32(PLIC_ENABLE(PLIC_S_CTX(h))) |= 1U << m_irq;
  m_irq_hart = h;
}

/* The disk log (boot option disklog=1, docs/reliability.md): before a write request is
 * made available to the device, "disklog: w SEQ SECTOR H0 .. H7" with a hash of each of its
 * eight sectors; after the device completed it, "disklog: c SEQ STATUS". The lines reach the
 * console before the device sees the request and after it completed it, so a test that
 * kills the simulator at any moment knows which writes the guest saw complete, and what
 * every sector must then hold. */
static uint64_t m_disklog_seq;

/* FNV-1a over the sector's 64 little-endian 64-bit words (tests/system/crash_test.py
 * computes the same). */
static uint64_t sector_hash(const uint8_t *p)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned i = 0; i < 512; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
  }
  return h;
}

static void disklog_write(uint64_t sector, const void *buf)
{
  printf("disklog: w %lu %lu", (unsigned long)m_disklog_seq, (unsigned long)sector);
  for (unsigned s = 0; s < SECTORS_PER_PAGE; s++)
    printf(" %016lx", (unsigned long)sector_hash((const uint8_t *)buf + 512 * s));
  printf("\n");
}

/* One page to or from the disk. The kernel sleeps in wfi until the device interrupt: the
 * kernel runs with sstatus.SIE clear, and wfi still wakes on a pending enabled interrupt
 * (privileged spec 3.3.3); the timer is masked meanwhile so it cannot wake us early. */
bool blk_rw(uint64_t page_index, void *buf, bool write)
{
  if (m_irq == 0 || (page_index + 1) * SECTORS_PER_PAGE > m_capacity_sectors)
    return false;
  m_queue.header.type = write ? BLK_T_OUT : BLK_T_IN;
  m_queue.header.reserved = 0;
  m_queue.header.sector = page_index * SECTORS_PER_PAGE;
  m_queue.status = 0xff;
  m_queue.desc[0] = (struct virtq_desc){pa_of(&m_queue.header), sizeof(m_queue.header),
                                        DESC_F_NEXT, 1};
  m_queue.desc[1] = (struct virtq_desc){pa_of(buf), PAGE_SIZE,
                                        (uint16_t)(DESC_F_NEXT | (write ? 0 : DESC_F_WRITE)), 2};
  m_queue.desc[2] = (struct virtq_desc){pa_of((const void *)&m_queue.status), 1, DESC_F_WRITE, 0};
  if (write && g_boot.disklog)
    disklog_write(m_queue.header.sector, buf);
  m_queue.avail.ring[m_queue.avail.idx % QUEUE_SIZE] = 0;
  __sync_synchronize();
  m_queue.avail.idx++;
  __sync_synchronize();

  irq_to_this_hart();
  unsigned long sie = clear_csr(sie, SIE_STIE);
  reg_write(VIRTIO_QUEUE_NOTIFY, 0);
  while (m_queue.used.idx == m_used_seen) {
    uint64_t before = read_instret();
    asm volatile("wfi");
    g_count.wait_instret += read_instret() - before;
    g_count.disk_waits++;
    blk_irq();
  }
  __sync_synchronize();
  m_used_seen++;
  blk_irq();
  write_csr(sie, sie);
  if (write && g_boot.disklog)
    printf("disklog: c %lu %u\n", (unsigned long)m_disklog_seq++, m_queue.status);
  if (write)
    g_count.disk_writes++;
  else
    g_count.disk_reads++;
  if (m_queue.status != 0) {
    printf("virtio: %s of page %lu failed, status %u\n", write ? "write" : "read",
           (unsigned long)page_index, m_queue.status);
    return false;
  }
  return true;
}
