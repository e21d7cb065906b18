package io.gpuagent.mig.label;

import static io.gpuagent.mig.label.MockCluster.NODE;
import static io.gpuagent.mig.label.NodeLabelSync.CONFIG_LABEL;
import static io.gpuagent.mig.label.NodeLabelSync.STATE_LABEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.gpuagent.testing.Await;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client the agent creates: found the way kubectl finds a cluster, closed with the sync. */
class NodeLabelSyncFactoryTest {
  private final MockCluster cluster = new MockCluster();
  private final Map<String, String> savedProperties = new HashMap<>();

  @AfterEach
  void restore() {
    savedProperties.forEach(
        (key, value) -> {
          if (value == null) {
            System.clearProperty(key);
          } else {
            System.setProperty(key, value);
          }
        });
    cluster.close();
  }

  private void setProperty(String key, String value) {
    savedProperties.put(key, System.getProperty(key));
    System.setProperty(key, value);
  }

  @Test
  void inClusterSyncFindsTheApiServerFromTheClientConfiguration() {
    // fabric8 reads these where a pod has its service account and a laptop its kubeconfig
    setProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, cluster.server().url("/"));
    setProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
    setProperty(Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY, "false");
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    FakeSelector selector = new FakeSelector();

    try (NodeLabelSync sync = NodeLabelSync.inCluster(NODE, selector)) {
      sync.start();
      Await.until("applied", () -> "success".equals(cluster.label(STATE_LABEL)));
    }

    assertThat(selector.calls()).containsExactly("all-1g.10gb");
  }
}
