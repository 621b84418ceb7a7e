# The virtio-blk firmware test (sw/tests/disk) run by tests/system/disk_test.py, each run
# on a fresh zero-filled 1 MiB raw image:
#   disk.vmplat      the firmware passes on vmplat (--drive file=IMG)
#   disk.image       after vmplat exits, the image holds exactly what the firmware wrote
#   disk.diff.qemu   vmplat and qemu-system-riscv64 print the same lines and exit codes,
#                    and QEMU's image holds the same data (skipped without QEMU)
set(DISK_ELF ${VMPLAT_SW_DIR}/tests/disk/disk.elf)
set(DISK_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/disk_test.py)
vmplat_system_test(NAME disk.vmplat LABELS disk TIMEOUT 120
  COMMAND ${DISK_TEST} run ${DISK_ELF} --vmplat ${VMPLAT_EXE})
vmplat_system_test(NAME disk.image LABELS disk TIMEOUT 120
  COMMAND ${DISK_TEST} image ${DISK_ELF} --vmplat ${VMPLAT_EXE})
vmplat_system_test(NAME disk.diff.qemu LABELS disk diff TIMEOUT 180
  COMMAND ${DISK_TEST} diff ${DISK_ELF} --vmplat ${VMPLAT_EXE} --qemu ${QEMU_RISCV64})
set_tests_properties(disk.diff.qemu PROPERTIES SKIP_RETURN_CODE 77)
