/* The vmplat kernel: one S-mode kernel image with paging, fork/COW and swap to virtio-blk.
 * docs/firmware.md describes the design; this header is the contract between its parts. */
#ifndef VMPLAT_KERNEL_H
#define VMPLAT_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"
#include "syscall.h"

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12

/* Sv39 PTE bits (privileged spec 4.4.1). RSW bit 8 marks a copy-on-write page; RSW bit 9,
 * with V = 0, marks a swapped-out page whose slot number sits in the PPN field. */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_COW (1UL << 8)
#define PTE_SWAP (1UL << 9)
#define PTE_N (1UL << 63) /* Svnapot: one of the 16 PTEs of a 64 KiB page */
#define PTE_PERM (PTE_R | PTE_W | PTE_X | PTE_U)
#define PTE_PPN_SHIFT 10
#define PTE_PA(pte) (((pte) >> PTE_PPN_SHIFT) << PAGE_SHIFT)
#define PTE_SLOT(pte) ((pte) >> PTE_PPN_SHIFT)

/* Superpages for anonymous memory (superpages=): a level-1 leaf maps 2 MiB, 16 level-0 NAPOT
 * PTEs map 64 KiB (privileged spec 4.4 and the Svnapot chapter). */
#define MEGA_SIZE (1UL << 21)
#define NAPOT_SIZE (1UL << 16)

/* User address space: the second gigabyte, so root entries 0 (MMIO) and 2 (DRAM) can be the
 * kernel's global gigapages in every page table. */
#define USER_BASE 0x40000000UL
#define USER_TOP 0x80000000UL
#define USER_STACK_PAGES 256UL
#define USER_STACK_BOTTOM (USER_TOP - USER_STACK_PAGES * PAGE_SIZE)

#define MAX_PROCS 32
#define MAX_HARTS 8
#define NAME_LEN 16
#define ARG_LEN 200

/* scause values (privileged spec table 3.6). */
#define CAUSE_ILLEGAL_INSN 2
#define CAUSE_ECALL_U 8
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9

/* Why a fault could not be serviced: the process is killed with 0x100 | reason. */
enum fault_result {
  FAULT_OK = 0,
  FAULT_SEGV = -1,    /* address not owned or access not allowed */
  FAULT_NO_SWAP = -2, /* no free frame and no free swap slot */
  FAULT_NO_MEM = -3,  /* no free frame and nothing evictable, or no page-table page */
};

enum proc_state { PROC_UNUSED, PROC_RUNNABLE, PROC_WAITING, PROC_ZOMBIE };

/* Saved user registers; trap.S knows this layout (x1..x31 at 8*i, sepc at 256, and at 264
 * the struct cpu of the hart the thread runs on, which trap_entry loads into tp). */
struct trapframe {
  uint64_t x[32];
  uint64_t sepc;
  uint64_t cpu;
};

/* A process's FP registers and fcsr, while another process owns the FPU (fp.S knows this
 * layout: f0..f31 at 8*i, fcsr at 256). */
struct fpstate {
  uint64_t f[32];
  uint64_t fcsr;
};

/* An address space, shared by the threads of a process. Slot i of g_mms has ASID i + 1; a
 * frame's owner mask names address spaces. The hart masks say which harts need a TLB
 * shootdown when a mapping changes (running), which must flush the whole ASID before they
 * run it again (stale: they ran it, but were not running it when a mapping changed) and
 * which may hold its translations or page-table entries at all (ran: flushed when the
 * address space goes, before its page-table pages can be reused). */
struct mm {
  uint64_t *root; /* page table root (physical = virtual in the kernel map); NULL: free */
  uint16_t asid;
  int users; /* threads using it */
  uint64_t heap_base;
  uint64_t brk;
  uint32_t running; /* harts with this address space in satp now */
  uint32_t ran;     /* harts that ran it since they last flushed its ASID */
  uint32_t stale;   /* harts that must flush its ASID before running it */
};

/* A process or thread (a thread is a proc created by clone, sharing its creator's mm). */
struct proc {
  struct trapframe tf;
  struct fpstate fp;
  bool fp_used; /* has executed an FP instruction since its last exec */
  enum proc_state state;
  int pid;
  int parent; /* slot index, -1 for init and threads */
  int exit_status;
  bool thread;  /* created by clone: joined by the threads of its mm, not waited for */
  int cpu;      /* hart running it, -1 */
  int fp_hart;  /* hart whose FP registers it last loaded its state into, -1 */
  struct mm *mm;
  char name[NAME_LEN];
};

/* A hart's kernel state; tp points at it in the kernel (trap.S reads kstack_top at 0). */
struct cpu {
  uint64_t kstack_top;
  unsigned id;
  int current;    /* g_procs slot last run here (round robin starts after it), -1 for none */
  struct mm *mm;  /* address space in satp, NULL for the kernel's own root */
  int fp_owner;   /* g_procs slot whose FP state is in this hart's registers, -1 */
  bool fp_dirty;  /* ... and newer there than in its struct fpstate */
  volatile uint32_t ipi_pending; /* an IPI was sent that its handler has not yet seen */
  /* Counted by the hart itself in its IPI handler, outside the kernel lock. */
  uint64_t ipis_received, shoot_fences, shoot_pages, shoot_asids;
  uint64_t idle_instret; /* instret advance across the idle loop's wfi */
} __attribute__((aligned(64)));

enum superpages { SUPERPAGES_OFF, SUPERPAGES_2M, SUPERPAGES_64K, SUPERPAGES_ON };

/* Boot parameters from /chosen/bootargs, after defaults, and what the device tree says about
 * the hart. */
