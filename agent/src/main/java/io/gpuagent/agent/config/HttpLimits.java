package io.gpuagent.agent.config;

import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import java.time.Duration;

/**
 * What one client may cost the HTTP server: connections, time without progress and request sizes. A
 * node agent listens on the host network; these bound what a careless or hostile client can hold.
 * Keys under {@code http.}.
 */
public record HttpLimits(
    int maxConnections,
    Duration idleTimeout,
    Duration requestHeaderTimeout,
    int maxBodyBytes,
    int maxHeaderBytes,
    int maxRequestLineBytes) {

  public static final ConfigKey<Integer> MAX_CONNECTIONS =
      ConfigKey.of(
          HttpConfig.PREFIX,
          "maxConnections",
          new ValueType.IntRange(1, 65536),
          1024,
          "Open connections at most. At the limit a new connection closes the longest-idle one (no"
              + " request in flight), so a probe still gets in; when all are busy it is closed.");
  public static final ConfigKey<Duration> IDLE_TIMEOUT =
      ConfigKey.of(
          HttpConfig.PREFIX,
          "idleTimeout",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(60),
          "A connection that sends or receives nothing this long is closed; a kept-alive connection"
              + " must also start its next request within it.");
  public static final ConfigKey<Duration> REQUEST_HEADER_TIMEOUT =
      ConfigKey.of(
          HttpConfig.PREFIX,
          "requestHeaderTimeout",
          new ValueType.MinDuration(Duration.ofMillis(100)),
          Duration.ofSeconds(10),
          "A new connection must complete its first request line and headers within this time,"
              + " however slowly it sends them, or it is closed.");
  public static final ConfigKey<Integer> MAX_BODY_BYTES =
      ConfigKey.of(
          HttpConfig.PREFIX,
          "maxBodyBytes",
          new ValueType.IntRange(1024, 16 * 1024 * 1024),
          64 * 1024,
          "Largest request body on any route (GET included); larger ones get 413. Bodies are kept"
              + " in memory, never written to disk.");
  public static final ConfigKey<Integer> MAX_HEADER_BYTES =
      ConfigKey.of(
          HttpConfig.PREFIX,
          "maxHeaderBytes",
          new ValueType.IntRange(1024, 64 * 1024),
          8192,
          "Largest request header block; larger ones get 431.");
  public static final ConfigKey<Integer> MAX_REQUEST_LINE_BYTES =
      ConfigKey.of(
          HttpConfig.PREFIX,
          "maxRequestLineBytes",
          new ValueType.IntRange(256, 64 * 1024),
          4096,
          "Longest request line (method, path, version); longer ones get 414.");

  /** The defaults, for tests and tools that build a server without a config file. */
  public static HttpLimits defaults() {
    return from(ConfigValues.defaults());
  }

  static HttpLimits from(ConfigValues values) {
    return new HttpLimits(
        values.get(MAX_CONNECTIONS),
        values.get(IDLE_TIMEOUT),
        values.get(REQUEST_HEADER_TIMEOUT),
        values.get(MAX_BODY_BYTES),
        values.get(MAX_HEADER_BYTES),
        values.get(MAX_REQUEST_LINE_BYTES));
  }
}
