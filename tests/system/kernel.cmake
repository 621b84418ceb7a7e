# The kernel (sw/kernel, docs/firmware.md) booted on vmplat and on QEMU by kernel_run.py.
#   kernel.demo          the default demo (README's main command) on vmplat: every program
#                        passes, exit 0, swap-out/in, COW and demand-zero counters non-zero
#   kernel.demo.qemu     the same on qemu-system-riscv64 (the reference machine)
#   kernel.diff.qemu     vmplat and QEMU print the same functional lines (no preemption)
#   kernel.flushes       the MMU's flush and the disk's request statistics equal the
#                        kernel's own counts of sfence.vma and disk requests
#   kernel.hpm           the MMU events the kernel read from its performance counters
#                        (hpm=1) equal vmplat's statistics
#   kernel.svade         the demo with a walker that faults on clear A/D bits
#   kernel.roi(.default, .qemu)  roi=1: seqscan's and randacc's regions of interest, through
#                        the simctl system call, hold their loops' loads and stores; without
#                        roi=1 no snapshot; on QEMU (no sim-control device) the same lines
#   kernel.negative*     writes to read-only text / jumps into the kernel / fills the swap
#                        device: each is killed with a message and the suite goes on
#   kernel.nodisk        no virtio disk: everything but swapping
#   kernel.nosstc(.qemu) a hart without Sstc: the kernel's ticks go through M mode (SBI
#                        set_timer, CLINT mtimecmp, mip.STIP), with preemption as before
#   kernel.huge.*        superpages= (2m, 64k with Svnapot, on): hugetest maps superpages,
#                        splits them on COW, on eviction and on a partial unmap, every byte
#                        checked; a scan takes fewer DTLB misses than with 4 KiB pages;
#                        64k without Svnapot falls back, a bad value is refused
#   kernel.huge.diff.qemu.* / kernel.huge.qemu  the same runs on QEMU 7.2
#   kernel.smp2 / .smp4  the kernel on 2 and 4 harts: mtswap's threads on every hart swap
#                        and break COW pages, every byte checked; the kernel's shootdown
#                        fences equal the MMU's mmu.shootdown.fences, every IPI sent arrived
#                        (and was a machine software interrupt), the MMU's flushed entries fit
#                        the pages flushed; a second boot gives the same console and statistics
#   kernel.smp4.demo     the default demo on 4 harts
#   kernel.smp.nosstc    2 harts without Sstc: ticks and IPIs both through M mode
#   kernel.smp.qemu      mtswap, forktest and cowswap on QEMU -smp 4
#   kernel.smp.huge      superpages on 2 harts: split under threads of other harts
#   kernel.mtswap        mtswap on one hart: threads without shootdowns
#   kernel.soak          memhog and cowswap for many rounds (LABELS soak, not run by CI)
#   kernel.soak.swap     at least 10^6 pages swapped out (memhog, cowswap with fork and
#                        copy-on-write, forktest), every byte verified (soak)
#   kernel.soak.knobs    300 boots, each with random TLB geometries and policies, PWC, A/D
#                        policy, Sv48, DRAM mode and quantum (knob_soak.py); all pass (soak)
set(KERNEL_ELF ${VMPLAT_SW_DIR}/kernel/kernel.elf)
set(KERNEL_RUN ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/kernel_run.py)
set(KERNEL_DEMO_COUNTERS --nonzero swap.outs --nonzero swap.ins --nonzero swap.drops
    --nonzero page_faults.cow --nonzero page_faults.demand_zero --nonzero page_faults.swap_in
    --nonzero tlb.sfence_page)
set(KERNEL_KILL_LINES
    --expect "kill: pid [0-9]+ \\(badwrite\\): store page fault at 0x[0-9a-f]+, pc 0x[0-9a-f]+"
    --expect "kill: pid [0-9]+ \\(badjump\\): instruction page fault at 0x80000000, pc 0x80000000"
    --expect "kill: pid [0-9]+ \\(swapfill\\): out of swap space at 0x[0-9a-f]+, pc 0x[0-9a-f]+")
