/*
 * A 6 x 16 AVX2 GEMM micro-kernel with both operands in L1 (A sliver 256 x 6, B panel 256 x 16), timed in 0.1-s
 * windows beside a loop of FMAs on registers only, to tell the core's FMA peak from what a real k loop gets.
 * Prints "kernel/fma-only" GFLOP/s per window pair. On a core whose loop falls back from the op cache to the
 * decoders (16 bytes of code per cycle on Zen 3), the kernel drops while the FMA-only loop holds: see
 * docs/kernels.md, "The slow state is the front end".
 *
 *   gcc -O3 -mavx2 -mfma -o /tmp/l1_kernel bench/probes/l1_kernel.c && taskset -c 0 /tmp/l1_kernel
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define KC 256
static float A[KC * 6] __attribute__((aligned(64)));
static float B[KC * 16] __attribute__((aligned(64)));
static float C[96];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((noinline)) static void kernel(void) {
    __m256 c[12];
    for (int i = 0; i < 12; i++) c[i] = _mm256_setzero_ps();
    const float *a = A, *b = B;
    for (int p = 0; p < KC; p++, a += 6, b += 16) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
        for (int r = 0; r < 6; r++) {
            __m256 x = _mm256_broadcast_ss(a + r);
            c[2 * r] = _mm256_fmadd_ps(x, b0, c[2 * r]);
            c[2 * r + 1] = _mm256_fmadd_ps(x, b1, c[2 * r + 1]);
        }
    }
    for (int i = 0; i < 12; i++) _mm256_storeu_ps(C + 8 * i, _mm256_add_ps(c[i], _mm256_loadu_ps(C + 8 * i)));
}

__attribute__((noinline)) static void fma_only(long steps) {
    __m256 c[12];
    for (int i = 0; i < 12; i++) c[i] = _mm256_set1_ps((float) i);
    __m256 x = _mm256_set1_ps(1.0001f), y = _mm256_set1_ps(0.9999f);
    for (long p = 0; p < steps; p++)
        for (int i = 0; i < 12; i++) c[i] = _mm256_fmadd_ps(c[i], x, y);
    for (int i = 0; i < 12; i++) _mm256_storeu_ps(C + 8 * i, c[i]);
}

int main(void) {
    for (int i = 0; i < KC * 16; i++) B[i] = 1e-3f * i;
    for (int i = 0; i < KC * 6; i++) A[i] = 1e-3f;
    for (int w = 0; w < 40; w++) {
        double t = now();
        long calls = 0;
        while (now() - t < 0.1) { for (int j = 0; j < 100; j++) kernel(); calls += 100; }
        double kernelGflops = calls * KC * 12 * 16.0 / (now() - t) / 1e9;
        t = now();
        long steps = 0;
        while (now() - t < 0.1) { fma_only(25600); steps += 25600; }
        double fmaGflops = steps * 12 * 16.0 / (now() - t) / 1e9;
        printf("%.0f/%.0f ", kernelGflops, fmaGflops);
        fflush(stdout);
    }
    printf("\n");
    return 0;
}
