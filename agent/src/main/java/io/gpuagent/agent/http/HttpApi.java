package io.gpuagent.agent.http;

import io.gpuagent.agent.config.HttpLimits;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The agent's HTTP routes: {@code /healthz}, {@code /readyz}, {@code /api/v1/devices}. The
 * simulator's fault routes are added by {@link SimFaultRoutes} only when simulating, so on a real
 * node they answer 404 like any unknown path. Every route reads its body (if any) into memory under
 * {@link HttpLimits#maxBodyBytes()}, never to disk; every error is JSON ({@link HttpErrors}).
 */
public final class HttpApi {
  private HttpApi() {}

  public static Router router(
      Vertx vertx, DevicesView devices, BooleanSupplier ready, Optional<AccessControl> access) {
    return router(vertx, devices, ready, access, HttpLimits.defaults());
  }

  public static Router router(
      Vertx vertx,
      DevicesView devices,
      BooleanSupplier ready,
      Optional<AccessControl> access,
      HttpLimits limits) {
    Router router = Router.router(vertx);
    access.ifPresent(handler -> router.route().handler(handler));
    // Bodies in memory only: no ./file-uploads, and a form body is bytes like any other.
    router
        .route()
        .handler(
            BodyHandler.create(false)
                .setBodyLimit(limits.maxBodyBytes())
                .setMergeFormAttributes(false)
                .setDeleteUploadedFilesOnEnd(true));
    get(router, "/healthz").handler(ctx -> text(ctx, 200, "ok"));
    get(router, "/readyz")
        .handler(
            ctx ->
                text(
                    ctx,
                    ready.getAsBoolean() ? 200 : 503,
                    ready.getAsBoolean() ? "ready" : "not ready"));
    get(router, "/api/v1/devices")
        .handler(
            ctx ->
                devices
                    .json()
                    .ifPresentOrElse(
                        body -> json(ctx, 200, body),
                        () -> error(ctx, 503, "inventory not built yet")));
    HttpErrors.install(router, limits.maxBodyBytes());
    return router;
  }

  /** A GET route that answers HEAD too (the same status and headers, no body). */
  public static Route get(Router router, String path) {
    return router.route(HttpMethod.GET, path).method(HttpMethod.HEAD);
  }

  /**
   * The server's request handler: requests that cannot be routed (no {@code Host}, malformed
   * percent-encoding, a declared body over the limit) are answered here, the rest go to {@code
   * router}.
   */
  public static Handler<HttpServerRequest> guarded(Router router, HttpLimits limits) {
    return request -> {
      if (HttpErrors.rejectedBeforeRouting(request, limits.maxBodyBytes())) {
        return;
      }
      // The API reads JSON only. A form or multipart content type (curl -d sends one) is read as
      // plain bytes, so no form decoder with limits of its own ever runs.
      String type = request.getHeader("content-type");
      if (type != null && isForm(type)) {
        request.headers().set("content-type", "application/octet-stream");
      }
      router.handle(request);
    };
  }

  private static boolean isForm(String contentType) {
    String type = contentType.trim().toLowerCase(java.util.Locale.ROOT);
    return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/");
  }

  static void text(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "text/plain; charset=utf-8")
        .end(body + "\n");
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String message) {
    if (!ctx.response().ended() && !ctx.response().closed()) {
      json(ctx, status, new JsonObject().put("error", message));
    }
  }
}
