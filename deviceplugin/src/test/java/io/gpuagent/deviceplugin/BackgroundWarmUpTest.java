package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gpuagent.testing.Await;
import io.gpuagent.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The warm-up's rounds its budget did not cover go on after the registration, on throwaway sockets
 * only: the kubelet hears of the real endpoint once, and nothing of the warm-up stays behind.
 */
class BackgroundWarmUpTest {
  private static final String GPU = "nvidia.com/gpu";
  // Spent once the first round starts, which always completes: every other round is the
  // background's, however fast this machine runs the first (10 ms let a second one in at times).
  private static final Duration FIRST_ROUND_ONLY = Duration.ofNanos(1);

  @RegisterExtension final PluginFixtures fixtures = new PluginFixtures();

  private PluginFixture fixture;

  @Test
  void roundsTheBudgetLeftRunAfterTheRegistrationAndLeaveNoTrace() throws IOException {
    fixture = fixtures.open("h100x8");
    DevicePluginService service;
    List<String> background;
    try (LogCapture log = new LogCapture(BackgroundWarmUp.class)) {
      // the budget covers the early round and the first one only (they always complete)
      service = serviceWarmingUp(6, FIRST_ROUND_ONLY);
      fixture.kubelet.awaitRegistration(GPU);
      Await.until(
          "the background warm-up's line",
          () ->
              log.messages(Level.INFO).stream().anyMatch(m -> m.startsWith("warm-up-background")));
      background = log.messages(Level.INFO);
    }

    // the early round (synthetic GPUs, a temporary directory) and the first round
    assertThat(service.warmUp())
        .hasValueSatisfying(first -> assertThat(first.rounds()).isEqualTo(2));
    assertThat(background).singleElement().asString().contains("rounds=5").doesNotContain("Fail");
    assertThat(fixture.kubelet.registrations()).hasSize(1);
    assertThat(files())
        .containsExactlyInAnyOrder(
            "kubelet.sock", "gpu-agent-nvidia.com-gpu.sock", "gpu-agent.lock");
    assertThat(fixture.kubelet.plugin(GPU).awaitFirstList().getDevicesCount()).isEqualTo(8);
  }

  @Test
  void aKubeletRestartMidRoundIsNotTheWarmUpsFailure() throws IOException {
    fixture = fixtures.open("h100x8");
    List<String> background;
    try (LogCapture log = new LogCapture(BackgroundWarmUp.class)) {
      serviceWarmingUp(80, FIRST_ROUND_ONLY);
      fixture.kubelet.awaitRegistration(GPU);
      // rounds run back to back once the kubelet is quiet: one is in flight
      Await.until("a warm-up socket", () -> files().stream().anyMatch(f -> f.contains("warm-up")));
      fixture.kubelet.restart(); // deletes the round's sockets with ours

      Await.until("registered again", () -> fixture.kubelet.registrations().size() == 2);
      Await.until(
          "the background warm-up's line",
          Duration.ofSeconds(60),
          () ->
              log.messages(Level.INFO).stream().anyMatch(m -> m.startsWith("warm-up-background")));
      background = log.messages(Level.INFO);
    }

    // every round the budget left (80 less the first one), none stopped or reported as failed
    assertThat(background).singleElement().asString().contains("rounds=79").doesNotContain("Fail");
    assertThat(files()).noneMatch(file -> file.contains("warm-up"));
  }

  @Test
  void closingTheServiceStopsTheBackgroundWarmUp() throws IOException {
    fixture = fixtures.open("h100x8");
    DevicePluginService service = serviceWarmingUp(100_000, FIRST_ROUND_ONLY);
    fixture.kubelet.awaitRegistration(GPU);
    // past the quiet period: background rounds are running
    Await.until("a warm-up socket", () -> files().stream().anyMatch(f -> f.contains("warm-up")));

    service.close();

    assertThat(files()).noneMatch(file -> file.contains("warm-up"));
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(thread -> thread.getName().equals("deviceplugin-warm-up"));
  }

  private DevicePluginService serviceWarmingUp(int rounds, Duration budget) {
    DevicePluginService service =
        new DevicePluginService(
            DevicePluginConfig.defaults().withPluginDir(fixture.dir), FirstAvailableAllocator::new);
    service.warmUpBeforeRegistering(rounds, budget);
    return fixture.started(service);
  }

  /** The plugin directory's files, without the standby servers' directory (PluginEndpoints). */
  private List<String> files() {
    try (Stream<Path> files = Files.list(fixture.dir)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> !name.equals(PluginEndpoints.STANDBY_DIR))
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
