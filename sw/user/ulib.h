/* The user-side library: system call wrappers, a buffered stdout for printf, and the small
 * helpers the test programs share. */
#ifndef VMPLAT_ULIB_H
#define VMPLAT_ULIB_H

#include <stdint.h>
#include <stdio.h>

#include "syscall.h"

#include "workloads.h"

__attribute__((noreturn)) void sys_exit(int code);
int sys_fork(void);
int sys_wait(int *status);
int sys_getpid(void);
long sys_write(const void *buf, unsigned long len);
void *sys_sbrk(long increment);
void sys_yield(void);
void sys_stats(void);
int sys_exec(const char *name, const char *arg);
/* A command of vmplat's sim-control device (SIMCTL_* in syscall.h, docs/firmware.md); -1
 * where there is none (QEMU). */
int sys_simctl(int cmd, unsigned arg, const char *name);

/* Threads (clone/join system calls): thread_create runs fn(arg) in a new thread of this
 * process, on the stack that ends at stack_top (16-byte aligned, the caller's memory, e.g.
 * from alloc_pages); fn's return value is the thread's exit code. Its tid, or -1.
 * thread_join waits for thread tid, stores its exit status; tid, or -1 if there is none.
 * Threads share printf's buffer: only one thread at a time may print. */
int sys_clone(void (*entry)(void), void *sp, void *arg);
int sys_join(int tid, int *status);
int thread_create(int (*fn)(void *), void *arg, void *stack_top);
int thread_join(int tid, int *status);

/* Region-of-interest marks of a program's measured phase, when the kernel was booted with
 * roi=1 (main's third argument; docs/exploration.md): roi_begin resets vmplat's statistics,
 * roi_end snapshots them under `name`. Without roi=1 they do nothing. */
void roi_begin(int roi);
void roi_end(int roi, const char *name);

/* Writes out what printf buffered (done before fork and exit, so no line is printed twice). */
void uflush(void);

/* "N" or "NxR" from a program argument; missing parts keep their defaults. */
void parse_size(const char *arg, uint64_t *n, uint64_t *rounds);
/* n pages from the heap, or exits with a FAIL line for prog. */
uint64_t *alloc_pages(const char *prog, uint64_t n);
/* The same in whole superpages of `align` bytes (exec's second argument to main, the
 * largest superpage the kernel maps; 0 without: then exactly alloc_pages). */
uint64_t *alloc_superpages(const char *prog, uint64_t n, uint64_t align);

#endif
