# MMU system tests.
#   mmu.paging            sw/tests/mmu/paging.elf on vmplat: S-mode Sv39 firmware with U-mode
#                         page faults; passes on exit 0 and its DONE line.
#   diff.qemu.mmu.paging  the same ELF on QEMU: console and exit code must be identical.
#   mmu.pmp_walk, diff.qemu.mmu.pmp_walk  sw/tests/mmu/pmp_walk.elf: PMP on the walker's PTE
#                         reads (and, on vmplat only, its A/D writes).
#   mmu.hpm               sw/tests/mmu/hpm.elf: performance counters count MMU events exactly.
#   mmu.ext, diff.qemu.mmu.ext  sw/tests/mmu/mmu_ext.elf: Svpbmt, Svnapot, Svinval, Sv57 with
#                         them enabled (QEMU: -cpu rv64,svpbmt=on,svinval=on,svnapot=on);
#                         on vmplat also the checks QEMU 7.2 gets wrong ("check-spec" boot arg).
#   mmu.knob.<check>      tests/system/mmu_knobs.py: TLB and walker knobs change the
#                         statistics as expected on the sw/bench/mmu workloads (more entries,
#                         fewer misses; a fitting working set has only compulsory misses);
#                         mmu.knob.priv: the per-privilege counters split the totals.
set(MMU_FW_RUNNER ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py)
set(MMU_PAGING_ELF ${VMPLAT_SW_DIR}/tests/mmu/paging.elf)
vmplat_system_test(NAME mmu.paging LABELS mmu TIMEOUT 30
  COMMAND ${MMU_FW_RUNNER} run ${MMU_PAGING_ELF} --vmplat ${VMPLAT_EXE}
          --expect "DONE paging: 0 failures")
vmplat_system_test(NAME diff.qemu.mmu.paging LABELS mmu diff TIMEOUT 60
  COMMAND ${MMU_FW_RUNNER} diff ${MMU_PAGING_ELF} --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64})
set_tests_properties(diff.qemu.mmu.paging PROPERTIES SKIP_RETURN_CODE 77)
# PMP on the walker: a table page PMP denies to S is an access fault of the access's type;
# with "check-ad" also the A/D write PMP denies, which QEMU 7.2 does not check.
set(MMU_PMP_WALK_ELF ${VMPLAT_SW_DIR}/tests/mmu/pmp_walk.elf)
vmplat_system_test(NAME mmu.pmp_walk LABELS mmu TIMEOUT 30
  COMMAND ${MMU_FW_RUNNER} run ${MMU_PMP_WALK_ELF} --vmplat ${VMPLAT_EXE}
          --vmplat-arg=--append --vmplat-arg=check-ad
          --expect "DONE pmp_walk: 22 checks, 0 failures")
vmplat_system_test(NAME diff.qemu.mmu.pmp_walk LABELS mmu diff TIMEOUT 60
  COMMAND ${MMU_FW_RUNNER} diff ${MMU_PMP_WALK_ELF} --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64})
set_tests_properties(diff.qemu.mmu.pmp_walk PROPERTIES SKIP_RETURN_CODE 77)
# Performance counters (mhpmcounter/mhpmevent, mcountinhibit) counting MMU events: each moves
# by exactly what the firmware's accesses cause (vmplat only: QEMU counts other things).
vmplat_system_test(NAME mmu.hpm LABELS mmu TIMEOUT 30
  COMMAND ${MMU_FW_RUNNER} run ${VMPLAT_SW_DIR}/tests/mmu/hpm.elf --vmplat ${VMPLAT_EXE}
          --expect "DONE hpm: [0-9]+ checks, 0 failures")
set(MMU_EXT_ELF ${VMPLAT_SW_DIR}/tests/mmu/mmu_ext.elf)
set(MMU_EXT_ARGS --vmplat-arg=--set --vmplat-arg=mmu.svpbmt=true
    --vmplat-arg=--set --vmplat-arg=mmu.svnapot=true
    --vmplat-arg=--set --vmplat-arg=cpu.svinval=true
    --vmplat-arg=--set --vmplat-arg=mmu.satp_modes=bare,sv39,sv48,sv57)
vmplat_system_test(NAME mmu.ext LABELS mmu TIMEOUT 30
  COMMAND ${MMU_FW_RUNNER} run ${MMU_EXT_ELF} --vmplat ${VMPLAT_EXE} ${MMU_EXT_ARGS}
          --vmplat-arg=--append --vmplat-arg=check-spec
          --expect "DONE mmu_ext: 69 checks, 0 failures")
vmplat_system_test(NAME diff.qemu.mmu.ext LABELS mmu diff TIMEOUT 60
  COMMAND ${MMU_FW_RUNNER} diff ${MMU_EXT_ELF} --vmplat ${VMPLAT_EXE} ${MMU_EXT_ARGS}
          --qemu ${QEMU_RISCV64} --qemu-arg=-cpu --qemu-arg=rv64,svpbmt=on,svinval=on,svnapot=on)
set_tests_properties(diff.qemu.mmu.ext PROPERTIES SKIP_RETURN_CODE 77)
set(MMU_KNOBS ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/mmu_knobs.py
    --vmplat ${VMPLAT_EXE} --bench-dir ${VMPLAT_SW_DIR}/bench/mmu
    --kernel ${VMPLAT_SW_DIR}/kernel/kernel.elf)
foreach(check entries fits policy l2 walker priv)
  vmplat_system_test(NAME mmu.knob.${check} LABELS mmu TIMEOUT 120
    COMMAND ${MMU_KNOBS} ${check})
endforeach()
# MPRV (sw/tests/mmu/mprv.c): M-mode loads, stores and AMOs translated at MPP's privilege,
# fetches not. The checks QEMU 7.2 does not share (an AMO to an unmapped page is cause 15,
# xRET to a lower mode clears MPRV) run on vmplat only, with "check-spec".
set(MMU_MPRV_ELF ${VMPLAT_SW_DIR}/tests/mmu/mprv.elf)
vmplat_system_test(NAME mmu.mprv LABELS mmu TIMEOUT 30
  COMMAND ${MMU_FW_RUNNER} run ${MMU_MPRV_ELF} --vmplat ${VMPLAT_EXE}
          --vmplat-arg=--append --vmplat-arg=check-spec
          --expect "DONE mprv: 34 checks, 0 failures")
vmplat_system_test(NAME diff.qemu.mmu.mprv LABELS mmu diff TIMEOUT 60
  COMMAND ${MMU_FW_RUNNER} diff ${MMU_MPRV_ELF} --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64})
set_tests_properties(diff.qemu.mmu.mprv PROPERTIES SKIP_RETURN_CODE 77)
