/* A small flattened-device-tree reader (devicetree specification v0.4, chapter 5): only what
 * the kernel needs, /memory reg and /chosen/bootargs, and the boot-parameter parser. */
#include <string.h>

#include "kernel.h"

#define FDT_MAGIC 0xd00dfeedU
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const void *p)
{
  const uint8_t *b = p;
  return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
  uint64_t v = 0;
  for (uint32_t i = 0; i < cells; i++)
    v = (v << 32) | be32(p + 4 * i);
  return v;
}

void fdt_read(const void *fdt, struct boot_params *bp)
{
  const uint8_t *base = fdt;
  if (!base || be32(base) != FDT_MAGIC)
    return;
  const uint8_t *p = base + be32(base + 8);
  const char *strings = (const char *)base + be32(base + 12);
  uint32_t addr_cells = 2, size_cells = 2;
  int depth = 0;
  bool in_memory = false, in_chosen = false, memory_done = false;
  for (;;) {
    uint32_t token = be32(p);
    p += 4;
    if (token == FDT_BEGIN_NODE) {
      const char *name = (const char *)p;
      depth++;
      if (depth == 2) {
        in_memory = strncmp(name, "memory", 6) == 0 && (name[6] == '@' || name[6] == 0);
        in_chosen = strcmp(name, "chosen") == 0;
      }
      p += (strlen(name) + 4) & ~3UL;
    } else if (token == FDT_END_NODE) {
      depth--;
      if (depth < 2)
        in_memory = in_chosen = false;
    } else if (token == FDT_PROP) {
      uint32_t len = be32(p);
      const char *name = strings + be32(p + 4);
      const uint8_t *val = p + 8;
      if (depth == 1 && strcmp(name, "#address-cells") == 0)
        addr_cells = be32(val);
      else if (depth == 1 && strcmp(name, "#size-cells") == 0)
        size_cells = be32(val);
      else if (depth == 2 && in_memory && !memory_done && strcmp(name, "reg") == 0 &&
               len >= 4 * (addr_cells + size_cells)) {
        bp->ram_base = read_cells(val, addr_cells);
        bp->ram_size = read_cells(val + 4 * addr_cells, size_cells);
        memory_done = true;
      } else if (depth == 2 && in_chosen && strcmp(name, "bootargs") == 0 && len > 0) {
        char args[ARG_LEN * 2];
        size_t n = len < sizeof(args) ? len : sizeof(args) - 1;
        memcpy(args, val, n);
        args[n] = 0;
        parse_bootargs(args, bp);
      }
      p += 8 + ((len + 3) & ~3U);
    } else if (token == FDT_NOP) {
      continue;
    } else {
      break;
    }
  }
}

static uint64_t parse_u64(const char *s, size_t n)
{
  uint64_t v = 0;
  for (size_t i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
    v = v * 10 + (uint64_t)(s[i] - '0');
  return v;
}

/* Space-separated key=value words; unknown words are ignored so QEMU's own bootargs pass. */
void parse_bootargs(const char *args, struct boot_params *bp)
{
  const char *s = args;
  while (*s) {
    while (*s == ' ')
      s++;
    const char *word = s;
    while (*s && *s != ' ')
      s++;
    size_t n = (size_t)(s - word);
    if (n > 7 && strncmp(word, "frames=", 7) == 0) {
      bp->frames = parse_u64(word + 7, n - 7);
      bp->frames_given = true;
    } else if (n > 5 && strncmp(word, "swap=", 5) == 0) {
      bp->swap_pages = parse_u64(word + 5, n - 5);
    } else if (n > 8 && strncmp(word, "quantum=", 8) == 0) {
      bp->quantum = parse_u64(word + 8, n - 8);
    } else if (n > 8 && strncmp(word, "disklog=", 8) == 0) {
      bp->disklog = parse_u64(word + 8, n - 8) != 0;
    } else if (n == 5 && strncmp(word, "hpm=1", 5) == 0) {
      bp->hpm = true;
    } else if (n > 4 && strncmp(word, "run=", 4) == 0) {
      size_t len = n - 4 < sizeof(bp->run) - 1 ? n - 4 : sizeof(bp->run) - 1;
      memcpy(bp->run, word + 4, len);
      bp->run[len] = 0;
    }
  }
}
