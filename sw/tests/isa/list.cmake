# The ISA test ELFs: built by sw/tests/isa/CMakeLists.txt and registered as ctest tests by
# tests/system/isa.cmake (isa.<name> on vmplat, diff.qemu.<name> against QEMU).
set(ISA_TESTS hello rv64i rv64m rv64a rvc zicsr zifencei zicntr traps interrupts pmp triggers
              fuzz_alu fuzz_rvc)
# The F and D tests, built for RV64GC/lp64d (vmplat_firmware(... FP ...)).
set(ISA_FP_TESTS rv64f rv64d fp_state fuzz_fp)
list(APPEND ISA_TESTS ${ISA_FP_TESTS})
