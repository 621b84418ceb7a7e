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