set(KERNEL_NEGATIVE_RUN "frames=64 run=badwrite,swapfill,badjump,memhog:96,forktest")

vmplat_system_test(NAME kernel.demo LABELS kernel TIMEOUT 900
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          ${KERNEL_DEMO_COUNTERS})
vmplat_system_test(NAME kernel.demo.qemu LABELS kernel qemu TIMEOUT 600
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform qemu --exe ${QEMU_RISCV64}
          ${KERNEL_DEMO_COUNTERS})
# Without preemption (quantum=0) the interleaving is fixed, so the swap, clock and fence
# counters are functional too and must match QEMU exactly.
vmplat_system_test(NAME kernel.diff.qemu LABELS kernel diff TIMEOUT 1200
  COMMAND ${KERNEL_RUN} diff ${KERNEL_ELF} --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64}
          --append "quantum=0")

# The MMU counts exactly the fences the kernel issued (quantum=0: a reproducible run).
vmplat_system_test(NAME kernel.flushes LABELS kernel TIMEOUT 600
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --append "quantum=0 frames=64 run=forktest,cowswap,memhog:128"
          --stats-match tlb.sfence_page=mmu.dtlb.flushes.vaddr_asid
          --stats-match tlb.sfence_page=mmu.itlb.flushes.vaddr_asid
          --stats-match tlb.sfence_asid=mmu.dtlb.flushes.asid
          --stats-match tlb.sfence_all=mmu.dtlb.flushes.all
          --stats-match disk.reads=disk.requests.read
          --stats-match disk.writes=disk.requests.write)

# The kernel reads mhpmcounter3..8 (MMU events 1..6, docs/mmu.md) itself: exactly what the
# MMU counted, with preemption on and a small TLB so that every event happens often.
vmplat_system_test(NAME kernel.hpm LABELS kernel TIMEOUT 600
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --vmplat-arg=--set --vmplat-arg=mmu.dtlb.entries=8
          --vmplat-arg=--set --vmplat-arg=mmu.dtlb.ways=8
          --append "hpm=1 frames=64 run=forktest,cowswap:96,randacc:64,badjump"
          --stats-match hpm.itlb_misses=mmu.itlb.misses.fetch
          --stats-match hpm.dtlb_load_misses=mmu.dtlb.misses.load
          --stats-match hpm.dtlb_store_misses=mmu.dtlb.misses.store
          --stats-match hpm.l2tlb_misses=mmu.l2tlb.misses.fetch+mmu.l2tlb.misses.load+mmu.l2tlb.misses.store
          --stats-match hpm.walks=mmu.walker.walks
          --stats-match hpm.walk_cycles=mmu.walker.latency.sum
          --stats-match hpm.page_faults=mmu.page_faults
          --nonzero hpm.itlb_misses --nonzero hpm.page_faults)

# A walker that faults on a clear A or D bit (Svade) instead of setting it: the kernel sets
# them (page_faults.ad_update) and everything else behaves the same.
vmplat_system_test(NAME kernel.svade LABELS kernel TIMEOUT 900
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --vmplat-arg=--set --vmplat-arg=mmu.walker.ad_policy=fault
          ${KERNEL_DEMO_COUNTERS} --nonzero page_faults.ad_update)

# A swap device capped at 128 pages by a boot parameter, and a real 1 MiB disk.
vmplat_system_test(NAME kernel.negative LABELS kernel TIMEOUT 600
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --append "${KERNEL_NEGATIVE_RUN} swap=128" ${KERNEL_KILL_LINES} --nonzero swap.full)
vmplat_system_test(NAME kernel.negative.tinydisk LABELS kernel TIMEOUT 600
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --disk-mb 1 --append "${KERNEL_NEGATIVE_RUN}" ${KERNEL_KILL_LINES}
          --nonzero swap.full)
