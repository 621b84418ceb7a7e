/* System call numbers and wait-status encoding, shared by the kernel and sw/user.
 * ABI: ecall from U-mode, number in a7, arguments in a0..a2, result in a0 (negative = error). */
#ifndef VMPLAT_SYSCALL_H
#define VMPLAT_SYSCALL_H

#define SYS_EXIT 1   /* exit(code): never returns */
#define SYS_FORK 2   /* fork(): child pid to the parent, 0 to the child */
#define SYS_WAIT 3   /* wait(int *status): pid of a finished child, -1 if there are none */
#define SYS_GETPID 4 /* getpid() */
#define SYS_WRITE 5  /* write(buf, len): to the console, returns len */
#define SYS_SBRK 6   /* sbrk(increment): old break, -1 if out of range */
#define SYS_YIELD 7  /* yield(): let the next runnable process run */
#define SYS_STATS 8  /* stats(): the kernel prints its counters */
#define SYS_EXEC 9   /* exec(name, arg): run a built-in program; returns -1 if unknown */
/* simctl(cmd, arg, name): a command of vmplat's sim-control device (SIMCTL_*, with ARG and a
 * name of up to 63 characters, NULL for none); 0, or -1 when the machine has no such device,
 * the command is unknown or the name unreadable or too long. */
#define SYS_SIMCTL 10
/* clone(entry, sp, arg): a thread of the caller's process, sharing its address space, that
 * starts at entry with stack pointer sp, a0 = arg and the caller's gp and tp; its tid (a
 * pid), or -1 when the process table is full. */
#define SYS_CLONE 11
/* join(tid, int *status): waits until thread tid of the caller's address space exits, reaps
 * it, stores its exit status; tid, or -1 if there is no such thread. */
#define SYS_JOIN 12

#define SIMCTL_RESET_STATS 1
#define SIMCTL_SNAPSHOT 2
#define SIMCTL_CHECKPOINT 3
#define SIMCTL_END 4

/* A wait status is the exit code (0..255), or WAIT_KILLED | reason when the kernel killed the
 * process: reason is the scause of the fatal trap, or one of the KILL_* values below. */
#define WAIT_KILLED 0x100
#define KILL_NO_SWAP 64 /* needed a page, no free frame and the swap device was full */
#define KILL_NO_MEM 65  /* needed a page and nothing could be evicted */

#endif
