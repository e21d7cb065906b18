package io.gpuagent.agent.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request error becomes a JSON 4xx or 5xx with one line, {@code {"error":"…"}}. What a client
 * can send wrong (bad percent-encoding, no {@code Host}, a body too large, a wrong method) is
 * logged at DEBUG only, once per request and without a stack trace, so no client can flood the log;
 * a fault of the server itself is a WARN at most once per {@link #WARN_EVERY_NANOS}, with the
 * number left out.
 */
public final class HttpErrors {
  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);
  private static final long WARN_EVERY_NANOS = 10_000_000_000L;

  /** A {@code %} not followed by two hex digits. */
  private static final Pattern BAD_PERCENT = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  private static final AtomicLong lastWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private static final AtomicLong suppressed = new AtomicLong();

  private HttpErrors() {}

  /**
   * Answers a request that cannot be routed before the router sees it: no {@code Host}, a malformed
   * percent-encoding in the path or query, a declared body over {@code maxBodyBytes}.
   *
   * @return true when the request was answered
   */
  static boolean rejectedBeforeRouting(HttpServerRequest request, int maxBodyBytes) {
    String problem = null;
    int status = 400;
    String length = request.getHeader("Content-Length");
    if (request.authority() == null || request.getHeader("Host") == null) {
      problem = "request has no Host header";
    } else if (BAD_PERCENT.matcher(request.uri()).find()) {
      problem = "malformed percent-encoding in the request target";
    } else if (length != null && !length.trim().matches("\\d{1,18}")) {
      problem = "malformed Content-Length";
    } else if (length != null && Long.parseLong(length.trim()) > maxBodyBytes) {
      status = 413;
      problem = "request body larger than " + maxBodyBytes + " bytes";
    }
    if (problem == null) {
      return false;
    }
    clientError(request.method(), safePath(request), status, problem);
    request
        .response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        // the rest of a refused body is not read: the connection cannot be reused
        .putHeader("connection", status == 413 ? "close" : "keep-alive")
        .end(new JsonObject().put("error", problem).encode());
    return true;
  }

  /** The router's error and failure handlers: one JSON line per status, no exception text. */
  static void install(Router router, int maxBodyBytes) {
    router.route().failureHandler(ctx -> failure(ctx, router, maxBodyBytes));
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 500, 503}) {
      router.errorHandler(status, ctx -> failure(ctx, router, maxBodyBytes));
    }
  }

  private static void failure(RoutingContext ctx, Router router, int maxBodyBytes) {
    int status = ctx.statusCode();
    Throwable failure = ctx.failure();
    if (status < 400) {
      status = failure instanceof IllegalArgumentException ? 400 : 500;
    }
    String path = safePath(ctx.request());
    HttpMethod method = ctx.request().method();
    String message =
        switch (status) {
          case 400 -> "bad request";
          case 401 -> "authentication required";
          case 403 -> "forbidden";
          case 404 -> "no route " + method + " " + path;
          case 405 -> "method " + method + " not allowed on " + path;
          case 413 -> "request body larger than " + maxBodyBytes + " bytes";
          case 415 -> "unsupported content type";
          case 503 -> "service unavailable";
          default -> status < 500 ? "bad request" : "internal error";
        };
    if (status == 405) {
      Set<String> allowed = allowed(router, ctx.normalizedPath());
      if (!allowed.isEmpty()) {
        ctx.response().putHeader("Allow", String.join(", ", allowed));
      }
    }
    if (status >= 500) {
      serverFault(method, path, status, failure);
    } else {
      clientError(method, path, status, message);
    }
    HttpApi.error(ctx, status, message);
  }

  /** The methods some route serves on {@code path}, for {@code Allow}: HEAD wherever GET works. */
  static Set<String> allowed(Router router, String path) {
    Set<String> methods = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.methods() == null || route.methods().isEmpty() || route.getPath() == null) {
        continue;
      }
      if (matches(route, path)) {
        route.methods().forEach(m -> methods.add(m.name()));
      }
    }
    if (methods.contains("GET")) {
      methods.add("HEAD");
    }
    return methods;
  }

  private static boolean matches(Route route, String path) {
    String pattern = route.getPath();
    if (pattern.endsWith("*")) {
      return path.startsWith(pattern.substring(0, pattern.length() - 1));
    }
    String[] want = pattern.split("/", -1);
    String[] got = path.split("/", -1);
    if (want.length != got.length) {
      return false;
    }
    for (int i = 0; i < want.length; i++) {
      if (!want[i].startsWith(":") && !want[i].equals(got[i])) {
        return false;
      }
      if (want[i].startsWith(":") && got[i].isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private static void clientError(HttpMethod method, String path, int status, String problem) {
    LOG.atDebug()
        .setMessage("http-request-refused")
        .addKeyValue("method", method)
        .addKeyValue("path", path)
        .addKeyValue("status", status)
        .addKeyValue("reason", problem)
        .log();
  }

  /** A WARN at most every 10 s; the ones left out are counted in the next. */
  private static void serverFault(HttpMethod method, String path, int status, Throwable failure) {
    long now = System.nanoTime();
    long last = lastWarn.get();
    if (now - last < WARN_EVERY_NANOS || !lastWarn.compareAndSet(last, now)) {
      suppressed.incrementAndGet();
      return;
    }
    LOG.atWarn()
        .setMessage("http-request-failed")
        .addKeyValue("method", method)
        .addKeyValue("path", path)
        .addKeyValue("status", status)
        .addKeyValue("error", failure == null ? "none" : failure.getClass().getSimpleName())
        .addKeyValue("detail", failure == null ? "" : String.valueOf(failure.getMessage()))
        .addKeyValue("suppressedSinceLast", suppressed.getAndSet(0))
        .log();
  }

  /** The request path as the client sent it, cut to 200 characters (it goes into a log line). */
  private static String safePath(HttpServerRequest request) {
    String path = request.path();
    if (path == null) {
      return "";
    }
    return path.length() > 200 ? path.substring(0, 200) + "…" : path;
  }
}
