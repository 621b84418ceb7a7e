# Device registers as firmware sees them, compared with QEMU's virt machine.
vmplat_system_test(NAME diff.qemu.devices LABELS diff TIMEOUT 60
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/run_firmware.py diff
          ${VMPLAT_SW_DIR}/tests/platform/devices.elf --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64})
set_tests_properties(diff.qemu.devices PROPERTIES SKIP_RETURN_CODE 77)
