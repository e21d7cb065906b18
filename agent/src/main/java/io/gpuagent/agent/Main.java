package io.gpuagent.agent;

import io.gpuagent.agent.cli.CliEnvironment;
import io.gpuagent.agent.cli.GpuAgentCli;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The process entry point: hands the real environment to the CLI and exits with its code. */
public final class Main {
  private Main() {}

  /**
   * Library features the agent has no use for, off unless set on the command line: Netty's JFR
   * events (asking whether JFR is available loads ~80 of its classes), Vert.x's own DNS client (~90
   * classes and a UDP channel; a server binds {@code http.host} through the JDK's resolver instead)
   * and the Prometheus client's exemplars (they link a sample to a trace span, and the agent runs
   * no tracer; the JVM metrics' counters would start a scheduler thread for them and look for a
   * span on every increment). Set before any of these libraries is first used.
   */
  static final Map<String, String> LIBRARY_DEFAULTS =
      Map.of(
          "io.netty.jfr.enabled", "false",
          "vertx.disableDnsResolver", "true",
          "io.prometheus.metrics.exemplarsEnabled", "false");

  public static void main(String[] args) {
    LIBRARY_DEFAULTS.forEach(
        (key, value) -> {
          if (System.getProperty(key) == null) {
            System.setProperty(key, value);
          }
        });
    CliEnvironment env =
        new CliEnvironment(
            System.getenv(),
            Main::hostName,
            new PrintWriter(System.out, true, StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    System.exit(GpuAgentCli.execute(args, env));
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
