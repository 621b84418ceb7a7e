# The MMU event trace (tests/system/mmu_trace.py, docs/debugging.md), on a short kernel run
# (fork, COW, swapping: a fraction of a second):
#   mmu.trace.counts  lines per event, TLB and access kind equal the statistics; the trace
#                     changes no statistic and no console output, and is deterministic
#   mmu.trace.events  mmu.trace.events keeps only the events named
#   mmu.trace.vaddr   mmu.trace.vaddr keeps only lines of addresses in the range
#   mmu.trace.errors  bad event names, ranges and files: exit code 2, one line naming the key
foreach(case counts events vaddr errors)
  vmplat_system_test(NAME mmu.trace.${case} LABELS mmu TIMEOUT 60
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/mmu_trace.py
            --vmplat ${VMPLAT_EXE} --kernel ${VMPLAT_SW_DIR}/kernel/kernel.elf
            --workdir ${CMAKE_CURRENT_BINARY_DIR} ${case})
endforeach()