vmplat_system_test(NAME kernel.negative.qemu LABELS kernel qemu TIMEOUT 600
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform qemu --exe ${QEMU_RISCV64}
          --disk-mb 1 --append "${KERNEL_NEGATIVE_RUN}" ${KERNEL_KILL_LINES}
          --nonzero swap.full)

# No swap device: processes, COW, demand zero and kills still work in RAM.
vmplat_system_test(NAME kernel.nodisk LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE} --disk-mb 0
          --append "run=forktest,matmul,badwrite,cowswap:48,badjump,memhog:64"
          --expect "kernel: .* 0 swap slots \\(no swap device\\).*"
          --nonzero page_faults.cow --nonzero page_faults.demand_zero)

# Lazy FP context switching: three processes with different FP values and rounding modes,
# preempted and yielding hundreds of times, each computing bit for bit what an undisturbed
# run computes; the kernel saved and restored FP state (sw/kernel/fp.c). Also on QEMU.
set(KERNEL_FP_ARGS --append "quantum=2000 run=fpswitch" --nonzero fp.saves
    --nonzero fp.restores --nonzero fp.first_use)
vmplat_system_test(NAME kernel.fpswitch LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          ${KERNEL_FP_ARGS})
vmplat_system_test(NAME kernel.fpswitch.qemu LABELS kernel qemu TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform qemu --exe ${QEMU_RISCV64}
          ${KERNEL_FP_ARGS})

# Superpages (docs/firmware.md, "Superpages"). hugetest alone (all free RAM: nothing evicted)
# maps 2 MiB blocks, splits them when the heap shrinks through one and on the COW stores of
# the child and then the parent; with 1024 frames (4 MiB, less than the 6 MiB array) the
# clock splits them to evict, and every check reads pages back from swap.
set(KERNEL_SVNAPOT_VMPLAT --vmplat-arg=--set --vmplat-arg=mmu.svnapot=true)
set(KERNEL_SVNAPOT_QEMU --qemu-arg=-cpu --qemu-arg=rv64,svnapot=on)
vmplat_system_test(NAME kernel.huge.2m LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --append "superpages=2m run=hugetest" --expect "kernel: superpages 2m"
          --nonzero huge.map_2m --nonzero huge.split_cow --nonzero huge.split_unmap
          --nonzero huge.fallback)
vmplat_system_test(NAME kernel.huge.2m.swap LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --append "superpages=2m frames=1024 run=hugetest" --nonzero huge.map_2m
          --nonzero huge.split_swap --nonzero swap.outs --nonzero swap.ins)
vmplat_system_test(NAME kernel.huge.64k LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          ${KERNEL_SVNAPOT_VMPLAT} --append "superpages=64k run=hugetest"
          --expect "kernel: superpages 64k" --nonzero huge.map_64k --nonzero huge.split_cow
          --nonzero huge.split_unmap)
vmplat_system_test(NAME kernel.huge.64k.swap LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          ${KERNEL_SVNAPOT_VMPLAT} --append "superpages=64k frames=1024 run=hugetest"
          --nonzero huge.map_64k --nonzero huge.split_swap --nonzero swap.ins)
# Two runs in 1700 frames: the array fits, its COW copies do not, so the clock meets 64 KiB
# pages that parent and child share and must split them in both (and frames freed at the
# first exit must all come back for the second run).
vmplat_system_test(NAME kernel.huge.64k.shared LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          ${KERNEL_SVNAPOT_VMPLAT} --append "superpages=64k frames=1700 run=hugetest,hugetest"
          --nonzero huge.map_64k --nonzero huge.split_swap --nonzero huge.split_cow
          --nonzero swap.ins)
