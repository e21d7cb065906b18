package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.v1beta1.Empty;
import io.gpuagent.deviceplugin.v1beta1.RegistrationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers endpoints with the kubelet, retrying until it works. Everything runs on the lifecycle
 * thread; the calls are asynchronous so a slow kubelet never holds up a rebuild.
 */
final class KubeletRegistrar {
  private static final Logger LOG = LoggerFactory.getLogger(KubeletRegistrar.class);

  /**
   * kubelet.sock exists a moment before the kubelet accepts connections: retry within tens of
   * milliseconds, then back off to at most two seconds.
   */
  static final Duration FIRST_RETRY = Duration.ofMillis(20);

  static final Duration MAX_RETRY = Duration.ofSeconds(2);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(5);
  private static final int RETRIES_BEFORE_WARNING = 7;
  private static final int WARN_EVERY_ATTEMPTS = 30;

  private final Path kubeletSocket;
  private final DomainSockets sockets;
  private final ScheduledExecutorService lifecycle;
  private final Clock clock;
  private final Runnable onRegistered;
  private boolean waitingLogged;
  private ManagedChannel channel;

  /**
   * @param onRegistered runs on the lifecycle thread after each registration the kubelet accepted
   */
  KubeletRegistrar(
      Path kubeletSocket,
      DomainSockets sockets,
      ScheduledExecutorService lifecycle,
      Clock clock,
      Runnable onRegistered) {
    this.kubeletSocket = kubeletSocket;
    this.sockets = sockets;
    this.lifecycle = lifecycle;
    this.clock = clock;
    this.onRegistered = onRegistered;
  }

  /** Registers {@code endpoint} now, superseding any attempts still pending for it. */
  void register(PluginEndpoint endpoint) {
    attempt(endpoint, endpoint.nextRegistrationCycle(), 0);
  }

  static Duration retryDelay(int failedAttempts) {
    long millis = FIRST_RETRY.toMillis() << Math.min(failedAttempts, 16);
    return Duration.ofMillis(Math.min(millis, MAX_RETRY.toMillis()));
  }

  private void attempt(PluginEndpoint endpoint, int cycle, int attempt) {
    if (!endpoint.isCurrentCycle(cycle)) {
      return;
    }
    endpoint.attemptInFlight(Optional.empty());
    Optional<SocketFileId> kubelet;
    try {
      kubelet = SocketFileId.of(kubeletSocket);
    } catch (UncheckedIOException e) {
      failed(endpoint, cycle, attempt, e);
      return;
    }
    if (kubelet.isEmpty()) {
      // The directory watcher starts a new cycle when kubelet.sock appears.
      endpoint.registration(endpoint.registration().failed(kubeletSocket + " does not exist"));
      if (!waitingLogged) {
        LOG.atInfo().setMessage("waiting-for-kubelet").addKeyValue("socket", kubeletSocket).log();
        waitingLogged = true;
      }
      return;
    }
    waitingLogged = false;
    endpoint.attemptInFlight(kubelet);
    RegistrationGrpc.newStub(channel())
        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .register(
            endpoint.registerRequest(),
            new StreamObserver<Empty>() {
              @Override
              public void onNext(Empty value) {}

              @Override
              public void onError(Throwable error) {
                onLifecycle(() -> failed(endpoint, cycle, attempt, error));
              }

              @Override
              public void onCompleted() {
                onLifecycle(() -> registered(endpoint, cycle, attempt, kubelet.get()));
              }
            });
  }

  /**
   * One channel to kubelet.sock for every registration: after a kubelet restart it connects to the
   * new kubelet (the old connection closed with the old kubelet), at once rather than after gRPC's
   * reconnect back-off. Building a channel per registration cost a restart more than the call.
   */
  private ManagedChannel channel() {
    if (channel == null) {
      channel = sockets.dial(kubeletSocket);
    }
    channel.resetConnectBackoff();
    return channel;
  }

  /** Closes the channel to the kubelet; registrations still pending fail. */
  void close() {
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
    }
  }

  private void registered(PluginEndpoint endpoint, int cycle, int attempt, SocketFileId kubelet) {
    if (!endpoint.isCurrentCycle(cycle)) {
      return;
    }
    endpoint.attemptInFlight(Optional.empty());
    endpoint.registration(RegistrationState.registered(kubelet, clock.instant()));
    LOG.atInfo()
        .setMessage("registered")
        .addKeyValue("resource", endpoint.resourceName())
        .addKeyValue("endpoint", endpoint.socket().getFileName())
        .addKeyValue("attempts", attempt + 1)
        .log();
    onRegistered.run();
  }

  private void failed(PluginEndpoint endpoint, int cycle, int attempt, Throwable error) {
    if (!endpoint.isCurrentCycle(cycle)) {
      return;
    }
    endpoint.attemptInFlight(Optional.empty());
    String reason = describe(error);
    endpoint.registration(endpoint.registration().failed(reason));
    Duration delay = retryDelay(attempt);
    // The first failures are expected while a kubelet starts; say so only when they persist.
    if (attempt == RETRIES_BEFORE_WARNING || (attempt > 0 && attempt % WARN_EVERY_ATTEMPTS == 0)) {
      LOG.atWarn()
          .setMessage("registration-failed")
          .addKeyValue("resource", endpoint.resourceName())
          .addKeyValue("attempts", attempt + 1)
          .addKeyValue("error", reason)
          .addKeyValue("retryInMs", delay.toMillis())
          .log();
    }
    try {
      lifecycle.schedule(
          () -> attempt(endpoint, cycle, attempt + 1), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.atDebug()
          .setMessage("registration-retry-after-close")
          .addKeyValue("resource", endpoint.resourceName())
          .log();
    }
  }

  private static String describe(Throwable error) {
    if (error instanceof UncheckedIOException) {
      return error.getMessage();
    }
    Status status = Status.fromThrowable(error);
    return status.getCode()
        + (status.getDescription() != null ? ": " + status.getDescription() : "");
  }

  /** gRPC calls back on its own threads; the answer is handled where the endpoints live. */
  private void onLifecycle(Runnable task) {
    try {
      lifecycle.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.atDebug()
          .setMessage("registration-answer-after-close")
          .addKeyValue("error", e.getMessage())
          .log();
    }
  }
}
