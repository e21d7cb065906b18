package io.gpuagent.agent.http;

import io.gpuagent.agent.config.HttpConfig;
import io.gpuagent.config.ConfigException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Bearer-token and basic authentication for every route but the kubelet's probes. Credentials are
 * read once at start-up; comparisons take constant time.
 */
public final class AccessControl implements Handler<RoutingContext> {
  /** The kubelet's liveness and readiness probes carry no credentials. */
  private static final Set<String> OPEN_PATHS = Set.of("/healthz", "/readyz");

  /** One accepted {@code Authorization} value: a scheme (any case) and its exact credentials. */
  private record Accepted(String scheme, byte[] credentials) {}

  private final List<Accepted> acceptedHeaders;
  private final String challenge;

  private AccessControl(List<Accepted> acceptedHeaders, String challenge) {
    this.acceptedHeaders = acceptedHeaders;
    this.challenge = challenge;
  }

  /** The handler for the configured credentials; empty when no authentication is configured. */
  public static Optional<AccessControl> from(HttpConfig http) {
    List<Accepted> accepted = new ArrayList<>();
    http.bearerTokenFile()
        .ifPresent(
            file ->
                accepted.add(
                    new Accepted(
                        "bearer", bytes(secret(file, HttpConfig.AUTH_BEARER_TOKEN_FILE.path())))));
    if (http.basicUsername().isPresent() && http.basicPasswordFile().isPresent()) {
      String pair =
          http.basicUsername().get()
              + ":"
              + secret(http.basicPasswordFile().get(), HttpConfig.AUTH_BASIC_PASSWORD_FILE.path());
      accepted.add(new Accepted("basic", bytes(Base64.getEncoder().encodeToString(bytes(pair)))));
    }
    if (accepted.isEmpty()) {
      return Optional.empty();
    }
    String challenge =
        http.basicUsername().isPresent()
            ? "Basic realm=\"gpu-agent\""
            : "Bearer realm=\"gpu-agent\"";
    return Optional.of(new AccessControl(List.copyOf(accepted), challenge));
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (OPEN_PATHS.contains(ctx.normalizedPath())
        || authorized(ctx.request().getHeader("Authorization"))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", challenge);
    HttpApi.error(ctx, 401, "authentication required");
  }

  /**
   * {@code Authorization: <scheme> <credentials>}; the scheme is case-insensitive (RFC 7235), the
   * credentials are compared exactly, in constant time.
   */
  private boolean authorized(String header) {
    if (header == null) {
      return false;
    }
    String[] parts = header.trim().split("[ \\t]+", 2);
    if (parts.length != 2) {
      return false;
    }
    String scheme = parts[0].toLowerCase(Locale.ROOT);
    byte[] given = bytes(parts[1].trim());
    boolean match = false;
    for (Accepted accepted : acceptedHeaders) {
      match |=
          MessageDigest.isEqual(given, accepted.credentials()) & scheme.equals(accepted.scheme());
    }
    return match;
  }

  private static String secret(Path file, String key) {
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (value.isEmpty()) {
        throw new ConfigException("key '" + key + "': file '" + file + "' is empty");
      }
      return value;
    } catch (IOException e) {
      throw new ConfigException("key '" + key + "': file '" + file + "' cannot be read");
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