# on: 2 MiB where the block fits and a free aligned run exists, 64 KiB otherwise (the stack,
# and the blocks beyond the one 2 MiB run of a 1024-frame pool).
vmplat_system_test(NAME kernel.huge.on LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          ${KERNEL_SVNAPOT_VMPLAT} --append "superpages=on frames=1024 run=hugetest"
          --expect "kernel: superpages 2m\\+64k" --nonzero huge.map_2m --nonzero huge.map_64k
          --nonzero huge.split_swap --nonzero swap.ins
          --stats-match tlb.sfence_page=mmu.dtlb.flushes.vaddr_asid
          --stats-match tlb.sfence_asid=mmu.dtlb.flushes.asid)
# A walker that faults on clear A/D bits (Svade): the kernel sets them in a megapage's leaf
# and in all 16 PTEs of a 64 KiB page, which mmu.napot=split makes necessary (each 4 KiB
# page of it is walked through its own PTE).
vmplat_system_test(NAME kernel.huge.svade LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE} --timeout 60
          ${KERNEL_SVNAPOT_VMPLAT} --vmplat-arg=--set --vmplat-arg=mmu.walker.ad_policy=fault
          --vmplat-arg=--set --vmplat-arg=mmu.napot=split
          --append "superpages=on frames=1700 run=hugetest,hugetest"
          --nonzero page_faults.ad_update --nonzero huge.map_2m --nonzero huge.map_64k
          --nonzero huge.split_swap)
# The MMU's view: a 4 MiB sequential scan with superpages takes fewer DTLB load misses than
# the same boot with superpages=off (64 KiB: the TLB holds a NAPOT page as one entry).
vmplat_system_test(NAME kernel.huge.dtlb LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --append "quantum=0 superpages=2m run=seqscan:1024"
          --baseline "quantum=0 superpages=off run=seqscan:1024"
          --fewer mmu.dtlb.misses.load --fewer mmu.walker.walks)
vmplat_system_test(NAME kernel.huge.dtlb.64k LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          ${KERNEL_SVNAPOT_VMPLAT} --append "quantum=0 superpages=64k run=seqscan:1024"
          --baseline "quantum=0 superpages=off run=seqscan:1024"
          --fewer mmu.dtlb.misses.load --fewer mmu.walker.walks)
# 64k on a hart without Svnapot (the device tree does not list it): 4 KiB pages, said so.
vmplat_system_test(NAME kernel.huge.nosvnapot LABELS kernel TIMEOUT 300
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --append "superpages=64k run=hugetest"
          --expect "kernel: superpages 4k only \\(64k asked, but the device tree .* Svnapot\\)"
          --expect "counter~? huge.map_64k 0")
vmplat_system_test(NAME kernel.huge.bad_value LABELS kernel TIMEOUT 60
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --append "superpages=2M run=hugetest" --exit-code 6
          --expect "kernel: bad boot parameter superpages=2M: superpages is off, 2m, 64k or on")
# QEMU 7.2 (-cpu rv64,svnapot=on puts _svnapot in riscv,isa): the same consoles and counters
# with quantum=0, and its device tree read right.
vmplat_system_test(NAME kernel.huge.diff.qemu.2m LABELS kernel diff TIMEOUT 600
  COMMAND ${KERNEL_RUN} diff ${KERNEL_ELF} --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64}
          --append "quantum=0 superpages=2m run=hugetest,seqscan:1024")
# Here vmplat's TLBs hold a NAPOT page as 4 KiB entries (mmu.napot=split), the other way the
# Svnapot chapter allows.
vmplat_system_test(NAME kernel.huge.diff.qemu.64k LABELS kernel diff TIMEOUT 600
  COMMAND ${KERNEL_RUN} diff ${KERNEL_ELF} --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64}
          ${KERNEL_SVNAPOT_VMPLAT} --vmplat-arg=--set --vmplat-arg=mmu.napot=split
          ${KERNEL_SVNAPOT_QEMU}
          --append "quantum=0 superpages=64k frames=1700 run=hugetest,hugetest")
