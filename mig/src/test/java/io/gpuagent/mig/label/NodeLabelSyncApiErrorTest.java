package io.gpuagent.mig.label;

import static io.gpuagent.mig.label.MockCluster.NODE;
import static io.gpuagent.mig.label.NodeLabelSync.CONFIG_LABEL;
import static io.gpuagent.mig.label.NodeLabelSync.STATE_LABEL;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gpuagent.testing.Await;
import io.gpuagent.testing.LogCapture;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API server says no, has no such node, or does not answer: log lines and retries, no crash.
 */
class NodeLabelSyncApiErrorTest {
  private static final String NODE_PATH = "/api/v1/nodes/" + NODE;

  private final MockCluster cluster = new MockCluster();
  private final FakeSelector selector = new FakeSelector();
  private LogCapture log;
  private NodeLabelSync sync;

  @BeforeEach
  void captureLog() {
    log = new LogCapture(NodeLabelSync.class);
  }

  @AfterEach
  void stop() {
    if (sync != null) {
      sync.close();
    }
    log.close();
    cluster.close();
  }

  private void startSync(KubernetesClient client) {
    sync = new NodeLabelSync(client, NODE, selector, NodeLabelSyncTest.FAST);
    sync.start();
  }

  private void awaitApiErrors(int count, String fragment) {
    Await.until(
        count + " api errors with " + fragment,
        () ->
            log.messages(Level.WARN).stream()
                    .filter(line -> line.startsWith("mig-label-api-error"))
                    .filter(line -> line.contains(fragment))
                    .count()
                >= count);
  }

  private static Status forbidden(String verb) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withCode(403)
        .withReason("Forbidden")
        .withMessage(
            "nodes \""
                + NODE
                + "\" is forbidden: User \"system:serviceaccount:gpu-agent:gpu-agent\" cannot "
                + verb
                + " resource \"nodes\" in API group \"\" at the cluster scope")
        .build();
  }

  @Test
  void missingNodeIsRetriedUntilItAppears() {
    startSync(cluster.newClient());

    awaitApiErrors(2, "operation=get status=404 reason=node not found");
    assertThat(selector.calls()).isEmpty();

    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    Await.until("applied", () -> "success".equals(cluster.label(STATE_LABEL)));
    assertThat(selector.calls()).containsExactly("all-1g.10gb");
  }

  @Test
  void forbiddenReadIsLoggedAndRetried() {
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    cluster.server().expect().get().withPath(NODE_PATH).andReturn(403, forbidden("get")).times(2);

    startSync(cluster.newClient());

    awaitApiErrors(2, "operation=get status=403 reason=forbidden");
    Await.until("applied", () -> "success".equals(cluster.label(STATE_LABEL)));
    assertThat(log.messages(Level.WARN))
        .filteredOn(line -> line.startsWith("mig-label-api-error"))
        .hasSize(2)
        .allMatch(line -> line.contains("reason=forbidden: RBAC lacks get/watch/patch on nodes"))
        .allMatch(line -> line.contains("cannot get resource \"nodes\""))
        .anyMatch(line -> line.endsWith("attempt=1 retryInMs=10"))
        .anyMatch(line -> line.endsWith("attempt=2 retryInMs=20"));
  }

  @Test
  void forbiddenPatchIsRetriedWithTheNewestState() {
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    cluster.server().expect().patch().withPath(NODE_PATH).andReturn(403, forbidden("patch")).once();

    startSync(cluster.newClient());

    Await.until("applied", () -> "success".equals(cluster.label(STATE_LABEL)));
    assertThat(log.messages(Level.WARN))
        .filteredOn(line -> line.startsWith("mig-label-api-error"))
        .singleElement()
        .asString()
        .contains("operation=patch status=403");
  }

  @Test
  void unreachableApiServerIsLoggedAndRetriedWithoutApplying() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    KubernetesClient unreachable =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + closedPort)
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
    try {
      startSync(unreachable);

      awaitApiErrors(3, "operation=get status=0 reason=API server unreachable");
      assertThat(selector.calls()).isEmpty();
      Await.returns("close", sync::close);
    } finally {
      unreachable.close();
    }
  }

  @Test
  void watchTheServerEndsWithGoneIsReplacedByAFreshReadAndWatch() {
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    String resourceVersion =
        cluster.newClient().nodes().withName(NODE).get().getMetadata().getResourceVersion();
    cluster
        .server()
        .expect()
        .get()
        .withPath(
            "/api/v1/nodes?allowWatchBookmarks=true&fieldSelector=metadata.name%3D"
                + NODE
                + "&resourceVersion="
                + resourceVersion
                + "&watch=true")
        .andUpgradeToWebSocket()
        .open()
        .immediately()
        .andEmit(
            new WatchEvent(
                new StatusBuilder()
                    .withStatus("Failure")
                    .withCode(410)
                    .withReason("Expired")
                    .withMessage("too old resource version")
                    .build(),
                "ERROR"))
        .done()
        .once();

    startSync(cluster.newClient());
    Await.until(
        "watch replaced",
        () ->
            log.messages(Level.INFO).stream()
                    .filter(line -> line.startsWith("mig-label-watching"))
                    .count()
                >= 2);
    cluster.setLabel(CONFIG_LABEL, "all-2g.20gb");

    Await.until(
        "change after the new watch applied",
        () ->
            selector.calls().contains("all-2g.20gb")
                && "success".equals(cluster.label(STATE_LABEL)));
    assertThat(log.messages(Level.INFO))
        .anyMatch(line -> line.startsWith("mig-label-watch-closed"));
  }

  @Test
  void selectorBugIsReportedAsFailedAndLoggedWithItsStack() {
    LayoutSelector broken =
        layout -> {
          throw new IllegalStateException("bug in the manager");
        };
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    sync = new NodeLabelSync(cluster.newClient(), NODE, broken, NodeLabelSyncTest.FAST);
    sync.start();

    Await.until("failed", () -> "failed".equals(cluster.label(STATE_LABEL)));
    assertThat(cluster.annotation(NodeLabelSync.REASON_ANNOTATION))
        .isEqualTo(
            "internal error applying all-1g.10gb: java.lang.IllegalStateException: bug in the"
                + " manager");
    assertThat(log.messages(Level.ERROR))
        .containsExactly("mig-label-selector-failed node=gpu-node-1 config=all-1g.10gb");
  }

  @Test
  void nodeDeletedAndRegisteredAgainIsWatchedAgain() {
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    startSync(cluster.newClient());
    Await.until("applied", () -> "success".equals(cluster.label(STATE_LABEL)));

    cluster.deleteNode();
    Await.until(
        "deletion seen",
        () -> log.messages(Level.WARN).contains("mig-label-node-deleted node=gpu-node-1"));
    cluster.createNode(Map.of(CONFIG_LABEL, "all-2g.20gb"), Map.of());

    Await.until("applied again", () -> "success".equals(cluster.label(STATE_LABEL)));
    assertThat(selector.calls()).containsExactly("all-1g.10gb", "all-2g.20gb");
  }
}
