package io.gpuagent.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import org.junit.jupiter.api.Test;

/** The strict parser rejects what the API server's strict field validation would. */
class StrictObjectsTest {
  private static final String DAEMON_SET =
      """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: a}
      spec:
        selector: {matchLabels: {app: a}}
        template:
          metadata: {labels: {app: a}}
          spec:
            containers:
              - name: a
                image: a
                %s
      """;

  @Test
  void parsesAKnownKindIntoItsModelClass() {
    var objects = StrictObjects.parse(DAEMON_SET.formatted("imagePullPolicy: Always"));

    assertThat(objects).singleElement().isInstanceOf(DaemonSet.class);
    DaemonSet set = (DaemonSet) objects.get(0);
    assertThat(set.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy())
        .isEqualTo("Always");
  }

  @Test
  void rejectsAnUnknownFieldDeepInAnObject() {
    assertThatThrownBy(() -> StrictObjects.parse(DAEMON_SET.formatted("imagePullPolicyy: Always")))
        .hasMessageContaining("imagePullPolicyy");
  }

  @Test
  void rejectsAValueOfTheWrongType() {
    assertThatThrownBy(() -> StrictObjects.parse(DAEMON_SET.formatted("ports: {containerPort: 1}")))
        .hasMessageContaining("ports");
  }

  @Test
  void rejectsADuplicateKey() {
    assertThatThrownBy(() -> StrictObjects.parse(DAEMON_SET.formatted("image: b")))
        .hasMessageContaining("duplicate key");
  }

  @Test
  void rejectsAKindTheChartDoesNotRender() {
    assertThatThrownBy(
            () -> StrictObjects.parse("apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n"))
        .hasMessageContaining("v1/Secret");
  }
}
