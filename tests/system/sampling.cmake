# Fast-forward and sampling (docs/exploration.md, "Fast-forward and sampling") on the steady
# TLB-hostile workload in timed mode: the fast-forward changes nothing architectural and the
# DRAM model sees only the detailed part; the switch and every sample happen where they are
# due; the sampled CPI interval holds the full timed run's CPI; runs repeat; bad values are
# one-line errors (sampling_test.py says each case's claims).
foreach(case fast_forward switch_point cache_path samples estimate determinism bad_values)
  vmplat_system_test(NAME sampling.${case} LABELS sampling TIMEOUT 300
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/sampling_test.py
            --vmplat ${VMPLAT_EXE} --elf ${VMPLAT_SW_DIR}/bench/mmu/mmu_hostile.elf ${case})
endforeach()
