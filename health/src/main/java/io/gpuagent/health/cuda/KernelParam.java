package io.gpuagent.health.cuda;

/** The kinds of parameter the probe kernels take, with the PTX type each is declared as. */
enum KernelParam {
  /** A device pointer ({@code T*}). */
  POINTER(".u64"),
  /** {@code unsigned long long}. */
  U64(".u64"),
  /** {@code int} or {@code unsigned int}. */
  U32(".u32");

  private final String ptxType;

  KernelParam(String ptxType) {
    this.ptxType = ptxType;
  }

  /** How the PTX entry declares it, e.g. {@code .u64}. */
  String ptxType() {
    return ptxType;
  }
}
