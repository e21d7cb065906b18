// Memory probe: fill device memory with a pattern, then count on the device the words that read
// back wrong. pattern_word must match MemoryPattern.java word for word: the host checks samples of
// the buffer against it, and MemoryPatternTest checks both against each other.

#define PATTERN_WALKING_ONES 0
#define PATTERN_OWN_INDEX 1
#define PATTERN_OWN_INDEX_INVERTED 2
#define PATTERN_SEEDED_RANDOM 3

// "lowbias32" integer hash (Chris Wellons): cheap, stateless, so any word can be recomputed alone.
__host__ __device__ inline unsigned int mix32(unsigned int x) {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

__host__ __device__ inline unsigned int pattern_word(int pattern, unsigned int param,
                                                     unsigned long long index) {
  unsigned int low = (unsigned int)index;
  unsigned int high = (unsigned int)(index >> 32);
  switch (pattern) {
    case PATTERN_WALKING_ONES:
      return 1u << ((low + param) & 31u);
    case PATTERN_OWN_INDEX:
      return low;
    case PATTERN_OWN_INDEX_INVERTED:
      return ~low;
    default:
      return mix32(low ^ mix32(param + high));
  }
}

extern "C" __global__ void fill_pattern(unsigned int* words, unsigned long long count, int pattern,
                                        unsigned int param) {
  unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
  for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    words[i] = pattern_word(pattern, param, i);
  }
}

// tally[0]: words that differ, tally[1]: words read, tally[2]: index of the first word that
// differs (the host sets it to all ones). One atomic per thread, not per word, so a badly broken
// GPU does not turn the probe into an atomics benchmark.
extern "C" __global__ void verify_pattern(const unsigned int* words, unsigned long long count,
                                          int pattern, unsigned int param,
                                          unsigned long long* tally) {
  unsigned long long stride = (unsigned long long)gridDim.x * blockDim.x;
  unsigned long long differ = 0;
  unsigned long long read = 0;
  unsigned long long first = ~0ull;
  for (unsigned long long i = (unsigned long long)blockIdx.x * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    read++;
    if (words[i] != pattern_word(pattern, param, i)) {
      if (differ == 0) {
        first = i;
      }
      differ++;
    }
  }
  if (differ != 0) {
    atomicAdd(&tally[0], differ);
    atomicMin(&tally[2], first);
  }
  atomicAdd(&tally[1], read);
}
