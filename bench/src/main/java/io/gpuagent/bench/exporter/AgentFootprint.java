package io.gpuagent.bench.exporter;

import io.gpuagent.bench.AgentProcess;
import io.gpuagent.bench.LoadAverage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the real agent costs a node: {@code java -Xmx64m [flags] -jar agent/target/gpu-agent.jar run
 * --simulate h100x8} sampling every second (device plugin and podresources off), scraped once a
 * second from here. Prints the start-up time to {@code /readyz} 200, resident memory ({@code
 * VmRSS}) and CPU in percent of one core (from {@code /proc/<pid>/stat}), a line a minute and a
 * table at the end. The steady period starts one minute after readiness (half-way through runs
 * shorter than two minutes), leaving JIT compilation and class loading out.
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * java -cp bench/target/benchmarks.jar io.gpuagent.bench.exporter.AgentFootprint \
 *     [minutes, default 1] [--launcher] [extra JVM flags, e.g. -XX:+UseSerialGC -XX:TieredStopAtLevel=1]
 * </pre>
 *
 * <p>With {@code --launcher} the agent is started as {@code bin/gpu-agent run …} (its flags and CDS
 * archive; the extra flags go in {@code GPU_AGENT_JAVA_OPTS}), with the device plugin on in a temp
 * directory as on a node (no kubelet). The table ends with the RSS slope over the second half.
 */
public final class AgentFootprint {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SCRAPE_EVERY = Duration.ofSeconds(1);
  private static final String HEAP_LIMIT = "-Xmx64m";

  private AgentFootprint() {}

