/* Floating-point benchmark (RV64GC, double precision): the classic five-body simulation of
 * the Sun and the outer planets, STEPS steps of 0.01 days, with fused multiply-adds in the
 * distance, a square root and a division per pair. The result is a hash of the bits of every
 * final position and velocity and of the energies before and after, so the check is exact,
 * not a tolerance.
 *
 * It is built with -ffp-contract=off and -fno-math-errno (sw/bench/CMakeLists.txt): every
 * operation is then the one written here, rounded once by IEEE 754 rules in the default
 * mode (RNE), so the bits depend on nothing but the source. EXPECTED was computed on
 * qemu-system-riscv64 7.2 and agrees with the same source compiled for x86-64 and with
 * vmplat's cpu::fp. */
#include "bench.h"

#define STEPS 500000
#define EXPECTED 0x9c7bdaf099b74932UL

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24

struct body {
  double x, y, z, vx, vy, vz, mass;
};

#define NBODIES 5
static struct body s_bodies[NBODIES] = {
    /* Sun */
    {0, 0, 0, 0, 0, 0, SOLAR_MASS},
    /* Jupiter */
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
     -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
    /* Saturn */
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
     2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
    /* Uranus */
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
     -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
    /* Neptune */
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
     -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
};

static double distance_squared(double dx, double dy, double dz)
{
  return __builtin_fma(dx, dx, __builtin_fma(dy, dy, dz * dz));
}

/* The Sun takes the opposite of the planets' momentum, so the system's centre is at rest. */
static void offset_momentum(void)
{
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < NBODIES; ++i) {
    px += s_bodies[i].vx * s_bodies[i].mass;
    py += s_bodies[i].vy * s_bodies[i].mass;
    pz += s_bodies[i].vz * s_bodies[i].mass;
  }
  s_bodies[0].vx = -px / SOLAR_MASS;
  s_bodies[0].vy = -py / SOLAR_MASS;
  s_bodies[0].vz = -pz / SOLAR_MASS;
}

static double energy(void)
{
  double e = 0;
  for (int i = 0; i < NBODIES; ++i) {
    const struct body *b = &s_bodies[i];
    e += 0.5 * b->mass * distance_squared(b->vx, b->vy, b->vz);
    for (int j = i + 1; j < NBODIES; ++j) {
      const struct body *c = &s_bodies[j];
      double d = __builtin_sqrt(distance_squared(b->x - c->x, b->y - c->y, b->z - c->z));
      e -= b->mass * c->mass / d;
    }
  }
  return e;
}

static void advance(double dt)
{
  for (int i = 0; i < NBODIES; ++i) {
    struct body *b = &s_bodies[i];
    for (int j = i + 1; j < NBODIES; ++j) {
      struct body *c = &s_bodies[j];
      double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
      double d2 = distance_squared(dx, dy, dz);
      double mag = dt / (d2 * __builtin_sqrt(d2));
      double mb = b->mass * mag, mc = c->mass * mag;
      b->vx -= dx * mc;
      b->vy -= dy * mc;
      b->vz -= dz * mc;
      c->vx += dx * mb;
      c->vy += dy * mb;
      c->vz += dz * mb;
    }
  }
  for (int i = 0; i < NBODIES; ++i) {
    struct body *b = &s_bodies[i];
    b->x += dt * b->vx;
    b->y += dt * b->vy;
    b->z += dt * b->vz;
  }
}

static uint64_t bits(double v)
{
  union {
    double d;
    uint64_t u;
  } u = {v};
  return u.u;
}

static uint64_t fold(uint64_t h, double v)
{
  return (h ^ bits(v)) * 0x100000001b3UL;
}

int main(void)
{
  uint64_t start = bench_start();
  offset_momentum();
  double e0 = energy();
  for (long n = 0; n < STEPS; ++n)
    advance(0.01);
  double e1 = energy();
  uint64_t h = fold(fold(0xcbf29ce484222325UL, e0), e1);
  for (int i = 0; i < NBODIES; ++i) {
    const struct body *b = &s_bodies[i];
    h = fold(fold(fold(h, b->x), b->y), b->z);
    h = fold(fold(fold(h, b->vx), b->vy), b->vz);
  }
  printf("bench nbody: energy 0x%lx -> 0x%lx\n", (unsigned long)bits(e0), (unsigned long)bits(e1));
  return bench_finish("nbody", start, h, EXPECTED);
}
