/*
 * This CPU's fused-multiply-add peak, measured: every thread runs independent chains of 256-bit
 * FMAs (enough chains in flight to cover the FMA latency on both FMA ports) for a fixed time, in
 * f32 and in f64. Prints one JSON line: {"threads": T, "f32": GFLOP/s, "f64": GFLOP/s}, counting
 * an FMA as 2 FLOPs per lane. Built by bench/peers/blas_info.py with `gcc -O3 -mavx2 -mfma
 * -pthread` on x86-64 CPUs that have AVX2 and FMA.
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAINS 12
#define INNER 4096

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

struct job {
  int f64;
  double seconds;
  double flops;
  double sink;
};

static void *run(void *arg) {
  struct job *j = arg;
  double t0 = now(), iters = 0;
  if (j->f64) {
    __m256d acc[CHAINS];
    const __m256d m = _mm256_set1_pd(0.999999), a = _mm256_set1_pd(1e-7);
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_set1_pd(c);
    do {
      for (int i = 0; i < INNER; i++)
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_fmadd_pd(acc[c], m, a);
      iters += INNER;
    } while (now() - t0 < j->seconds);
    double s = 0, out[4];
    for (int c = 0; c < CHAINS; c++) {
      _mm256_storeu_pd(out, acc[c]);
      s += out[0] + out[1] + out[2] + out[3];
    }
    j->sink = s;
    j->flops = iters * CHAINS * 4 * 2;
  } else {
    __m256 acc[CHAINS];
    const __m256 m = _mm256_set1_ps(0.9999f), a = _mm256_set1_ps(1e-4f);
    for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_set1_ps((float)c);
    do {
      for (int i = 0; i < INNER; i++)
        for (int c = 0; c < CHAINS; c++) acc[c] = _mm256_fmadd_ps(acc[c], m, a);
      iters += INNER;
    } while (now() - t0 < j->seconds);
    float out[8];
    double s = 0;
    for (int c = 0; c < CHAINS; c++) {
      _mm256_storeu_ps(out, acc[c]);
      for (int k = 0; k < 8; k++) s += out[k];
    }
    j->sink = s;
    j->flops = iters * CHAINS * 8 * 2;
  }
  j->seconds = now() - t0;
  return NULL;
}

/* GFLOP/s of `threads` threads at once, best of `reps`. */
static double peak(int threads, int f64, double seconds, int reps) {
  double best = 0;
  pthread_t *t = malloc(sizeof(pthread_t) * threads);
  struct job *j = malloc(sizeof(struct job) * threads);
  for (int r = 0; r < reps; r++) {
    double t0 = now(), flops = 0;
    for (int k = 0; k < threads; k++) {
      j[k] = (struct job){f64, seconds, 0, 0};
      pthread_create(&t[k], NULL, run, &j[k]);
    }
    for (int k = 0; k < threads; k++) {
      pthread_join(t[k], NULL);
      flops += j[k].flops;
    }
    double g = flops / (now() - t0) / 1e9;
    if (g > best) best = g;
  }
  free(t);
  free(j);
  return best;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  double seconds = argc > 2 ? atof(argv[2]) : 0.3;
  if (threads < 1 || threads > 1024 || !(seconds > 0)) {
    fprintf(stderr, "usage: fma_peak [threads] [seconds]\n");
    return 2;
  }
  double f32 = peak(threads, 0, seconds, 5), f64 = peak(threads, 1, seconds, 5);
  printf("{\"threads\": %d, \"f32\": %.2f, \"f64\": %.2f}\n", threads, f32, f64);
  return 0;
}
