package io.gpuagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged {@code gpu-agent.jar}, run as users run it: a separate JVM, real exit codes. */
@Timeout(120)
class AgentJarIT {
  private static final Path JAR =
      Path.of(System.getProperty("gpuagent.jar", "target/gpu-agent.jar"));

  /** The agent's ready line; group 1 is its HTTP port. */
  static final Pattern READY = Pattern.compile(" agent-ready .*port=\"(\\d+)\"");

  @TempDir Path dir;

  record Result(int exitCode, String out, List<String> errLines) {}

  private static ProcessBuilder java(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("GPU_AGENT_"));
    builder.environment().putAll(env);
    return builder;
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static Result run(Map<String, String> env, String... args) throws Exception {
    Process process = java(env, args).start();
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    return new Result(process.exitValue(), out.get(), err.get().lines().toList());
  }

  private static String read(java.io.InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void devicesJsonListsFourA100sTwoWithMigDevices() throws Exception {
    Result result = run(Map.of(), "devices", "--simulate", "a100-mig", "--json");

    assertThat(result.exitCode()).as(String.join("\n", result.errLines())).isZero();
    JsonArray devices = new JsonObject(result.out()).getJsonArray("devices");
    assertThat(devices).hasSize(4);
    long withMig =
        devices.stream()
            .map(JsonObject.class::cast)
            .filter(gpu -> !gpu.getJsonArray("migDevices").isEmpty())
            .count();
    assertThat(withMig).isEqualTo(2);
    JsonObject mig = devices.getJsonObject(0).getJsonArray("migDevices").getJsonObject(0);
    assertThat(mig.getString("profile")).matches("\\d+g\\.\\d+gb(\\+me)?");
    assertThat(result.errLines()).isEmpty();
  }

  @Test
  void devicesTableShowsEveryGpu() throws Exception {
    Result result = run(Map.of(), "devices", "--simulate", "h100x8");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines().filter(line -> line.contains("NVIDIA H100 80GB HBM3")))
        .hasSize(8);
  }

