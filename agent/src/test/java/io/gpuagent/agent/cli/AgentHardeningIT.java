package io.gpuagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.agent.http.RawHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hardening promises of the packaged agent, checked on the real process: where it binds, what a
 * flood of bad requests costs its log, how bad config files exit, and two agents on one
 * device-plugin directory.
 */
@Timeout(180)
class AgentHardeningIT {
  private static final Path JAR =
      Path.of(System.getProperty("gpuagent.jar", "target/gpu-agent.jar"));
  private static final Pattern LISTENING = Pattern.compile(" http-listening .*port=\"(\\d+)\"");

  @TempDir Path dir;

  /** A started agent whose stderr lines are collected as they come. */
  record Running(Process process, List<String> log, Thread drain) implements AutoCloseable {
    /** The stderr lines once the process has exited and its stderr is read to the end. */
    List<String> finalLog() throws InterruptedException {
      drain.join(10_000);
      return List.copyOf(log);
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  private static Running start(List<String> args) throws IOException {
    return start(args, Map.of());
  }

  private static Running start(List<String> args, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("GPU_AGENT_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    List<String> log = new CopyOnWriteArrayList<>();
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                err.lines().forEach(log::add);
              } catch (IOException | java.io.UncheckedIOException e) {
                log.add("(stderr closed)");
              }
            },
            "agent-stderr");
    drain.setDaemon(true);
    drain.start();
    return new Running(process, log, drain);
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int awaitLine(Running agent, Pattern pattern) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      for (String line : agent.log()) {
        Matcher matcher = pattern.matcher(line);
        if (matcher.find()) {
          return matcher.groupCount() > 0 ? Integer.parseInt(matcher.group(1)) : 0;
        }
      }
      if (agent.process().waitFor(20, TimeUnit.MILLISECONDS)) {
        break;
      }
    }
    throw new AssertionError("no " + pattern + " in:\n" + String.join("\n", agent.log()));
  }

  private static boolean answers(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
      return true;
    } catch (ConnectException refused) {
      return false;
    } catch (IOException other) {
      return false;
    }
  }

  @Test
  void theServerBindsExactlyTheConfiguredHost() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, "version: 1\nhttp:\n  host: 127.0.0.1\n  port: 0\n");
    try (Running agent =
        start(List.of("run", "--simulate", "h100x8", "--config", config.toString()))) {
      int port = awaitLine(agent, LISTENING);

      assertThat(answers("127.0.0.1", port)).isTrue();
      assertThat(answers("127.0.0.2", port)).isFalse();
      assertThat(answers("::1", port)).isFalse();
    }
  }

  @Test
  void badRequestFloodsAddNoLogLines() throws Exception {
    try (Running agent = start(List.of("run", "--simulate", "h100x8", "--port", "0"))) {
      int port = awaitLine(agent, Pattern.compile(" agent-ready .*port=\"(\\d+)\""));
      int before = agent.log().size();
      try (RawHttp http = new RawHttp("127.0.0.1", port)) {
        for (int i = 0; i < 1000; i++) {
          RawHttp.Response bad = http.exchange("GET /%ZZ HTTP/1.1\r\nHost: n\r\n\r\n");
          RawHttp.Response hostless = http.exchange("GET /healthz HTTP/1.1\r\n\r\n");
          for (RawHttp.Response response : List.of(bad, hostless)) {
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.headers().get("content-type")).isEqualTo("application/json");
            assertThat(response.body()).startsWith("{\"error\":");
          }
        }
      }
      System.out.printf("2,000 bad requests added %d log lines%n", agent.log().size() - before);
      assertThat(agent.log().size() - before).as(String.join("\n", agent.log())).isLessThan(10);
    }
  }

  /** Runs the agent to its exit; the exit code, the stderr lines and how long it took. */
  private record Exit(int code, List<String> err, long millis) {}

  private static Exit exit(List<String> args) throws Exception {
    long start = System.nanoTime();
    try (Running agent = start(args)) {
      assertThat(agent.process().waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      return new Exit(agent.process().exitValue(), agent.finalLog(), millis);
    }
  }

  @Test
  void badConfigFilesExitTwoAtOnceWithOneLineNamingTheFile() throws Exception {
    Path overflow = dir.resolve("overflow.yaml");
    Files.writeString(overflow, "version: 1\nmetrics:\n  interval: 9999999999999999h\n");
    Path huge = dir.resolve("huge.yaml");
    try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
      file.setLength(50L * 1024 * 1024);
    }
    Path fifo = dir.resolve("fifo.yaml");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path badHost = dir.resolve("host.yaml");
    Files.writeString(badHost, "version: 1\nhttp:\n  host: 999.1.1.1\n");

    for (Path config : List.of(overflow, huge, fifo, badHost)) {
      Exit result =
          exit(
              List.of("run", "--simulate", "h100x8", "--port", "0", "--config", config.toString()));

      assertThat(result.code()).as(config.toString()).isEqualTo(2);
      assertThat(result.err()).as(config.toString()).hasSize(1);
      assertThat(result.err().get(0)).startsWith("gpu-agent: config error: " + config + ": ");
      // a measurement: JVM start included, on a shared CI machine
      System.out.printf(
          "%s: exit 2 after %d ms: %s%n",
          config.getFileName(), result.millis(), result.err().get(0));
    }
  }

  @Test
  void aSecondAgentOnTheSamePluginDirectoryWaitsThenExitsOneAndTheFirstKeepsItsSocket()
      throws Exception {
    Path plugins = Files.createTempDirectory(Path.of("/tmp"), "dp");
    try (Running first =
        start(
            List.of(
                "run",
                "--simulate",
                "h100x8",
                "--port",
                "0",
                "--device-plugin-dir",
                plugins.toString()))) {
      awaitLine(first, Pattern.compile(" agent-ready "));
      Path socket = plugins.resolve("gpu-agent-nvidia.com-gpu.sock");
      Object inode = Files.readAttributes(socket, BasicFileAttributes.class).fileKey();

      List<String> command =
          List.of(
              "run",
              "--simulate",
              "h100x8",
              "--port",
              "0",
              "--device-plugin-dir",
              plugins.toString());
      try (Running second = start(command, Map.of("GPU_AGENT_DEVICE_PLUGIN_LOCK_WAIT", "2s"))) {
        int secondPort = awaitLine(second, LISTENING);
        awaitLine(second, Pattern.compile(" device-plugin-dir-locked "));
        while (!second.process().waitFor(50, TimeUnit.MILLISECONDS)) {
          assertThat(connects(socket)).as("the first agent's socket answers").isTrue();
          assertThat(readyz(secondPort)).as("the waiting agent's /readyz").isNotEqualTo(200);
        }
        List<String> log = second.finalLog();
        assertThat(second.process().exitValue()).as(String.join("\n", log)).isEqualTo(1);
        assertThat(log).noneMatch(line -> line.contains(" agent-ready "));
        assertThat(log.get(log.size() - 1))
            .startsWith("gpu-agent: device plugin directory " + plugins + " is in use by");
      }
      assertThat(Files.readAttributes(socket, BasicFileAttributes.class).fileKey())
          .isEqualTo(inode);
      assertThat(connects(socket)).isTrue();
    }
  }

  /** The status of GET /readyz, or -1 once nothing answers (the agent has exited). */
  private static int readyz(int port) {
    try (RawHttp http = new RawHttp("127.0.0.1", port)) {
      return http.exchange("GET /readyz HTTP/1.1\r\nHost: n\r\n\r\n").status();
    } catch (IOException gone) {
      return -1;
    }
  }

  private static boolean connects(Path socket) {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return channel.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return false;
    }
  }
}