struct boot_params {
  uint64_t ram_base;
  uint64_t ram_size;
  uint64_t frames;       /* user frame pool, 0 = default */
  uint64_t swap_pages;   /* cap on swap slots, 0 = whole disk */
  uint64_t quantum;      /* timer ticks per time slice */
  char run[ARG_LEN];     /* init's program list */
  bool frames_given;
  bool disklog;          /* a console line per disk write (docs/reliability.md) */
  bool hpm;              /* print the MMU events the performance counters saw */
  enum superpages superpages;
  char superpages_bad[24]; /* a superpages= word whose value is none of the four, or "" */
  bool svnapot;          /* the cpu node's ISA lists Svnapot */
  uint64_t simctl_base;  /* vmplat's sim-control device ("vmplat,sim-control"), 0 if absent */
  bool roi;              /* roi=1: programs mark their measured phase (a2 of main) */
  unsigned harts;        /* cpu nodes in /cpus */
};

/* Counters printed at the end; a trailing '~' in the printed marker means timing-dependent. */
struct counters {
  uint64_t fault_demand_zero, fault_cow_copy, fault_cow_reuse, fault_swap_in, fault_ad_update;
  uint64_t fault_fatal;
  uint64_t swap_outs, swap_drops, swap_ins, swap_full;
  uint64_t clock_scanned, clock_second_chances;
  uint64_t forks, execs, exits, kills;
  uint64_t sfence_page, sfence_asid, sfence_all, fence_i;
  uint64_t disk_reads, disk_writes;
  uint64_t context_switches, timer_ticks, disk_waits, syscalls;
  uint64_t sbi_set_timer; /* ticks asked of M mode (no Sstc) */
  uint64_t fp_first_use, fp_saves, fp_restores;
  uint64_t wait_instret; /* instret advance across wfi (QEMU -icount counts idle time) */
  uint64_t huge_map_2m, huge_map_64k, huge_fallback;
  uint64_t huge_split_cow, huge_split_swap, huge_split_unmap;
  uint64_t clones, fault_spurious;
  uint64_t ipis_sent, wakeups, shootdowns, shootdown_cycles, shootdown_cycles_max;
  uint64_t lazy_flushes;
};

extern struct boot_params g_boot;
extern struct counters g_count;
extern struct proc g_procs[MAX_PROCS];
extern struct mm g_mms[MAX_PROCS];
extern struct cpu g_cpus[MAX_HARTS];
extern unsigned g_nharts;
extern bool g_have_instret;
extern bool g_have_sstc;
extern bool g_have_hpm;
extern bool g_use_asids; /* false: the hart has too few ASID bits, every process runs as 0 */

/* boot.c / fdt.c */
void fdt_read(const void *fdt, struct boot_params *bp);
void parse_bootargs(const char *args, struct boot_params *bp);
__attribute__((noreturn)) void kernel_main(void);

/* fp.c: lazy FP context switching */
void fp_trap_entry(void);
void fp_resume(const struct proc *p);
bool fp_claim(struct proc *p, uint64_t tval);
void fp_fork(struct proc *parent, struct proc *child);
void fp_release(struct proc *p);
void fp_switch_away(struct proc *p);

/* smp.c: the kernel lock, IPIs, TLB shootdowns, idle harts */
static inline struct cpu *mycpu(void)
{
  struct cpu *c;
  asm("mv %0, tp" : "=r"(c));
  return c;
}
void bkl_lock(void);
void bkl_unlock(void);
void smp_kick(void);
void smp_idle(void);
bool smp_all_idle(void);
void smp_release(void);
void tlb_shootdown(struct mm *mm, uint64_t va, uint64_t count, uint64_t step);
void tlb_shootdown_harts(uint32_t targets, uint16_t asid, uint64_t va, uint64_t count,
                         uint64_t step);
void ipi_handle(void);
__attribute__((noreturn)) void kernel_secondary(void);

/* trap.S */
void trap_entry(void);
__attribute__((noreturn)) void user_return(struct trapframe *tf);

/* vm.c */
void vm_init(uint64_t base, uint64_t end);
uint64_t *vm_kernel_root(void);
uint64_t *vm_new_root(void);
int vm_fault(struct mm *mm, uint64_t va, uint64_t cause);
int vm_map_page(struct mm *mm, uint64_t va, uint64_t perm, uint64_t off, const void *src,
                size_t len);
int vm_fork(struct mm *parent, struct mm *child);
int vm_unmap_range(struct mm *mm, uint64_t start, uint64_t end);
void vm_free_user(struct mm *mm);
int vm_copy_out(struct mm *mm, uint64_t va, const void *src, size_t len);
int vm_copy_in(struct mm *mm, void *dst, uint64_t va, size_t len);
uint64_t vm_frames(void);
uint64_t vm_swap_slots(void);
uint64_t vm_superpage_size(void);
const char *vm_superpages_text(void);
void sfence_page(uint64_t va, uint16_t asid);
void sfence_asid(uint16_t asid);

/* virtio_blk.c */
bool blk_init(void);
uint64_t blk_capacity_pages(void);
bool blk_rw(uint64_t page_index, void *buf, bool write);
void blk_irq(void);

/* proc.c */
void proc_start_init(const char *args);
__attribute__((noreturn)) void kernel_enter_scheduler(void);
void trap_user(struct trapframe *tf);
void print_counters(void);
void set_timer(void);
void stop_timer(void);
bool preemptive(void);
uint64_t read_time(void);
uint64_t read_instret(void);

static inline uint64_t pa_of(const void *p)
{
  return (uint64_t)(uintptr_t)p;
}

#endif
