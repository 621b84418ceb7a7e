/* cowswap [MIB [ROUNDS]]: fork under memory pressure. The parent fills MIB, forks; the child
 * reads it all (shared copy-on-write pages, some back from swap), rewrites the first half
 * (copies that need memory, so shared pages go to swap) and checks both halves; then the
 * parent checks that it still sees its own data and rewrites everything. Default 64 MiB
 * (with the child's copies more than a 128 MiB machine has free), 1 round. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "work.h"

int cowswap_main(int argc, char **argv)
{
  struct vmstat before;
  vmstat_read(&before);
  const uint64_t mib = arg_number(argc, argv, 1, 64, 1, 1 << 20, "size in MiB");
  const uint64_t rounds = arg_number(argc, argv, 2, 1, 1, 1000, "number of rounds");
  const uint64_t words = mib * (1 << 20) / sizeof(uint64_t), half = words / 2;
  uint64_t *mem = map_memory("cowswap", mib << 20);
  uint64_t bad = 0, child_failed = 0;
  for (uint64_t r = 0; r < rounds; r++) {
    const uint64_t gen = 3 * r + 1;
    gen_fill(mem, 0, words, gen);
    fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
      uint64_t child_bad = gen_verify(mem, 0, words, gen);
      gen_fill(mem, 0, half, gen + 1);
      child_bad += gen_verify(mem, 0, half, gen + 1) + gen_verify(mem, half, words, gen);
      _exit(child_bad ? 1 : 0);
    }
    int status = -1;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
      child_failed++;
    bad += gen_verify(mem, 0, words, gen);
    gen_fill(mem, 0, words, gen + 2);
    bad += gen_verify(mem, 0, words, gen + 2);
  }
  printf("%s cowswap mib=%llu rounds=%llu corrupted=%llu child_failed=%llu\n",
         bad || child_failed ? "FAIL" : "PASS", (unsigned long long)mib,
         (unsigned long long)rounds, (unsigned long long)bad, (unsigned long long)child_failed);
  vmstat_report("cowswap", &before);
  return bad != 0 || child_failed != 0;
}
