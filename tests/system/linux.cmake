# Debian's Linux on vmplat (docs/linux.md). The kit (kernel 6.12, OpenSBI, busybox) comes
# from Debian's archive through scripts/linux-kit.sh, cached outside the build; a test that
# cannot reach the archive says so and is skipped (code 77). Until the hart has F/D the
# initramfs's init is sw/linux/hello-init (no libc, no FP): it prints the kernel it runs
# on and the MMU mode Linux chose, then powers off or reboots.
#   linux.kit              fetches the kit once (the fixture of the others, which then run
#                          in parallel from the cache) and checks what it holds
#   linux.boot.sv48        fw_jump.elf (a PIE placed at 0x80000000), the Image, Sv48:
#                          user space reached, mmu sv48, power-off ends vmplat with 0
#   linux.boot.sv39        fw_dynamic.bin (raw, a2 = fw_dynamic_info), mmu.satp_modes=
#                          bare,sv39: Linux falls back to Sv39 by itself; it loads the
#                          virtio modules and finds the 16 MiB disk as vda, and the init
#                          reads a line typed on the console (stdin)
#   linux.reboot.no4lvl    fw_jump.bin, the no4lvl boot argument: Sv39 under an MMU with
#                          Sv48; a reboot request ends vmplat with 93 and says so
set(LINUX_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/linux_test.py
    --vmplat ${VMPLAT_EXE} --kit-script ${PROJECT_SOURCE_DIR}/scripts/linux-kit.sh
    --init ${VMPLAT_SW_DIR}/linux/hello-init.elf --workdir ${CMAKE_CURRENT_BINARY_DIR}/linux)
vmplat_system_test(NAME linux.kit LABELS linux TIMEOUT 900 COMMAND ${LINUX_TEST} kit)
set_tests_properties(linux.kit PROPERTIES SKIP_RETURN_CODE 77 FIXTURES_SETUP linux_kit)
foreach(case boot.sv48 boot.sv39 reboot.no4lvl)
  vmplat_system_test(NAME linux.${case} LABELS linux TIMEOUT 900
                     COMMAND ${LINUX_TEST} ${case})
  set_tests_properties(linux.${case} PROPERTIES SKIP_RETURN_CODE 77 FIXTURES_REQUIRED linux_kit)
endforeach()
