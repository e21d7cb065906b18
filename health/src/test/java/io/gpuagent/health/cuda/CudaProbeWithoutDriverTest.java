package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gpuagent.health.probe.ProbeKind;
import io.gpuagent.health.probe.ProbeRequest;
import io.gpuagent.health.probe.ProbeResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** On a machine without libcuda.so.1 (a laptop, CI): the probe answers with one line. */
class CudaProbeWithoutDriverTest {

  private static final String GPU = "GPU-7a3e9f0c-1d2b-4c5d-8e6f-0a1b2c3d4e5f";

  @Test
  void probeIsUnavailableWithOneLineAndPrintsNothing() {
    assumeTrue(
        CudaDriver.load().isPresent(),
        "libcuda.so.1 loads here: the no-driver answer is not tested (CudaProbeGpuTest runs)");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    ProbeResult memory;
    ProbeResult compute;
    try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      memory = CudaProbe.run(new ProbeRequest(GPU, ProbeKind.MEMORY, 0, Duration.ofSeconds(30)));
      compute = CudaProbe.run(new ProbeRequest(GPU, ProbeKind.COMPUTE, 0, Duration.ofSeconds(30)));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }

    for (ProbeResult result : new ProbeResult[] {memory, compute}) {
      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.UNAVAILABLE);
      assertThat(result.detail()).isEqualTo("CUDA driver not available");
      assertThat(result.mismatches()).isZero();
      assertThat(result.toJson()).doesNotContain("\n").contains("\"UNAVAILABLE\"");
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void reasonIsTheLastLinkErrorInJCudasMessage() {
    // the message JCuda 12.6.0 throws when libcuda.so.1 is missing, stack frames shortened
    String message =
        """
        Error while loading native library "JCudaDriver-12.6.0-linux-x86_64"
        Operating system name: Linux
        ---(start of nested stack traces)---
        Stack trace from the attempt to load the library as a file:
        java.lang.UnsatisfiedLinkError: no JCudaDriver-12.6.0-linux-x86_64 in java.library.path: /usr/lib
        \tat java.base/java.lang.ClassLoader.loadLibrary(ClassLoader.java:2434)
        Stack trace from the attempt to load the library as a resource:
        java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: \
        cannot open shared object file: No such file or directory
        \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
        ---(end of nested stack traces)---
        """;
    assertThat(CudaDriver.loadFailureReason(new UnsatisfiedLinkError(message)))
        .isEqualTo(
            "/tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object"
                + " file: No such file or directory");
  }

  @Test
  void reasonOfAnInitialiserFailureIsItsCause() {
    Throwable e =
        new ExceptionInInitializerError(new IllegalStateException("not available on MacOS"));
    assertThat(CudaDriver.loadFailureReason(e)).isEqualTo("not available on MacOS");
  }
}
