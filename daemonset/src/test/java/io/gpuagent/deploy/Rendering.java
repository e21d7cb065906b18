package io.gpuagent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;

/** One {@code helm template} output, parsed strictly, with the parts tests look at. */
record Rendering(String yaml, List<HasMetadata> objects) {
  Rendering(String yaml) {
    this(yaml, StrictObjects.parse(yaml));
  }

  <T extends HasMetadata> List<T> all(Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  <T extends HasMetadata> Optional<T> named(Class<T> kind, String name) {
    return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  DaemonSet daemonSet() {
    List<DaemonSet> sets = all(DaemonSet.class);
    assertThat(sets).as("DaemonSets").hasSize(1);
    return sets.get(0);
  }

  PodSpec pod() {
    return daemonSet().getSpec().getTemplate().getSpec();
  }

  Container container() {
    assertThat(pod().getContainers()).hasSize(1);
    return pod().getContainers().get(0);
  }

  /** The host paths the pod mounts, by volume name. */
  Map<String, String> hostPaths() {
    return pod().getVolumes().stream()
        .filter(v -> v.getHostPath() != null)
        .collect(
            java.util.stream.Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
  }

  Optional<VolumeMount> mount(String volume) {
    return container().getVolumeMounts().stream()
        .filter(m -> m.getName().equals(volume))
        .findFirst();
  }

  /** The text of the agent's config.yaml. */
  String agentConfigText() {
    ConfigMap config = named(ConfigMap.class, Chart.RELEASE + "-config").orElseThrow();
    return config.getData().get("config.yaml");
  }

  Map<String, Object> agentConfig() {
    return new Yaml().load(agentConfigText());
  }

  boolean privileged() {
    var context = container().getSecurityContext();
    return context != null && Boolean.TRUE.equals(context.getPrivileged());
  }
}
