package io.gpuagent.agent;

import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.config.HttpConfig;
import io.gpuagent.agent.http.AccessControl;
import io.gpuagent.agent.http.ConnectionGuard;
import io.gpuagent.agent.http.DevicesView;
import io.gpuagent.agent.http.HttpApi;
import io.gpuagent.agent.http.HttpServerSetup;
import io.gpuagent.agent.http.HttpWarmUp;
import io.gpuagent.agent.http.MetricsRoute;
import io.gpuagent.agent.http.MigRoutes;
import io.gpuagent.agent.http.SimFaultRoutes;
import io.gpuagent.deviceplugin.DevicePluginConfig;
import io.gpuagent.deviceplugin.DevicePluginService;
import io.gpuagent.deviceplugin.DevicePluginWarmUp;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.inventory.InventoryReader;
import io.gpuagent.nvml.sim.SimulatedNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: the HTTP server on a thread of its own, beside NVML, the inventory and the
 * modules, so {@code /healthz} answers while NVML starts; stopped in reverse. {@code /readyz} turns
 * 200 once every module has started; a port the server cannot bind fails the start before the
 * device plugin registers.
 */
public final class Agent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final Nvml nvml;

  /** Made by the HTTP start, on its own thread. */
  private volatile Vertx vertx;

  private final NodeInventory inventory;
  private final NodeServices services;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  /** How long after start-up the HTTP routes are warmed. */
  static final Duration HTTP_WARM_UP_DELAY = Duration.ofSeconds(2);

  static final Duration HTTP_WARM_UP_MIN_BUDGET = Duration.ofSeconds(1);

  private final CompletableFuture<Void> warmedUp = new CompletableFuture<>();
  private volatile Thread warmUpThread;
  private HttpServer server;
  private ConnectionGuard connections;
  private volatile boolean nvmlStarted;

  private Agent(AgentConfig config, Nvml nvml, Optional<SimulatedNode> simulator) {
    this.config = config;
    this.nvml = nvml;
    // NUMA nodes from the host's sysfs (a simulated node keeps its profile's).
    this.inventory =
        new NodeInventory(
            new InventoryReader(nvml, Clock.systemUTC(), config.inventory().sysfsRoot()));
    // Module configuration errors surface here, before a thread or socket exists.
    this.services =
        NodeServices.create(
            withoutMissingPluginDir(config), nvml, simulator, inventory, Clock.systemUTC());
  }

  /**
   * Off a Kubernetes node (a laptop running the simulator) there is no kubelet directory: say so
   * once and run without the device plugin rather than create kubelet paths.
   */
  private static AgentConfig withoutMissingPluginDir(AgentConfig config) {
    Optional<Path> dir = config.devicePlugin().map(DevicePluginConfig::pluginDir);
    if (dir.isEmpty() || Files.isDirectory(dir.get())) {
      return config;
    }
    LOG.atWarn()
        .setMessage("device-plugin-off")
        .addKeyValue(
            "reason",
            "directory "
                + dir.get()
                + " does not exist; not a kubelet node? (set --device-plugin-dir)")
        .log();
    return config.withoutDevicePlugin();
  }

  /**
   * Starts the agent over {@code nvml} ({@code simulator} is the same object when simulating). On
   * failure everything started so far is stopped again and the cause is thrown.
   */
  public static Agent start(AgentConfig config, Nvml nvml, Optional<SimulatedNode> simulator) {
    Agent agent = new Agent(config, nvml, simulator);
    // The HTTP server comes up beside NVML, the inventory and the modules (a JVM starting cold
    // spends most of that time loading and running code for the first time: two cores halve it).
    CompletableFuture<Void> http =
        CompletableFuture.runAsync(
            () -> agent.startHttp(simulator),
            task -> {
              Thread thread = new Thread(task, "gpu-agent-http-start");
              thread.setDaemon(true);
              thread.start();
            });
    try {
      // A port clash ends the start before the kubelet hears of us.
      agent.services.devicePlugin().ifPresent(p -> p.beforeFirstRegistration(() -> join(http)));
      nvml.init();
      agent.nvmlStarted = true;
      LOG.atInfo()
          .setMessage("nvml-ready")
          .addKeyValue("driver", nvml.driverVersion())
          .addKeyValue("nvml", nvml.nvmlVersion())
          .addKeyValue("cuda", nvml.cudaDriverVersion())
          .addKeyValue("simulated", simulator.map(SimulatedNode::profileName).orElse("no"))
          .log();
      agent.inventory.rebuild();
      agent.services.start(agent.inventory);
      join(http);
      agent.ready.set(true);
      LOG.atInfo()
          .setMessage("agent-ready")
          .addKeyValue("node", config.nodeName())
          .addKeyValue("port", agent.port())
          .log();
      HeapAfterStartUp.applyLater(HeapAfterStartUp.DELAY);
      if (config.warmUp().enabled()) {
        agent.warmUpHttpLater();
      } else {
        agent.warmedUp.complete(null);
      }
      return agent;
    } catch (RuntimeException e) {
      try {
        join(http);
      } catch (RuntimeException httpFailed) {
        if (httpFailed != e) {
          e.addSuppressed(httpFailed);
        }
      }
      agent.close();
      throw e;
    }
  }

  /** Waits for the HTTP server's start; its failure is thrown as it was. */
  private static void join(CompletableFuture<Void> http) {
    try {
      http.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  private void startHttp(Optional<SimulatedNode> simulator) {
    // One event loop: a scraper, the kubelet's probes and the odd API call are all it serves, and
    // each loop thread costs a stack and its own buffer caches. No files are served: without
    // class-path resolving Vert.x makes no cache directory in /tmp (nor seeds a SecureRandom to
    // name it: the security providers, ~60 classes).
    Vertx vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(1)
                .setFileSystemOptions(
                    new FileSystemOptions()
                        .setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false)));
    this.vertx = vertx;
    HttpConfig http = config.http();
    Router router =
        HttpApi.router(
            vertx,
            new DevicesView(config.nodeName(), inventory, services),
            ready::get,
            AccessControl.from(http),
            http.limits());
    services.exporter().ifPresent(exporter -> MetricsRoute.addTo(router, exporter));
    new MigRoutes(vertx, services.mig()).addTo(router);
    simulator.ifPresent(
        node -> new SimFaultRoutes(vertx, node, inventory, services::onGpuReset).addTo(router));
    HttpServerOptions options = HttpServerSetup.options(vertx, http);
    connections = new ConnectionGuard(vertx, http.limits());
    server =
        await(
            vertx
                .createHttpServer(options)
                .connectionHandler(connections)
                .requestHandler(connections.tracking(HttpApi.guarded(router, http.limits())))
                .listen(http.port(), http.host()),
            "listen on " + http.host() + " port " + http.port());
    LOG.atInfo()
        .setMessage("http-listening")
        .addKeyValue("host", http.host())
        .addKeyValue("port", server.actualPort())
        .log();
  }

  /**
   * Warms the HTTP routes {@link #HTTP_WARM_UP_DELAY} after start-up, on a thread of its own: the
   * kubelet's calls right after the registration come first (a scrape can wait; an Allocate holds
   * up a pod).
   */
  private void warmUpHttpLater() {
    Thread thread =
        new Thread(
            () -> {
              try {
                Thread.sleep(HTTP_WARM_UP_DELAY.toMillis());
                warmUpHttp();
              } catch (InterruptedException e) {
                LOG.atDebug().setMessage("warm-up-cancelled").log();
              } finally {
                warmedUp.complete(null);
              }
            },
            "gpu-agent-warm-up");
    thread.setDaemon(true);
    warmUpThread = thread;
    thread.start();
  }

  /**
   * The HTTP part delays nothing (it runs after the registration): at least {@link
   * #HTTP_WARM_UP_MIN_BUDGET}, longer when the budget is.
   */
  static Duration httpWarmUpBudget(Duration budget) {
    return budget.compareTo(HTTP_WARM_UP_MIN_BUDGET) > 0 ? budget : HTTP_WARM_UP_MIN_BUDGET;
  }

  /**
   * Completes once the start-up warm-up is over (at once without one): the CDS training run waits
   * for it so the archive holds the HTTP path too.
   */
  public CompletableFuture<Void> warmedUp() {
    return warmedUp;
  }

  /**
   * Runs the HTTP routes through the real server and logs it with the device plugin's gRPC warm-up
   * (done before the first registration) as one {@code warm-up} line.
   */
  private void warmUpHttp() {
    HttpWarmUp.Result http =
        HttpWarmUp.run(
            config.http().host(),
            port(),
            config.http().tlsCertFile().isPresent() && config.http().tlsKeyFile().isPresent(),
            HttpWarmUp.ROUNDS,
            httpWarmUpBudget(config.warmUp().budget()));
    if (Thread.currentThread().isInterrupted()) {
      LOG.atDebug().setMessage("warm-up-cancelled").log();
      return;
    }
    Optional<DevicePluginWarmUp.Result> grpc =
        services.devicePlugin().flatMap(DevicePluginService::warmUp);
    var line =
        LOG.atInfo()
            .setMessage("warm-up")
            .addKeyValue(
                "tookMs",
                http.took()
                    .plus(grpc.map(DevicePluginWarmUp.Result::took).orElse(Duration.ZERO))
                    .toMillis())
            .addKeyValue("grpcCalls", grpc.map(DevicePluginWarmUp.Result::calls).orElse(0))
            .addKeyValue("grpcMs", grpc.map(r -> r.took().toMillis()).orElse(0L))
            .addKeyValue("httpRequests", http.requests())
            .addKeyValue("httpMs", http.took().toMillis());
    grpc.flatMap(DevicePluginWarmUp.Result::failure)
        .ifPresent(f -> line.addKeyValue("grpcStopped", f));
    http.failure().ifPresent(f -> line.addKeyValue("httpStopped", f));
    line.log();
  }

  public int port() {
    return server.actualPort();
  }

  public NodeInventory inventory() {
    return inventory;
  }

  public boolean isReady() {
    return ready.get();
  }

  /** Stops HTTP, then NVML, within {@code shutdown.timeout}. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ready.set(false);
    long start = System.nanoTime();
    Thread warmUp = warmUpThread;
    if (warmUp != null) {
      warmUp.interrupt();
    }
    try {
      if (server != null) {
        await(server.close(), "stop the HTTP server");
      }
    } catch (RuntimeException e) {
      LOG.atWarn().setMessage("http-stop-failed").addKeyValue("error", e.getMessage()).log();
    }
    if (connections != null) {
      connections.close();
    }
    services.close();
    if (nvmlStarted) {
      try {
        nvml.shutdown();
        LOG.atInfo().setMessage("nvml-shutdown").log();
      } catch (RuntimeException e) {
        LOG.atWarn().setMessage("nvml-shutdown-failed").addKeyValue("error", e.getMessage()).log();
      }
    }
    try {
      if (vertx != null) {
        await(vertx.close(), "stop Vert.x");
      }
    } catch (RuntimeException e) {
      LOG.atWarn().setMessage("vertx-stop-failed").addKeyValue("error", e.getMessage()).log();
    }
    LOG.atInfo()
        .setMessage("agent-stopped")
        .addKeyValue("tookMs", Duration.ofNanos(System.nanoTime() - start).toMillis())
        .log();
  }

  private <T> T await(io.vertx.core.Future<T> future, String what) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not "
              + what
              + ": "
              + Optional.ofNullable(e.getCause().getMessage())
                  .orElse(e.getCause().getClass().getSimpleName()),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "could not " + what + " within " + config.shutdownTimeout().toMillis() + "ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    }
  }
}
