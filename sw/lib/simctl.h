/* vmplat's sim-control device (docs/devices.md): region-of-interest marks for bare-metal
 * firmware. It exists on vmplat only (QEMU has nothing at its address): firmware that must
 * also run elsewhere looks for the "vmplat,sim-control" node in the device tree first.
 * A name is at most 63 printable characters; NULL or "" lets vmplat number it ("roi<k>"). */
#ifndef VMPLAT_SW_SIMCTL_H
#define VMPLAT_SW_SIMCTL_H

#include <stdint.h>

#include "platform.h"

#define VP_SIMCTL_BASE 0x00102000UL
#define VP_SIMCTL_MAGIC (VP_SIMCTL_BASE + 0x00) /* reads 0x43534d56, "VMSC" */
#define VP_SIMCTL_VERSION (VP_SIMCTL_BASE + 0x04)
#define VP_SIMCTL_ARG (VP_SIMCTL_BASE + 0x08)
#define VP_SIMCTL_CMD (VP_SIMCTL_BASE + 0x0c)
#define VP_SIMCTL_NAME (VP_SIMCTL_BASE + 0x10)
#define VP_SIMCTL_COUNT (VP_SIMCTL_BASE + 0x14)

#define SIMCTL_RESET_STATS 1
#define SIMCTL_SNAPSHOT 2
#define SIMCTL_CHECKPOINT 3
#define SIMCTL_END 4

/* The command takes effect when its CMD store reaches the device. */
static inline void simctl_command(uint32_t cmd, const char *name, uint32_t arg)
{
  for (; name && *name; name++)
    VP_MMIO8(VP_SIMCTL_NAME) = (uint8_t)*name;
  VP_MMIO32(VP_SIMCTL_ARG) = arg;
  VP_MMIO32(VP_SIMCTL_CMD) = cmd;
}

/* Later snapshots count from here. */
static inline void simctl_reset_stats(void)
{
  simctl_command(SIMCTL_RESET_STATS, 0, 0);
}

/* Records what happened since the last reset (or the start) under this name in --stats. */
static inline void simctl_snapshot(const char *name)
{
  simctl_command(SIMCTL_SNAPSHOT, name, 0);
}

/* Asks for a checkpoint (taken when vmplat runs with --checkpoint-on-marker). */
static inline void simctl_checkpoint(const char *name)
{
  simctl_command(SIMCTL_CHECKPOINT, name, 0);
}

/* Ends the run with this exit code; through the test finisher if the device did not. */
__attribute__((noreturn)) static inline void simctl_end(int code)
{
  simctl_command(SIMCTL_END, 0, (uint32_t)code);
  vp_exit(code);
}

#endif
