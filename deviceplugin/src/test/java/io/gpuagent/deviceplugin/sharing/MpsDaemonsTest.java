package io.gpuagent.deviceplugin.sharing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.testing.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MpsDaemonsTest {
  private static final String GPU = "GPU-0a0a0a0a-0000-4000-8000-000000000000";
  private static final SharedDevice SHARED =
      new SharedDevice(
          GPU, SharingMode.MEMORY_SLICES, Enforcement.MPS, 1L << 30, 77, "nvidia.com/gpu-memory");

  @TempDir Path dir;
  private MpsDaemons daemons;

  @AfterEach
  void close() {
    if (daemons != null) {
      daemons.close();
    }
  }

  private FakeMpsControl start() {
    FakeMpsControl control = FakeMpsControl.in(dir);
    daemons = new MpsDaemons(control.configure(SharingConfig.none()), Clock.systemUTC());
    daemons.update(Map.of(GPU, SHARED));
    return control;
  }

  /** The one daemon's status; before the first update ran, a stopped placeholder. */
  private MpsDaemonStatus status() {
    List<MpsDaemonStatus> all = daemons.status();
    assertThat(all).hasSizeLessThan(2);
    return all.isEmpty()
        ? new MpsDaemonStatus(
            GPU, MpsDaemonStatus.State.STOPPED, 0, Instant.EPOCH, Optional.empty())
        : all.get(0);
  }

  @Test
  void oneDaemonPerMpsDeviceBoundToItsGpuWithItsOwnPipeAndLog() throws IOException {
    FakeMpsControl control = start();

    Await.until("daemon up", () -> status().state() == MpsDaemonStatus.State.UP);
    assertThat(control.daemon(GPU)).isPresent();
    assertThat(control.startedWith(GPU))
        .isEqualTo(GPU + " " + dir.resolve("mps").resolve(GPU).resolve("log"));
  }

  @Test
  void aDaemonThatDiesIsRestarted() {
    FakeMpsControl control = start();
    Await.until("daemon up", () -> status().state() == MpsDaemonStatus.State.UP);
    ProcessHandle first = control.daemon(GPU).orElseThrow();

    first.destroy();

    Await.until(
        "daemon restarted",
        () -> status().restarts() == 1 && status().state() == MpsDaemonStatus.State.UP);
    assertThat(status().lastError()).hasValueSatisfying(e -> assertThat(e).endsWith("exited 1"));
    assertThat(control.daemon(GPU)).get().isNotEqualTo(first);
  }

  @Test
  void aControlProgramThatKeepsFailingIsRetriedWithGrowingWaits() throws IOException {
    FakeMpsControl control = FakeMpsControl.in(dir);
    control.failing(GPU, true);
    daemons = new MpsDaemons(control.configure(SharingConfig.none()), Clock.systemUTC());
    daemons.update(Map.of(GPU, SHARED));

    // 100, 200, 400 ms: the third restart comes after at least 700 ms of waiting
    Await.until("three restarts", () -> status().restarts() >= 3);
    assertThat(status().state()).isIn(MpsDaemonStatus.State.DOWN, MpsDaemonStatus.State.STARTING);

    control.failing(GPU, false);
    Await.until("daemon up", () -> status().state() == MpsDaemonStatus.State.UP);
  }

  @Test
  void aDeviceNoLongerSharedWithMpsHasItsDaemonQuit() {
    FakeMpsControl control = start();
    Await.until("daemon up", () -> status().state() == MpsDaemonStatus.State.UP);
    ProcessHandle daemon = control.daemon(GPU).orElseThrow();

    daemons.update(Map.of());

    Await.until("daemon gone", () -> daemons.status().isEmpty() && !daemon.isAlive());
  }
}
