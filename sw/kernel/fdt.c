/* A small flattened-device-tree reader (devicetree specification v0.4, chapter 5): only what
 * the kernel needs, /memory reg, /chosen/bootargs, how many cpus there are, whether the
 * cpu's ISA has Svnapot and where vmplat's sim-control device is, and the boot-parameter
 * parser. */
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

/* Svnapot in riscv,isa ("rv64imac_..._svnapot_...", what QEMU 7.2 writes) or in the string
 * list riscv,isa-extensions (the newer binding, which vmplat writes too). */
static bool lists_svnapot(const char *name, const char *val, uint32_t len)
{
  static const char kExt[] = "svnapot";
  const size_t n = sizeof(kExt) - 1;
  if (strcmp(name, "riscv,isa") == 0) {
    for (uint32_t i = 0; i + n < len; i++)
      if (val[i] == '_' && strncmp(val + i + 1, kExt, n) == 0 &&
          (val[i + 1 + n] == '_' || val[i + 1 + n] == 0))
        return true;
  } else if (strcmp(name, "riscv,isa-extensions") == 0) {
    for (uint32_t i = 0; i < len; i += (uint32_t)strnlen(val + i, len - i) + 1)
      if (strncmp(val + i, kExt, n + 1) == 0)
        return true;
  }
  return false;
}

/* Whether a compatible string list names vmplat's sim-control device. */
static bool is_simctl(const char *val, uint32_t len)
{
  static const char kCompatible[] = "vmplat,sim-control";
  for (uint32_t i = 0; i < len; i += (uint32_t)strnlen(val + i, len - i) + 1)
    if (strncmp(val + i, kCompatible, sizeof(kCompatible)) == 0)
      return true;
  return false;
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
  bool in_memory = false, in_chosen = false, memory_done = false, in_cpus = false;
  bool in_cpu = false;
  /* The current child of /soc: its first reg address (the soc's #address-cells is the root's
   * on QEMU's and vmplat's trees) and whether it is the sim-control device. */
  uint64_t soc_reg = 0;
  bool in_soc = false, soc_has_reg = false, soc_simctl = false;
  for (;;) {
    uint32_t token = be32(p);
    p += 4;
    if (token == FDT_BEGIN_NODE) {
      const char *name = (const char *)p;
      depth++;
      if (depth == 2) {
        in_memory = strncmp(name, "memory", 6) == 0 && (name[6] == '@' || name[6] == 0);
        in_chosen = strcmp(name, "chosen") == 0;
        in_cpus = strcmp(name, "cpus") == 0;
        in_soc = strcmp(name, "soc") == 0;
      } else if (depth == 3) {
        in_cpu = in_cpus && strncmp(name, "cpu@", 4) == 0;
        if (in_cpu)
          bp->harts++;
        soc_has_reg = soc_simctl = false;
      }
      p += (strlen(name) + 4) & ~3UL;
    } else if (token == FDT_END_NODE) {
      if (depth == 3 && in_soc && soc_simctl && soc_has_reg)
        bp->simctl_base = soc_reg;
      depth--;
      if (depth < 3)
        in_cpu = false;
      if (depth < 2)
        in_memory = in_chosen = in_cpus = in_soc = false;
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
      } else if (depth == 3 && in_cpu && lists_svnapot(name, (const char *)val, len)) {
        bp->svnapot = true;
      } else if (depth == 3 && in_soc && strcmp(name, "reg") == 0 && len >= 4 * addr_cells) {
        soc_reg = read_cells(val, addr_cells);
        soc_has_reg = true;
      } else if (depth == 3 && in_soc && strcmp(name, "compatible") == 0) {
        soc_simctl = is_simctl((const char *)val, len);
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

/* word is "superpages=VALUE", n its length; a bad VALUE keeps the word for the error line. */
static void parse_superpages(const char *word, size_t n, struct boot_params *bp)
{
  static const char *const kValues[] = {"off", "2m", "64k", "on"}; /* enum superpages order */
  const char *value = word + 11;
  for (int i = 0; i < 4; i++)
    if (strlen(kValues[i]) == n - 11 && strncmp(value, kValues[i], n - 11) == 0) {
      bp->superpages = (enum superpages)i;
      bp->superpages_bad[0] = 0;
      return;
    }
  size_t len = n < sizeof(bp->superpages_bad) - 1 ? n : sizeof(bp->superpages_bad) - 1;
  memcpy(bp->superpages_bad, word, len);
  bp->superpages_bad[len] = 0;
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
    } else if (n >= 11 && strncmp(word, "superpages=", 11) == 0) {
      parse_superpages(word, n, bp);
    } else if (n == 5 && strncmp(word, "hpm=1", 5) == 0) {
      bp->hpm = true;
    } else if (n == 5 && strncmp(word, "roi=1", 5) == 0) {
      bp->roi = true;
    } else if (n > 4 && strncmp(word, "run=", 4) == 0) {
      size_t len = n - 4 < sizeof(bp->run) - 1 ? n - 4 : sizeof(bp->run) - 1;
      memcpy(bp->run, word + 4, len);
      bp->run[len] = 0;
    }
  }
}