vmplat_system_test(NAME kernel.huge.diff.qemu.on LABELS kernel diff TIMEOUT 600
  COMMAND ${KERNEL_RUN} diff ${KERNEL_ELF} --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64}
          ${KERNEL_SVNAPOT_VMPLAT} ${KERNEL_SVNAPOT_QEMU}
          --append "quantum=0 superpages=on frames=1024 run=hugetest")
vmplat_system_test(NAME kernel.huge.qemu LABELS kernel qemu TIMEOUT 600
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform qemu --exe ${QEMU_RISCV64}
          ${KERNEL_SVNAPOT_QEMU} --append "superpages=on frames=1024 run=hugetest"
          --expect "kernel: superpages 2m\\+64k" --nonzero huge.map_2m --nonzero huge.map_64k
          --nonzero huge.split_swap)

vmplat_system_test(NAME kernel.soak LABELS soak TIMEOUT 7200
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE} --rounds 3
          --append "frames=64 run=memhog:384x6,cowswap:192x6,memhog:128x20,cowswap:96x20"
          --nonzero swap.outs --nonzero page_faults.cow)
# Without Sstc: every tick is a machine timer interrupt passed on to S mode, and every tick
# the kernel took was asked of M mode by an SBI call.
set(KERNEL_NOSSTC_CHECKS ${KERNEL_DEMO_COUNTERS} --nonzero timer_ticks
    --nonzero timer.sbi_set_timer
    --expect "boot: hart 0, .* sstc no \\(timer through M mode\\)")
vmplat_system_test(NAME kernel.nosstc LABELS kernel TIMEOUT 900
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --vmplat-arg=--set --vmplat-arg=cpu.sstc=false ${KERNEL_NOSSTC_CHECKS}
          --stats-match timer_ticks=cpu.interrupts.sti)
vmplat_system_test(NAME kernel.nosstc.qemu LABELS kernel qemu TIMEOUT 600
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform qemu --exe ${QEMU_RISCV64}
          --qemu-arg=-cpu --qemu-arg=rv64,sstc=off ${KERNEL_NOSSTC_CHECKS})
# docs/reliability.md, "Soak": run by hand with `ctest --test-dir build -L soak`.
vmplat_system_test(NAME kernel.soak.swap LABELS soak TIMEOUT 14400
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE} --rounds 11
          --timeout 3600 --append "frames=64 run=memhog:1024x40,cowswap:512x40,forktest"
          --at-least swap.outs=1000000 --nonzero page_faults.cow --nonzero swap.ins)
vmplat_system_test(NAME kernel.soak.knobs LABELS soak TIMEOUT 28800
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/knob_soak.py --vmplat ${VMPLAT_EXE}
          --kernel ${KERNEL_ELF} --boots 300)
set_tests_properties(kernel.demo.qemu kernel.diff.qemu kernel.negative.qemu
                     kernel.fpswitch.qemu kernel.nosstc.qemu kernel.huge.diff.qemu.2m
                     kernel.huge.diff.qemu.64k kernel.huge.diff.qemu.on kernel.huge.qemu
                     PROPERTIES SKIP_RETURN_CODE 77)

# Regions of interest through the simctl system call (tests/system/roi_test.py).
set(KERNEL_ROI_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/roi_test.py
    --vmplat ${VMPLAT_EXE} --sw ${VMPLAT_SW_DIR} --workdir ${CMAKE_CURRENT_BINARY_DIR})
vmplat_system_test(NAME kernel.roi LABELS kernel TIMEOUT 600 COMMAND ${KERNEL_ROI_TEST} kernel)
vmplat_system_test(NAME kernel.roi.default LABELS kernel TIMEOUT 600
  COMMAND ${KERNEL_ROI_TEST} kernel_default)
if(QEMU_RISCV64)
  vmplat_system_test(NAME kernel.roi.qemu LABELS kernel qemu TIMEOUT 600
    COMMAND ${KERNEL_ROI_TEST} --qemu ${QEMU_RISCV64} kernel_qemu)
