/* vmwork roi: region-of-interest marks from Linux user space through vmplat's sim-control
 * device (docs/linux.md, "Regions of interest"), mapped from /dev/mem. The device is found
 * in the device tree the kernel exposes; where there is none (QEMU) nothing is written. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "work.h"

#define SIMCTL_COMPATIBLE "vmplat,sim-control"
#define SIMCTL_MAGIC 0x43534d56U
#define SIMCTL_ARG 0x08
#define SIMCTL_CMD 0x0c
#define SIMCTL_NAME 0x10
#define SIMCTL_MAX_NAME 63

enum { CMD_RESET_STATS = 1, CMD_SNAPSHOT = 2, CMD_CHECKPOINT = 3, CMD_END = 4 };

static const char *const kTreeRoots[] = {"/proc/device-tree", "/sys/firmware/devicetree/base"};

static size_t read_property(const char *path, unsigned char *buf, size_t max)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  const size_t n = fread(buf, 1, max, f);
  fclose(f);
  return n;
}

/* The device's physical address from /soc/sim-control@.../reg (two address and two size
 * cells, as vmplat writes them), or 0 when the tree has no such node. */
static uint64_t find_simctl(void)
{
  for (size_t r = 0; r < sizeof kTreeRoots / sizeof kTreeRoots[0]; r++) {
    char soc[128];
    snprintf(soc, sizeof soc, "%s/soc", kTreeRoots[r]);
    DIR *dir = opendir(soc);
    if (!dir)
      continue;
    uint64_t base = 0;
    for (struct dirent *e; !base && (e = readdir(dir));) {
      if (strncmp(e->d_name, "sim-control@", 12) != 0)
        continue;
      char path[512];
      unsigned char prop[64];
      snprintf(path, sizeof path, "%s/%s/compatible", soc, e->d_name);
      const size_t len = read_property(path, prop, sizeof prop - 1);
      prop[len] = 0;
      if (len == 0 || strcmp((const char *)prop, SIMCTL_COMPATIBLE) != 0)
        continue;
      snprintf(path, sizeof path, "%s/%s/reg", soc, e->d_name);
      if (read_property(path, prop, 16) != 16)
        continue;
      for (int i = 0; i < 8; i++)
        base = (base << 8) | prop[i];
    }
    closedir(dir);
    if (base)
      return base;
  }
  return 0;
}

/* Issues one command; 0, or 1 (with a line on stderr) when there is no device. */
static int simctl_command(uint32_t cmd, const char *name, uint32_t arg)
{
  const uint64_t base = find_simctl();
  if (!base) {
    fprintf(stderr, "vmwork roi: no %s device in the device tree (not vmplat): nothing done\n",
            SIMCTL_COMPATIBLE);
    return 1;
  }
  const long page = sysconf(_SC_PAGESIZE);
  int fd = open("/dev/mem", O_RDWR | O_SYNC);
  if (fd < 0) {
    fprintf(stderr, "vmwork roi: cannot open /dev/mem: %s\n", strerror(errno));
    return 1;
  }
  void *map = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                   (off_t)(base & ~(uint64_t)(page - 1)));
  close(fd);
  if (map == MAP_FAILED) {
    fprintf(stderr, "vmwork roi: cannot map the device at 0x%llx: %s\n",
            (unsigned long long)base, strerror(errno));
    return 1;
  }
  volatile uint8_t *regs = (volatile uint8_t *)map + (base & (uint64_t)(page - 1));
  if (*(volatile uint32_t *)regs != SIMCTL_MAGIC) {
    fprintf(stderr, "vmwork roi: the device at 0x%llx is not vmplat's sim-control\n",
            (unsigned long long)base);
    munmap(map, (size_t)page);
    return 1;
  }
  for (; name && *name; name++)
    regs[SIMCTL_NAME] = (uint8_t)*name;
  *(volatile uint32_t *)(regs + SIMCTL_ARG) = arg;
  *(volatile uint32_t *)(regs + SIMCTL_CMD) = cmd;
  munmap(map, (size_t)page);
  return 0;
}

static int roi_usage(void)
{
  fprintf(stderr, "usage: vmwork roi reset | snapshot NAME | checkpoint NAME | end CODE "
                  "(NAME: 1..63 printable characters, CODE: 0..255)\n");
  return 2;
}

static int valid_name(const char *name)
{
  const size_t n = strlen(name);
  if (n == 0 || n > SIMCTL_MAX_NAME)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (name[i] < 0x20 || name[i] > 0x7e)
      return 0;
  return 1;
}

int roi_main(int argc, char **argv)
{
  if (argc == 2 && !strcmp(argv[1], "reset"))
    return simctl_command(CMD_RESET_STATS, NULL, 0);
  if (argc == 3 && !strcmp(argv[1], "snapshot") && valid_name(argv[2]))
    return simctl_command(CMD_SNAPSHOT, argv[2], 0);
  if (argc == 3 && !strcmp(argv[1], "checkpoint") && valid_name(argv[2]))
    return simctl_command(CMD_CHECKPOINT, argv[2], 0);
  if (argc == 3 && !strcmp(argv[1], "end"))
    return simctl_command(CMD_END, NULL,
                          (uint32_t)arg_number(argc, argv, 2, 0, 0, 255, "exit code"));
  return roi_usage();
}

static int roi_enabled(void)
{
  const char *v = getenv("VMWORK_ROI");
  return v && !strcmp(v, "1");
}

void roi_begin(void)
{
  if (roi_enabled())
    simctl_command(CMD_RESET_STATS, NULL, 0);
}

void roi_end(const char *name)
{
  if (roi_enabled())
    simctl_command(CMD_SNAPSHOT, name, 0);
}
