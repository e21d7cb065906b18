package io.gpuagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/gpu-agent}, the launcher the README, the image and the chart use, over the jar. */
@Timeout(120)
class LauncherIT {
  private static final Path LAUNCHER =
      Path.of(System.getProperty("gpuagent.launcher", "../bin/gpu-agent"));
  private static final Path JAR =
      Path.of(System.getProperty("gpuagent.jar", "target/gpu-agent.jar"));

  @TempDir Path dir;

  record Result(int exitCode, String out, String err) {}

  private static ProcessBuilder launcher(Path script, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("GPU_AGENT_"));
    builder
        .environment()
        .put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    builder.environment().putAll(env);
    return builder;
  }

  private static Result run(Path script, Map<String, String> env, String... args) throws Exception {
    Process process = launcher(script, env, args).start();
    CompletableFuture<String> out =
        CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
    return new Result(process.exitValue(), out.get(), err.get());
  }

  private static BufferedReader output(Process process) {
    return new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** The lines up to the first that contains {@code marker}; fails if the output ends first. */
  private static List<String> linesUntil(BufferedReader log, String marker) throws IOException {
    List<String> seen = new ArrayList<>();
    for (String line = log.readLine(); line != null; line = log.readLine()) {
      seen.add(line);
      if (line.contains(marker)) {
        return seen;
      }
    }
    throw new AssertionError("output ended before '" + marker + "':\n" + String.join("\n", seen));
  }

  /** The port of the agent-ready line among {@code seen}. */
  private static int portOf(List<String> seen) {
    for (String line : seen) {
      Matcher ready = AgentJarIT.READY.matcher(line);
      if (ready.find()) {
        return Integer.parseInt(ready.group(1));
      }
    }
    throw new AssertionError("no agent-ready line with a port:\n" + String.join("\n", seen));
  }

  private static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The names of a process's threads as the kernel has them (15 characters at most). */
  private static List<String> threadNames(long pid) throws IOException {
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      List<String> names = new ArrayList<>();
      for (Path task : tasks.toList()) {
        names.add(Files.readString(task.resolve("comm")).strip());
      }
      return names;
    }
  }

  private static String read(InputStream stream) {
    try {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void findsTheBuiltJarAndPassesItsArguments() throws Exception {
    Result result = run(LAUNCHER, Map.of(), "--version");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).startsWith("gpu-agent ");
  }

  @Test
  void findsTheJarInTheImageLayoutAndInGpuAgentJar() throws Exception {
    Path image = Files.createDirectories(dir.resolve("opt/gpu-agent"));
    Path script = Files.createDirectories(image.resolve("bin")).resolve("gpu-agent");
    Files.copy(LAUNCHER, script, StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(JAR, Files.createDirectories(image.resolve("lib")).resolve("gpu-agent.jar"));

    assertThat(run(script, Map.of(), "--version").exitCode()).isZero();
    Result missing =
        run(script, Map.of("GPU_AGENT_JAR", dir.resolve("none.jar").toString()), "--version");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("none.jar not found");
  }

  @Test
  void exitCodesOfTheAgentComeBackUnchanged() throws Exception {
    Result badFlag = run(LAUNCHER, Map.of(), "run", "--no-such-flag");
    Result badProfile = run(LAUNCHER, Map.of(), "devices", "--simulate", "no-such-profile");

    assertThat(badFlag.exitCode()).isEqualTo(2);
    assertThat(badFlag.err()).contains("--no-such-flag");
    assertThat(badProfile.exitCode()).isEqualTo(2);
  }

  @Test
  void javaOptsComeAfterTheDefaultsSoTheyWin() throws Exception {
    Result result =
        run(LAUNCHER, Map.of("GPU_AGENT_JAVA_OPTS", "-XX:+PrintFlagsFinal -Xmx80m"), "--version");

    // The agent, which refuses unknown GPU_AGENT_* variables, never saw the launcher's.
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .containsPattern("MaxHeapSize += 83886080 ")
        .containsPattern("UseSerialGC += true ")
        .containsPattern("TieredStopAtLevel += 1 ");
  }

  @Test
  void usesTheClassDataSharingArchiveMadeByTheBuild() throws Exception {
    Path archive = JAR.resolveSibling("gpu-agent.jsa");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isRegularFile(archive)
            && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(JAR)) > 0,
        "no archive newer than the jar (built with -Dcds.skip, or a JVM that cannot archive)");

    // -Xshare:on makes an archive that cannot be used an error instead of a silent fallback.
    Result result =
        run(
            LAUNCHER,
            Map.of("GPU_AGENT_JAVA_OPTS", "-Xshare:on -Xlog:class+load=info"),
            "--version");

    assertThat(result.exitCode()).as(result.err()).isZero();
    // One static archive (bin/gpu-agent cds-archive): the agent's classes and the JDK's.
    assertThat(result.out())
        .contains("io.gpuagent.agent.Main source: shared objects file")
        .contains("java.lang.Object source: shared objects file")
        .doesNotContain("shared objects file (top)");
  }

  @Test
  void cdsArchiveMakesOneStaticArchiveBesideTheJarThatTheLauncherThenUses() throws Exception {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Path jar = Files.copy(JAR, lib.resolve("gpu-agent.jar"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Map<String, String> env = Map.of("GPU_AGENT_JAR", jar.toString(), "TMPDIR", tmp.toString());

    Result made = run(LAUNCHER, env, "cds-archive");

    assertThat(made.exitCode()).as(made.err()).isZero();
    Path archive = lib.resolve("gpu-agent.jsa");
    assertThat(made.out()).contains("cds-archive: " + archive + " (");
    assertThat(archive).isRegularFile();
    assertThat(tmp).as("the class list is gone").isEmptyDirectory();
    Result used =
        run(
            LAUNCHER,
            Map.of(
                "GPU_AGENT_JAR",
                jar.toString(),
                "GPU_AGENT_JAVA_OPTS",
                "-Xshare:on -Xlog:class+load=info"),
            "--version");
    assertThat(used.exitCode()).as(used.err()).isZero();
    assertThat(used.out())
        .contains("io.gpuagent.agent.Main source: shared objects file")
        .contains("java.lang.Object source: shared objects file");
  }

  @Test
  void cdsArchiveThatCannotBeMadeLeavesNothingAndSaysSo() throws Exception {
    Path jar = Files.copy(JAR, dir.resolve("gpu-agent.jar"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));

    Result failed =
        run(
            LAUNCHER,
            Map.of("GPU_AGENT_JAR", jar.toString(), "TMPDIR", tmp.toString(), "JAVA", "false"),
            "cds-archive");

    assertThat(failed.exitCode()).isEqualTo(1);
    assertThat(failed.err())
        .isEqualTo("cds-archive: no archive made (see above); bin/gpu-agent starts without one\n");
    assertThat(dir.resolve("gpu-agent.jsa")).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void nativeLibrariesLoadFromBesideTheJarNotFromTheTemporaryDirectory() throws Exception {
    Path natives = JAR.resolveSibling("native");
    assertThat(natives).as("made by mvn package (agent/pom.xml, native-libraries)").isDirectory();
    Path fake =
        Path.of(
            System.getProperty("fake.nvml.library", "../nvml/target/fake-nvml/libnvidia-ml.so.1"));
    assertThat(fake).as("the native fake, built by the nvml module's tests").isRegularFile();
    // JNA loads its dispatch library for NVML, Netty its epoll transport for the device plugin
    Process process =
        launcher(
                LAUNCHER,
                Map.of(
                    "GPU_AGENT_NVML_LIBRARY", fake.toAbsolutePath().normalize().toString(),
                    "GPU_AGENT_DEVICE_PLUGIN_DIR", dir.toString(),
                    "GPU_AGENT_POD_RESOURCES_ENABLED", "false"),
                "run",
                "--port",
                "0")
            .redirectErrorStream(true)
            .start();
    try (BufferedReader log = output(process)) {
      List<String> seen = linesUntil(log, " agent-ready ");
      assertThat(seen).as("the device plugin served").anyMatch(l -> l.contains(" plugin-serving "));
      List<String> mapped =
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "maps")).stream()
              .filter(line -> line.endsWith(".so"))
              .map(line -> line.substring(line.indexOf('/')))
              .distinct()
              .toList();
      String dirName = natives.toRealPath().toString();
      assertThat(mapped)
          .contains(
              dirName + "/libjnidispatch.so",
              dirName + "/libnetty_transport_native_epoll_x86_64.so")
          .noneMatch(path -> path.contains("jnidispatch") && !path.startsWith(dirName))
          .noneMatch(path -> path.contains("netty") && !path.startsWith(dirName));
    } finally {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void runIsTheJvmItselfAndStopsCleanlyOnSigterm() throws Exception {
    Process process =
        launcher(
                LAUNCHER,
                Map.of(
                    "GPU_AGENT_DEVICE_PLUGIN_ENABLED", "false",
                    "GPU_AGENT_POD_RESOURCES_ENABLED", "false"),
                "run",
                "--simulate",
                "h100x8",
                "--port",
                "0")
            .redirectErrorStream(true)
            .start();
    try (BufferedReader log = output(process)) {
      // the HTTP warm-up comes a moment after the agent is ready, then its one line, then the
      // heap the launcher asked for after the start-up
      List<String> seen = linesUntil(log, " heap-tightened ");
      assertThat(seen).anyMatch(line -> line.contains(" agent-ready "));
      assertThat(seen).anyMatch(line -> line.contains(" warm-up "));
      // The JVM's metrics are served (collections came), without the scheduler thread the
      // Prometheus client starts for exemplars (Main turns them off) and without the allocation
      // counters, which listen to every collection.
      assertThat(get(portOf(seen), "/metrics"))
          .contains("jvm_gc_collection_seconds_count{")
          .doesNotContain("jvm_memory_pool_allocated_bytes_total");
      assertThat(threadNames(process.pid()))
          .contains("VM Thread")
          .noneMatch(name -> name.startsWith("prometheus-met"));
      // exec: the launcher's process became the JVM, so the kubelet's SIGTERM reaches the agent.
      assertThat(process.toHandle().info().command())
          .hasValueSatisfying(c -> assertThat(c).endsWith("java"));
      process.toHandle().destroy();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(143);
    } finally {
      process.destroyForcibly();
    }
  }
}
