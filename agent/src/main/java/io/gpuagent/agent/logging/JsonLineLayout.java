package io.gpuagent.agent.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/** One JSON object per log line: time, level, logger, thread, message, key-values, error. */
public final class JsonLineLayout extends LayoutBase<ILoggingEvent> {

  @Override
  public String doLayout(ILoggingEvent event) {
    StringBuilder json = new StringBuilder(256).append('{');
    field(json, "time", Instant.ofEpochMilli(event.getTimeStamp()).toString()).append(',');
    field(json, "level", event.getLevel().toString()).append(',');
    field(json, "logger", event.getLoggerName()).append(',');
    field(json, "thread", event.getThreadName()).append(',');
    field(json, "msg", event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        field(json.append(','), pair.key, String.valueOf(pair.value));
      }
    }
    if (event.getThrowableProxy() != null) {
      field(json.append(','), "error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }
    return json.append('}').append(CoreConstants.LINE_SEPARATOR).toString();
  }

  private static StringBuilder field(StringBuilder json, String name, String value) {
    return quote(quote(json, name).append(':'), value);
  }

  private static StringBuilder quote(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"');
  }
}
