package io.gpuagent.deviceplugin.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharingRuleTest {
  private static final long GIB = 1L << 30;

  private static List<SharingRule> parse(Object raw) {
    return SharingConfig.GPUS.type().parse(raw);
  }

  @Test
  void theIssuesExampleReadsAsTwoRules() {
    List<SharingRule> rules =
        parse(
            List.of(
                Map.of(
                    "select", Map.of("indexes", List.of(0, 1)),
                    "mode", "memory-slices",
                    "sliceSize", "1GiB",
                    "reserve", "2GiB",
                    "enforcement", "observe"),
                Map.of(
                    "select", Map.of("indexes", List.of(2)), "mode", "replicas", "replicas", 4)));

    assertThat(rules)
        .containsExactly(
            new SharingRule(
                new GpuSelector.Indexes(List.of(0, 1)),
                SharingMode.MEMORY_SLICES,
                GIB,
                2 * GIB,
                Enforcement.OBSERVE,
                0),
            new SharingRule(
                new GpuSelector.Indexes(List.of(2)),
                SharingMode.REPLICAS,
                0,
                0,
                Enforcement.OBSERVE,
                4));
    assertThat(SharingConfig.GPUS.type().format(rules))
        .isEqualTo(
            "[{select: {indexes: [0, 1]}, mode: memory-slices, sliceSize: 1GiB, reserve: 2GiB,"
                + " enforcement: observe}, {select: {indexes: [2]}, mode: replicas, replicas: 4,"
                + " enforcement: observe}]");
  }

  @Test
  void sliceSizeDefaultsTo1GiBAndAModelOrUuidsSelect() {
    List<SharingRule> rules =
        parse(
            List.of(
                Map.of("select", Map.of("model", "NVIDIA H100 80GB HBM3"), "mode", "memory-slices"),
                Map.of(
                    "select",
                    Map.of("uuids", List.of("MIG-1234")),
                    "mode",
                    "replicas",
                    "replicas",
                    2,
                    "enforcement",
                    "mps")));

    assertThat(rules.get(0).sliceBytes()).isEqualTo(GIB);
    assertThat(rules.get(0).reserveBytes()).isZero();
    assertThat(rules.get(1).select()).isEqualTo(new GpuSelector.Uuids(List.of("MIG-1234")));
  }

  @Test
  void badRulesAreRefusedWithOneReason() {
    assertRefused(
        Map.of("select", Map.of("indexes", List.of(0)), "mode", "memory-slices", "sliceSize", "0B"),
        "item 1: sliceSize '0B' must be at least 64MiB");
    assertRefused(
        Map.of(
            "select", Map.of("indexes", List.of(0)), "mode", "memory-slices", "sliceSize", "1GB"),
        "item 1: sliceSize '1GB' must be a size with a binary unit");
    assertRefused(
        Map.of("select", Map.of("indexes", List.of(0)), "mode", "memory-slice"),
        "item 1: mode 'memory-slice' must be one of exclusive, replicas, memory-slices");
    assertRefused(
        Map.of("select", Map.of("indexes", List.of(0)), "mode", "replicas"),
        "item 1: mode replicas needs replicas");
    assertRefused(
        Map.of(
            "select",
            Map.of("indexes", List.of(0)),
            "mode",
            "replicas",
            "replicas",
            2,
            "enforcement",
            "kill"),
        "item 1: enforcement kill needs a memory quota");
    assertRefused(
        Map.of("select", Map.of("indexes", List.of(0)), "mode", "memory-slices", "replica", 2),
        "item 1: unknown field 'replica'");
    assertRefused(
        Map.of("select", Map.of("indexes", List.of(0), "model", "x"), "mode", "replicas"),
        "item 1: select must be a mapping with exactly one of indexes, uuids, model");
    assertRefused(
        Map.of("select", Map.of("uuids", List.of("0")), "mode", "replicas", "replicas", 2),
        "item 1: select.uuids has '0', not a GPU-… or MIG-… UUID");
  }

  @Test
  void aGpuSelectedTwiceIsRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    List.of(
                        Map.of("select", Map.of("indexes", List.of(0, 1)), "mode", "memory-slices"),
                        Map.of(
                            "select",
                            Map.of("indexes", List.of(1)),
                            "mode",
                            "replicas",
                            "replicas",
                            2))))
        .hasMessage("selects GPU index 1 in items 1 and 2: a GPU is shared in one mode");
  }

  @Test
  void theEnvironmentCannotWriteTheRules() {
    assertThatThrownBy(() -> parse("[]"))
        .hasMessageContaining("must be a list of mappings")
        .hasMessageContaining("set in the config file");
  }

  private static void assertRefused(Map<String, Object> item, String reason) {
    assertThatThrownBy(() -> parse(List.of(item)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(reason);
  }
}
