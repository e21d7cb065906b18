package io.gpuagent.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.gpuagent.agent.Agent;
import io.gpuagent.agent.SimulatedAgents;
import io.gpuagent.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests a careless or hostile client sends, through the real port: each gets a JSON 4xx with one
 * line and costs the log nothing above DEBUG.
 */
class HostileRequestsTest {
  @RegisterExtension final SimulatedAgents agents = new SimulatedAgents();
  private Agent agent;

  private void start(Map<String, String> env) {
    agent = agents.start(env);
  }

  private RawHttp connect() throws Exception {
    return new RawHttp("127.0.0.1", agent.port());
  }

  private static String errorOf(RawHttp.Response response) {
    assertThat(response.headers().get("content-type")).isEqualTo("application/json");
    String error = new JsonObject(response.body()).getString("error");
    assertThat(error).isNotBlank().doesNotContain("\n").doesNotContain("Exception");
    return error;
  }

  @Test
  void aThousandBadPercentEncodingsAndAThousandHostlessRequestsGetJson400sAndNoLogLines()
      throws Exception {
    start(Map.of());
    try (LogCapture log = LogCapture.everything(Level.INFO);
        RawHttp http = connect()) {
      for (int i = 0; i < 1000; i++) {
        RawHttp.Response bad = http.exchange("GET /%ZZ HTTP/1.1\r\nHost: node\r\n\r\n");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(errorOf(bad)).isEqualTo("malformed percent-encoding in the request target");
        RawHttp.Response hostless = http.exchange("GET /api/v1/devices HTTP/1.1\r\n\r\n");
        assertThat(hostless.status()).isEqualTo(400);
        assertThat(errorOf(hostless)).isEqualTo("request has no Host header");
      }

      assertThat(log.messagesAtOrAbove(Level.INFO)).hasSizeLessThan(10);
    }
  }

  @Test
  void bodiesOverTheLimitAreRefusedOnEveryRouteIncludingGet() throws Exception {
    start(Map.of("GPU_AGENT_HTTP_MAX_BODY_BYTES", "2048"));
    String big = "x".repeat(4096);
    try (RawHttp http = connect()) {
      RawHttp.Response declared =
          http.exchange(
              "GET /healthz HTTP/1.1\r\nHost: node\r\nContent-Length: 4096\r\n\r\n" + big);
      assertThat(declared.status()).isEqualTo(413);
      assertThat(errorOf(declared)).isEqualTo("request body larger than 2048 bytes");
    }
    try (RawHttp http = connect()) {
      RawHttp.Response chunked =
          http.exchange(
              "POST /api/v1/sim/faults HTTP/1.1\r\nHost: node\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + Integer.toHexString(big.length())
                  + "\r\n"
                  + big
                  + "\r\n0\r\n\r\n");
      assertThat(chunked.status()).isEqualTo(413);
      errorOf(chunked);
    }
  }

  @Test
  void formAndMultipartBodiesAreReadAsBytesAndNeverWrittenToDisk() throws Exception {
    start(Map.of());
    Path uploads = Path.of("file-uploads");
    boolean existedBefore = Files.exists(uploads);
    String form = "a=" + "b".repeat(9000);
    String multipart =
        "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n"
            + "Content-Type: text/plain\r\n\r\nhello\r\n--XX--\r\n";
    try (RawHttp http = connect()) {
      RawHttp.Response formAnswer =
          http.exchange(
              "POST /api/v1/sim/faults HTTP/1.1\r\nHost: node\r\n"
                  + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                  + form.length()
                  + "\r\n\r\n"
                  + form);
      assertThat(formAnswer.status()).isEqualTo(400);
      assertThat(errorOf(formAnswer)).isEqualTo("request body is not a JSON object");
      RawHttp.Response multipartAnswer =
          http.exchange(
              "POST /api/v1/sim/faults HTTP/1.1\r\nHost: node\r\n"
                  + "Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: "
                  + multipart.length()
                  + "\r\n\r\n"
                  + multipart);
      assertThat(multipartAnswer.status()).isEqualTo(400);
      // what the README's curl -d examples send: JSON labelled as a form
      String fault = "{\"device\":3,\"fault\":\"xid\",\"xid\":79}";
      RawHttp.Response json =
          http.exchange(
              "POST /api/v1/sim/faults HTTP/1.1\r\nHost: node\r\n"
                  + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                  + fault.length()
                  + "\r\n\r\n"
                  + fault);
      assertThat(json.status()).as(json.body()).isEqualTo(201);
    }
    if (!existedBefore) {
      assertThat(uploads).doesNotExist();
    }
  }

  @Test
  void headAnswersWhereGetDoesAndA405NamesTheAllowedMethods() throws Exception {
    start(Map.of());
    try (RawHttp http = connect()) {
      for (String path : new String[] {"/healthz", "/readyz", "/api/v1/devices", "/metrics"}) {
        RawHttp.Response head = http.exchange("HEAD " + path + " HTTP/1.1\r\nHost: node\r\n\r\n");
        assertThat(head.status()).as(path).isEqualTo(200);
      }
      RawHttp.Response put = http.exchange("PUT /healthz HTTP/1.1\r\nHost: node\r\n\r\n");
      assertThat(put.status()).isEqualTo(405);
      assertThat(put.headers().get("Allow")).isEqualTo("GET, HEAD");
      errorOf(put);
      RawHttp.Response faults =
          http.exchange("PUT /api/v1/sim/faults/3 HTTP/1.1\r\nHost: node\r\n\r\n");
      assertThat(faults.status()).isEqualTo(405);
      assertThat(faults.headers().get("Allow")).isEqualTo("DELETE");
    }
  }

  @Test
  void anOverlongHeaderOrRequestLineIsRefused() throws Exception {
    start(Map.of());
    try (RawHttp http = connect()) {
      RawHttp.Response header =
          http.exchange(
              "GET /healthz HTTP/1.1\r\nHost: node\r\nX: " + "a".repeat(10_000) + "\r\n\r\n");
      assertThat(header.status()).isEqualTo(431);
    }
    try (RawHttp http = connect()) {
      RawHttp.Response line =
          http.exchange("GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: node\r\n\r\n");
      assertThat(line.status()).isEqualTo(414);
    }
  }
}
