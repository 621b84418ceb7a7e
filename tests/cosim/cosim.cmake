# Cosimulation of the RTL TLB (rtl/tlb/tlb.sv) with the C++ model. Built only when
# models/cosim found Verilator (vmplat_cosim exists).
if(NOT TARGET vmplat_cosim)
  message(STATUS "cosim tests skipped: vmplat was configured without the RTL TLB")
  return()
endif()

# Links only what it tests (the RTL, the TLB model, common), not every model library.
add_executable(test_cosim_tlb ${CMAKE_CURRENT_LIST_DIR}/cosim_tlb.cpp
                              ${CMAKE_CURRENT_LIST_DIR}/../catch_main.cpp)
target_link_libraries(test_cosim_tlb PRIVATE Catch2::Catch2 vmplat_cosim vmplat_mmu vmplat_common)
catch_discover_tests(test_cosim_tlb TEST_PREFIX "cosim.tlb." PROPERTIES LABELS cosim
                     WORKING_DIRECTORY ${PROJECT_BINARY_DIR})

# The RTL is lint-clean under -Wall in its default and in every built geometry.
find_program(VERILATOR_EXE verilator)
vmplat_system_test(NAME cosim.rtl_lint LABELS cosim TIMEOUT 120
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/lint_rtl.py ${VERILATOR_EXE}
          ${PROJECT_SOURCE_DIR}/rtl/tlb/tlb.sv ${VMPLAT_RTL_TLB_CONFIGS})

# Firmware demo with both L1 TLBs in lockstep: zero mismatches, the same console output as
# with the model. Skipped (77) until the kernel is built.
vmplat_system_test(NAME cosim.kernel_lockstep LABELS cosim system TIMEOUT 1800
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/lockstep_firmware.py ${VMPLAT_EXE}
          ${VMPLAT_SW_DIR}/kernel/kernel.elf)
set_tests_properties(cosim.kernel_lockstep PROPERTIES SKIP_RETURN_CODE 77)

# The MMU extensions' firmware with both L1 TLBs in lockstep: Svpbmt, Svinval and Svnapot
# with mmu.napot=split (the RTL holds no whole NAPOT entry and no Sv57 page size, so the
# firmware leaves Sv57 out): every check passes, no mismatch (exit 90 otherwise).
vmplat_system_test(NAME cosim.mmu_ext_lockstep LABELS cosim TIMEOUT 300
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tests/system/run_firmware.py run
          ${VMPLAT_SW_DIR}/tests/mmu/mmu_ext.elf --vmplat ${VMPLAT_EXE}
          --vmplat-arg=--set --vmplat-arg=mmu.itlb.impl=lockstep
          --vmplat-arg=--set --vmplat-arg=mmu.dtlb.impl=lockstep
          --vmplat-arg=--set --vmplat-arg=mmu.svpbmt=true
          --vmplat-arg=--set --vmplat-arg=mmu.svnapot=true
          --vmplat-arg=--set --vmplat-arg=mmu.napot=split
          --vmplat-arg=--set --vmplat-arg=cpu.svinval=true
          --vmplat-arg=--append "--vmplat-arg=check-spec skip-sv57"
          --expect "DONE mmu_ext: [0-9]+ checks, 0 failures" --timeout 240)
