package io.gpuagent.agent.http;

import io.gpuagent.agent.config.HttpLimits;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what connections may hold: at most {@link HttpLimits#maxConnections()} open (at the limit
 * a new connection closes the longest-idle one, as nginx reuses idle keep-alive connections; when
 * every connection has a request in flight the new one is closed), a first request head within
 * {@link HttpLimits#requestHeaderTimeout()}, the next one on a kept-alive connection within {@link
 * HttpLimits#idleTimeout()}. The server's own idle timeout closes connections that stall mid-way. A
 * sweep every quarter of the shorter timeout enforces the deadlines.
 */
public final class ConnectionGuard implements Handler<HttpConnection>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  /** One open connection; written on its event loop, read by the sweep. */
  private static final class Tracked {
    final HttpConnection connection;
    volatile long idleSince;
    volatile HttpServerResponse current;
    volatile boolean served;

    Tracked(HttpConnection connection, long now) {
      this.connection = connection;
      this.idleSince = now;
    }

    boolean busy() {
      HttpServerResponse response = current;
      return response != null && !response.ended() && !response.closed();
    }
  }

  private final Vertx vertx;
  private final HttpLimits limits;
  private final Map<HttpConnection, Tracked> open = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final long sweepTimer;

  public ConnectionGuard(Vertx vertx, HttpLimits limits) {
    this.vertx = vertx;
    this.limits = limits;
    long shorter =
        Math.min(limits.idleTimeout().toMillis(), limits.requestHeaderTimeout().toMillis());
    this.sweepTimer = vertx.setPeriodic(Math.max(25, shorter / 4), id -> sweep());
  }

  @Override
  public void handle(HttpConnection connection) {
    if (open.size() >= limits.maxConnections() && !evictIdlest()) {
      refused.incrementAndGet();
      LOG.atDebug().setMessage("http-connection-refused").addKeyValue("open", open.size()).log();
      connection.close();
      return;
    }
    Tracked tracked = new Tracked(connection, System.nanoTime());
    open.put(connection, tracked);
    connection.closeHandler(ignored -> open.remove(connection));
  }

  /** Wraps the server's request handler so each request marks its connection busy. */
  public Handler<HttpServerRequest> tracking(Handler<HttpServerRequest> next) {
    return request -> {
      Tracked tracked = open.get(request.connection());
      if (tracked != null) {
        tracked.served = true;
        tracked.idleSince = System.nanoTime();
        tracked.current = request.response();
        request.response().endHandler(ignored -> tracked.idleSince = System.nanoTime());
      }
      next.handle(request);
    };
  }

  /** Connections open now (for tests and metrics). */
  public int openConnections() {
    return open.size();
  }

  /** Connections closed by the cap or a deadline since start. */
  public long closedByLimits() {
    return refused.get() + evicted.get() + timedOut.get();
  }

  private boolean evictIdlest() {
    Tracked idlest = null;
    for (Tracked tracked : open.values()) {
      if (!tracked.busy() && (idlest == null || tracked.idleSince < idlest.idleSince)) {
        idlest = tracked;
      }
    }
    if (idlest == null || open.remove(idlest.connection) == null) {
      return false;
    }
    evicted.incrementAndGet();
    LOG.atDebug().setMessage("http-connection-evicted").addKeyValue("open", open.size()).log();
    idlest.connection.close();
    return true;
  }

  private void sweep() {
    long now = System.nanoTime();
    long headerNanos = limits.requestHeaderTimeout().toNanos();
    long idleNanos = limits.idleTimeout().toNanos();
    for (Tracked tracked : open.values()) {
      if (tracked.busy()) {
        continue;
      }
      long deadline = tracked.served ? idleNanos : headerNanos;
      if (now - tracked.idleSince > deadline && open.remove(tracked.connection) != null) {
        timedOut.incrementAndGet();
        tracked.connection.close();
      }
    }
  }

  @Override
  public void close() {
    vertx.cancelTimer(sweepTimer);
  }
}
