package io.gpuagent.mig.label;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock API server in CRUD mode (nodes are stored, patched and watched as by a real API
 * server), with room for scripted answers (a 403) in front of it, and the test's own client.
 */
final class MockCluster implements AutoCloseable {
  static final String NODE = "gpu-node-1";

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<KubernetesClient> otherClients = new ArrayList<>();

  /** The mock server logs every request through java.util.logging at INFO: kept to warnings. */
  private static final java.util.logging.Logger MOCK_SERVER_LOG = quiet("io.fabric8.mockwebserver");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(java.util.logging.Level.WARNING);
    return logger;
  }

  MockCluster() {
    MOCK_SERVER_LOG.getLevel(); // initialised before the server logs
    Map<ServerRequest, Queue<ServerResponse>> scripted = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            scripted,
            new KubernetesMixedDispatcher(scripted),
            false);
    server.init();
    client = server.createClient();
  }

  KubernetesMockServer server() {
    return server;
  }

  /** A client of its own for the sync (closed with the cluster): the sync does not close it. */
  KubernetesClient newClient() {
    KubernetesClient other = server.createClient();
    otherClients.add(other);
    return other;
  }

  void createNode(Map<String, String> labels, Map<String, String> annotations) {
    createNode(NODE, labels, annotations);
  }

  void createNode(String name, Map<String, String> labels, Map<String, String> annotations) {
    client
        .nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(new HashMap<>(labels))
                .withAnnotations(new HashMap<>(annotations))
                .endMetadata()
                .build())
        .create();
  }

  void deleteNode() {
    client.nodes().withName(NODE).delete();
  }

  /** Sets one label the way kubectl label does: a merge patch, not a read-modify-write. */
  void setLabel(String key, String value) {
    setLabel(NODE, key, value);
  }

  void setLabel(String node, String key, String value) {
    patchLabel(node, key, '"' + value + '"');
  }

  void removeLabel(String key) {
    patchLabel(NODE, key, "null");
  }

  private void patchLabel(String node, String key, String jsonValue) {
    client
        .nodes()
        .withName(node)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"labels\":{\"" + key + "\":" + jsonValue + "}}}");
  }

  /** The node's label {@code key}, null when the node or the label is missing. */
  String label(String key) {
    Node node = client.nodes().withName(NODE).get();
    return node == null || node.getMetadata().getLabels() == null
        ? null
        : node.getMetadata().getLabels().get(key);
  }

  String annotation(String key) {
    Node node = client.nodes().withName(NODE).get();
    return node == null || node.getMetadata().getAnnotations() == null
        ? null
        : node.getMetadata().getAnnotations().get(key);
  }

  @Override
  public void close() {
    otherClients.forEach(KubernetesClient::close);
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // Vert.x closes the server gracefully and the mock gives it 10 s: on a loaded build machine
      // a connection the JDK client keeps alive can outlast that, after the test has passed
      System.err.println("mock API server closed late: " + e.getMessage());
    }
  }
}
