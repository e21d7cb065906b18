package io.gpuagent.agent.http;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * GETs the read-only routes a scraper and the kubelet's probes use, through the real server, so the
 * first scrape is answered by compiled code. GETs change nothing: no route counts its requests and
 * {@code /metrics} serves the sample it already rendered. The client is a few lines of blocking
 * HTTP/1.1 over one kept-alive socket: Vert.x's own client would load ~250 classes (connection
 * pools, endpoint resolution, a DNS resolver) that the agent never needs again.
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
  public static Result run(String host, int port, boolean tls, int rounds, Duration budget) {
    long start = System.nanoTime();
    long deadline = start + budget.toNanos();
    long firstRoundEnd = Math.max(deadline, start + FIRST_ROUND_LIMIT.toNanos());
    int requests = 0;
    Connection connection = null;
    try {
      for (int round = 0; round < rounds && (round == 0 || System.nanoTime() < deadline); round++) {
        long end = round == 0 ? firstRoundEnd : deadline;
        for (String route : ROUTES) {
          if (connection == null || !connection.keptAlive) {
            closeQuietly(connection);
            connection = Connection.open(localAddress(host), port, tls, millisUntil(end));
          }
          connection.get(route, millisUntil(end));
          requests++;
        }
      }
      return new Result(requests, Duration.ofNanos(System.nanoTime() - start), Optional.empty());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      long now = System.nanoTime();
      // A request cut by the budget's deadline is the budget spent, not a failure.
      boolean budgetSpent = now >= deadline && requests > 0;
      return new Result(
          requests,
          Duration.ofNanos(now - start),
          budgetSpent ? Optional.empty() : Optional.of(e.toString()));
    } finally {
      closeQuietly(connection);
    }
  }

  private static int millisUntil(long end) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (end - System.nanoTime()) / 1_000_000));
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.socket.close();
      } catch (IOException e) {
        // a warm-up connection: nothing to lose
      }
    }
  }

  /** A wildcard bind address is dialled on loopback. */
  private static String localAddress(String host) {
    return switch (host) {
      case "0.0.0.0", "" -> "127.0.0.1";
      case "::", "[::]", "::0" -> "::1";
      default -> host;
    };
  }

  /** One HTTP/1.1 connection: GETs and reads whole responses, Content-Length or chunked. */
  private static final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String hostHeader;
    private boolean keptAlive = true;

    private Connection(Socket socket, String hostHeader) throws IOException {
      this.socket = socket;
      this.in = new BufferedInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
      this.hostHeader = hostHeader;
    }

    static Connection open(String host, int port, boolean tls, int timeoutMs)
        throws IOException, GeneralSecurityException {
      Socket plain = new Socket();
      try {
        plain.connect(new InetSocketAddress(host, port), timeoutMs);
        Socket socket =
            tls
                ? trustingAnyCertificate().getSocketFactory().createSocket(plain, host, port, true)
                : plain;
        return new Connection(
            socket, (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
      } catch (IOException | GeneralSecurityException | RuntimeException e) {
        plain.close();
        throw e;
      }
    }

    /** GETs {@code path}, gzip accepted as Prometheus asks for it, and reads the whole answer. */
    void get(String path, int timeoutMs) throws IOException {
      socket.setSoTimeout(timeoutMs);
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nAccept-Encoding: gzip\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = line();
      if (!status.startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP response: " + status);
      }
      long length = -1;
      boolean chunked = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        String name = header.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.contains("chunked");
          case "connection" -> keptAlive &= !value.contains("close");
          default -> {}
        }
      }
      if (chunked) {
        for (long size = chunkSize(); size > 0; size = chunkSize()) {
          skip(size);
          line();
        }
        while (!line().isEmpty()) {
          // trailers
        }
      } else if (length >= 0) {
        skip(length);
      } else {
        keptAlive = false; // the body ends with the connection
        while (in.read() >= 0) {
          // read to the end
        }
      }
    }

    private long chunkSize() throws IOException {
      String size = line();
      int extension = size.indexOf(';');
      return Long.parseLong(extension < 0 ? size.trim() : size.substring(0, extension).trim(), 16);
    }

    private void skip(long bytes) throws IOException {
      for (long left = bytes; left > 0; ) {
        long skipped = in.skip(left);
        if (skipped <= 0) {
          if (in.read() < 0) {
            throw new EOFException("the response ended " + left + " bytes early");
          }
          skipped = 1;
        }
        left -= skipped;
      }
    }

    /** A header line without its CRLF. */
    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("the connection closed mid-response");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  /** The agent's own certificate, whatever name it carries: the warm-up talks to itself. */
  static SSLContext trustingAnyCertificate() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    return context;
  }
}
