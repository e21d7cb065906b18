package io.gpuagent.agent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.gpuagent.deviceplugin.PluginClient;
import io.gpuagent.testing.Await;
import io.gpuagent.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * XIDs injected through the simulator's event path reach the health module, and from it the
 * kubelet's ListAndWatch, {@code /api/v1/devices} and {@code /metrics}; probes bring the device
 * back.
 */
class AgentXidHealthTest {
  private AgentWithKubelet fixture;

  @AfterEach
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private JsonObject gpu(int index) {
    return fixture.devices().getJsonArray("devices").getJsonObject(index);
  }

  @Test
  void xid79MakesTheGpuUnhealthyEverywhereAndXid13IsOnlyCounted() {
    // No probes: nothing could bring the GPU back, so the state holds still for the assertions.
    fixture =
        AgentWithKubelet.start("h100x8", "none", Map.of("GPU_AGENT_HEALTH_PROBE_MODE", "never"));
    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/gpu");
    String gpu3 = gpu(3).getString("uuid");
    String gpu5 = gpu(5).getString("uuid");

    assertThat(
            fixture
                .send("POST", "/api/v1/sim/faults", "{\"device\":3,\"fault\":\"xid\",\"xid\":79}")
                .statusCode())
        .isEqualTo(201);
    assertThat(
            fixture
                .send("POST", "/api/v1/sim/faults", "{\"device\":5,\"fault\":\"xid\",\"xid\":13}")
                .statusCode())
        .isEqualTo(201);

    plugin.awaitList(
        "GPU 3 unhealthy",
        Duration.ofSeconds(2),
        list -> "Unhealthy".equals(PluginClient.healthById(list).get(gpu3)));
    Await.until(
        "XID 13 counted on GPU 5",
        () -> gpu(5).getJsonObject("healthDetail").getJsonObject("xidCounts").containsKey("13"));
    assertThat(gpu(3).getString("health")).isEqualTo("Unhealthy");
    assertThat(gpu(3).getString("healthReason")).isEqualTo("xid");
    assertThat(gpu(5).getString("health")).isEqualTo("Healthy");
    assertThat(gpu(5).getJsonObject("healthDetail").getLong("probeErrors")).isZero();
    assertThat(PluginClient.healthById(plugin.awaitFirstList()).get(gpu5)).isEqualTo("Healthy");
    Await.until(
        "the metrics show GPU 3 unhealthy",
        () -> metricFor("gpu_agent_device_health{", gpu3).endsWith(" 0.0"));
    assertThat(metricFor("gpu_agent_device_health{", gpu3)).contains("reason=\"xid\"");
    assertThat(metricFor("gpu_agent_device_health{", gpu5)).endsWith(" 1.0");
  }

  @Test
  void aGpuMarkedByAnXidComesBackAfterPassingProbes() {
    fixture = AgentWithKubelet.start("h100x8", "none");
    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/gpu");
    String gpu3 = gpu(3).getString("uuid");

    fixture.send("POST", "/api/v1/sim/faults", "{\"device\":3,\"fault\":\"xid\",\"xid\":79}");

    // The kubelet's list turns Unhealthy first (the XID is counted in the API a moment before),
    // and stays so for at least the three probes recovery takes.
    plugin.awaitList(
        "GPU 3 unhealthy for the XID",
        Duration.ofSeconds(10),
        list -> "Unhealthy".equals(PluginClient.healthById(list).get(gpu3)));
    plugin.awaitList(
        "GPU 3 healthy again",
        Duration.ofSeconds(10),
        list -> "Healthy".equals(PluginClient.healthById(list).get(gpu3)));
    Await.until("the API agrees", () -> "Healthy".equals(gpu(3).getString("health")));
    long passed =
        gpu(3).getJsonObject("healthDetail").getJsonArray("lastProbes").stream()
            .map(JsonObject.class::cast)
            .filter(probe -> "PASSED".equals(probe.getString("outcome")))
            .count();
    assertThat(passed).isGreaterThanOrEqualTo(3);
  }

  @Test
  void oneXidIsOneLogLineAcrossTheAgent() {
    fixture =
        AgentWithKubelet.start("h100x8", "none", Map.of("GPU_AGENT_HEALTH_PROBE_MODE", "never"));
    PluginClient plugin = fixture.kubelet.plugin("nvidia.com/gpu");
    String gpu3 = gpu(3).getString("uuid");
    List<String> lines = new CopyOnWriteArrayList<>();
    Logger agentLogs = (Logger) LoggerFactory.getLogger("io.gpuagent");
    Level before = agentLogs.getLevel();
    AppenderBase<ILoggingEvent> capture =
        new AppenderBase<>() {
          @Override
          protected void append(ILoggingEvent event) {
            String line = LogCapture.line(event);
            if (line.contains(gpu3) && line.toLowerCase(Locale.ROOT).contains("health")) {
              lines.add(line);
            }
          }
        };
    capture.start();
    agentLogs.addAppender(capture);
    agentLogs.setLevel(Level.INFO);
    agentLogs.setAdditive(false);
    try {
      fixture.send("POST", "/api/v1/sim/faults", "{\"device\":3,\"fault\":\"xid\",\"xid\":79}");
      plugin.awaitList(
          "GPU 3 unhealthy",
          Duration.ofSeconds(10),
          list -> "Unhealthy".equals(PluginClient.healthById(list).get(gpu3)));
      Await.until("the API agrees", () -> "Unhealthy".equals(gpu(3).getString("health")));
      Await.until(
          "the metrics agree", () -> metricFor("gpu_agent_device_health{", gpu3).endsWith(" 0.0"));
    } finally {
      agentLogs.detachAppender(capture);
      agentLogs.setLevel(before);
      agentLogs.setAdditive(true);
      capture.stop();
    }

    assertThat(lines)
        .singleElement()
        .satisfies(
            line ->
                assertThat(line).startsWith("health-changed uuid=" + gpu3).contains("reason=xid"));
  }

  private String metricFor(String series, String uuid) {
    return fixture
        .get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(series) && line.contains(uuid))
        .findFirst()
        .orElse("");
  }
}
