# The ISA test ELFs: built by sw/tests/isa/CMakeLists.txt and registered as ctest tests by
# tests/system/isa.cmake (isa.<name> on vmplat, diff.qemu.<name> against QEMU).
set(ISA_TESTS hello rv64i rv64m rv64a rvc zicsr zifencei zicntr traps interrupts pmp triggers fuzz_alu
              fuzz_rvc)
