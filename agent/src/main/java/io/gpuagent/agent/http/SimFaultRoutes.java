package io.gpuagent.agent.http;

import io.gpuagent.agent.NodeInventory;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.sim.ActiveFault;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulation-only routes: inject, list and clear faults, reset a GPU, re-lay out MIG. They change
 * the simulated hardware only, as a fault or an operator would on a real node; none rebuilds the
 * inventory: the agent notices by itself ({@code InventoryWatcher}), so these routes exercise the
 * same path a real node takes.
 */
public final class SimFaultRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(SimFaultRoutes.class);

  private final Vertx vertx;
  private final SimulatedNode node;
  private final NodeInventory inventory;
  private final Consumer<String> onGpuReset;

  /**
   * @param onGpuReset told of every simulated GPU reset (sticky health reasons clear on it)
   */
  public SimFaultRoutes(
      Vertx vertx, SimulatedNode node, NodeInventory inventory, Consumer<String> onGpuReset) {
    this.vertx = vertx;
    this.node = node;
    this.inventory = inventory;
    this.onGpuReset = onGpuReset;
  }

  public void addTo(Router router) {
    HttpApi.get(router, "/api/v1/sim/faults").handler(ctx -> HttpApi.json(ctx, 200, faults()));
    router.post("/api/v1/sim/faults").handler(this::inject);
    router.delete("/api/v1/sim/faults/:device").handler(this::clear);
    router.post("/api/v1/sim/gpus/:device/reset").handler(this::reset);
    router.put("/api/v1/sim/gpus/:device/mig").handler(this::setMig);
  }

  /** The request body parsed, or null once a 400 with the one-line reason has been sent. */
  private static <T> T body(RoutingContext ctx, Function<JsonObject, T> parser) {
    try {
      return parser.apply(jsonBody(ctx));
    } catch (DecodeException | ClassCastException e) {
      HttpApi.error(ctx, 400, "request body is not a JSON object");
    } catch (IllegalArgumentException e) {
      HttpApi.error(ctx, 400, e.getMessage());
    }
    return null;
  }

  private JsonObject faults() {
    JsonArray list = new JsonArray();
    node.activeFaults().forEach(fault -> list.add(SimFaultJson.of(fault)));
    return new JsonObject().put("faults", list);
  }

  private void inject(RoutingContext ctx) {
    SimFaultJson.Request request = body(ctx, SimFaultJson::parse);
    if (request == null) {
      return;
    }
    respond(
        ctx,
        201,
        () -> {
          String uuid = resolve(request.device());
          node.inject(uuid, request.fault());
          LOG.atInfo()
              .setMessage("sim-fault-injected")
              .addKeyValue("uuid", uuid)
              .addKeyValue("fault", request.fault().kind())
              .addKeyValue("parameters", request.fault().parameters())
              .log();
          ActiveFault injected =
              node.activeFaults().stream()
                  .filter(f -> f.deviceUuid().equals(uuid) && f.fault().equals(request.fault()))
                  .reduce((first, second) -> second)
                  .orElseThrow(() -> new IllegalStateException("injected fault not listed"));
          return SimFaultJson.of(injected);
        });
  }

  private void clear(RoutingContext ctx) {
    respond(
        ctx,
        200,
        () -> {
          String uuid = resolve(ctx.pathParam("device"));
          node.clearFaults(uuid);
          LOG.atInfo().setMessage("sim-faults-cleared").addKeyValue("uuid", uuid).log();
          return faults();
        });
  }

  private void reset(RoutingContext ctx) {
    respond(
        ctx,
        200,
        () -> {
          String uuid = resolve(ctx.pathParam("device"));
          node.resetGpu(uuid);
          LOG.atInfo().setMessage("sim-gpu-reset").addKeyValue("uuid", uuid).log();
          onGpuReset.accept(uuid);
          return new JsonObject().put("reset", uuid);
        });
  }

  /** What {@code nvidia-smi mig} / {@code nvidia-mig-parted} would do to one GPU. */
  private void setMig(RoutingContext ctx) {
    SimMigJson.Request request = body(ctx, SimMigJson::parse);
    if (request == null) {
      return;
    }
    respond(
        ctx,
        200,
        () -> {
          String uuid = resolve(ctx.pathParam("device"));
          node.setMigLayout(uuid, request.migEnabled(), request.instances());
          LOG.atInfo()
              .setMessage("sim-mig-set")
              .addKeyValue("uuid", uuid)
              .addKeyValue("migEnabled", request.migEnabled())
              .addKeyValue("instances", request.instances())
              .log();
          return request.toJson(uuid);
        });
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    JsonObject body = ctx.body().asJsonObject();
    if (body == null) {
      throw new IllegalArgumentException("request body must be a JSON object");
    }
    return body;
  }

  /** Runs simulator work off the event loop; maps user mistakes to 4xx with one line. */
  private void respond(RoutingContext ctx, int status, Callable<JsonObject> work) {
    // Unordered: one slow change (a GPU under a latency fault) never holds up the others.
    vertx
        .executeBlocking(work, false)
        .onSuccess(body -> HttpApi.json(ctx, status, body))
        .onFailure(
            failure -> {
              if (failure instanceof IllegalArgumentException) {
                HttpApi.error(ctx, 400, failure.getMessage());
              } else if (failure instanceof NvmlException nvml) {
                HttpApi.error(ctx, 409, nvml.getMessage());
              } else {
                LOG.atError()
                    .setMessage("sim-request-failed")
                    .addKeyValue("path", ctx.request().path())
                    .setCause(failure)
                    .log();
                HttpApi.error(ctx, 500, "internal error");
              }
            });
  }

  /** A GPU index ("3" or 3) names that GPU; anything else must be a UUID the node knows. */
  private String resolve(Object device) {
    String text = String.valueOf(device);
    if (text.matches("\\d{1,4}")) {
      int index = Integer.parseInt(text);
      return inventory
          .current()
          .flatMap(current -> current.uuidAt(index))
          .orElseThrow(() -> new IllegalArgumentException("no GPU with index " + index));
    }
    return text;
  }
}
