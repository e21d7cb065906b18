// Prints, on the host, the words the probe kernels compute on the device, from the kernels' own
// source: KernelSourceAgreementTest compares them with MemoryPattern and ComputeReference.
// Output: "memory <pattern> <param> <index> <word>" and "compute <seed> <index> <rounds> <word>",
// numbers in decimal, words unsigned.
#include <stdio.h>
#include <string.h>

#include "../../main/cuda/compute_probe.cu"
#include "../../main/cuda/memory_probe.cu"

int main(void) {
  const unsigned long long indices[] = {0ull, 1ull, 31ull, 32ull, 12345ull, 0xffffffffull,
                                        0x100000000ull, 0x2345678901ull};
  const unsigned int params[] = {0u, 1u, 7u, 31u, 0xdeadbeefu};
  for (int pattern = 0; pattern <= 3; pattern++) {
    for (unsigned p = 0; p < sizeof params / sizeof params[0]; p++) {
      for (unsigned i = 0; i < sizeof indices / sizeof indices[0]; i++) {
        printf("memory %d %u %llu %u\n", pattern, params[p], indices[i],
               pattern_word(pattern, params[p], indices[i]));
      }
    }
  }
  const unsigned int seeds[] = {0u, 1u, 0x12345678u, 0xffffffffu};
  const unsigned int computeIndices[] = {0u, 1u, 1000u, 262143u, 0xffffffffu};
  const unsigned int rounds[] = {0u, 1u, 5u, 128u, 4096u};
  for (unsigned s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
    for (unsigned i = 0; i < sizeof computeIndices / sizeof computeIndices[0]; i++) {
      for (unsigned r = 0; r < sizeof rounds / sizeof rounds[0]; r++) {
        printf("compute %u %u %u %u\n", seeds[s], computeIndices[i], rounds[r],
               compute_word(seeds[s], computeIndices[i], rounds[r]));
      }
    }
  }
  return 0;
}
