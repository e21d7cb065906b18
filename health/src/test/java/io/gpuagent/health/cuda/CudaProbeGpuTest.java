package io.gpuagent.health.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gpuagent.health.probe.ProbeKind;
import io.gpuagent.health.probe.ProbeRequest;
import io.gpuagent.health.probe.ProbeResult;
import io.gpuagent.health.probe.ProbeResult.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The probes on a real GPU: run where libcuda.so.1 loads and CUDA sees a device. */
class CudaProbeGpuTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private CudaDevice gpu;

  /** Per test rather than per class, so that each skipped test shows why in the report. */
  @BeforeEach
  void needsAGpu() {
    Optional<String> missing = CudaDriver.load();
    assumeTrue(
        missing.isEmpty(),
        () -> "no CUDA driver here (" + missing.orElse("") + "): the probes are not run on a GPU");
    int init = JCudaDriver.cuInit(0);
    assumeTrue(
        init == CUresult.CUDA_SUCCESS,
        () -> "libcuda.so.1 loads but cuInit answers " + CudaCallFailed.name(init));
    assumeTrue(CudaDevice.visibleCount() > 0, "libcuda.so.1 loads but CUDA sees no device");
    gpu = CudaDevice.at(0);
  }

  @Test
  void bothPtxModulesLoadOnThisDriverWithTheKernelsTheProbesLaunch() {
    try (CudaContext context = CudaContext.create(gpu)) {
      for (Kernel kernel : List.of(PatternBuffer.FILL, PatternBuffer.VERIFY, ComputeProbe.MIX)) {
        try (CudaModule module = context.loadModule(kernel.module())) {
          assertThat(module.function(kernel.entry())).as(kernel.entry()).isNotNull();
        }
      }
    }
  }

  @Test
  void memoryProbePassesOnAHealthyGpu() {
    ProbeResult result = probe(ProbeKind.MEMORY, 64);
    assertThat(result.outcome()).as(result.toJson()).isEqualTo(Outcome.PASSED);
    assertThat(result.detail()).startsWith("64 MiB in 35 passes");
    assertThat(result.mismatches()).isZero();
  }

  @Test
  void memoryProbeTestsAtMost256MibByDefault() {
    ProbeResult result = probe(ProbeKind.MEMORY, 0);
    assertThat(result.outcome()).as(result.toJson()).isEqualTo(Outcome.PASSED);
    long mib = Long.parseLong(result.detail().substring(0, result.detail().indexOf(' ')));
    assertThat(mib).isBetween(1L, 256L);
  }

  @Test
  void computeProbeAgreesWithTheCpuOnAHealthyGpu() {
    ProbeResult result = probe(ProbeKind.COMPUTE, 0);
    assertThat(result.outcome()).as(result.toJson()).isEqualTo(Outcome.PASSED);
    assertThat(result.detail()).startsWith("131072 words of 128 rounds agree with the CPU");
  }

  @Test
  void wordsChangedBetweenFillAndVerifyAreCountedOnTheDevice() {
    MemoryPass pass = new MemoryPass(MemoryPattern.WALKING_ONES, 3);
    try (CudaContext context = CudaContext.create(gpu);
        CudaModule module = context.loadModule(PatternBuffer.MODULE);
        DeviceBuffer words = context.allocate(1 << 20);
        DeviceBuffer counters = context.allocate(3 * Long.BYTES)) {
      PatternBuffer patterns =
          new PatternBuffer(module, words, counters, context.multiprocessors());
      patterns.fill(pass);
      assertThat(patterns.verify(pass)).isEqualTo(new PassTally(0, patterns.count(), -1));

      words.write(4L * 1000, new int[] {~pass.word(1000)});
      words.write(4L * 200_000, new int[] {0});
      assertThat(patterns.verify(pass)).isEqualTo(new PassTally(2, patterns.count(), 1000));
      assertThat(patterns.word(1000)).isEqualTo(~pass.word(1000));
      // the host's sample covers the first and last 4096 words: index 1000, not 200000
      assertThat(patterns.sampleDiffering(pass)).isEqualTo(1);
    }
  }

  @Test
  void gpuCudaDoesNotSeeIsUnavailable() {
    ProbeResult result =
        CudaProbe.run(
            new ProbeRequest(
                "GPU-00000000-0000-0000-0000-000000000000", ProbeKind.COMPUTE, 0, DEADLINE));
    assertThat(result.outcome()).isEqualTo(Outcome.UNAVAILABLE);
    assertThat(result.detail()).contains("is not among the").contains("devices CUDA sees");
  }

  @Test
  void memoryProbePastItsDeadlineStopsBetweenPasses() {
    ProbeResult result =
        CudaProbe.run(new ProbeRequest(gpu.uuid(), ProbeKind.MEMORY, 16, Duration.ofNanos(1)));
    assertThat(result.outcome()).isEqualTo(Outcome.HUNG);
    assertThat(result.detail()).contains("after 0 of 35 passes over 16 MiB");
  }

  private ProbeResult probe(ProbeKind kind, long memoryMib) {
    return CudaProbe.run(new ProbeRequest(gpu.uuid(), kind, memoryMib, DEADLINE));
  }
}
