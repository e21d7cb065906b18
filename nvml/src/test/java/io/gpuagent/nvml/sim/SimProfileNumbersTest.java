package io.gpuagent.nvml.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Profile numbers are range-checked, never wrapped; profile files are small regular files. */
class SimProfileNumbersTest {
  @TempDir Path dir;

  private static final String GPU = "gpus:\n  - {model: NVIDIA L40S, busId: \"0000:18:00.0\", ";

  private void assertProfileError(String yaml, String expected) {
    Path file = SimNodes.write(dir, "bad.yaml", yaml);
    assertThatThrownBy(() -> SimulatedNode.load(file.toString(), SimOptions.defaults()))
        .isInstanceOf(SimProfileException.class)
        .hasMessage("profile " + file + ": " + expected);
  }

  @Test
  void aNumaNodeBeyondSixtyFourBitsIsOutOfRangeNotZero() {
    assertProfileError(
        GPU + "numaNode: 18446744073709551616}\n",
        "gpus[0].numaNode: out of range: 18446744073709551616");
    assertProfileError(
        GPU + "numaNode: 4294967296}\n", "gpus[0].numaNode: out of range: 4294967296");
    assertProfileError(GPU + "numaNode: 5000}\n", "gpus[0].numaNode: must be 0..1023, got 5000");
  }

  @Test
  void notANumberAndInfinityAreRefused() {
    assertProfileError(
        GPU + "numaNode: 0, workload: {utilization: .nan}}\n",
        "gpus[0].workload.utilization: expected a finite number, got NaN");
    assertProfileError(
        GPU + "numaNode: 0, workload: {utilization: 10, periodSeconds: .inf}}\n",
        "gpus[0].workload.periodSeconds: expected a finite number, got Infinity");
  }

  @Test
  void anOverflowingCudaVersionOrHexIdIsRefused() {
    assertProfileError(
        "cudaDriverVersion: 99999999999\n" + GPU + "numaNode: 0}\n",
        "cudaDriverVersion: out of range: 99999999999");
  }

  @Test
  void aFifoOrAHugeFileIsRefusedWithoutReadingIt() throws Exception {
    Path fifo = dir.resolve("node.yaml");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Throwable> failure =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                SimulatedNode.load(fifo.toString(), SimOptions.defaults());
                return null;
              } catch (RuntimeException e) {
                return e;
              }
            });
    assertThat(failure.get(10, TimeUnit.SECONDS))
        .isInstanceOf(SimProfileException.class)
        .hasMessage("profile " + fifo + ": not a regular file");

    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
      sparse.setLength(2L * 1024 * 1024);
    }
    assertThatThrownBy(() -> SimulatedNode.load(big.toString(), SimOptions.defaults()))
        .hasMessage("profile " + big + ": larger than 1024 KiB");
  }
}
