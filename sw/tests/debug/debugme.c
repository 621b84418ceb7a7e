/* A small M-mode program for the GDB stub's tests (tests/system/gdb_test.py): a function to
 * break on, globals to read, write and watch, and an ECALL whose trap a single step enters.
 * Its console line shows what a debugger changed: without one it prints
 * "debugme: counter=6 poke=0x0 watched=42 traps=1". */
#include <stdint.h>
#include <stdio.h>

#include "platform.h"

volatile uint64_t g_counter;  /* read by the debugger */
volatile uint64_t g_poke;     /* written by the debugger */
volatile uint64_t g_watched;  /* watched by the debugger */
volatile uint64_t g_traps;    /* ECALLs the trap handler saw */

void debugme_trap(void);

void __attribute__((noinline)) debugme_add(uint64_t n)
{
  g_counter += n;
}

void __attribute__((noinline)) debugme_ecall(void)
{
  asm volatile(".globl debugme_ecall_site\ndebugme_ecall_site: ecall" ::: "memory");
}

int main(void)
{
  write_csr(mtvec, (uintptr_t)debugme_trap);
  for (uint64_t i = 1; i <= 3; ++i)
    debugme_add(i);
  debugme_ecall();
  g_watched = 42;
  printf("debugme: counter=%lu poke=0x%lx watched=%lu traps=%lu\n", (unsigned long)g_counter,
         (unsigned long)g_poke, (unsigned long)g_watched, (unsigned long)g_traps);
  return 0;
}
