package io.gpuagent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged agent ({@code agent/target/gpu-agent.jar}) as a child process, started the way a
 * node starts it: a fresh JVM, {@code java [flags] -jar gpu-agent.jar run …}. Its log (stdout and
 * stderr together) is read on a named thread, which learns the HTTP port from the agent's {@code
 * http-listening} line and keeps the last lines for error messages. {@link #close()} sends SIGTERM
 * and waits, as the kubelet does when it stops the pod.
 */
public final class AgentProcess implements AutoCloseable {
  /** Where {@code mvn install} leaves the jar, relative to the repository root. */
  public static final Path DEFAULT_JAR = Path.of("agent/target/gpu-agent.jar");

  /** The launcher script, relative to the repository root. */
  public static final Path LAUNCHER = Path.of("bin/gpu-agent");

  private static final Pattern LISTENING = Pattern.compile(" http-listening .*port=\"(\\d+)\"");
  private static final Pattern EVENT = Pattern.compile("\\] ([a-z0-9-]+)(?: |$)");
  private static final int KEPT_LINES = 40;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final long startedNanos;
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Deque<String> lastLines = new ArrayDeque<>();
  private final Map<String, Long> firstSeenNanos = new ConcurrentHashMap<>();
  private final Map<String, String> firstLines = new ConcurrentHashMap<>();
  private final Thread logReader;

  private AgentProcess(ProcessBuilder builder) throws IOException {
    startedNanos = System.nanoTime();
    process = builder.start();
    logReader = new Thread(this::readLog, "agent-log-" + process.pid());
    logReader.setDaemon(true);
    logReader.start();
  }

  /**
   * Starts {@code java <jvmFlags> -jar <jar> <agentArgs>} with {@code environment} added to this
   * process's, less any {@code GPU_AGENT_*} variable of this shell (so runs are reproducible).
   *
   * @throws IllegalArgumentException when the jar is missing (the message says how to build it)
   */
  public static AgentProcess start(
      Path jar, List<String> jvmFlags, List<String> agentArgs, Map<String, String> environment)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          jar
              + " not found: run from the repository root after"
              + " mvn -B -q install -DskipTests");
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmFlags);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(agentArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("GPU_AGENT_"));
    builder.environment().putAll(environment);
    return new AgentProcess(builder);
  }

  /**
   * Starts {@code <launcher> <agentArgs>} (the {@code bin/gpu-agent} script, which {@code exec}s
   * the JVM, so {@link #pid()} is the JVM's) with {@code javaOpts} as {@code GPU_AGENT_JAVA_OPTS}
   * and {@code environment} added, less any {@code GPU_AGENT_*} variable of this shell.
   */
  public static AgentProcess launch(
      Path launcher, List<String> javaOpts, List<String> agentArgs, Map<String, String> environment)
      throws IOException {
    if (!Files.isExecutable(launcher)) {
      throw new IllegalArgumentException(launcher + " not found: run from the repository root");
    }
    List<String> command = new ArrayList<>();
    command.add(launcher.toString());
    command.addAll(agentArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(key -> key.startsWith("GPU_AGENT_"));
    builder.environment().putAll(environment);
    builder.environment().put("GPU_AGENT_JAVA_OPTS", String.join(" ", javaOpts));
    return new AgentProcess(builder);
  }

  /** {@link System#nanoTime()} just before the process was started. */
  public long startedNanos() {
    return startedNanos;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The HTTP port the agent logged, once it listens. */
  public int awaitPort(Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    try {
      return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "the agent logged no http-listening line in " + timeout + "; its log:\n" + logTail());
    }
  }

  /**
   * When this side first read a log line of that event (the message after the thread name) ({@link
   * System#nanoTime()}), e.g. {@code http-listening} or {@code agent-ready}: a start-up broken into
   * steps. The pipe adds microseconds.
   */
  public OptionalLong firstSeen(String event) {
    Long at = firstSeenNanos.get(event);
    return at == null ? OptionalLong.empty() : OptionalLong.of(at);
  }

  /** The first log line of that event, e.g. {@code warm-up}. */
  public Optional<String> firstLine(String event) {
    return Optional.ofNullable(firstLines.get(event));
  }

  /** The agent's last log lines, for an error message. */
  public String logTail() {
    synchronized (lastLines) {
      return String.join("\n", lastLines);
    }
  }

  /** Waits for a command that ends by itself (e.g. {@code --version}); its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException, TimeoutException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("the agent did not exit within " + timeout + ":\n" + logTail());
    }
    return process.exitValue();
  }

  /** SIGTERM, then up to 10 s for the agent to stop (killed after that); its exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    logReader.join(STOP_TIMEOUT.toMillis());
    return process.exitValue();
  }

  /** As {@link #stop()}; interrupted, it kills the agent at once. A stopped agent stays so. */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private boolean exited() {
    try {
      return process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void readLog() {
    try (BufferedReader log =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = log.readLine(); line != null; line = log.readLine()) {
        long at = System.nanoTime();
        Matcher event = EVENT.matcher(line);
        if (event.find()) {
          firstSeenNanos.putIfAbsent(event.group(1), at);
          firstLines.putIfAbsent(event.group(1), line);
        }
        Matcher listening = LISTENING.matcher(line);
        if (listening.find()) {
          port.complete(Integer.parseInt(listening.group(1)));
        }
        synchronized (lastLines) {
          if (lastLines.size() == KEPT_LINES) {
            lastLines.removeFirst();
          }
          lastLines.addLast(line);
        }
      }
    } catch (IOException e) {
      // When the agent exits the JDK drains its pipe and closes the stream under this reader.
      if (!exited()) {
        throw new UncheckedIOException("reading the agent's log", e);
      }
    } finally {
      port.completeExceptionally(
          new IllegalStateException(
              "the agent stopped before it listened; its log:\n" + logTail()));
    }
  }
}
