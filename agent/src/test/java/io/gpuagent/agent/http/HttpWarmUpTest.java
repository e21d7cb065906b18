package io.gpuagent.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.SimulatedAgents;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP warm-up's own client against the real server over a real port: plain, gzip and chunked
 * (the exposition), HTTPS with the agent's certificate, routes behind authentication (401), and no
 * server at all.
 */
class HttpWarmUpTest {
  private static final Duration BUDGET = Duration.ofSeconds(30);

  @TempDir Path dir;
  @RegisterExtension final SimulatedAgents agents = new SimulatedAgents();
  private Agent agent;

  private void start(Map<String, String> env) {
    agent = agents.start(env);
  }

  @Test
  void everyRouteEveryRoundOverPlainHttp() {
    start(Map.of());

    HttpWarmUp.Result result = HttpWarmUp.run("0.0.0.0", agent.port(), false, 5, BUDGET);

    assertThat(result.failure()).isEmpty();
    assertThat(result.requests()).isEqualTo(15);
  }

  @Test
  void everyRouteEveryRoundOverHttpsBehindAuthentication() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cret\n");
    start(
        Map.of(
            "GPU_AGENT_HTTP_TLS_CERT_FILE", resource("tls/test-cert.pem"),
            "GPU_AGENT_HTTP_TLS_KEY_FILE", resource("tls/test-key.pem"),
            "GPU_AGENT_HTTP_AUTH_BEARER_TOKEN_FILE", token.toString()));

    HttpWarmUp.Result result = HttpWarmUp.run("127.0.0.1", agent.port(), true, 3, BUDGET);

    assertThat(result.failure()).isEmpty();
    assertThat(result.requests()).isEqualTo(9);
  }

  @Test
  void noServerIsAFailureInTheResultNotAnException() throws IOException {
    int port;
    try (ServerSocket unused = new ServerSocket(0)) {
      port = unused.getLocalPort();
    }

    HttpWarmUp.Result result = HttpWarmUp.run("127.0.0.1", port, false, 3, BUDGET);

    assertThat(result.requests()).isZero();
    assertThat(result.failure()).hasValueSatisfying(f -> assertThat(f).contains("Connect"));
  }

  @Test
  void plainHttpToAnHttpsServerFailsCleanly() throws Exception {
    start(
        Map.of(
            "GPU_AGENT_HTTP_TLS_CERT_FILE", resource("tls/test-cert.pem"),
            "GPU_AGENT_HTTP_TLS_KEY_FILE", resource("tls/test-key.pem")));

    HttpWarmUp.Result result =
        HttpWarmUp.run("127.0.0.1", agent.port(), false, 3, Duration.ofSeconds(2));

    assertThat(result.requests()).isZero();
    assertThat(result.failure()).isPresent();
  }

  private static String resource(String name) throws Exception {
    return Path.of(HttpWarmUpTest.class.getClassLoader().getResource(name).toURI()).toString();
  }
}
