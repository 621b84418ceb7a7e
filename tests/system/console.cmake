# The guest console's input (tests/system/console_test.py): standard input by default,
# --uart-in none, the end of the input, a terminal's settings kept and given back, and
# QEMU's console keys (uart.terminal_keys=qemu).
foreach(case pipe none eof terminal interrupt stop background qemu_keys)
  vmplat_system_test(NAME console.${case} LABELS console TIMEOUT 120
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/console_test.py
            --vmplat ${VMPLAT_EXE} --sw ${VMPLAT_SW_DIR} ${case})
endforeach()