endif()

# Several harts (docs/firmware.md, "Several harts"). The kernel counts the fences its IPI
# handlers executed, the MMU those between a software interrupt and its return: equal. Each
# IPI (shootdown or wake-up) is one machine software interrupt, which M mode turns into one
# supervisor software interrupt. A page fence empties at most one entry in each of the three
# TLBs, an ASID fence at most all 32 + 32 + 512 entries.
set(KERNEL_SMP_RUN "frames=64 run=mtswap,forktest,cowswap")
set(KERNEL_SMP_CHECKS --nonzero shootdown.requests --nonzero shootdown.pages
    --stats-match shootdown.fences=mmu.shootdown.fences
    --holds "ipi.received == ipi.sent"
    --holds "ipi.sent == cpu.interrupts.msi"
    --holds "cpu.interrupts.ssi == ipi.sent"
    --holds "mmu.shootdown.entries > 0"
    --holds "mmu.shootdown.entries <= 3 * shootdown.pages + 576 * shootdown.asids"
    --holds "procs.clones == 8")
vmplat_system_test(NAME kernel.smp2 LABELS kernel smp TIMEOUT 900
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE} --smp 2
          --append "${KERNEL_SMP_RUN}" ${KERNEL_SMP_CHECKS} --deterministic
          --expect "kernel: 2 harts")
vmplat_system_test(NAME kernel.smp4 LABELS kernel smp TIMEOUT 900
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE} --smp 4
          --append "${KERNEL_SMP_RUN}" ${KERNEL_SMP_CHECKS} --deterministic
          --expect "kernel: 4 harts")
vmplat_system_test(NAME kernel.smp4.demo LABELS kernel smp TIMEOUT 900
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE} --smp 4
          ${KERNEL_DEMO_COUNTERS} --stats-match shootdown.fences=mmu.shootdown.fences
          --holds "ipi.received == ipi.sent" --nonzero ipi.wakeups)
vmplat_system_test(NAME kernel.smp.nosstc LABELS kernel smp TIMEOUT 900
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE} --smp 2
          --vmplat-arg=--set --vmplat-arg=cpu.sstc=false --append "frames=64 run=mtswap"
          --stats-match shootdown.fences=mmu.shootdown.fences
          --holds "ipi.received == ipi.sent" --nonzero timer.sbi_set_timer)
vmplat_system_test(NAME kernel.smp.qemu LABELS kernel qemu smp TIMEOUT 900
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform qemu --exe ${QEMU_RISCV64} --smp 4
          --append "${KERNEL_SMP_RUN}" --nonzero shootdown.requests
          --holds "ipi.received == ipi.sent" --holds "procs.clones == 8")
set_tests_properties(kernel.smp.qemu PROPERTIES SKIP_RETURN_CODE 77)
# Superpages on 2 harts: the clock splits the 64 KiB pages of mtswap's array (and stacks)
# that threads on the other hart use (break before make: cleared, shot down, rewritten).
vmplat_system_test(NAME kernel.smp.huge LABELS kernel smp TIMEOUT 900
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE} --smp 2
          ${KERNEL_SVNAPOT_VMPLAT} --append "superpages=on frames=1024 run=mtswap:1500x4"
          --stats-match shootdown.fences=mmu.shootdown.fences --nonzero huge.map_64k
          --nonzero huge.split_swap --holds "ipi.received == ipi.sent")
# One hart: the threads interleave on it; no IPI, no shootdown, no SMP counters printed.
vmplat_system_test(NAME kernel.mtswap LABELS kernel TIMEOUT 600
  COMMAND ${KERNEL_RUN} check ${KERNEL_ELF} --platform vmplat --exe ${VMPLAT_EXE}
          --append "frames=64 run=mtswap" --holds "procs.clones == 8"
          --holds "mmu.shootdown.fences == 0" --nonzero swap.outs)
