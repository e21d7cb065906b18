package io.gpuagent.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.TestConfigs;
import io.gpuagent.nvml.sim.SimOptions;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's fault API refuses numbers out of range and cannot be wedged by a fault. */
class SimFaultLimitsTest {
  private Agent agent;
  private SimulatedNode node;

  private void start() {
    node = SimulatedNode.load("h100x8", new SimOptions("test-node", 1, Clock.systemUTC()));
    agent = Agent.start(TestConfigs.simulated("h100x8", Map.of()), node, Optional.of(node));
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private RawHttp.Response post(RawHttp http, String body) throws Exception {
    return http.exchange(
        "POST /api/v1/sim/faults HTTP/1.1\r\nHost: node\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + body.length()
            + "\r\n\r\n"
            + body);
  }

  private static String error(RawHttp.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(400);
    return new JsonObject(response.body()).getString("error");
  }

  @Test
  void numbersOutOfRangeAreRefusedNamingTheFieldNeverWrapped() throws Exception {
    start();
    try (RawHttp http = new RawHttp("127.0.0.1", agent.port())) {
      // 2^64 + 79 would wrap to 79
      assertThat(error(post(http, "{\"device\":3,\"fault\":\"xid\",\"xid\":18446744073709551695}")))
          .contains("'xid'");
      assertThat(error(post(http, "{\"device\":3,\"fault\":\"xid\",\"xid\":0}"))).contains("'xid'");
      assertThat(error(post(http, "{\"device\":3,\"fault\":\"xid\",\"xid\":79.5}")))
          .contains("'xid'");
      assertThat(error(post(http, "{\"device\":0,\"fault\":\"latency\",\"delayMs\":10001}")))
          .isEqualTo("field 'delayMs' must be between 1 and 10000");
      assertThat(
              error(
                  post(
                      http,
                      "{\"device\":0,\"fault\":\"process\",\"pid\":4294967297,"
                          + "\"usedMemoryBytes\":1}")))
          .contains("'pid'");
      assertThat(error(post(http, "{\"device\":0,\"fault\":\"ecc\",\"uncorrected\":-1}")))
          .contains("'uncorrected'");
    }
    assertThat(node.activeFaults()).isEmpty();
  }

  @Test
  void aSlowGpuDoesNotHoldUpChangesToTheOthers() throws Exception {
    start();
    try (RawHttp http = new RawHttp("127.0.0.1", agent.port())) {
      assertThat(post(http, "{\"device\":0,\"fault\":\"latency\",\"delayMs\":10000}").status())
          .isEqualTo(201);
      for (int gpu = 1; gpu < 8; gpu++) {
        assertThat(post(http, "{\"device\":" + gpu + ",\"fault\":\"xid\",\"xid\":31}").status())
            .isEqualTo(201);
        RawHttp.Response cleared =
            http.exchange("DELETE /api/v1/sim/faults/" + gpu + " HTTP/1.1\r\nHost: node\r\n\r\n");
        assertThat(cleared.status()).isEqualTo(200);
      }
      // the slow GPU's own fault is cleared without waiting for its latency (10 s socket timeout)
      RawHttp.Response cleared =
          http.exchange("DELETE /api/v1/sim/faults/0 HTTP/1.1\r\nHost: node\r\n\r\n");
      assertThat(cleared.status()).isEqualTo(200);
    }
    assertThat(node.activeFaults()).isEmpty();
  }

  @Test
  void atMostTheCapOfFaultsCanBeActive() throws Exception {
    start();
    try (RawHttp http = new RawHttp("127.0.0.1", agent.port())) {
      for (int i = 0; i < SimulatedNode.MAX_ACTIVE_FAULTS; i++) {
        assertThat(post(http, "{\"device\":" + (i % 8) + ",\"fault\":\"xid\",\"xid\":31}").status())
            .isEqualTo(201);
      }
      assertThat(error(post(http, "{\"device\":0,\"fault\":\"xid\",\"xid\":31}")))
          .isEqualTo("at most 1024 faults can be active at once; clear some first");
    }
  }
}
