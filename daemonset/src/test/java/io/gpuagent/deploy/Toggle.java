package io.gpuagent.deploy;

import io.gpuagent.agent.config.AgentConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The values every test renders: the defaults, each example of values/ and each feature toggle on
 * its own. {@link #agentConfigUnchecked} lists, in one place, the toggles whose config.yaml the
 * agent's loader cannot check, and why.
 */
enum Toggle {
  DEFAULTS(List.of(), ""),
  EXPORTER_ONLY(List.of("exporter-only.yaml"), ""),
  DEVICE_PLUGIN_OFF(List.of(), "devicePlugin: {enabled: false}"),
  POD_RESOURCES_OFF(List.of(), "podResources: {enabled: false}"),
  GPU_OPERATOR_DRIVER_ROOT(List.of("gpu-operator.yaml"), ""),
  RENAMED_RESOURCES(List.of("renamed-resources.yaml"), ""),
  RUNTIME_CLASS(List.of(), "runtimeClassName: nvidia"),
  COUNTERS_CSV(
      List.of(),
      """
      metrics:
        countersCsv: |
          # Format: DCGM field, Prometheus metric type, help message
          DCGM_FI_DEV_GPU_UTIL, gauge, GPU utilization (in %).
          DCGM_FI_DEV_FB_USED, gauge, Framebuffer memory used (in MiB).
      """),
  SERVICE_OFF(List.of(), "service: {enabled: false}"),
  SERVICE_MONITOR(List.of(), "serviceMonitor: {enabled: true}"),
  PROMETHEUS_RULE(List.of(), "prometheusRule: {enabled: true}"),
  MONITORING(List.of("monitoring.yaml"), ""),
  JAVA_OPTS(List.of(), "javaOpts: -XX:+PrintFlagsFinal"),
  MIG_LAYOUTS(List.of("mig.yaml"), "mig: {nodeLabel: false}"),
  MIG_NODE_LABEL(List.of("mig.yaml"), ""),
  SHARING(List.of("sharing.yaml"), ""),
  SHARING_MPS(
      List.of(),
      """
      sharing:
        gpus:
          - select: {indexes: [0, 1]}
            mode: memory-slices
            sliceSize: 2GiB
            enforcement: mps
      """);

  private final List<String> examples;
  private final String inline;

  Toggle(List<String> examples, String inline) {
    this.examples = examples;
    this.inline = inline;
  }

  /**
   * Why the agent's config loader cannot check this toggle's config.yaml; empty: it can. The MIG
   * and sharing toggles are checked as soon as this agent declares their keys.
   */
  Optional<String> agentConfigUnchecked() {
    List<String> keys =
        switch (this) {
          case MIG_LAYOUTS -> List.of("mig.configFile", "mig.selected");
          case MIG_NODE_LABEL -> List.of("mig.configFile", "mig.selected", "mig.nodeLabel");
          case SHARING -> List.of("sharing.gpus", "quota.procRoot");
          case SHARING_MPS -> List.of("sharing.gpus", "sharing.mps.pipeRoot", "quota.procRoot");
          default -> List.of();
        };
    List<String> missing =
        keys.stream().filter(key -> AgentConfig.SCHEMA.byPath(key).isEmpty()).toList();
    return missing.isEmpty()
        ? Optional.empty()
        : Optional.of("keys of another issue not in this agent yet: " + missing);
  }

  /** The values files, in order, that {@code helm template -f …} takes for this toggle. */
  List<Path> valuesFiles(Path scratch) {
    List<Path> files = new ArrayList<>();
    examples.forEach(name -> files.add(Chart.EXAMPLES.resolve(name)));
    if (!inline.isEmpty()) {
      try {
        Path file = scratch.resolve(name().toLowerCase() + ".yaml");
        Files.writeString(file, inline);
        files.add(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return files;
  }

  Rendering render(Path scratch) {
    return new Rendering(Chart.template(valuesFiles(scratch)));
  }
}
