# The documentation keeps up with the code: every configuration key vmplat declares is
# described somewhere in README.md or docs/.
vmplat_system_test(NAME docs.config_keys LABELS docs TIMEOUT 60
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/docs_test.py
          --vmplat ${VMPLAT_EXE} --root ${PROJECT_SOURCE_DIR})
