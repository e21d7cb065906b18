package io.gpuagent.agent.http;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The agent's HTTP routes: {@code /healthz}, {@code /readyz}, {@code /api/v1/devices}. The
 * simulator's fault routes are added by {@link SimFaultRoutes} only when simulating, so on a real
 * node they answer 404 like any unknown path.
 */
public final class HttpApi {
  static final int MAX_BODY_BYTES = 64 * 1024;

  private HttpApi() {}

  public static Router router(
      Vertx vertx, DevicesView devices, BooleanSupplier ready, Optional<AccessControl> access) {
    Router router = Router.router(vertx);
    access.ifPresent(handler -> router.route().handler(handler));
    router.get("/healthz").handler(ctx -> text(ctx, 200, "ok"));
    router
        .get("/readyz")
        .handler(
            ctx ->
                text(
                    ctx,
                    ready.getAsBoolean() ? 200 : 503,
                    ready.getAsBoolean() ? "ready" : "not ready"));
    router
        .get("/api/v1/devices")
        .handler(
            ctx ->
                devices
                    .json()
                    .ifPresentOrElse(
                        body -> json(ctx, 200, body),
                        () -> error(ctx, 503, "inventory not built yet")));
    router.errorHandler(
        404,
        ctx -> error(ctx, 404, "no route " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(
        405,
        ctx ->
            error(
                ctx,
                405,
                "method " + ctx.request().method() + " not allowed on " + ctx.request().path()));
    router.errorHandler(
        413, ctx -> error(ctx, 413, "request body larger than " + MAX_BODY_BYTES + " bytes"));
    router.errorHandler(
        500, ctx -> error(ctx, 500, "internal error: " + String.valueOf(ctx.failure())));
    return router;
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
    if (!ctx.response().ended()) {
      json(ctx, status, new JsonObject().put("error", message));
    }
  }
}
