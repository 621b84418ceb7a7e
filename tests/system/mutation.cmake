# The mutation list (tools/mutation/mutations.toml, docs/testing.md) keeps up with the code:
# every record has its fields and its text occurs exactly once in its file, so a change that
# moves mutated code shows here, not months later as a "stale" mutation.
vmplat_system_test(NAME mutation.list LABELS mutation TIMEOUT 60
  COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/mutation/run.py --check)
