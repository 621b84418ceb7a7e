# Caches on the page-table walker's path (mmu.walker.path, docs/memory.md "Caches"):
#   walker_cache.kernel    the kernel with the walker going to DRAM, through the L2 and through
#                          L1D and L2: the same functional console and walks, cache hits, DRAM
#                          reads that fall by exactly what the caches absorb, fewer walk cycles;
#                          then in timed mode the hart's data through the L1D too
#                          (cpu.data_path=l1d): the same console and instructions, exact DRAM
#                          accounting, fewer cycles; cpu.data_path=l1d in fast mode refused
#   walker_cache.default   the default path is dram: every statistic and the console are the
#                          same as with mmu.walker.path=dram set explicitly
vmplat_system_test(NAME walker_cache.kernel LABELS mmu TIMEOUT 300
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/walker_cache_test.py
          --vmplat ${VMPLAT_EXE} --kernel ${VMPLAT_SW_DIR}/kernel/kernel.elf)
vmplat_system_test(NAME walker_cache.default LABELS mmu TIMEOUT 300
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py same
          ${VMPLAT_SW_DIR}/kernel/kernel.elf --vmplat ${VMPLAT_EXE} --timeout 200
          --vmplat-arg=--drive --vmplat-arg=size=64M --vmplat-arg=--append
          "--vmplat-arg=quantum=0 frames=64 run=randacc:512,forktest"
          --b-arg=--set --b-arg=mmu.walker.path=dram)
