package io.gpuagent.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.agent.Agent;
import io.gpuagent.agent.SimulatedAgents;
import io.gpuagent.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** TLS and authentication of the HTTP server, over a real port. */
class AgentAccessTest {
  @TempDir Path dir;
  @RegisterExtension final SimulatedAgents agents = new SimulatedAgents();
  private Agent agent;

  private void start(Map<String, String> env) {
    agent = agents.start(env);
  }

  private HttpResponse<String> get(HttpClient client, String scheme, String path, String auth)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + agent.port() + path));
    if (auth != null) {
      request.header("Authorization", auth);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bearerTokenGuardsEveryRouteButTheProbes() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cret\n");
    start(Map.of("GPU_AGENT_HTTP_AUTH_BEARER_TOKEN_FILE", token.toString()));
    HttpClient http = HttpClient.newHttpClient();

    assertThat(get(http, "http", "/api/v1/devices", null).statusCode()).isEqualTo(401);
    assertThat(get(http, "http", "/api/v1/devices", "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(get(http, "http", "/api/v1/devices", "Bearer s3cret").statusCode()).isEqualTo(200);
    assertThat(get(http, "http", "/healthz", null).statusCode()).isEqualTo(200);
    assertThat(get(http, "http", "/readyz", null).statusCode()).isEqualTo(200);
    assertThat(get(http, "http", "/api/v1/devices", null).headers().firstValue("WWW-Authenticate"))
        .contains("Bearer realm=\"gpu-agent\"");
  }

  @Test
  void authSchemesAreCaseInsensitiveButCredentialsAreNot() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cret\n");
    start(Map.of("GPU_AGENT_HTTP_AUTH_BEARER_TOKEN_FILE", token.toString()));
    HttpClient http = HttpClient.newHttpClient();

    assertThat(get(http, "http", "/api/v1/devices", "bearer s3cret").statusCode()).isEqualTo(200);
    assertThat(get(http, "http", "/api/v1/devices", "BEARER  s3cret").statusCode()).isEqualTo(200);
    assertThat(get(http, "http", "/api/v1/devices", "Bearer S3CRET").statusCode()).isEqualTo(401);
    assertThat(get(http, "http", "/api/v1/devices", "Basic s3cret").statusCode()).isEqualTo(401);
    assertThat(get(http, "http", "/api/v1/devices", "Bearers3cret").statusCode()).isEqualTo(401);
  }

  @Test
  void tlsOffersOnlyForwardSecretAeadSuitesOnTls12AndUp() throws Exception {
    start(
        Map.of(
            "GPU_AGENT_HTTP_TLS_CERT_FILE", resource("tls/test-cert.pem"),
            "GPU_AGENT_HTTP_TLS_KEY_FILE", resource("tls/test-key.pem")));

    assertThat(handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")).isTrue();
    assertThat(handshake("TLSv1.3", "TLS_AES_128_GCM_SHA256")).isTrue();
    assertThat(handshake("TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256")).isFalse();
    assertThat(handshake("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")).isFalse();
    assertThat(handshake("TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")).isFalse();
  }

  @Test
  void aKeyThatIsNotAPemKeyIsAConfigErrorNamingBothKeys() throws Exception {
    Path key = dir.resolve("key.pem");
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(
            () ->
                start(
                    Map.of(
                        "GPU_AGENT_HTTP_TLS_CERT_FILE", resource("tls/test-cert.pem"),
                        "GPU_AGENT_HTTP_TLS_KEY_FILE", key.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'http.tls.keyFile'")
        .hasMessageNotContaining("Exception");
  }

  /** Whether a handshake with only this protocol and suite succeeds. */
  private boolean handshake(String protocol, String suite) throws Exception {
    // the test's self-signed certificate has no CA to check against
    SSLContext context = HttpWarmUp.trustingAnyCertificate();
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", agent.port())) {
      socket.setSoTimeout(5000);
      socket.setEnabledProtocols(new String[] {protocol});
      socket.setEnabledCipherSuites(new String[] {suite});
      socket.startHandshake();
      return true;
    } catch (IOException | IllegalArgumentException refused) {
      return false;
    }
  }

  @Test
  void basicAuthAcceptsTheConfiguredUserOnly() throws Exception {
    Path password = dir.resolve("password");
    Files.writeString(password, "hunter2");
    start(
        Map.of(
            "GPU_AGENT_HTTP_AUTH_BASIC_USERNAME",
            "prometheus",
            "GPU_AGENT_HTTP_AUTH_BASIC_PASSWORD_FILE",
            password.toString()));
    HttpClient http = HttpClient.newHttpClient();

    assertThat(get(http, "http", "/api/v1/devices", basic("prometheus:hunter2")).statusCode())
        .isEqualTo(200);
    assertThat(get(http, "http", "/api/v1/devices", basic("prometheus:hunter3")).statusCode())
        .isEqualTo(401);
    assertThat(get(http, "http", "/api/v1/devices", null).statusCode()).isEqualTo(401);
  }

  @Test
  void tlsServesHttps() throws Exception {
    start(
        Map.of(
            "GPU_AGENT_HTTP_TLS_CERT_FILE", resource("tls/test-cert.pem"),
            "GPU_AGENT_HTTP_TLS_KEY_FILE", resource("tls/test-key.pem")));
    HttpClient https =
        HttpClient.newBuilder().sslContext(HttpWarmUp.trustingAnyCertificate()).build();

    HttpResponse<String> response = get(https, "https", "/api/v1/devices", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("NVIDIA H100 80GB HBM3");
  }

  private static String resource(String name) throws Exception {
    return Path.of(AgentAccessTest.class.getClassLoader().getResource(name).toURI()).toString();
  }

  private static String basic(String pair) {
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
