/* User program entry: the kernel passes the argument string in a0 and a stack in sp. */
  .section .text.init, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  la tp, __tls_base
  call main
  call sys_exit

/* A new thread (thread_create in ulib.c): sp points at {fn, arg}; exits with fn's result. */
  .section .text
  .globl thread_entry
thread_entry:
  ld t0, 0(sp)
  ld a0, 8(sp)
  jalr t0
  call sys_exit
