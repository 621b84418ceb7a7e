# Crash consistency of the virtio disk (docs/reliability.md): the kernel swaps to a raw
# image with disklog=1 and vmplat is killed with SIGKILL at random points (and, with
# strace, just before and just after the device's write of a request); after each kill
# every sector holds the last write the guest saw complete, or the write in flight, and no
# sector is torn. See crash_test.py.
vmplat_system_test(NAME kernel.crash LABELS kernel disk TIMEOUT 900
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/crash_test.py --vmplat ${VMPLAT_EXE}
          --kernel ${VMPLAT_SW_DIR}/kernel/kernel.elf --kills 12
          --workdir ${CMAKE_CURRENT_BINARY_DIR})
