package io.gpuagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent on the real NVML path: {@code JnaNvml} loading the native fake {@code
 * libnvidia-ml.so.1} (built by the nvml module), as it would load the driver's library.
 */
@Timeout(120)
class AgentOnFakeNvmlIT {
  private static final Path JAR =
      Path.of(System.getProperty("gpuagent.jar", "target/gpu-agent.jar"));
  private static final Path FAKE =
      Path.of(
          System.getProperty("fake.nvml.library", "../nvml/target/fake-nvml/libnvidia-ml.so.1"));

  @BeforeAll
  static void fakeIsBuilt() {
    assertThat(FAKE)
        .as("the native fake is built by the nvml module's tests: run mvn verify from the root")
        .isRegularFile();
  }

  @Test
  void devicesThroughJnaListTheFakeGpusAndTheLostOne() throws Exception {
    Devices result = devicesJson(Map.of());
    String out = result.out();
    CompletableFuture<String> err = result.err();
    JsonObject inventory = new JsonObject(out);
    JsonArray devices = inventory.getJsonArray("devices");
    assertThat(devices).hasSize(3);
    assertThat(devices.getJsonObject(0).getString("uuid"))
        .isEqualTo("GPU-0a0a0a0a-0000-4000-8000-000000000000");
    assertThat(devices.getJsonObject(0).getString("name")).startsWith("NVIDIA Fake H100 80GB HBM3");
    assertThat(devices.getJsonObject(0).getString("pciBusId")).isEqualTo("00000011:1A:03.0");
    assertThat(devices.getJsonObject(0).getInteger("numaNode")).isEqualTo(3);
    assertThat(devices.getJsonObject(1).getBoolean("migEnabled")).isTrue();
    assertThat(devices.getJsonObject(1).getJsonArray("migDevices")).isNotEmpty();
    assertThat(
            devices.getJsonObject(1).getJsonArray("migDevices").getJsonObject(0).getString("uuid"))
        .startsWith("MIG-");
    assertThat(devices.getJsonObject(2).getValue("numaNode")).isNull();
    JsonArray lost = inventory.getJsonArray("lostDevices");
    assertThat(lost).hasSize(1);
    assertThat(lost.getJsonObject(0).getString("uuid"))
        .isEqualTo("GPU-3d3d3d3d-3333-4333-8333-333333333333");
    assertThat(lost.getJsonObject(0).getString("error")).isEqualTo("NVML_ERROR_GPU_IS_LOST");
    assertThat(err.get().lines()).anyMatch(line -> line.contains("gpu-unreadable index=\"3\""));
  }

  @Test
  void numaNodesComeFromSysfsWhereTheHostHasThem(@TempDir Path sysfs) throws Exception {
    // NVML's bus ids as sysfs names them; GPU 0's NVML answer (3) loses to sysfs, -1 is none.
    numaNode(sysfs, "0011:1a:03.0", 1);
    numaNode(sysfs, "0000:2b:00.0", 0);
    numaNode(sysfs, "0000:3c:00.0", -1);

    Devices result = devicesJson(Map.of("GPU_AGENT_INVENTORY_SYSFS_ROOT", sysfs.toString()));

    JsonArray devices = new JsonObject(result.out()).getJsonArray("devices");
    assertThat(devices.getJsonObject(0).getInteger("numaNode")).as(result.err().get()).isEqualTo(1);
    assertThat(devices.getJsonObject(1).getInteger("numaNode")).isZero();
    assertThat(devices.getJsonObject(2).getValue("numaNode")).isNull();
  }

  private static void numaNode(Path sysfs, String busId, int node) throws IOException {
    Path device = Files.createDirectories(sysfs.resolve("bus/pci/devices").resolve(busId));
    Files.writeString(device.resolve("numa_node"), node + "\n");
  }

  private record Devices(String out, CompletableFuture<String> err) {}

  /** {@code gpu-agent devices --json} over the fake library, exit 0 checked. */
  private static Devices devicesJson(Map<String, String> env) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "devices",
                "--json"));
    builder.environment().keySet().removeIf(name -> name.startsWith("GPU_AGENT_"));
    builder
        .environment()
        .put("GPU_AGENT_NVML_LIBRARY", FAKE.toAbsolutePath().normalize().toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(err.get()).isZero();
    return new Devices(out, err);
  }

  private static String read(java.io.InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
