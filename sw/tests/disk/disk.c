/*
 * Disk test firmware: a small polled virtio-blk driver (virtio 1.1, virtio-mmio version 2,
 * one split virtqueue) that finds the block device in any virtio-mmio slot (vmplat puts it
 * in slot 0, QEMU's virt machine in the highest free slot), writes a pattern to many
 * sectors, reads them back and verifies them, then checks FLUSH, GET_ID, a read past the
 * end and an unknown request type. Every printed line is the same on vmplat and QEMU; the
 * exit code is 0 when all checks pass, 1 when some fail, 3 at once when the device does not
 * complete requests (within 200 ms of mtime).
 *
 * The pattern (also checked on the host image by tests/system/disk_test.py):
 *   byte at offset o of sector s = (s * 131 + o * 7 + 0x5a) & 0xff, for written sectors.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "platform.h"

/* virtio-mmio registers (virtio 1.1 §4.2.2). */
#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_DEVICE_FEATURES 0x010
#define REG_DEVICE_FEATURES_SEL 0x014
#define REG_DRIVER_FEATURES 0x020
#define REG_DRIVER_FEATURES_SEL 0x024
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_INTERRUPT_STATUS 0x060
#define REG_INTERRUPT_ACK 0x064
#define REG_STATUS 0x070
#define REG_QUEUE_DESC_LOW 0x080
#define REG_QUEUE_DESC_HIGH 0x084
#define REG_QUEUE_DRIVER_LOW 0x090
#define REG_QUEUE_DRIVER_HIGH 0x094
#define REG_QUEUE_DEVICE_LOW 0x0a0
#define REG_QUEUE_DEVICE_HIGH 0x0a4
#define REG_CONFIG 0x100

#define STATUS_ACK 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define STATUS_FEATURES_OK 8

#define F_BLK_FLUSH 9
#define F_VERSION_1 32

#define DESC_NEXT 1
#define DESC_WRITE 2

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8

#define SECTOR 512
#define QSIZE 16
#define NREQ 128     /* requests in the write and read phases */
#define STRIDE 16    /* sectors between the starts of two requests */
#define MAXSECT 8    /* sectors per request: 1 + i % MAXSECT */
#define BATCH 4      /* requests in flight at once in the batch phase */
#define MIN_CAPACITY (NREQ * STRIDE)

struct desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags;
  uint16_t next;
};
struct avail {
  uint16_t flags;
  uint16_t idx;
  uint16_t ring[QSIZE];
  uint16_t used_event;
};
struct used_elem {
  uint32_t id;
  uint32_t len;
};
struct used {
  uint16_t flags;
  uint16_t idx;
  struct used_elem ring[QSIZE];
  uint16_t avail_event;
};
struct req_hdr {
  uint32_t type;
  uint32_t reserved;
  uint64_t sector;
};

static volatile struct desc descs[QSIZE] __attribute__((aligned(16)));
static volatile struct avail avail_ring __attribute__((aligned(2)));
static volatile struct used used_ring __attribute__((aligned(4)));
static struct req_hdr hdrs[BATCH];
static volatile uint8_t status_bytes[BATCH];
static uint8_t buffers[BATCH][MAXSECT * SECTOR] __attribute__((aligned(64)));

static uintptr_t base;
static uint16_t avail_idx, used_seen;
static unsigned failures;

static uint32_t reg(unsigned off) { return VP_MMIO32(base + off); }
static void set_reg(unsigned off, uint32_t v) { VP_MMIO32(base + off) = v; }
static void fence(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }

static uint8_t pattern(uint64_t sector, unsigned off)
{
  return (uint8_t)((sector * 131 + off * 7 + 0x5a) & 0xff);
}

static void check(int ok, const char *what)
{
  if (!ok) {
    ++failures;
    printf("disk: FAIL %s\n", what);
  }
}

static int find_device(void)
{
  for (unsigned i = 0; i < 8; ++i) {
    uintptr_t b = VP_VIRTIO_BASE(i);
    if (VP_MMIO32(b + REG_MAGIC) == 0x74726976 && VP_MMIO32(b + REG_DEVICE_ID) == 2) {
      base = b;
      return 1;
    }
  }
  return 0;
}

