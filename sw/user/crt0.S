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
