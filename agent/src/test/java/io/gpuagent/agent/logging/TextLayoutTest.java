package io.gpuagent.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The text line is what logback's pattern {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level
 * %logger{0} [%thread] %msg%n} made of the same event (the agent's format before it was written
 * out), with the key-value pairs after the message.
 */
class TextLayoutTest {
  private static final String PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} [%thread] %msg%n";

  private final LoggerContext context = new LoggerContext();

  @Test
  void sameLineAsThePatternForEveryLevel() {
    for (Level level :
        new Level[] {Level.ERROR, Level.WARN, Level.INFO, Level.DEBUG, Level.TRACE}) {
      LoggingEvent event = event(level, "gpu {} unreadable", null, 3);
      assertThat(text(event)).isEqualTo(pattern(event));
    }
  }

  @Test
  void anExceptionFollowsTheLineAsThePatternPrintsIt() {
    LoggingEvent event =
        event(
            Level.ERROR,
            "probe failed",
            new UncheckedIOException("socket", new IOException("gone")),
            new Object[0]);

    String text = text(event);

    assertThat(text).isEqualTo(pattern(event));
    assertThat(text.lines().skip(1).findFirst()).hasValue("java.io.UncheckedIOException: socket");
    assertThat(text).contains("Caused by: java.io.IOException: gone");
  }

  @Test
  void keyValuePairsAreEscapedAfterTheMessage() {
    LoggingEvent event = event(Level.INFO, "agent-ready", null, new Object[0]);
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("node", "n1\n\"x\"\\\t\u0001"));
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("port", 9400));

    String text = text(event);

    assertThat(text.lines()).hasSize(1);
    assertThat(text)
        .endsWith("] agent-ready node=\"n1\\n\\\"x\\\"\\\\\\t\\u0001\" port=\"9400\"\n");
  }

  private LoggingEvent event(Level level, String message, Throwable thrown, Object... args) {
    Logger logger = context.getLogger("io.gpuagent.agent.Agent");
    LoggingEvent event =
        new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, args);
    event.setThreadName("gpu-agent-inventory");
    return event;
  }

  private String text(LoggingEvent event) {
    TextLayout layout = new TextLayout();
    layout.setContext(context);
    layout.start();
    return layout.doLayout(event);
  }

  private String pattern(LoggingEvent event) {
    PatternLayout layout = new PatternLayout();
    layout.setPattern(PATTERN);
    layout.setContext(context);
    layout.start();
    return layout.doLayout(event);
  }
}
