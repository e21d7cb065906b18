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
import java.util.Optional;
import java.util.Set;

/**
 * Bearer-token and basic authentication for every route but the kubelet's probes. Credentials are
 * read once at start-up; comparisons take constant time.
 */
public final class AccessControl implements Handler<RoutingContext> {
  /** The kubelet's liveness and readiness probes carry no credentials. */
  private static final Set<String> OPEN_PATHS = Set.of("/healthz", "/readyz");

  private final List<byte[]> acceptedHeaders;
  private final String challenge;

  private AccessControl(List<byte[]> acceptedHeaders, String challenge) {
    this.acceptedHeaders = acceptedHeaders;
    this.challenge = challenge;
  }

  /** The handler for the configured credentials; empty when no authentication is configured. */
  public static Optional<AccessControl> from(HttpConfig http) {
    List<byte[]> accepted = new ArrayList<>();
    http.bearerTokenFile()
        .ifPresent(
            file ->
                accepted.add(
                    bytes("Bearer " + secret(file, HttpConfig.AUTH_BEARER_TOKEN_FILE.path()))));
    if (http.basicUsername().isPresent() && http.basicPasswordFile().isPresent()) {
      String pair =
          http.basicUsername().get()
              + ":"
              + secret(http.basicPasswordFile().get(), HttpConfig.AUTH_BASIC_PASSWORD_FILE.path());
      accepted.add(bytes("Basic " + Base64.getEncoder().encodeToString(bytes(pair))));
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

  private boolean authorized(String header) {
    if (header == null) {
      return false;
    }
    byte[] given = bytes(header.trim());
    boolean match = false;
    for (byte[] accepted : acceptedHeaders) {
      match |= MessageDigest.isEqual(given, accepted);
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
