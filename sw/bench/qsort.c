/* A small sort: quicksort (median-of-three, insertion sort below 16 elements) of 4096
 * pseudo-random ints, repeated with new data; every result is checked to be ordered and
 * to hold the same multiset (sum and xor of the elements). */
#include "bench.h"

#define COUNT 4096
#define ROUNDS 540

static int32_t s_data[COUNT];

static void insertion_sort(int32_t *a, int n)
{
  for (int i = 1; i < n; ++i) {
    int32_t v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = v;
  }
}

static void swap(int32_t *a, int32_t *b)
{
  int32_t t = *a;
  *a = *b;
  *b = t;
}

static void quicksort(int32_t *a, int n)
{
  while (n > 16) {
    int mid = n / 2;
    if (a[mid] < a[0])
      swap(&a[mid], &a[0]);
    if (a[n - 1] < a[0])
      swap(&a[n - 1], &a[0]);
    if (a[n - 1] < a[mid])
      swap(&a[n - 1], &a[mid]);
    int32_t pivot = a[mid];
    int i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot)
        ++i;
      while (a[j] > pivot)
        --j;
      if (i >= j)
        break;
      swap(&a[i++], &a[j--]);
    }
    /* Recurse into the smaller half, loop on the larger: bounded stack. */
    if (j + 1 < n - j - 1) {
      quicksort(a, j + 1);
      a += j + 1;
      n -= j + 1;
    } else {
      quicksort(a + j + 1, n - j - 1);
      n = j + 1;
    }
  }
  insertion_sort(a, n);
}

int main(void)
{
  uint64_t start = bench_start();
  uint32_t x = 2463534242u;
  uint64_t bad = 0;
  for (unsigned r = 0; r < ROUNDS; ++r) {
    uint64_t sum = 0, xr = 0;
    for (int i = 0; i < COUNT; ++i) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      s_data[i] = (int32_t)x;
      sum += (uint32_t)x;
      xr ^= x;
    }
    quicksort(s_data, COUNT);
    for (int i = 0; i < COUNT; ++i) {
      bad += i > 0 && s_data[i - 1] > s_data[i];
      sum -= (uint32_t)s_data[i];
      xr ^= (uint32_t)s_data[i];
    }
    bad += sum != 0 || xr != 0;
  }
  return bench_finish("qsort", start, bad, 0);
}
