package io.gpuagent.agent.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * GETs the read-only routes a scraper and the kubelet's probes use, through a local HTTP client and
 * the real server, so the first scrape is answered by compiled code. GETs change nothing: no route
 * counts its requests and {@code /metrics} serves the sample it already rendered.
 */
public final class HttpWarmUp {
  /** Enough for C1 to compile the per-request path (Tier3 thresholds ~200 invocations). */
  public static final int ROUNDS = 200;

  /** The first round always completes (class loading), within this much. */
  private static final Duration FIRST_ROUND_LIMIT = Duration.ofSeconds(5);

  private static final List<String> ROUTES = List.of("/metrics", "/healthz", "/api/v1/devices");

  /** What the warm-up did; {@code failure} says why it stopped early. */
  public record Result(int requests, Duration took, Optional<String> failure) {}

  private HttpWarmUp() {}

  /**
   * Runs {@code rounds} rounds over every route on {@code host:port} within {@code budget} (the
   * first round gets up to 5 s). A route behind authentication answers 401, which still runs the
   * server's path up to the check. Never throws for a failed request: the result says what
   * happened.
   */
  public static Result run(
      Vertx vertx, String host, int port, boolean tls, int rounds, Duration budget) {
    long start = System.nanoTime();
    long deadline = start + budget.toNanos();
    HttpClientAgent client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setSsl(tls)
                // our own certificate, whatever name it carries
                .setTrustAll(true)
                .setVerifyHost(false)
                .setDefaultHost(localAddress(host))
                .setDefaultPort(port));
    long firstRoundEnd = Math.max(deadline, start + FIRST_ROUND_LIMIT.toNanos());
    int requests = 0;
    try {
      for (int round = 0; round < rounds && (round == 0 || System.nanoTime() < deadline); round++) {
        long end = round == 0 ? firstRoundEnd : deadline;
        for (String route : ROUTES) {
          Future<?> done =
              client
                  .request(HttpMethod.GET, route)
                  // gzip, as Prometheus asks for it
                  .compose(request -> request.putHeader("Accept-Encoding", "gzip").send())
                  .compose(response -> response.body());
          done.toCompletionStage()
              .toCompletableFuture()
              .get(Math.max(1, (end - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
          requests++;
        }
      }
      return new Result(requests, Duration.ofNanos(System.nanoTime() - start), Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(requests, start, deadline, e);
    } catch (Exception e) {
      return failed(requests, start, deadline, e);
    } finally {
      client.close();
    }
  }

  /** A request cut by the budget's deadline is the budget spent, not a failure. */
  private static Result failed(int requests, long start, long deadline, Exception e) {
    long now = System.nanoTime();
    boolean budgetSpent = now >= deadline && requests > 0 && !(e instanceof InterruptedException);
    return new Result(
        requests,
        Duration.ofNanos(now - start),
        budgetSpent ? Optional.empty() : Optional.of(e.toString()));
  }

  /** A wildcard bind address is dialled on loopback. */
  private static String localAddress(String host) {
    return switch (host) {
      case "0.0.0.0", "" -> "127.0.0.1";
      case "::", "[::]", "::0" -> "::1";
      default -> host;
    };
  }
}
