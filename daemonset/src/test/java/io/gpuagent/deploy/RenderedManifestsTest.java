package io.gpuagent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * manifests/gpu-agent.yaml is the chart rendered with its default values, for those who apply plain
 * manifests ({@code kubectl apply -f}); it must never drift from the chart.
 */
class RenderedManifestsTest {
  static final Path MANIFESTS = Path.of("manifests", "gpu-agent.yaml");
  private static final Path UPDATED = Path.of("target", "gpu-agent.yaml");
  static final String HEADER =
      """
      # gpu-agent: the Helm chart in ../chart/gpu-agent rendered with its default values
      # (release gpu-agent, namespace gpu-agent). Do not edit: RenderedManifestsTest checks it
      # and writes the fresh rendering to daemonset/target/gpu-agent.yaml when the chart changes.
      # Build and push the image first (daemonset/README.md), then:
      #   kubectl create namespace gpu-agent
      #   kubectl apply -f daemonset/manifests/gpu-agent.yaml
      """;

  @Test
  void manifestsAreTheChartRenderedWithItsDefaults() throws IOException {
    String expected = HEADER + Chart.template(List.of());
    String actual = Files.exists(MANIFESTS) ? Files.readString(MANIFESTS) : "";
    if (!expected.equals(actual)) {
      Files.createDirectories(UPDATED.getParent());
      Files.writeString(UPDATED, expected);
    }

    assertThat(actual)
        .as(
            "%s is out of step with the chart; the file as it should read is %s",
            MANIFESTS, UPDATED.toAbsolutePath())
        .isEqualTo(expected);
  }
}