/* §3.1.1 driver initialisation. */
static int init_device(void)
{
  set_reg(REG_STATUS, 0);
  set_reg(REG_STATUS, STATUS_ACK);
  set_reg(REG_STATUS, STATUS_ACK | STATUS_DRIVER);
  set_reg(REG_DEVICE_FEATURES_SEL, 1);
  uint32_t hi = reg(REG_DEVICE_FEATURES);
  set_reg(REG_DEVICE_FEATURES_SEL, 0);
  uint32_t lo = reg(REG_DEVICE_FEATURES);
  if (!(hi & (1u << (F_VERSION_1 - 32))) || !(lo & (1u << F_BLK_FLUSH))) {
    printf("disk: device lacks VERSION_1 or FLUSH\n");
    return 0;
  }
  set_reg(REG_DRIVER_FEATURES_SEL, 0);
  set_reg(REG_DRIVER_FEATURES, 1u << F_BLK_FLUSH);
  set_reg(REG_DRIVER_FEATURES_SEL, 1);
  set_reg(REG_DRIVER_FEATURES, 1u << (F_VERSION_1 - 32));
  set_reg(REG_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK);
  if (!(reg(REG_STATUS) & STATUS_FEATURES_OK)) {
    printf("disk: device refused the features\n");
    return 0;
  }
  set_reg(REG_QUEUE_SEL, 0);
  if (reg(REG_QUEUE_READY) != 0 || reg(REG_QUEUE_NUM_MAX) < QSIZE) {
    printf("disk: queue 0 unusable\n");
    return 0;
  }
  set_reg(REG_QUEUE_NUM, QSIZE);
  uint64_t d = (uintptr_t)descs, a = (uintptr_t)&avail_ring, u = (uintptr_t)&used_ring;
  set_reg(REG_QUEUE_DESC_LOW, (uint32_t)d);
  set_reg(REG_QUEUE_DESC_HIGH, (uint32_t)(d >> 32));
  set_reg(REG_QUEUE_DRIVER_LOW, (uint32_t)a);
  set_reg(REG_QUEUE_DRIVER_HIGH, (uint32_t)(a >> 32));
  set_reg(REG_QUEUE_DEVICE_LOW, (uint32_t)u);
  set_reg(REG_QUEUE_DEVICE_HIGH, (uint32_t)(u >> 32));
  avail_ring.flags = 1; /* VIRTQ_AVAIL_F_NO_INTERRUPT: this driver polls */
  set_reg(REG_QUEUE_READY, 1);
  set_reg(REG_STATUS, STATUS_ACK | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
  return 1;
}

/* Puts request `slot` (descriptors 3*slot .. 3*slot+2) on the available ring. */
static void queue_request(unsigned slot, uint32_t type, uint64_t sector, uint32_t len)
{
  unsigned d = 3 * slot;
  hdrs[slot].type = type;
  hdrs[slot].reserved = 0;
  hdrs[slot].sector = sector;
  status_bytes[slot] = 0xff;
  descs[d].addr = (uintptr_t)&hdrs[slot];
  descs[d].len = sizeof hdrs[slot];
  descs[d].flags = DESC_NEXT;
  descs[d].next = d + 1;
  unsigned s = d + 1;
  if (len) {
    descs[d + 1].addr = (uintptr_t)buffers[slot];
    descs[d + 1].len = len;
    descs[d + 1].flags = DESC_NEXT | (type == T_OUT ? 0 : DESC_WRITE);
    descs[d + 1].next = d + 2;
    s = d + 2;
  } else {
    descs[d].next = s;
  }
  descs[s].addr = (uintptr_t)&status_bytes[slot];
  descs[s].len = 1;
  descs[s].flags = DESC_WRITE;
  descs[s].next = 0;
  avail_ring.ring[avail_idx % QSIZE] = (uint16_t)d;
  fence();
  avail_ring.idx = ++avail_idx;
  fence();
}

static void notify(void) { set_reg(REG_QUEUE_NOTIFY, 0); }

/* The longest a batch of requests may take: 200 ms of mtime (10 MHz), some thousand
 * times what the device needs on vmplat and on QEMU. */
#define DEVICE_DEADLINE_TICKS 2000000ul

/* Waits until the device has used every request made available. A device that never
 * answers ends the run at once, with a message, rather than leave the harness to time out. */
static int wait_all(void)
{
  const uint64_t start = VP_MMIO64(VP_CLINT_MTIME);
  for (;;) {
    fence();
    if (used_ring.idx == avail_idx) {
      used_seen = avail_idx;
      return 1;
    }
    if (VP_MMIO64(VP_CLINT_MTIME) - start > DEVICE_DEADLINE_TICKS)
      break;
  }
  printf("disk: FAIL the device used %u of %u requests within 200 ms: it hangs\n",
         (unsigned)(uint16_t)(used_ring.idx - used_seen),
         (unsigned)(uint16_t)(avail_idx - used_seen));
  vp_exit(3);
}

static int request(uint32_t type, uint64_t sector, uint32_t len)
{
  queue_request(0, type, sector, len);
  notify();
  if (!wait_all())
    return -1;
  return status_bytes[0];
}

static uint32_t sectors_of(unsigned i) { return 1 + i % MAXSECT; }

int main(void)
{
  printf("disk: virtio-blk test\n");
  if (!find_device()) {
    printf("disk: no virtio block device\n");
    vp_exit(1);
  }
  printf("disk: version %u\n", (unsigned)reg(REG_VERSION));
  if (!init_device())
    vp_exit(1);
  uint64_t capacity = reg(REG_CONFIG) | ((uint64_t)reg(REG_CONFIG + 4) << 32);
  printf("disk: capacity %llu sectors\n", (unsigned long long)capacity);
  if (capacity < MIN_CAPACITY) {
    printf("disk: need at least %u sectors\n", MIN_CAPACITY);
    vp_exit(1);
  }

  unsigned sectors = 0, bad = 0, errors = 0;
  for (unsigned i = 0; i < NREQ; ++i) {
    uint64_t first = (uint64_t)i * STRIDE;
    for (unsigned s = 0; s < sectors_of(i); ++s)
      for (unsigned o = 0; o < SECTOR; ++o)
        buffers[0][s * SECTOR + o] = pattern(first + s, o);
    if (request(T_OUT, first, sectors_of(i) * SECTOR) != 0)
      ++errors;
    sectors += sectors_of(i);
  }
  printf("disk: wrote %u requests, %u sectors, %u errors\n", NREQ, sectors, errors);
  check(errors == 0, "write errors");

  errors = 0;
  for (unsigned i = 0; i < NREQ; ++i) {
    uint64_t first = (uint64_t)i * STRIDE;
    memset(buffers[0], 0, sizeof buffers[0]);
    if (request(T_IN, first, sectors_of(i) * SECTOR) != 0)
      ++errors;
    for (unsigned s = 0; s < sectors_of(i); ++s)
      for (unsigned o = 0; o < SECTOR; ++o)
        bad += buffers[0][s * SECTOR + o] != pattern(first + s, o);
  }
  printf("disk: read %u requests, %u errors, %u bytes differ\n", NREQ, errors, bad);
  check(errors == 0 && bad == 0, "read back");

  /* Several requests in flight: reads of the first BATCH request areas, one notify. */
  for (unsigned r = 0; r < BATCH; ++r) {
    memset(buffers[r], 0, sizeof buffers[r]);
    queue_request(r, T_IN, (uint64_t)r * STRIDE, sectors_of(r) * SECTOR);
  }
  notify();
  wait_all();
  bad = 0;
  for (unsigned r = 0; r < BATCH; ++r)
    for (unsigned o = 0; o < sectors_of(r) * SECTOR; ++o)
      bad += buffers[r][o] != pattern((uint64_t)r * STRIDE + o / SECTOR, o % SECTOR);
  printf("disk: batch of %u: statuses %u %u %u %u, %u bytes differ\n", BATCH, status_bytes[0],
         status_bytes[1], status_bytes[2], status_bytes[3], bad);
  check(bad == 0 && !status_bytes[0] && !status_bytes[1] && !status_bytes[2] &&
            !status_bytes[3],
        "batch");

  int st = request(T_FLUSH, 0, 0);
  printf("disk: flush status %d\n", st);
  check(st == 0, "flush");
  st = request(T_GET_ID, 0, 20);
  printf("disk: get_id status %d\n", st);
  check(st == 0, "get_id");
  st = request(T_IN, capacity, SECTOR);
  printf("disk: read past the end status %d\n", st);
  check(st == 1, "read past the end gives VIRTIO_BLK_S_IOERR");
  st = request(T_IN, capacity - 1, 2 * SECTOR);
  printf("disk: read across the end status %d\n", st);
  check(st == 1, "read across the end gives VIRTIO_BLK_S_IOERR");
  st = request(0x7f, 0, SECTOR);
  printf("disk: unknown request status %d\n", st);
  check(st == 2, "unknown request gives VIRTIO_BLK_S_UNSUPP");

  set_reg(REG_STATUS, 0);
  printf("disk: %s\n", failures ? "FAIL" : "PASS");
  vp_exit(failures ? 1 : 0);
}
