package io.gpuagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gpu-agent mig plan|apply} in-process on simulated nodes, with the GPU operator's file. */
class MigCommandTest {
  @TempDir Path dir;
  private Path file;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void copyTheGpuOperatorsDefaultConfig() throws IOException {
    file = dir.resolve("config.yaml");
    try (InputStream in =
        getClass().getResourceAsStream("gpu-operator-default-mig-parted-config.yaml")) {
      Files.copy(in, file);
    }
  }

  @Test
  void applyPrintsTheLayoutOfEveryGpuAndExitsZero() {
    int code =
        run(
            "mig",
            "apply",
            "--config",
            file.toString(),
            "--name",
            "all-3g.40gb",
            "--simulate",
            "a100-mig",
            "--allow-reset");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("GPU  MODEL")
        .contains("0    A100-SXM4-80GB           on       applied        3g.40gb@0:4 3g.40gb@4:4")
        .contains("layout all-3g.40gb: success");
  }

  @Test
  void planShowsWhatWouldChangeAsJsonAndChangesNothing() {
    int code =
        run(
            "mig",
            "plan",
            "--config",
            file.toString(),
            "--name",
            "all-1g.10gb",
            "--simulate",
            "h100x8",
            "--json");

    assertThat(code).as(err.toString()).isZero();
    JsonObject plan = new JsonObject(out.toString());
    assertThat(plan.getJsonArray("gpus")).hasSize(8);
    JsonObject gpu = plan.getJsonArray("gpus").getJsonObject(0);
    assertThat(gpu.getString("action")).isEqualTo("change");
    assertThat(gpu.getBoolean("migEnabled")).isFalse();
    assertThat(gpu.getJsonArray("wantInstances")).hasSize(7);
  }

  @Test
  void aLayoutTheHardwareCannotTakeExitsOneWithTheReason() {
    int code =
        run(
            "mig",
            "plan",
            "--config",
            file.toString(),
            "--name",
            "all-1g.5gb",
            "--simulate",
            "a100-mig");

    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .contains("GPU 0: all-1g.5gb[0]: A100-SXM4-80GB has no MIG profile 1g.5gb");
  }

  @Test
  void aMalformedFileOrUnknownLayoutExitsTwoWithOneLine() throws IOException {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad, "version: v1\nmig-configs:\n  x:\n    - devices: all\n      mig-enable: true\n");

    assertThat(
            run(
                "mig",
                "apply",
                "--config",
                bad.toString(),
                "--name",
                "x",
                "--simulate",
                "a100-mig"))
        .isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo(
            "gpu-agent: MIG config error: "
                + bad
                + ": mig-configs.x[0]: unknown key 'mig-enable' (known: devices, device-filter,"
                + " mig-enabled, mig-devices)");
    assertThat(
            run(
                "mig",
                "plan",
                "--config",
                file.toString(),
                "--name",
                "nope",
                "--simulate",
                "a100-mig"))
        .isEqualTo(2);
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return GpuAgentCli.execute(
        args,
        new CliEnvironment(
            Map.of(), () -> "test-node", new PrintWriter(out, true), new PrintWriter(err, true)));
  }
}
