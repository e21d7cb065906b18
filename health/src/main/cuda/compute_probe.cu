// Compute probe: each thread runs a fixed mix of integer multiply-adds and float FMAs seeded by its
// index. ComputeReference.java computes the same words on the CPU; a GPU whose ALUs or FMA units
// misbehave gives different words. Every float step is exact or one IEEE rounding (fmaf), so the
// CPU (Math.fma) and the GPU agree bit for bit.

#include <string.h>

__host__ __device__ inline unsigned int compute_word(unsigned int seed, unsigned int index,
                                                     unsigned int rounds) {
  unsigned int x = seed ^ (index * 0x9e3779b9u);
  float f = 1.0f;
  for (unsigned int r = 0; r < rounds; r++) {
    x = x * 1664525u + 1013904223u;
    x ^= x >> 13;
    // a in [0.25, 0.75) and b in [-0.5, 0.5), both exact, so |f| stays below 2
    float a = (float)(x >> 16) * 0x1p-17f + 0.25f;
    float b = (float)(x & 0xffffu) * 0x1p-16f - 0.5f;
    f = fmaf(f, a, b);
    unsigned int bits;
    memcpy(&bits, &f, sizeof bits);
    x ^= bits;
  }
  unsigned int bits;
  memcpy(&bits, &f, sizeof bits);
  return x * 0x85ebca6bu ^ bits;
}

extern "C" __global__ void compute_mix(unsigned int* out, unsigned int count, unsigned int seed,
                                       unsigned int rounds) {
  unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) {
    out[i] = compute_word(seed, i, rounds);
  }
}
