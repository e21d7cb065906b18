package io.gpuagent.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The chart never ships a config the agent rejects: the rendered config.yaml, with the files of the
 * ConfigMaps mounted beside it and the container's environment, goes through the agent's own {@link
 * ConfigLoader}, which stops the real agent with exit 2 on any mistake.
 */
class AgentConfigTest {
  private static final String NODE = "gpu-node-1";

  @TempDir Path scratch;

  @ParameterizedTest
  @EnumSource(Toggle.class)
  void theAgentLoadsTheRenderedConfig(Toggle toggle) throws IOException {
    assumeThat(toggle.agentConfigUnchecked()).as("why %s is not checked", toggle).isEmpty();
    Rendering rendering = toggle.render(scratch);
    Path root = scratch.resolve("container");
    mountConfigMaps(rendering, root);
    List<String> args = rendering.container().getArgs();
    assertThat(args).containsSubsequence("run", "--config");
    Path configFile = inContainer(root, args.get(args.indexOf("--config") + 1));

    AgentConfig config =
        new ConfigLoader(environment(rendering), Set.of(), () -> "host-name")
            .load(Optional.of(configFile), List.of());

    assertThat(config.nodeName()).as("node name from the downward API").isEqualTo(NODE);
    assertThat(config.http().port())
        .isEqualTo(rendering.container().getPorts().get(0).getContainerPort());
    assertThat(config.devicePlugin().isPresent())
        .as("device plugin on iff its socket directory is mounted")
        .isEqualTo(rendering.mount("device-plugins").isPresent());
    assertThat(config.podResources().isPresent())
        .as("pod attribution on iff the podresources socket is mounted")
        .isEqualTo(rendering.mount("pod-resources").isPresent());
  }

  /** Writes every ConfigMap volume's files where the container would see them, under root. */
  private static void mountConfigMaps(Rendering rendering, Path root) throws IOException {
    for (Volume volume : rendering.pod().getVolumes()) {
      if (volume.getConfigMap() == null) {
        continue;
      }
      ConfigMap map =
          rendering.named(ConfigMap.class, volume.getConfigMap().getName()).orElseThrow();
      VolumeMount mount = rendering.mount(volume.getName()).orElseThrow();
      Path dir = inContainer(root, mount.getMountPath());
      Files.createDirectories(dir);
      for (Map.Entry<String, String> file : map.getData().entrySet()) {
        String text = file.getValue().replace("/etc/gpu-agent/", root + "/etc/gpu-agent/");
        Files.writeString(dir.resolve(file.getKey()), text);
      }
    }
  }

  private static Path inContainer(Path root, String absolute) {
    return root.resolve(absolute.substring(1));
  }

  /** The environment the agent sees in the container; the downward API's values are this node's. */
  private static Map<String, String> environment(Rendering rendering) {
    Map<String, String> env = new TreeMap<>();
    for (EnvVar variable : rendering.container().getEnv()) {
      env.put(variable.getName(), variable.getValueFrom() == null ? variable.getValue() : NODE);
    }
    // bin/gpu-agent, the image's entrypoint, takes its own variables out before the agent reads
    // the environment.
    env.remove("GPU_AGENT_JAVA_OPTS");
    env.remove("GPU_AGENT_JAR");
    return env;
  }
}