  /**
   * @throws IllegalArgumentException for a wrong argument (the message says which)
   */
  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 1;
    if (!(minutes > 0 && minutes <= 24 * 60)) {
      throw new IllegalArgumentException(
          "minutes must be above 0 and at most a day, got " + minutes);
    }
    List<String> extra =
        new ArrayList<>(Arrays.asList(args).subList(Math.min(1, args.length), args.length));
    boolean launcher = extra.remove("--launcher");
    List<String> jvmFlags = new ArrayList<>(launcher ? List.of() : List.of(HEAP_LIMIT));
    jvmFlags.addAll(extra);
    Duration duration = Duration.ofMillis(Math.round(minutes * 60_000));
    Map<String, String> environment =
        launcher
            ? Map.of(
                "GPU_AGENT_METRICS_INTERVAL", "1s",
                "GPU_AGENT_DEVICE_PLUGIN_DIR", Files.createTempDirectory("footprint-dp").toString(),
                "GPU_AGENT_POD_RESOURCES_ENABLED", "false")
            : Map.of(
                "GPU_AGENT_METRICS_INTERVAL", "1s",
                "GPU_AGENT_DEVICE_PLUGIN_ENABLED", "false",
                "GPU_AGENT_POD_RESOURCES_ENABLED", "false");
    List<String> agentArgs = List.of("run", "--simulate", "h100x8", "--port", "0");
    System.out.printf(
        "agent footprint: %s %s %s, %s; %s min; %d CPUs, load average %s%n",
        launcher ? "GPU_AGENT_JAVA_OPTS='" + String.join(" ", jvmFlags) + "'" : "java",
        launcher
            ? AgentProcess.LAUNCHER
            : String.join(" ", jvmFlags) + " -jar " + AgentProcess.DEFAULT_JAR,
        String.join(" ", agentArgs),
        environment,
        minutes,
        Runtime.getRuntime().availableProcessors(),
        LoadAverage.now());

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (AgentProcess agent =
        launcher
            ? AgentProcess.launch(AgentProcess.LAUNCHER, jvmFlags, agentArgs, environment)
            : AgentProcess.start(AgentProcess.DEFAULT_JAR, jvmFlags, agentArgs, environment)) {
      int port = agent.awaitPort(START_TIMEOUT);
      long readyAt = awaitReady(http, port, agent);
      double startupMs = (readyAt - agent.startedNanos()) / 1e6;
      Run run = new Run(agent.pid(), ProcessUsage.read(agent.pid()));
      System.out.printf(Locale.ROOT, "ready after %.0f ms on port %d%n", startupMs, port);
      HttpRequest scrape =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
              .timeout(Duration.ofSeconds(5))
              .build();
      long steadyFrom =
          readyAt
              + (duration.compareTo(Duration.ofMinutes(2)) >= 0
                  ? Duration.ofMinutes(1).toNanos()
                  : duration.toNanos() / 2);
      for (long tick = 1; tick * SCRAPE_EVERY.toNanos() <= duration.toNanos(); tick++) {
        long due = readyAt + tick * SCRAPE_EVERY.toNanos();
        Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
        if (!agent.isAlive()) {
          throw new IllegalStateException("the agent stopped; its log:\n" + agent.logTail());
        }
        run.scrape(http, scrape, System.nanoTime() >= steadyFrom);
        run.measure(steadyFrom);
        if (tick % 60 == 0) {
          System.out.println(run.minuteLine(tick / 60));
        }
      }
      System.out.println(run.rss.curve());
      System.out.println(run.table(startupMs, minutes));
      System.out.println(run.rss.rows());
      long stopping = System.nanoTime();
      int exit = agent.stop();
      System.out.printf(
          Locale.ROOT,
          "SIGTERM: exit code %d after %.0f ms; load average %s%n",
          exit,
          (System.nanoTime() - stopping) / 1e6,
          LoadAverage.now());
    }
  }

  /** Polls {@code /readyz} every 5 ms; the time of its first 200. */
  private static long awaitReady(HttpClient http, int port, AgentProcess agent)
      throws IOException, InterruptedException {
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = agent.startedNanos() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return System.nanoTime();
        }
      } catch (HttpTimeoutException e) {
        // a busy start-up (its warm-up, a loaded machine): ask again
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException(
        "/readyz not 200 within " + START_TIMEOUT + "; the agent's log:\n" + agent.logTail());
  }

  /** What the run has seen so far. */
  private static final class Run {
    private final long pid;
    private final ProcessUsage atReady;
    private ProcessUsage minuteStart;
    private ProcessUsage latest;
    private ProcessUsage steadyStart;
    private long maxRssKib;
    private long scrapes;
    private long scrapeErrors;
    private long lastBytes;
    private long maxScrapeNanos;
    private long[] steadyScrapeNanos = new long[64];
    private int steadyScrapes;
    private JvmNumbers jvm = JvmNumbers.NONE;
    private final RssCurve rss = new RssCurve();

    Run(long pid, ProcessUsage atReady) {
      this.pid = pid;
      this.atReady = atReady;
      this.minuteStart = atReady;
      this.latest = atReady;
      this.maxRssKib = atReady.rssKib();
    }

    /** One scrape, as Prometheus makes it; its latency counts when {@code steady}. */
    void scrape(HttpClient http, HttpRequest request, boolean steady) throws InterruptedException {
      long start = System.nanoTime();
      try {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long latency = System.nanoTime() - start;
        maxScrapeNanos = Math.max(maxScrapeNanos, latency);
        if (response.statusCode() == 200) {
          scrapes++;
          lastBytes = response.body().length;
          jvm = JvmNumbers.parse(new String(response.body(), StandardCharsets.UTF_8)).orElse(jvm);
          if (steady) {
            if (steadyScrapes == steadyScrapeNanos.length) {
              steadyScrapeNanos = Arrays.copyOf(steadyScrapeNanos, steadyScrapes * 2);
            }
            steadyScrapeNanos[steadyScrapes++] = latency;
          }
        } else {
          scrapeErrors++;
        }
      } catch (IOException e) {
        scrapeErrors++;
        System.out.println("scrape failed: " + e);
      }
    }

    void measure(long steadyFrom) throws IOException {
      latest = ProcessUsage.read(pid);
      maxRssKib = Math.max(maxRssKib, latest.rssKib());
      if (steadyStart == null && latest.atNanos() >= steadyFrom) {
        steadyStart = latest;
      }
    }

    String minuteLine(long minute) {
      String line =
          String.format(
              Locale.ROOT,
              "minute %d: RSS %.1f MiB, CPU %.2f %% of a core this minute, heap used %.1f MiB,"
                  + " %d scrapes, %d errors",
              minute,
              latest.rssMib(),
              latest.cpuPercentSince(minuteStart),
              jvm.heapUsedBytes() / 1048576.0,
              scrapes,
              scrapeErrors);
      minuteStart = latest;
      rss.add(latest.rssMib());
      return line;
    }

    /** A quantile of the steady period's scrape latencies, in milliseconds. */
    private double steadyLatency(double quantile) {
      if (steadyScrapes == 0) {
        return 0;
      }
      long[] sorted = Arrays.copyOf(steadyScrapeNanos, steadyScrapes);
      Arrays.sort(sorted);
      int index = (int) Math.ceil(quantile * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    String table(double startupMs, double minutes) {
      ProcessUsage steady = steadyStart == null ? atReady : steadyStart;
      return String.format(
          Locale.ROOT,
          "| measure | value |%n"
              + "| --- | ---: |%n"
              + "| start-up to /readyz 200 (ms) | %.0f |%n"
              + "| RSS at ready (MiB) | %.1f |%n"
              + "| RSS after %s min (MiB) | %.1f |%n"
              + "| RSS max (MiB) | %.1f |%n"
              + "| CPU, ready to end (%% of one core) | %.2f |%n"
              + "| CPU, steady: last %.1f min (%% of one core) | %.2f |%n"
              + "| heap used / committed at the last scrape (MiB) | %.1f / %.1f |%n"
              + "| non-heap used (MiB) | %.1f |%n"
              + "| threads | %d |%n"
              + "| scrape latency, steady: p50 / p99 / max (ms) | %.2f / %.2f / %.2f |%n"
              + "| scrapes (errors), bytes each, slowest of all (ms) | %d (%d), %d, %.1f |",
          startupMs,
          atReady.rssMib(),
          minutes,
          latest.rssMib(),
          maxRssKib / 1024.0,
          latest.cpuPercentSince(atReady),
          (latest.atNanos() - steady.atNanos()) / 60e9,
          latest.cpuPercentSince(steady),
          jvm.heapUsedBytes() / 1048576.0,
          jvm.heapCommittedBytes() / 1048576.0,
          jvm.nonHeapUsedBytes() / 1048576.0,
          jvm.threads(),
          steadyLatency(0.50),
          steadyLatency(0.99),
          steadyLatency(1.0),
          scrapes,
          scrapeErrors,
          lastBytes,
          maxScrapeNanos / 1e6);
    }
  }

  /** The agent's own JVM metrics, read from its {@code /metrics}. */
  private record JvmNumbers(
      double heapUsedBytes, double heapCommittedBytes, double nonHeapUsedBytes, long threads) {
    static final JvmNumbers NONE = new JvmNumbers(0, 0, 0, 0);

    static Optional<JvmNumbers> parse(String exposition) {
      double heapUsed = value(exposition, "jvm_memory_used_bytes{", "area=\"heap\"");
      double heapCommitted = value(exposition, "jvm_memory_committed_bytes{", "area=\"heap\"");
      double nonHeapUsed = value(exposition, "jvm_memory_used_bytes{", "area=\"nonheap\"");
      double threads = value(exposition, "jvm_threads_current", "");
      return heapUsed < 0
          ? Optional.empty()
          : Optional.of(new JvmNumbers(heapUsed, heapCommitted, nonHeapUsed, (long) threads));
    }

    /** The value of the first sample line that starts with {@code name} and holds {@code label}. */
    private static double value(String exposition, String name, String label) {
      return exposition
          .lines()
          .filter(line -> line.startsWith(name) && line.contains(label))
          .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .findFirst()
          .orElse(-1);
    }
  }
}
