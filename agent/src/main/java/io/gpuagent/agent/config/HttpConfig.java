package io.gpuagent.agent.config;

import io.gpuagent.config.ConfigException;
import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSection;
import io.gpuagent.config.ConfigValues;
import io.gpuagent.config.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The agent's HTTP server (health, API, metrics); TLS and auth are off when their files are not
 * set. The keys under {@code http.}.
 */
public record HttpConfig(
    String host,
    int port,
    HttpLimits limits,
    Optional<Path> tlsCertFile,
    Optional<Path> tlsKeyFile,
    Optional<Path> bearerTokenFile,
    Optional<String> basicUsername,
    Optional<Path> basicPasswordFile) {

  public static final String PREFIX = "http";

  public static final ConfigKey<Integer> PORT =
      ConfigKey.of(
          PREFIX,
          "port",
          new ValueType.IntRange(0, 65535),
          9400,
          "Port of the HTTP server (health, API, metrics). 0 picks a free port.");
  public static final ConfigKey<String> HOST =
      ConfigKey.of(
          PREFIX,
          "host",
          new ValueType.Text(false),
          "0.0.0.0",
          "Address the HTTP server binds to, exactly: an IPv4 or IPv6 literal (`127.0.0.1`, `::1`;"
              + " `0.0.0.0` every IPv4 address, `::` every address) or a host name that resolves"
              + " (its first address). Anything else stops the agent.");
  public static final ConfigKey<Optional<Path>> TLS_CERT_FILE =
      optionalFile(
          "tls.certFile",
          "PEM certificate chain; with `http.tls.keyFile` the server speaks HTTPS only.");
  public static final ConfigKey<Optional<Path>> TLS_KEY_FILE =
      optionalFile("tls.keyFile", "PEM private key of `http.tls.certFile`.");
  public static final ConfigKey<Optional<Path>> AUTH_BEARER_TOKEN_FILE =
      optionalFile(
          "auth.bearerTokenFile",
          "File holding a bearer token every request must send (`Authorization: Bearer …`).");
  public static final ConfigKey<Optional<String>> AUTH_BASIC_USERNAME =
      ConfigKey.of(
          PREFIX,
          "auth.basicUsername",
          new ValueType.Maybe<>(new ValueType.Text(false)),
          Optional.empty(),
          "Basic-auth user; with `http.auth.basicPasswordFile`.");
  public static final ConfigKey<Optional<Path>> AUTH_BASIC_PASSWORD_FILE =
      optionalFile("auth.basicPasswordFile", "File holding the basic-auth password.");

  public static final ConfigSection SECTION =
      new ConfigSection(
          PREFIX,
          "HTTP",
          List.of(
              PORT,
              HOST,
              HttpLimits.MAX_CONNECTIONS,
              HttpLimits.IDLE_TIMEOUT,
              HttpLimits.REQUEST_HEADER_TIMEOUT,
              HttpLimits.MAX_BODY_BYTES,
              HttpLimits.MAX_HEADER_BYTES,
              HttpLimits.MAX_REQUEST_LINE_BYTES,
              TLS_CERT_FILE,
              TLS_KEY_FILE,
              AUTH_BEARER_TOKEN_FILE,
              AUTH_BASIC_USERNAME,
              AUTH_BASIC_PASSWORD_FILE));

  private static ConfigKey<Optional<Path>> optionalFile(String name, String description) {
    return ConfigKey.of(
        PREFIX,
        name,
        new ValueType.Maybe<>(new ValueType.FilePath()),
        Optional.empty(),
        description);
  }

  /**
   * The configured server. Keys that go together are set together, and the files they name are
   * readable now, so a mistake stops the agent before it listens.
   */
  static HttpConfig from(ConfigValues values) {
    checkTogether(values, TLS_CERT_FILE, TLS_KEY_FILE);
    checkTogether(values, AUTH_BASIC_USERNAME, AUTH_BASIC_PASSWORD_FILE);
    for (ConfigKey<Optional<Path>> key :
        List.of(TLS_CERT_FILE, TLS_KEY_FILE, AUTH_BEARER_TOKEN_FILE, AUTH_BASIC_PASSWORD_FILE)) {
      Optional<Path> file = values.get(key);
      if (file.isPresent() && !Files.isReadable(file.get())) {
        throw values.invalid(key, "is a file that cannot be read");
      }
    }
    HttpHost.check(values, HOST);
    return new HttpConfig(
        values.get(HOST),
        values.get(PORT),
        HttpLimits.from(values),
        values.get(TLS_CERT_FILE),
        values.get(TLS_KEY_FILE),
        values.get(AUTH_BEARER_TOKEN_FILE),
        values.get(AUTH_BASIC_USERNAME),
        values.get(AUTH_BASIC_PASSWORD_FILE));
  }

  /** Two keys that only make sense together, like a certificate and its key. */
  private static void checkTogether(
      ConfigValues values,
      ConfigKey<? extends Optional<?>> first,
      ConfigKey<? extends Optional<?>> second) {
    boolean hasFirst = values.get(first).isPresent();
    boolean hasSecond = values.get(second).isPresent();
    if (hasFirst != hasSecond) {
      throw new ConfigException(
          "keys '"
              + first.path()
              + "' and '"
              + second.path()
              + "' must be set together (only '"
              + (hasFirst ? first.path() : second.path())
              + "' is set)");
    }
  }
}
