/* The computations of the exploration workloads, shared by our kernel's user programs
 * (sw/user, bare-metal toolchain) and the Linux workloads (sw/linux/vmwork, glibc): each
 * fills or checks memory it is given and counts what it found wrong. The programs around
 * them parse arguments, get the memory, fork and print, each in its own system's way.
 * Header-only (static inline): both toolchains compile it into the program that uses it. */
#ifndef VMPLAT_WORKLOADS_H
#define VMPLAT_WORKLOADS_H

#include <stdint.h>

#define PAGE_SIZE 4096UL
#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(uint64_t))

/* xorshift64*: the same sequence on every platform. */
static inline uint64_t next_random(uint64_t *state)
{
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545f4914f6cdd1dULL;
}

/* Number of bytes that differ between two words. */
static inline unsigned diff_bytes(uint64_t a, uint64_t b)
{
  uint64_t d = a ^ b;
  unsigned n = 0;
  for (; d; d >>= 8)
    n += (d & 0xff) != 0;
  return n;
}

/* seqscan: writes words 0..n-1, then sums them `passes` times; returns the number of sums
 * that differ from the closed form n(n-1)/2. */
static inline uint64_t seqscan_run(uint64_t *mem, uint64_t words, int passes)
{
  for (uint64_t w = 0; w < words; w++)
    mem[w] = w;
  const uint64_t expected = words * (words - 1) / 2;
  uint64_t bad = 0;
  for (int pass = 0; pass < passes; pass++) {
    uint64_t sum = 0;
    for (uint64_t w = 0; w < words; w++)
      sum += mem[w];
    bad += sum != expected;
  }
  return bad;
}

/* randacc: `accesses` increments of random words of a zeroed array, then the same sequence
 * as decrements; returns the number of bytes not back to zero. */
static inline uint64_t randacc_run(uint64_t *mem, uint64_t words, uint64_t accesses)
{
  uint64_t seed = 0x1234567887654321ULL;
  for (uint64_t i = 0; i < accesses; i++)
    mem[next_random(&seed) % words]++;
  seed = 0x1234567887654321ULL;
  for (uint64_t i = 0; i < accesses; i++)
    mem[next_random(&seed) % words]--;
  uint64_t bad = 0;
  for (uint64_t w = 0; w < words; w++)
    bad += diff_bytes(mem[w], 0);
  return bad;
}

/* ptrchase: one node per page of mem, linked into a single random cycle (Sattolo's algorithm,
 * order[] is its scratch space, `pages` entries), so every step is a dependent load on a new
 * page; follows the cycle `laps` times. Returns the number of laps that did not visit every
 * node once and end where they began, plus nodes not visited once per lap; *steps counts the
 * steps taken. */
static inline uint64_t *ptrchase_node(uint64_t *mem, uint64_t i)
{
  /* At a page-dependent offset, so nodes do not all share one cache set. */
  return mem + i * WORDS_PER_PAGE + (i * 8) % WORDS_PER_PAGE;
}
static inline uint64_t ptrchase_run(uint64_t *mem, uint32_t *order, uint64_t pages, int laps,
                                    uint64_t *steps)
{
  for (uint64_t i = 0; i < pages; i++)
    order[i] = (uint32_t)i;
  uint64_t seed = 0x9e3779b97f4a7c15ULL;
  for (uint64_t i = pages - 1; i > 0; i--) {
    const uint64_t j = next_random(&seed) % i;
    const uint32_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (uint64_t i = 0; i < pages; i++) {
    uint64_t *node = ptrchase_node(mem, i);
    node[0] = (uint64_t)(uintptr_t)ptrchase_node(mem, order[i]);
    node[1] = 0;
  }
  uint64_t bad = 0;
  *steps = 0;
  uint64_t *start = ptrchase_node(mem, 0), *p = start;
  for (int lap = 0; lap < laps; lap++) {
    uint64_t n = 0;
    do {
      p[1]++;
      p = (uint64_t *)(uintptr_t)p[0];
      n++;
    } while (p != start && n <= pages);
    bad += n != pages;
    *steps += n;
  }
  for (uint64_t i = 0; i < pages; i++)
    bad += ptrchase_node(mem, i)[1] != (uint64_t)laps;
  return bad;
}

/* matmul: C = A x B for n x n integer matrices with A[i][k] = i + k and B[k][j] = k + j;
 * returns the number of elements that differ from the closed form
 * C[i][j] = n*i*j + (i + j)*S1 + S2, S1 = sum k, S2 = sum k^2. */
static inline uint64_t matmul_run(uint64_t *a, uint64_t *b, uint64_t *c, uint64_t n)
{
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t j = 0; j < n; j++) {
      a[i * n + j] = i + j;
      b[i * n + j] = i + j;
    }
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t j = 0; j < n; j++) {
      uint64_t sum = 0;
      for (uint64_t k = 0; k < n; k++)
        sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  const uint64_t s1 = n * (n - 1) / 2, s2 = (n - 1) * n * (2 * n - 1) / 6;
  uint64_t bad = 0;
  for (uint64_t i = 0; i < n; i++)
    for (uint64_t j = 0; j < n; j++)
      bad += c[i * n + j] != n * i * j + (i + j) * s1 + s2;
  return bad;
}

/* A word's value in generation gen (memhog's rounds, cowswap's generations, forktest's
 * process tags): two generations below 256 differ in every byte of every word, any two in
 * some byte; neighbouring words differ too. */
static inline uint64_t gen_value(uint64_t gen, uint64_t word)
{
  return (word * 0x9e3779b97f4a7c15ULL) ^ (gen * 0x0101010101010101ULL);
}
static inline void gen_fill(uint64_t *mem, uint64_t from, uint64_t to, uint64_t gen)
{
  for (uint64_t w = from; w < to; w++)
    mem[w] = gen_value(gen, w);
}
/* The number of bytes in words [from, to) that are not generation gen's. */
static inline uint64_t gen_verify(const uint64_t *mem, uint64_t from, uint64_t to, uint64_t gen)
{
  uint64_t bad = 0;
  for (uint64_t w = from; w < to; w++)
    bad += diff_bytes(mem[w], gen_value(gen, w));
  return bad;
}

#endif
