package io.gpuagent.mig;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every layout of the GPU operator's default config on the simulated A100-SXM4-80GB and H100 80GB
 * nodes: applied, or refused with the hardware's reason; the instances are those of NVIDIA's
 * published profile tables (REFERENCE.md).
 */
class DefaultConfigOnSimulatedNodesTest {

  /** Published: profile id, memory slices, start positions (A100 and H100 80 GB alike). */
  private record Published(int id, int size, Set<Integer> starts) {}

  private static final Map<String, Published> TABLE =
      Map.of(
          "1g.10gb", new Published(19, 1, Set.of(0, 1, 2, 3, 4, 5, 6)),
          "1g.10gb+me", new Published(20, 1, Set.of(0, 1, 2, 3, 4, 5, 6)),
          "1g.20gb", new Published(15, 2, Set.of(0, 2, 4, 6)),
          "2g.20gb", new Published(14, 2, Set.of(0, 2, 4)),
          "3g.40gb", new Published(9, 4, Set.of(0, 4)),
          "4g.40gb", new Published(5, 4, Set.of(0)),
          "7g.80gb", new Published(0, 8, Set.of(0)));

  /** Published memory of real H100 instances, MiB (REFERENCE.md). */
  private static final Map<String, Long> H100_MEMORY_MIB =
      Map.of("1g.10gb", 9984L, "2g.20gb", 20096L, "3g.40gb", 40448L);

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"a100-mig", "h100x8"})
  void everyLayoutAppliesOrIsRefusedWithTheHardwaresReason(String profile) throws IOException {
    SimulatedNode node = MigFixtures.node(profile);
    MigConfigFile file = MigFixtures.defaultConfig();
    MigManager manager = manager(node, copyFixture(dir));
    Set<String> applied = new TreeSet<>();
    Set<String> refused = new TreeSet<>();

    for (String layout : file.layouts().keySet()) {
      ApplyReport report = manager.apply(layout);
      for (GpuOutcome gpu : report.gpus()) {
        String what = layout + " on GPU " + gpu.index() + ": " + gpu.reason();
        assertThat(gpu.outcome())
            .as(what)
            .isIn(
                GpuOutcome.Outcome.APPLIED,
                GpuOutcome.Outcome.UNCHANGED,
                GpuOutcome.Outcome.KEPT,
                GpuOutcome.Outcome.REFUSED);
        if (gpu.outcome() == GpuOutcome.Outcome.REFUSED) {
          assertThat(gpu.reason())
              .as(what)
              .startsWith(layout + "[")
              .containsPattern(
                  "has no MIG profile|allows at most|memory slices; |compute slices; |fits no"
                      + " arrangement|allows one");
          assertThat(gpu.layout()).as(what).isEqualTo(gpu.layout());
          refused.add(layout);
        } else {
          checkAgainstPublishedTable(node, file, layout, gpu, profile);
          applied.add(layout);
        }
      }
    }

    assertThat(applied)
        .contains(
            "all-disabled",
            "all-enabled",
            "all-1g.10gb",
            "all-1g.10gb.me",
            "all-1g.20gb",
            "all-2g.20gb",
            "all-3g.40gb",
            "all-4g.40gb",
            "all-7g.80gb",
            "all-balanced");
    assertThat(refused).contains("all-1g.5gb", "all-1g.24gb.gfx", "all-2g.48gb-me");
  }

  private static void checkAgainstPublishedTable(
      SimulatedNode node, MigConfigFile file, String layout, GpuOutcome outcome, String profile) {
    NvmlDevice gpu = node.deviceByIndex(outcome.index());
    GpuLayout now = GpuLayout.read(gpu);
    Optional<MigConfigEntry> entry =
        file.layout(layout).stream()
            .filter(e -> e.selects(now.index(), now.pciDeviceId()))
            .reduce((first, second) -> second);
    if (entry.isEmpty()) {
      return;
    }
    assertThat(now.migEnabled()).as(layout).isEqualTo(entry.get().migEnabled());
    List<String> wanted = new ArrayList<>();
    entry
        .get()
        .migDevices()
        .forEach((name, count) -> wanted.addAll(java.util.Collections.nCopies(count, name)));
    assertThat(now.profiles()).as(layout).containsExactlyInAnyOrderElementsOf(wanted);
    for (MigInstance instance : now.instances()) {
      Published published = TABLE.get(instance.profile());
      assertThat(published).as(layout + " " + instance).isNotNull();
      assertThat(instance.profileId()).as(layout + " " + instance).isEqualTo(published.id());
      assertThat(instance.placement().size())
          .as(layout + " " + instance)
          .isEqualTo(published.size());
      assertThat(published.starts())
          .as(layout + " " + instance)
          .contains(instance.placement().start());
    }
    List<NvmlDevice> migDevices = gpu.migDevices();
    assertThat(migDevices).as(layout).hasSize(wanted.size());
    if (profile.equals("h100x8")) {
      for (NvmlDevice device : migDevices) {
        String name = device.name().replaceAll(".*MIG ", "");
        Long mib = H100_MEMORY_MIB.get(name);
        if (mib != null) {
          assertThat(device.memoryInfo().totalBytes()).as(layout + " " + name).isEqualTo(mib << 20);
        }
      }
    }
  }

  static MigManager manager(SimulatedNode node, Path file) {
    return new MigManager(
        node,
        new MigConfig(Optional.of(file), Optional.empty(), true, Duration.ZERO, false),
        GpuDrain.NONE,
        gpu -> node.resetGpu(gpu.uuid()),
        Clock.systemUTC());
  }

  static Path copyFixture(Path dir) throws IOException {
    Path file = dir.resolve("config.yaml");
    try (InputStream in = MigFixtures.class.getResourceAsStream(MigFixtures.DEFAULT_CONFIG)) {
      Files.copy(in, file);
    }
    return file;
  }
}
