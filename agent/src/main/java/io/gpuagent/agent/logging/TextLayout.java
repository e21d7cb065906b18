package io.gpuagent.agent.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.event.KeyValuePair;

/**
 * The text log line: {@code time level logger [thread] message key="value"…}, then the stack trace
 * of an exception if the event has one. Values are escaped (quotes, backslashes, control
 * characters), so a value carrying a newline (a node name, a request path) cannot start a forged
 * log line. Written out rather than as a logback pattern ({@code %d{…} %-5level %logger{0}
 * [%thread] %msg…%n}): the pattern's parser and its ~50 registered converters are ~150 classes
 * loaded on every start for one fixed format.
 */
public final class TextLayout extends LayoutBase<ILoggingEvent> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneId.systemDefault());
  private static final int LEVEL_WIDTH = 5;

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(160);
    TIME.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
    line.append(' ');
    String level = event.getLevel().toString();
    line.append(level);
    for (int i = level.length(); i < LEVEL_WIDTH; i++) {
      line.append(' ');
    }
    String logger = event.getLoggerName();
    line.append(' ').append(logger, logger.lastIndexOf('.') + 1, logger.length());
    line.append(" [").append(event.getThreadName()).append("] ");
    line.append(event.getFormattedMessage());
    appendKeyValues(event.getKeyValuePairs(), line);
    line.append(CoreConstants.LINE_SEPARATOR);
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      line.append(ThrowableProxyUtil.asString(thrown));
    }
    return line.toString();
  }

  /** {@code key="value"…}, each pair after a space; nothing when there are none. */
  static void appendKeyValues(List<KeyValuePair> pairs, StringBuilder out) {
    if (pairs == null) {
      return;
    }
    for (KeyValuePair pair : pairs) {
      out.append(' ');
      escape(String.valueOf(pair.key), out);
      out.append("=\"");
      escape(String.valueOf(pair.value), out);
      out.append('"');
    }
  }

  static void escape(String text, StringBuilder out) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
