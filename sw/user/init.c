/* init: runs the programs named in its argument ("prog[:arg],prog[:arg],..."), one after
 * another, and reports. A program prints its own PASS/FAIL line and exits 0/1; init reports
 * the ones the kernel killed, which is a PASS for the negative tests that expect it.
 * The entry "checkpoint" is no program: it asks vmplat for a checkpoint named "boot"
 * (sim-control CHECKPOINT, docs/checkpoints.md), so that a sweep boots once and restores
 * before the programs that follow; it counts neither as passed nor as failed, and prints
 * one line only where there is no sim-control device (QEMU). */
#include <string.h>

#include "ulib.h"

struct expectation {
  const char *name;
  int status; /* the wait status that counts as a pass */
};

static const struct expectation kExpected[] = {
    {"badwrite", WAIT_KILLED | 15}, /* store page fault on its read-only text */
    {"badjump", WAIT_KILLED | 12},  /* instruction page fault in kernel memory */
    {"swapfill", WAIT_KILLED | KILL_NO_SWAP},
};

static int expected_status(const char *name)
{
  for (unsigned i = 0; i < sizeof(kExpected) / sizeof(kExpected[0]); i++)
    if (strcmp(kExpected[i].name, name) == 0)
      return kExpected[i].status;
  return 0;
}

static int run_one(char *entry)
{
  char *arg = strchr(entry, ':');
  if (arg)
    *arg++ = 0;
  else
    arg = "";
  int pid = sys_fork();
  if (pid < 0) {
    printf("FAIL %s fork failed\n", entry);
    return 1;
  }
  if (pid == 0) {
    sys_exec(entry, arg);
    printf("FAIL %s no such program\n", entry);
    sys_exit(127);
  }
  int status = -1;
  sys_wait(&status);
  int expected = expected_status(entry);
  if (expected & WAIT_KILLED) {
    if (status == expected) {
      printf("PASS %s killed cause=%d\n", entry, status & 0xff);
      return 0;
    }
    printf("FAIL %s status=0x%x expected=0x%x\n", entry, status, expected);
    return 1;
  }
  if (status & WAIT_KILLED)
    printf("FAIL %s killed cause=%d\n", entry, status & 0xff);
  return status != 0;
}

int main(const char *arg)
{
  char list[256];
  strncpy(list, arg, sizeof(list) - 1);
  list[sizeof(list) - 1] = 0;
  int passed = 0, failed = 0;
  char *save = NULL;
  for (char *entry = strtok_r(list, ",", &save); entry; entry = strtok_r(NULL, ",", &save)) {
    if (strcmp(entry, "checkpoint") == 0) {
      if (sys_simctl(SIMCTL_CHECKPOINT, 0, "boot") < 0)
        printf("init: no sim-control device: no checkpoint\n");
      continue;
    }
    if (run_one(entry))
      failed++;
    else
      passed++;
  }
  printf("suite: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
