package io.gpuagent.deviceplugin;

import io.gpuagent.deviceplugin.v1beta1.DevicePluginOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The device plugin's start-up warm-up, in the order its parts run: an early round on a thread of
 * its own while the agent reads its inventory ({@link DevicePluginWarmUp#early}); the rounds before
 * the first registration, within a budget; the rounds that budget left, in the background once the
 * servers are registered ({@link BackgroundWarmUp}). {@link #plan} is called before the service
 * starts, on any thread; the rest runs on the service's lifecycle thread.
 */
final class StartUpWarmUp implements AutoCloseable {
  private final DevicePluginOptions options;
  private final ContainerAllocation allocation;

  private int rounds;
  private Duration budget = Duration.ZERO;
  private Optional<CompletableFuture<DevicePluginWarmUp.Result>> early = Optional.empty();
  private volatile Optional<DevicePluginWarmUp.Result> result = Optional.empty();
  private Optional<BackgroundWarmUp> background = Optional.empty();

  StartUpWarmUp(DevicePluginOptions options, ContainerAllocation allocation) {
    this.options = options;
    this.allocation = allocation;
  }

  /**
   * {@code rounds} rounds in all, as many as {@code budget} allows before the first registration;
   * starts the early round.
   */
  synchronized void plan(int rounds, Duration budget) {
    this.rounds = rounds;
    this.budget = Objects.requireNonNull(budget, "budget");
    if (rounds > 0 && early.isEmpty()) {
      early = Optional.of(DevicePluginWarmUp.early(options, allocation));
    }
  }

  /**
   * The rounds before the first registration with the largest of {@code snapshots}, then the rounds
   * left in the background, which wait for the kubelet to be quiet ({@code activity}). Once only:
   * later calls do nothing.
   */
  void beforeRegistering(
      Path pluginDir,
      DomainSockets sockets,
      List<ResourceSnapshot> snapshots,
      KubeletActivity activity,
      BooleanSupplier open) {
    if (rounds <= 0) {
      return;
    }
    DevicePluginWarmUp.Result first = awaitEarly();
    try {
      DevicePluginWarmUp.Target target =
          new DevicePluginWarmUp.Target(pluginDir, options, allocation, snapshots);
      DevicePluginWarmUp.Result now = DevicePluginWarmUp.run(target, sockets, rounds, budget, open);
      result = Optional.of(first.plus(now));
      int left = rounds - now.rounds();
      if (left > 0 && now.failure().isEmpty() && open.getAsBoolean()) {
        // the registration and the kubelet's first calls come first
        activity.touch();
        background = Optional.of(new BackgroundWarmUp(target, left, activity).start());
      }
    } finally {
      rounds = 0;
    }
  }

  /** What ran before the first registration (the early round included); empty when none ran. */
  Optional<DevicePluginWarmUp.Result> result() {
    return result;
  }

  /** Stops the background rounds, if any are still going. */
  @Override
  public void close() {
    background.ifPresent(BackgroundWarmUp::close);
    background = Optional.empty();
  }

  /** What the early round did, once it is over (it takes no longer than its first-round limit). */
  private DevicePluginWarmUp.Result awaitEarly() {
    try {
      return early
          .orElse(CompletableFuture.completedFuture(DevicePluginWarmUp.Result.NONE))
          .get(DevicePluginWarmUp.FIRST_ROUND_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DevicePluginWarmUp.Result.skipped("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      return DevicePluginWarmUp.Result.skipped("early round: " + e);
    }
  }
}
