package io.gpuagent.deviceplugin;

import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rounds the start-up warm-up had no budget for, after the first registration, while the
 * kubelet is quiet: each round serves a throwaway copy of the resource on a new socket and
 * registers it with a throwaway registration server, as after a kubelet restart, then makes the
 * kubelet's calls, so a later restart and Allocate find that code compiled too. Its own event loop:
 * a real call never waits behind it. Stops when the rounds are done, after {@link #LIMIT}, after
 * {@link #FAILURES_IN_A_ROW} failed rounds, or when closed.
 */
final class BackgroundWarmUp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundWarmUp.class);

  /** How long the kubelet must have been quiet before a round. */
  static final Duration QUIET = Duration.ofMillis(250);

  /** The longest a background warm-up goes on. */
  static final Duration LIMIT = Duration.ofMinutes(2);

  static final int FAILURES_IN_A_ROW = 5;
  private static final Duration ROUND_BUDGET = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofMillis(50);

  private final DevicePluginWarmUp.Target target;
  private final int rounds;
  private final KubeletActivity activity;
  private final Thread thread;
  private volatile boolean closed;

  /** {@code rounds} rounds with {@code target}, once {@link #start}ed. */
  BackgroundWarmUp(DevicePluginWarmUp.Target target, int rounds, KubeletActivity activity) {
    this.target = target;
    this.rounds = rounds;
    this.activity = activity;
    this.thread = new Thread(this::run, "deviceplugin-warm-up");
    thread.setDaemon(true);
  }

  /** Starts its rounds in the background; returns this. */
  BackgroundWarmUp start() {
    thread.start();
    return this;
  }

  private void run() {
    long end = System.nanoTime() + LIMIT.toNanos();
    DevicePluginWarmUp.Result total = DevicePluginWarmUp.Result.NONE;
    int failuresInARow = 0;
    try (DomainSockets sockets = new DomainSockets("deviceplugin-warm-up-io", 1)) {
      ManagedChannel registration =
          sockets.dial(DevicePluginWarmUp.registrationSocket(target.pluginDir()));
      try {
        while (total.rounds() < rounds
            && failuresInARow < FAILURES_IN_A_ROW
            && !closed
            && System.nanoTime() < end) {
          if (!activity.quietFor(QUIET)) {
            TimeUnit.MILLISECONDS.sleep(WAIT.toMillis());
            continue;
          }
          long roundStart = System.nanoTime();
          DevicePluginWarmUp.Result round =
              DevicePluginWarmUp.run(target, sockets, registration, 1, ROUND_BUDGET, () -> false);
          if (round.failure().isPresent() && !closed) {
            // A kubelet restart deletes the round's sockets with ours: the registration channel
            // lost its server mid-call and would fail the next round's call at once, so a new one.
            // The service hears of the restart (and marks the activity) a moment after.
            registration.shutdownNow();
            registration = sockets.dial(DevicePluginWarmUp.registrationSocket(target.pluginDir()));
            TimeUnit.MILLISECONDS.sleep(QUIET.toMillis());
          }
          if (closed || !activity.quietSince(roundStart)) {
            round = round.withoutFailure(); // closed, or disturbed by the kubelet
          }
          failuresInARow = round.failure().isPresent() ? failuresInARow + 1 : 0;
          total = total.plus(round);
        }
      } finally {
        registration.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!closed) {
      var line =
          LOG.atInfo()
              .setMessage("warm-up-background")
              .addKeyValue("rounds", total.rounds())
              .addKeyValue("calls", total.calls())
              .addKeyValue("tookMs", total.took().toMillis());
      total.failure().ifPresent(failure -> line.addKeyValue("lastFailure", failure));
      line.log();
    }
  }

  /** Stops after the round in progress (at most a second or two). */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(3));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
