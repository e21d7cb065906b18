package io.gpuagent.agent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.deviceplugin.FakeKubelet.Registration;
import io.gpuagent.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A kubelet restarted under the running agent gets the agent's registration back at once. */
class AgentKubeletRestartTest {
  private static final String GPU = "nvidia.com/gpu";

  private AgentWithKubelet fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void registersAgainWithinOneSecondAfterEachOfFiveKubeletRestarts() {
    fixture = AgentWithKubelet.start("h100x8", "none");
    fixture.kubelet.awaitRegistration(GPU);

    for (int restart = 1; restart <= 5; restart++) {
      // Deletes every file in the directory, our sockets included, then makes kubelet.sock.
      fixture.kubelet.restart();
      int incarnation = fixture.kubelet.incarnation();

      Registration registration = fixture.kubelet.awaitRegistration(GPU);

      assertThat(fixture.dir.resolve(registration.request().getEndpoint())).exists();
      assertThat(fixture.kubelet.plugin(GPU).awaitFirstList().getDevicesCount())
          .as("restart %d", restart)
          .isEqualTo(8);
      assertThat(fixture.kubelet.registrations())
          .filteredOn(r -> r.incarnation() == incarnation)
          .as("restart %d: one registration", restart)
          .hasSize(1);
    }
    Await.until(
        "registered in /api/v1/devices",
        () ->
            fixture
                .devicePlugin()
                .getJsonArray("resources")
                .getJsonObject(0)
                .getBoolean("registered"));
    Await.until(
        "registered in /metrics",
        () ->
            fixture
                .metricLine("gpu_agent_device_plugin_registered{resource=\"nvidia.com/gpu\"}")
                .endsWith(" 1.0"));
    assertThat(fixture.get("/healthz").statusCode()).isEqualTo(200);
  }
}
