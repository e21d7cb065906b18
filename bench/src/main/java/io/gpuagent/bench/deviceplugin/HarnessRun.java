package io.gpuagent.bench.deviceplugin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code dpharness} (the real kubelet v1.32 device manager, {@code
 * shared/tools/kubelet-harness}) against a plugin: its JSON event lines, read as they come, with
 * the local time of the {@code registered} line, and what the run measured.
 */
final class HarnessRun implements AutoCloseable {
  private final Process process;
  private final List<JsonObject> events = new ArrayList<>();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final CompletableFuture<Long> registeredAt = new CompletableFuture<>();
  private final Thread reader;

  private HarnessRun(Process process) {
    this.process = process;
    this.reader = new Thread(this::read, "dpharness-events");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts dpharness on {@code dir}: {@code allocations} pods, then {@code restarts} restarts. */
  static HarnessRun start(
      Path dpharness, Path dir, int allocations, int restarts, Duration restartGap, Path log)
      throws IOException {
    List<String> command =
        List.of(
            dpharness.toString(),
            "-dir",
            dir.toString(),
            "-resource",
            "nvidia.com/gpu",
            "-request",
            "1",
            "-allocations",
            Integer.toString(allocations),
            "-restarts",
            Integer.toString(restarts),
            "-restart-gap",
            restartGap.toMillis() + "ms",
            "-restart-alloc",
            "-numa-nodes",
            "0,1",
            "-timeout",
            "60s");
    return new HarnessRun(
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.to(log.toFile()))
            .start());
  }

  /** Waits until the manager listens on kubelet.sock. */
  void awaitManager(Duration timeout) throws Exception {
    started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@link System#nanoTime()} when the {@code registered} line was read. */
  long awaitRegistered(Duration timeout) throws Exception {
    return registeredAt.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits for dpharness to finish its scenario; its exit code. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    try {
      reader.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.exitValue();
  }

  /** {@code allocate_ms} of each allocation, in order (GetPreferredAllocation + Allocate RPCs). */
  synchronized List<Double> allocateMs() {
    return events.stream()
        .filter(e -> "allocation".equals(e.getString("event")) && e.getBoolean("ok", false))
        .map(e -> e.getDouble("allocate_ms"))
        .toList();
  }

  /** {@code latency_ms} of each RPC of {@code method}, in order. */
  synchronized List<Double> rpcMs(String method) {
    return events.stream()
        .filter(e -> "rpc".equals(e.getString("event")) && method.equals(e.getString("method")))
        .map(e -> e.getDouble("latency_ms"))
        .toList();
  }

  /** The summary's {@code reregister_ms}, one per restart. */
  synchronized List<Double> reregisterMs() {
    return summary()
        .map(s -> s.getJsonArray("reregister_ms", new JsonArray()))
        .map(a -> a.stream().map(v -> ((Number) v).doubleValue()).toList())
        .orElse(List.of());
  }

  synchronized Optional<JsonObject> summary() {
    return events.stream().filter(e -> "summary".equals(e.getString("event"))).findFirst();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        long at = System.nanoTime();
        if (!line.startsWith("{")) {
          continue;
        }
        JsonObject event = new JsonObject(line);
        synchronized (this) {
          events.add(event);
        }
        switch (event.getString("event", "")) {
          case "manager_started" -> started.complete(null);
          case "registered" -> registeredAt.complete(at);
          default -> {}
        }
      }
    } catch (IOException | RuntimeException e) {
      started.completeExceptionally(e);
      registeredAt.completeExceptionally(e);
    } finally {
      started.completeExceptionally(new IllegalStateException("dpharness ended"));
      registeredAt.completeExceptionally(new IllegalStateException("dpharness: no registration"));
    }
  }
}
