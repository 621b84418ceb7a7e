# The GDB server (models/debug, docs/debugging.md) with the real gdb-multiarch and with a
# raw protocol client; see gdb_test.py for what each case asserts.
find_program(GDB_MULTIARCH gdb-multiarch)
if(NOT GDB_MULTIARCH)
  set(GDB_MULTIARCH gdb-multiarch)
endif()
set(GDB_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/gdb_test.py
    --vmplat ${VMPLAT_EXE} --sw ${VMPLAT_SW_DIR} --gdb ${GDB_MULTIARCH})
foreach(case session fp same_run transcript protocol kill bad_option)
  vmplat_system_test(NAME gdb.${case} LABELS gdb TIMEOUT 300 COMMAND ${GDB_TEST} ${case})
  set_tests_properties(gdb.${case} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
