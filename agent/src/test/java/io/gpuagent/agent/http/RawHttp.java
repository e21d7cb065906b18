package io.gpuagent.agent.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for requests no well-behaved client sends (no {@code Host}, bad
 * percent-encoding) and for keeping one connection for many requests.
 */
public final class RawHttp implements AutoCloseable {
  public record Response(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  public RawHttp(String host, int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5000);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends {@code request} as written (CRLFs included) and reads one response. */
  public Response exchange(String request) throws IOException {
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return read(request.startsWith("HEAD "));
  }

  Response read(boolean head) throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String line = line(); line != null && !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
    }
    int length =
        head
            ? 0
            : Integer.parseInt(
                headers.getOrDefault("content-length", "0").toLowerCase(Locale.ROOT));
    byte[] body = in.readNBytes(length);
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      bytes.write(c);
    }
    return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.ISO_8859_1);
  }

  /** Whether the server closed the connection (end of stream) within the socket's timeout. */
  boolean closedByServer() {
    try {
      return in.read() == -1;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