  @Test
  void unknownConfigKeyExitsTwoWithOneLine() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "version: 1\nhttp:\n  prot: 1\n");

    assertOneLineUsageError(
        run(Map.of(), "run", "--simulate", "h100x8", "--port", "0", "--config", config.toString()),
        "gpu-agent: config error: "
            + config
            + ": unknown key 'http.prot' (did you mean 'http.port'?)");
  }

  @Test
  void negativeIntervalExitsTwoWithOneLine() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "version: 1\nmetrics:\n  interval: -5s\n");

    assertOneLineUsageError(
        run(Map.of(), "run", "--simulate", "h100x8", "--port", "0", "--config", config.toString()),
        "gpu-agent: config error: "
            + config
            + ": key 'metrics.interval': value '-5s' must not be negative");
  }

  @Test
  void badModuleValuesExitTwoWithOneLineNamingTheirSource() throws Exception {
    assertOneLineUsageError(
        run(Map.of(), "run", "--simulate", "h100x8", "--port", "0", "--mig-strategy", "split"),
        "gpu-agent: config error: flag --mig-strategy: key 'devicePlugin.migStrategy': value"
            + " 'split' must be one of none, single, mixed");
    assertOneLineUsageError(
        run(
            Map.of("GPU_AGENT_HEALTH_PROBE_MODE", "sometimes"),
            "run",
            "--simulate",
            "h100x8",
            "--port",
            "0"),
        "gpu-agent: config error: environment GPU_AGENT_HEALTH_PROBE_MODE: key"
            + " 'health.probe.mode': value 'sometimes' must be one of idle-only, always, never");
  }

  @Test
  void missingConfigFileExitsTwoWithOneLine() throws Exception {
    Path missing = dir.resolve("missing.yaml");

    assertOneLineUsageError(
        run(Map.of(), "run", "--port", "0", "--config", missing.toString()),
        "gpu-agent: config error: " + missing + ": config file not found");
  }

  @Test
  void unknownFlagExitsTwoWithOneLine() throws Exception {
    Result result = run(Map.of(), "run", "--colour", "red");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines()).hasSize(1);
    assertThat(result.errLines().get(0))
        .startsWith("gpu-agent: Unknown option")
        .contains("'--colour'");
  }

  @Test
  void missingNvmlLibraryIsOneSentenceAndExitOne() throws Exception {
    Result result =
        run(
            Map.of("GPU_AGENT_NVML_LIBRARY", dir.resolve("libnvidia-ml.so.1").toString()),
            "devices");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "gpu-agent: libnvidia-ml.so.1 not found: is the NVIDIA driver installed and mounted into the container?");
  }

  private static void assertOneLineUsageError(Result result, String line) {
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines()).containsExactly(line);
    assertThat(result.out()).as("nothing started, nothing printed").isEmpty();
  }

  @Test
  void jarHoldsTheKubernetesModelsTheClientNeedsAndNoOthers() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      Set<String> groups =
          jar.stream()
              .map(JarEntry::getName)
              .filter(name -> name.startsWith("io/fabric8/kubernetes/api/model/"))
              .map(name -> name.substring("io/fabric8/kubernetes/api/model/".length()))
              .filter(rest -> rest.contains("/"))
              .map(rest -> rest.substring(0, rest.indexOf('/')))
              .collect(Collectors.toSet());
      // mig/pom.xml: the node-label mode's Node, and what the client registers handlers for
      assertThat(groups)
          .contains("apps", "batch", "certificates", "extensions")
          .doesNotContain(
              "admissionregistration",
              "apiextensions",
              "autoscaling",
              "coordination",
              "discovery",
              "events",
              "flowcontrol",
              "gatewayapi",
              "metrics",
              "networking",
              "node",
              "policy",
              "rbac",
              "resource",
              "scheduling",
              "storage");
      assertThat(jar.getEntry("io/fabric8/kubernetes/api/model/Node.class")).isNotNull();
      assertThat(jar.getEntry("org/checkerframework/checker/nullness/qual/Nullable.class"))
          .as("annotation-only jars are left out")
          .isNull();
    }
  }

  @Test
  void runServesTheSimulatorAndStopsCleanlyOnSigterm() throws Exception {
    Process process = java(Map.of(), "run", "--simulate", "h100x8", "--port", "0").start();
    try {
      List<String> log = new CopyOnWriteArrayList<>();
      Thread drain = new Thread(() -> drain(process, log), "agent-stderr");
      drain.start();
      int port = awaitReady(process, log);
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> devices =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/devices"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(devices.body()).getJsonArray("devices")).hasSize(8);

      long start = System.nanoTime();
      process.toHandle().destroy(); // SIGTERM, leaving our end of the pipes open
      assertThat(process.waitFor(5, TimeUnit.SECONDS)).as("stopped within 5 s").isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
      drain.join(5000);
      assertThat(process.exitValue()).isEqualTo(143);
      assertThat(log).anyMatch(line -> line.contains(" nvml-shutdown"));
      assertThat(log).anyMatch(line -> line.contains(" agent-stopped "));
    } finally {
      process.destroyForcibly();
    }
  }

  private static void drain(Process process, List<String> log) {
    try (BufferedReader stderr =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      stderr.lines().forEach(log::add);
    } catch (IOException | java.io.UncheckedIOException e) {
      log.add("(stderr closed: " + e.getMessage() + ")");
    }
  }

  private static int awaitReady(Process process, List<String> log) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (String line : log) {
        Matcher matcher = READY.matcher(line);
        if (matcher.find()) {
          return Integer.parseInt(matcher.group(1));
        }
      }
      if (process.waitFor(20, TimeUnit.MILLISECONDS)) {
        break;
      }
    }
    throw new AssertionError("agent not ready:\n" + String.join("\n", log));
  }
}
