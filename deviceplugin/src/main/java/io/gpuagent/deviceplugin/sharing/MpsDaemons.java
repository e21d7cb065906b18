package io.gpuagent.deviceplugin.sharing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and supervises one MPS control daemon ({@code <control> -d}) per shared device with {@code
 * enforcement: mps}, each with {@code CUDA_VISIBLE_DEVICES=<uuid>} and its own pipe and log
 * directory under {@code sharing.mps.pipeRoot/<uuid>}. Every {@code checkInterval} it asks each
 * daemon ({@code get_server_list} on the control program's stdin); one that does not answer is
 * started again after a back-off that doubles from {@code sharing.mps.restartDelay} up to 1 min and
 * is reset after a minute up. A device no longer shared with MPS gets {@code quit}. All work runs
 * on one thread of its own; {@link #status} is safe from any thread.
 */
public final class MpsDaemons implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MpsDaemons.class);
  private static final Duration MAX_DELAY = Duration.ofMinutes(1);
  private static final Duration STEADY = Duration.ofMinutes(1);
  private static final long COMMAND_TIMEOUT_MS = 10_000;

  private final SharingConfig config;
  private final Duration checkInterval;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private final Map<String, Daemon> daemons = new ConcurrentHashMap<>();

  /** Confined to {@link #thread}. */
  private static final class Daemon {
    final String uuid;
    volatile MpsDaemonStatus status;
    Duration delay;
    ScheduledFuture<?> next;

    Daemon(String uuid, MpsDaemonStatus status, Duration delay) {
      this.uuid = uuid;
      this.status = status;
      this.delay = delay;
    }
  }

  public MpsDaemons(SharingConfig config, Clock clock) {
    this.config = config;
    this.checkInterval = config.mpsCheckInterval();
    this.clock = clock;
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread t = new Thread(runnable, "gpu-agent-mps");
              t.setDaemon(true);
              return t;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.thread = executor;
  }

  /** Runs a daemon for every device of {@code shared} with MPS enforcement, and only for them. */
  public void update(Map<String, SharedDevice> shared) {
    List<String> wanted =
        shared.values().stream()
            .filter(device -> device.enforcement() == Enforcement.MPS)
            .map(SharedDevice::uuid)
            .sorted()
            .toList();
    execute(
        () -> {
          for (String uuid : List.copyOf(daemons.keySet())) {
            if (!wanted.contains(uuid)) {
              stop(daemons.remove(uuid));
            }
          }
          for (String uuid : wanted) {
            if (!daemons.containsKey(uuid)) {
              Daemon daemon =
                  new Daemon(
                      uuid,
                      status(uuid, MpsDaemonStatus.State.STARTING, 0, Optional.empty()),
                      config.mpsRestartDelay());
              daemons.put(uuid, daemon);
              start(daemon);
            }
          }
        });
  }

  /** Every supervised daemon, by UUID. */
  public List<MpsDaemonStatus> status() {
    return new TreeMap<>(daemons).values().stream().map(daemon -> daemon.status).toList();
  }

  /** Asks every daemon to quit and stops supervising. */
  @Override
  public void close() {
    execute(
        () -> {
          daemons.values().forEach(this::stop);
          daemons.clear();
        });
    thread.shutdown();
    try {
      thread.awaitTermination(COMMAND_TIMEOUT_MS + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void start(Daemon daemon) {
    try {
      Files.createDirectories(pipe(daemon.uuid));
      Files.createDirectories(log(daemon.uuid));
    } catch (IOException e) {
      down(daemon, "cannot make " + pipe(daemon.uuid) + ": " + e.getMessage());
      return;
    }
    Optional<String> failure = run(daemon.uuid, List.of("-d"), "");
    if (failure.isPresent()) {
      down(daemon, failure.get());
      return;
    }
    MpsDaemonStatus before = daemon.status;
    daemon.status =
        status(daemon.uuid, MpsDaemonStatus.State.UP, before.restarts(), before.lastError());
    LOG.atInfo()
        .setMessage("mps-daemon-up")
        .addKeyValue("uuid", daemon.uuid)
        .addKeyValue("pipe", pipe(daemon.uuid))
        .addKeyValue("restarts", before.restarts())
        .log();
    daemon.next =
        thread.schedule(() -> check(daemon), checkInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void check(Daemon daemon) {
    if (daemons.get(daemon.uuid) != daemon) {
      return;
    }
    Optional<String> failure = run(daemon.uuid, List.of(), "get_server_list\n");
    if (failure.isPresent()) {
      down(daemon, failure.get());
      return;
    }
    if (Duration.between(daemon.status.since(), clock.instant()).compareTo(STEADY) >= 0) {
      daemon.delay = config.mpsRestartDelay();
    }
    daemon.next =
        thread.schedule(() -> check(daemon), checkInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void down(Daemon daemon, String error) {
    MpsDaemonStatus before = daemon.status;
    daemon.status =
        status(daemon.uuid, MpsDaemonStatus.State.DOWN, before.restarts(), Optional.of(error));
    Duration wait = daemon.delay;
    daemon.delay = wait.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : wait.multipliedBy(2);
    LOG.atWarn()
        .setMessage("mps-daemon-down")
        .addKeyValue("uuid", daemon.uuid)
        .addKeyValue("error", error)
        .addKeyValue("restartIn", wait)
        .log();
    daemon.next =
        thread.schedule(
            () -> {
              if (daemons.get(daemon.uuid) == daemon) {
                MpsDaemonStatus now = daemon.status;
                daemon.status =
                    status(
                        daemon.uuid,
                        MpsDaemonStatus.State.STARTING,
                        now.restarts() + 1,
                        now.lastError());
                start(daemon);
              }
            },
            wait.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  private void stop(Daemon daemon) {
    if (daemon.next != null) {
      daemon.next.cancel(false);
    }
    run(daemon.uuid, List.of(), "quit\n")
        .ifPresent(
            error ->
                LOG.atWarn()
                    .setMessage("mps-daemon-quit-failed")
                    .addKeyValue("uuid", daemon.uuid)
                    .addKeyValue("error", error)
                    .log());
    daemon.status =
        status(
            daemon.uuid,
            MpsDaemonStatus.State.STOPPED,
            daemon.status.restarts(),
            daemon.status.lastError());
    LOG.atInfo().setMessage("mps-daemon-stopped").addKeyValue("uuid", daemon.uuid).log();
  }

  /** Runs the control program for {@code uuid}; empty when it exits 0 in time, else why not. */
  private Optional<String> run(String uuid, List<String> args, String input) {
    ProcessBuilder builder = new ProcessBuilder();
    builder.command().add(config.mpsControl());
    builder.command().addAll(args);
    builder.environment().put("CUDA_VISIBLE_DEVICES", uuid);
    builder.environment().put("CUDA_MPS_PIPE_DIRECTORY", pipe(uuid).toString());
    builder.environment().put("CUDA_MPS_LOG_DIRECTORY", log(uuid).toString());
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    try {
      Process process = builder.start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // it exited before reading: its exit status says why
      }
      if (!process.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return Optional.of(config.mpsControl() + " did not exit in " + COMMAND_TIMEOUT_MS + " ms");
      }
      int exit = process.exitValue();
      return exit == 0 ? Optional.empty() : Optional.of(config.mpsControl() + " exited " + exit);
    } catch (IOException e) {
      return Optional.of("cannot run " + config.mpsControl() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  private MpsDaemonStatus status(
      String uuid, MpsDaemonStatus.State state, int restarts, Optional<String> error) {
    return new MpsDaemonStatus(uuid, state, restarts, clock.instant(), error);
  }

  private Path pipe(String uuid) {
    return config.mpsPipeRoot().resolve(uuid).resolve("pipe");
  }

  private Path log(String uuid) {
    return config.mpsPipeRoot().resolve(uuid).resolve("log");
  }

  private void execute(Runnable task) {
    try {
      thread.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.atDebug().setMessage("mps-task-after-close").log();
    }
  }
}
