# Debian's Linux on vmplat (docs/linux.md). The kit (kernel 6.12, OpenSBI, busybox) comes
# from Debian's archive through scripts/linux-kit.sh, cached outside the build; a test that
# cannot reach the archive says so and is skipped (code 77). The boot tests' init is
# sw/linux/hello-init (no libc, no FP): it prints the kernel it runs on and the MMU mode
# Linux chose, then powers off or reboots. The busybox tests run our init
# (sw/linux/init.sh) and workloads (sw/linux/vmwork, built when riscv64-linux-gnu-gcc is
# installed). The whole label: `ctest -L linux`; leave it out with `-LE linux`.
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
#   linux.shell            a busybox shell: typed commands run (FP in awk, forktest, swap
#                          on the disk), `poweroff` ends vmplat with 0
#   linux.workload.sv48    forktest, memhog and cowswap with swap on a virtio disk: all pass
#                          with no corrupted byte, Linux swaps out and in, the per-privilege
#                          counters show user and kernel; writes the console for linux.qemu
#   linux.workload.sv39    the same with mmu.satp_modes=bare,sv39
#   linux.qemu             the workload.sv48 batch on QEMU prints the same PASS lines
#   linux.script           scripts/linux.sh --run (on this build): the batch's lines, the
#                          first failure's status as the exit code, the per-privilege table
#   linux.sweep            tools/vmplat-sweep: two points of a Linux workload
#   linux.checkpoint       a checkpoint the workload asks for after the boot; restored, the
#                          run ends in the same state as the booted one (docs/checkpoints.md)
#   linux.smp              four harts (--smp 4): /proc/cpuinfo lists 4 processors, a threaded
#                          workload (unmaps: TLB shootdowns) and four workloads side by side
#                          pass, every hart runs, remote fences reach several harts; QEMU
#                          -smp 4 prints the same PASS lines (docs/smp.md)
#   linux.sweep_example.*  examples/linux/{dtlb-size,satp-modes,checkpoint-tlb}.json are
#                          accepted (vmplat-sweep check)
# The boot options' errors and the device tree (cli.*, no kit needed) carry the label too.
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

find_program(VMPLAT_LINUX_GCC_FOR_TESTS riscv64-linux-gnu-gcc)
if(VMPLAT_LINUX_GCC_FOR_TESTS)
  set(LINUX_BUSYBOX_TEST ${LINUX_TEST} --init-script ${PROJECT_SOURCE_DIR}/sw/linux/init.sh
      --vmwork ${VMPLAT_SW_DIR}/linux/vmwork --qemu ${QEMU_RISCV64} --build ${PROJECT_BINARY_DIR}
      --sweep-tool ${PROJECT_SOURCE_DIR}/tools/vmplat-sweep)
  foreach(case shell workload.sv48 workload.sv39 qemu script sweep checkpoint smp)
    vmplat_system_test(NAME linux.${case} LABELS linux TIMEOUT 900
                       COMMAND ${LINUX_BUSYBOX_TEST} ${case})
    set_tests_properties(linux.${case} PROPERTIES SKIP_RETURN_CODE 77
                         FIXTURES_REQUIRED linux_kit)
  endforeach()
  # The sweep runs its two points side by side.
  set_tests_properties(linux.sweep PROPERTIES PROCESSORS 2)
  foreach(example dtlb-size satp-modes checkpoint-tlb)
    vmplat_system_test(NAME linux.sweep_example.${example} LABELS linux TIMEOUT 300
      COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/vmplat-sweep check
              ${PROJECT_SOURCE_DIR}/examples/linux/${example}.json --vmplat ${VMPLAT_EXE}
              --build ${PROJECT_BINARY_DIR})
    set_tests_properties(linux.sweep_example.${example} PROPERTIES FIXTURES_REQUIRED linux_kit)
  endforeach()
  # linux.qemu compares with the console linux.workload.sv48 wrote.
  set_tests_properties(linux.workload.sv48 PROPERTIES FIXTURES_SETUP linux_workload)
  set_tests_properties(linux.qemu PROPERTIES FIXTURES_REQUIRED "linux_kit;linux_workload"
                       LABELS "linux;qemu")
else()
  message(STATUS "riscv64-linux-gnu-gcc not found: the Linux busybox and workload tests "
                 "(linux.shell, linux.workload.*, linux.qemu) are left out")
endif()

# The boot options' errors and the device tree (point 1 of the Linux work) belong to the
# label too; they need no kit.
foreach(case initrd_without_kernel bios_and_firmware kernel_unknown_format image_without_bios
             kernel_overlaps_firmware kernel_outside_ram initrd_too_big bad_dtb dump_dtb
             dtb_roundtrip)
  set_tests_properties(cli.${case} PROPERTIES LABELS "cli;linux")
endforeach()
set_tests_properties(cli.dtb_vs_qemu PROPERTIES LABELS "cli;qemu;linux")
