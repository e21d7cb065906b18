package io.gpuagent.agent.http;

import io.gpuagent.mig.ApplyReport;
import io.gpuagent.mig.MigConfigException;
import io.gpuagent.mig.MigManager;
import io.gpuagent.nvml.NvmlException;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/mig}: the selected layout, its state, each GPU's layout and last outcome, the
 * last error. {@code PUT /api/v1/mig} {@code {"selected": "all-1g.10gb"}}: applies that layout of
 * {@code mig.configFile} and answers when done — 200 when every GPU made it, 409 with the same body
 * and an {@code error} line when a GPU was refused, failed or waits for a reset, 400 for a bad body
 * or a layout the file does not have. Behind the same authentication as every other route.
 */
public final class MigRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(MigRoutes.class);

  private final Vertx vertx;
  private final MigManager mig;

  public MigRoutes(Vertx vertx, MigManager mig) {
    this.vertx = vertx;
    this.mig = mig;
  }

  public void addTo(Router router) {
    HttpApi.get(router, "/api/v1/mig").handler(this::status);
    router.put("/api/v1/mig").handler(this::select);
  }

  private void status(RoutingContext ctx) {
    vertx
        .executeBlocking(() -> MigJson.status(mig.status()), false)
        .onSuccess(body -> HttpApi.json(ctx, 200, body))
        .onFailure(failure -> fail(ctx, failure));
  }

  private void select(RoutingContext ctx) {
    String layout;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null || !(body.getValue("selected") instanceof String name) || name.isBlank()) {
        HttpApi.error(ctx, 400, "body must be {\"selected\": \"<layout name>\"}");
        return;
      }
      for (String field : body.fieldNames()) {
        if (!field.equals("selected")) {
          HttpApi.error(ctx, 400, "unknown field '" + field + "' (known: selected)");
          return;
        }
      }
      layout = name;
    } catch (DecodeException | ClassCastException e) {
      HttpApi.error(ctx, 400, "request body is not a JSON object");
      return;
    }
    // not ordered: a drain may wait, and other requests must not queue behind it
    vertx
        .executeBlocking(() -> mig.apply(layout), false)
        .onSuccess(report -> answer(ctx, report))
        .onFailure(failure -> fail(ctx, failure));
  }

  private static void answer(RoutingContext ctx, ApplyReport report) {
    JsonObject body = MigJson.report(report);
    if (report.success()) {
      HttpApi.json(ctx, 200, body);
    } else {
      HttpApi.json(ctx, 409, body.put("error", report.reason()));
    }
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof MigConfigException) {
      HttpApi.error(ctx, 400, failure.getMessage());
    } else if (failure instanceof NvmlException) {
      HttpApi.error(ctx, 503, failure.getMessage());
    } else {
      LOG.atError()
          .setMessage("mig-request-failed")
          .addKeyValue("path", ctx.request().path())
          .setCause(failure)
          .log();
      HttpApi.error(ctx, 500, "internal error: " + failure);
    }
  }
}
