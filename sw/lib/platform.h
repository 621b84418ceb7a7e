/* The QEMU virt map as vmplat implements it (see ../../../shared/DESIGN.md). */
#ifndef VMPLAT_SW_PLATFORM_H
#define VMPLAT_SW_PLATFORM_H

#include <stdint.h>

#define VP_FINISHER_BASE 0x00100000UL
#define VP_CLINT_BASE 0x02000000UL
#define VP_CLINT_MSIP (VP_CLINT_BASE + 0x0)
#define VP_CLINT_MTIMECMP (VP_CLINT_BASE + 0x4000)
#define VP_CLINT_MTIME (VP_CLINT_BASE + 0xbff8)
#define VP_PLIC_BASE 0x0c000000UL
#define VP_UART_BASE 0x10000000UL
#define VP_UART_IRQ 10
#define VP_VIRTIO_BASE(i) (0x10001000UL + 0x1000UL * (i))
#define VP_VIRTIO_IRQ(i) (1 + (i))
#define VP_DRAM_BASE 0x80000000UL
#define VP_TIMEBASE_HZ 10000000UL

#define VP_MMIO32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define VP_MMIO64(addr) (*(volatile uint64_t *)(uintptr_t)(addr))
#define VP_MMIO8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))

/* Ends the run through the test finisher: 0 passes, anything else fails with that code. */
__attribute__((noreturn)) void vp_exit(int code);

/* Console on the 16550 UART, polled. */
void vp_putc(char c);
void vp_puts(const char *s);

#define read_csr(reg) ({ unsigned long __v; asm volatile("csrr %0, " #reg : "=r"(__v)); __v; })
#define write_csr(reg, val) ({ asm volatile("csrw " #reg ", %0" ::"rK"(val)); })
#define set_csr(reg, bit) ({ unsigned long __v; asm volatile("csrrs %0, " #reg ", %1" : "=r"(__v) : "rK"(bit)); __v; })
#define clear_csr(reg, bit) ({ unsigned long __v; asm volatile("csrrc %0, " #reg ", %1" : "=r"(__v) : "rK"(bit)); __v; })

#endif
