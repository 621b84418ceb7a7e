# The waveform (--vcd, waves.file; docs/debugging.md) read back from the VCD: privilege
# levels against the trap counters, timer edges at compare * 100 ns, the PLIC's lines, the
# address-translation fences by kind against the flush counters (svinval), the final time
# stamp; runs with and without --vcd give the same console and statistics.
set(WAVES_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/waves_test.py
    --vmplat ${VMPLAT_EXE} --sw ${VMPLAT_SW_DIR} --workdir ${CMAKE_CURRENT_BINARY_DIR})
foreach(case firmware kernel svinval idle first_step bad_path smp)
  vmplat_system_test(NAME waves.${case} LABELS waves TIMEOUT 60 COMMAND ${WAVES_TEST} ${case})
endforeach()
