# Cross toolchain for vmplat firmware: Debian's gcc-riscv64-unknown-elf with picolibc.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_OBJCOPY riscv64-unknown-elf-objcopy)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# -misa-spec=2.2 keeps Zicsr/Zifencei inside "i" so GCC 12 picks picolibc's rv64imac/lp64 multilib.
set(VMPLAT_SW_ARCH "-march=rv64imac -misa-spec=2.2 -mabi=lp64 -mcmodel=medany")
set(CMAKE_C_FLAGS_INIT "${VMPLAT_SW_ARCH} --specs=picolibc.specs -ffreestanding -fno-common")
set(CMAKE_ASM_FLAGS_INIT "${VMPLAT_SW_ARCH}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments")
