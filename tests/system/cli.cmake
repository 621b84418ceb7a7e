# The vmplat executable as a user meets it: bad input gets a one-line error and a non-zero
# exit code; every way a run ends has its exit code; --stats, --trace and --help work.
set(CLI_TEST ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/cli_test.py
    --vmplat ${VMPLAT_EXE} --sw ${VMPLAT_SW_DIR} --workdir ${CMAKE_CURRENT_BINARY_DIR})
foreach(case missing_file not_elf elf32 not_riscv outside_ram no_segments unknown_option
             bad_value unknown_key bad_ram two_firmwares no_firmware bad_config_json
             instruction_limit idle htif stats_json trace help help_config
             initrd_without_kernel bios_and_firmware kernel_unknown_format image_without_bios
             kernel_overlaps_firmware kernel_outside_ram initrd_too_big initrd_larger_than_ram
             initrd_endless elf_segments_exceed_ram bad_dtb dump_dtb
             dtb_roundtrip dtb_vs_qemu dtb_vs_qemu_smp4 trap_loop trap_loop_s trap_progress cycle_limit timeout
             bad_limits bad_pmp_triggers)
  vmplat_system_test(NAME cli.${case} LABELS cli TIMEOUT 60 COMMAND ${CLI_TEST} ${case})
endforeach()
set_tests_properties(cli.dtb_vs_qemu cli.dtb_vs_qemu_smp4 PROPERTIES SKIP_RETURN_CODE 77
                     LABELS "cli;qemu")
