# ISA and trap firmware tests (sw/tests/isa): isa.<name> runs the ELF on vmplat and passes
# when it exits 0 with no FAIL line and its summary line reports 0 failures; isa.<name>.timed
# does the same with every access through the DRAM bank/row model (dram.mode=timed), where
# delays and so interrupt timing differ; diff.qemu.<name> runs it on vmplat and on
# qemu-system-riscv64 -M virt and compares the console outputs and exit codes (skipped,
# code 77, without QEMU).
include(${PROJECT_SOURCE_DIR}/sw/tests/isa/list.cmake)
set(ISA_RUNNER ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py)
foreach(name ${ISA_TESTS})
  set(elf ${VMPLAT_SW_DIR}/tests/isa/${name}.elf)
  if(name STREQUAL "hello")
    set(expect "hello from vmplat firmware")
  else()
    set(expect "DONE ${name}: [0-9]+ checks, 0 failures")
  endif()
  vmplat_system_test(NAME isa.${name} LABELS isa TIMEOUT 30
    COMMAND ${ISA_RUNNER} run ${elf} --vmplat ${VMPLAT_EXE} --expect ${expect})
  vmplat_system_test(NAME isa.${name}.timed LABELS isa TIMEOUT 30
    COMMAND ${ISA_RUNNER} run ${elf} --vmplat ${VMPLAT_EXE} --vmplat-arg=--mode
            --vmplat-arg=timed --expect ${expect})
  vmplat_system_test(NAME diff.qemu.${name} LABELS isa diff TIMEOUT 60
    COMMAND ${ISA_RUNNER} diff ${elf} --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64})
  set_tests_properties(diff.qemu.${name} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

# The checks of the trigger and PMP firmware that QEMU 7.2 does not share, on vmplat only.
vmplat_system_test(NAME isa.triggers.spec LABELS isa TIMEOUT 30
  COMMAND ${ISA_RUNNER} run ${VMPLAT_SW_DIR}/tests/isa/triggers.elf --vmplat ${VMPLAT_EXE}
          --vmplat-arg=--append --vmplat-arg=check-spec
          --expect "DONE triggers: 71 checks, 0 failures")

# The CPU benchmark script on one benchmark: it must run and the firmware must verify its
# result; the speed it reports never fails the test.
vmplat_system_test(NAME bench.cpu_bench.crc32 LABELS bench TIMEOUT 120
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/bench/cpu_bench.py --vmplat ${VMPLAT_EXE}
          --sw-dir ${VMPLAT_SW_DIR} --bench crc32
          --json ${PROJECT_BINARY_DIR}/bench/cpu_bench_crc32.json)
# The same with --sv39 (the work in S mode under an Sv39 identity map, sw/bench/bench.h),
# and that build on its own: it verifies its result with translation on (walks happened).
vmplat_system_test(NAME bench.cpu_bench.sv39 LABELS bench TIMEOUT 120
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/bench/cpu_bench.py --vmplat ${VMPLAT_EXE}
          --sw-dir ${VMPLAT_SW_DIR} --bench crc32 --sv39 --no-qemu)
vmplat_system_test(NAME bench.cpu_sv39.nbody LABELS bench TIMEOUT 60
  COMMAND ${ISA_RUNNER} run ${VMPLAT_SW_DIR}/bench/cpu_nbody_sv39.elf --vmplat ${VMPLAT_EXE}
          --expect "bench nbody: result 0x9c7bdaf099b74932 ok .*"
          --stat "mmu.walker.walks>=1" --stat "mmu.dtlb.misses.load>=1")

# A hart without F and D (cpu.isa=rv64imac): FP firmware finds mstatus.FS read-only zero and
# says so (sw/lib/start_fp.S), exit code 3, instead of running FP instructions.
vmplat_system_test(NAME isa.fp_absent LABELS isa TIMEOUT 30
  COMMAND ${ISA_RUNNER} run ${VMPLAT_SW_DIR}/tests/isa/rv64d.elf --vmplat ${VMPLAT_EXE}
          --vmplat-arg=--set --vmplat-arg=cpu.isa=rv64imac --exit-code 3 --expect "no FPU.*")
