package io.gpuagent.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LogSetupTest {
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream stderr;

  @BeforeEach
  void captureStderr() {
    stderr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() throws Exception {
    System.setErr(stderr);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  @Test
  void jsonLinesCarryTheEventsKeyValuePairsAsFields() {
    LogSetup.apply(LogFormat.JSON, LogLevel.INFO);
    Logger log = LoggerFactory.getLogger("test");
    log.atInfo()
        .setMessage("health changed")
        .addKeyValue("event", "health-changed")
        .addKeyValue("uuid", "GPU-1")
        .log();

    String line = captured.toString(StandardCharsets.UTF_8).strip();
    assertThat(line.lines()).hasSize(1);
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("level")).isEqualTo("INFO");
    assertThat(json.getString("loggerName")).isEqualTo("test");
    assertThat(json.getString("formattedMessage")).isEqualTo("health changed");
    assertThat(json.getJsonArray("kvpList").encode())
        .contains("{\"event\":\"health-changed\"}")
        .contains("{\"uuid\":\"GPU-1\"}");
  }

  @Test
  void textLinesEndWithKeyValuePairs() {
    LogSetup.apply(LogFormat.TEXT, LogLevel.INFO);
    LoggerFactory.getLogger("test")
        .atWarn()
        .setMessage("gpu unreadable")
        .addKeyValue("event", "gpu-unreadable")
        .addKeyValue("index", 3)
        .log();

    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains(" WARN ")
        .contains("gpu unreadable event=\"gpu-unreadable\" index=\"3\"");
  }

  @Test
  void aTextLineWithoutKeyValuePairsEndsWithTheMessage() {
    LogSetup.apply(LogFormat.TEXT, LogLevel.INFO);
    LoggerFactory.getLogger("test").atInfo().setMessage("nvml-shutdown").log();

    assertThat(captured.toString(StandardCharsets.UTF_8)).endsWith("] nvml-shutdown\n");
  }

  @Test
  void aNewlineInATextValueCannotForgeALine() {
    LogSetup.apply(LogFormat.TEXT, LogLevel.INFO);
    LoggerFactory.getLogger("test")
        .atInfo()
        .setMessage("agent-ready")
        .addKeyValue("node", "n1\n2026-01-01T00:00:00Z ERROR Agent [main] forged \"x\"\\")
        .log();

    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out.lines()).hasSize(1);
    assertThat(out)
        .contains("node=\"n1\\n2026-01-01T00:00:00Z ERROR Agent [main] forged \\\"x\\\"\\\\\"");
  }

  @Test
  void aNewlineInAJsonValueStaysInsideItsString() {
    LogSetup.apply(LogFormat.JSON, LogLevel.INFO);
    LoggerFactory.getLogger("test")
        .atInfo()
        .setMessage("agent-ready")
        .addKeyValue("node", "n1\n{\"level\":\"ERROR\"}")
        .log();

    String out = captured.toString(StandardCharsets.UTF_8).strip();
    assertThat(out.lines()).hasSize(1);
    assertThat(new JsonObject(out).getJsonArray("kvpList").getJsonObject(0).getString("node"))
        .isEqualTo("n1\n{\"level\":\"ERROR\"}");
  }

  @Test
  void debugIsDroppedAtInfo() {
    LogSetup.apply(LogFormat.JSON, LogLevel.INFO);
    LoggerFactory.getLogger("test").debug("not shown");
    assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
