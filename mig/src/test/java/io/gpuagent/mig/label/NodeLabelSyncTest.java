package io.gpuagent.mig.label;

import static io.gpuagent.mig.label.MockCluster.NODE;
import static io.gpuagent.mig.label.NodeLabelSync.CONFIG_ANNOTATION;
import static io.gpuagent.mig.label.NodeLabelSync.CONFIG_LABEL;
import static io.gpuagent.mig.label.NodeLabelSync.REASON_ANNOTATION;
import static io.gpuagent.mig.label.NodeLabelSync.STATE_LABEL;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gpuagent.testing.Await;
import io.gpuagent.testing.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeLabelSyncTest {
  static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(100));

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

  private void startSync() {
    sync = new NodeLabelSync(cluster.newClient(), NODE, selector, FAST);
    sync.start();
    awaitLog(Level.INFO, "mig-label-watching");
  }

  private void awaitState(String state) {
    Await.until("state label " + state, () -> state.equals(cluster.label(STATE_LABEL)));
  }

  private void awaitLog(Level level, String prefix) {
    Await.until(
        "a log line starting " + prefix,
        () -> log.messages(level).stream().anyMatch(line -> line.startsWith(prefix)));
  }

  @Test
  void labelSetAppliesTheLayoutAndWritesSuccess() {
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());

    startSync();

    awaitState("success");
    assertThat(selector.calls()).containsExactly("all-1g.10gb");
    assertThat(cluster.annotation(REASON_ANNOTATION)).isEqualTo("applied all-1g.10gb on 8 GPUs");
    assertThat(cluster.annotation(CONFIG_ANNOTATION)).isEqualTo("all-1g.10gb");
    assertThat(log.messages(Level.INFO))
        .filteredOn(line -> line.startsWith("mig-label-state-written"))
        .extracting(line -> line.replaceAll(".* state=(\\w+).*", "$1"))
        .containsExactly("pending", "success");
  }

  @Test
  void unknownLayoutIsReportedAsFailedWithTheReason() {
    selector.answer("all-2g", SelectionOutcome.failure("no layout named all-2g in mig.configFile"));
    cluster.createNode(Map.of(CONFIG_LABEL, "all-2g"), Map.of());

    startSync();

    awaitState("failed");
    assertThat(cluster.annotation(REASON_ANNOTATION))
        .isEqualTo("no layout named all-2g in mig.configFile");
    assertThat(log.messages(Level.WARN))
        .anyMatch(line -> line.startsWith("mig-label-apply-failed") && line.contains("all-2g"));
  }

  @Test
  void longReasonIsTrimmedInTheAnnotation() {
    selector.answer("all-1g.10gb", SelectionOutcome.failure("GPU refused; ".repeat(500)));
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());

    startSync();

    awaitState("failed");
    assertThat(cluster.annotation(REASON_ANNOTATION))
        .hasSize(MigConfigState.MAX_REASON_CHARS)
        .endsWith("…");
  }

  @Test
  void labelChangedDuringAnApplyAppliesOnlyTheNewestValueAfterIt() {
    selector.hold("all-disabled");
    cluster.createNode(Map.of(CONFIG_LABEL, "all-disabled"), Map.of());
    startSync();
    Await.until("first apply running", () -> selector.calls().contains("all-disabled"));

    cluster.setLabel(CONFIG_LABEL, "all-1g.10gb");
    cluster.setLabel(CONFIG_LABEL, "all-3g.40gb");
    awaitLog(Level.INFO, "mig-label-changed node=gpu-node-1 from=all-1g.10gb to=all-3g.40gb");
    selector.release("all-disabled");

    Await.until(
        "newest applied",
        () ->
            "success".equals(cluster.label(STATE_LABEL))
                && "all-3g.40gb".equals(cluster.annotation(CONFIG_ANNOTATION)));
    assertThat(selector.calls()).containsExactly("all-disabled", "all-3g.40gb");
    assertThat(log.messages(Level.INFO))
        .anyMatch(
            line -> line.startsWith("mig-label-apply-superseded") && line.contains("all-disabled"))
        .noneMatch(
            line ->
                line.startsWith("mig-label-state-written")
                    && line.contains("state=success")
                    && line.contains("config=all-disabled"));
  }

  @Test
  void onlyItsOwnNodeIsReadAndWatched() throws InterruptedException {
    cluster.createNode("cpu-node-7", Map.of(CONFIG_LABEL, "all-7g.80gb"), Map.of());
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    startSync();
    awaitState("success");

    cluster.setLabel("cpu-node-7", CONFIG_LABEL, "all-3g.40gb");
    cluster.setLabel(CONFIG_LABEL, "all-2g.20gb");
    Await.until("own change applied", () -> selector.calls().size() == 2);

    assertThat(selector.calls()).containsExactly("all-1g.10gb", "all-2g.20gb");
    List<String> paths = new ArrayList<>();
    for (int i = cluster.server().getRequestCount(); i > 0; i--) {
      paths.add(cluster.server().takeRequest().getPath());
    }
    // every read of the node collection (the watch) is narrowed to this node
    assertThat(paths)
        .filteredOn(path -> path.startsWith("/api/v1/nodes?"))
        .isNotEmpty()
        .allMatch(path -> path.contains("watch=true"))
        .allMatch(path -> path.contains("fieldSelector=metadata.name%3Dgpu-node-1"));
  }

  @Test
  void nodeWithoutTheLabelIsLeftAloneUntilTheLabelIsSet() {
    cluster.createNode(Map.of("kubernetes.io/hostname", NODE), Map.of());

    startSync();
    awaitLog(Level.INFO, "mig-label-absent node=gpu-node-1");
    assertThat(selector.calls()).isEmpty();
    assertThat(cluster.label(STATE_LABEL)).isNull();

    cluster.setLabel(CONFIG_LABEL, "all-1g.10gb");
    awaitState("success");
    assertThat(selector.calls()).containsExactly("all-1g.10gb");
    assertThat(log.messages(Level.INFO))
        .filteredOn(l -> l.startsWith("mig-label-absent"))
        .hasSize(1);
  }

  @Test
  void labelRemovedLeavesTheLayoutAlone() {
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    startSync();
    awaitState("success");

    cluster.removeLabel(CONFIG_LABEL);

    awaitLog(Level.INFO, "mig-label-removed node=gpu-node-1 previous=all-1g.10gb");
    assertThat(selector.calls()).containsExactly("all-1g.10gb");
    assertThat(cluster.label(STATE_LABEL)).isEqualTo("success");
  }

  @Test
  void restartWithTheSameConfigAlreadyAppliedRechecksWithoutGoingThroughPending() {
    cluster.createNode(
        Map.of(CONFIG_LABEL, "all-1g.10gb", STATE_LABEL, "success"),
        Map.of(CONFIG_ANNOTATION, "all-1g.10gb", REASON_ANNOTATION, "applied before the restart"));

    startSync();
    awaitLog(Level.INFO, "mig-label-applied node=gpu-node-1 config=all-1g.10gb");
    cluster.setLabel(CONFIG_LABEL, "all-2g.20gb");
    Await.until(
        "second layout applied",
        () ->
            "all-2g.20gb".equals(cluster.annotation(CONFIG_ANNOTATION))
                && "success".equals(cluster.label(STATE_LABEL)));

    assertThat(selector.calls()).containsExactly("all-1g.10gb", "all-2g.20gb");
    assertThat(log.messages(Level.INFO))
        .filteredOn(line -> line.startsWith("mig-label-state-written"))
        .allMatch(line -> line.contains("config=all-2g.20gb"));
  }

  @Test
  void restartAfterAFailureAppliesAgain() {
    cluster.createNode(
        Map.of(CONFIG_LABEL, "all-1g.10gb", STATE_LABEL, "failed"),
        Map.of(CONFIG_ANNOTATION, "all-1g.10gb"));

    startSync();

    awaitState("success");
    assertThat(selector.calls()).containsExactly("all-1g.10gb");
  }

  @Test
  void closeStopsTheWatchAndTheThreads() {
    cluster.createNode(Map.of(CONFIG_LABEL, "all-1g.10gb"), Map.of());
    startSync();
    awaitState("success");

    Await.returns("close", sync::close);

    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(thread -> thread.getName().startsWith("mig-node-label-"))
        .isEmpty();
    cluster.setLabel(CONFIG_LABEL, "all-2g.20gb");
    assertThat(cluster.label(STATE_LABEL)).isEqualTo("success");
    assertThat(selector.calls()).containsExactly("all-1g.10gb");
  }
}
