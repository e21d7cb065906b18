package io.gpuagent.agent;

import io.gpuagent.agent.cli.CliEnvironment;
import io.gpuagent.agent.cli.GpuAgentCli;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** The process entry point: hands the real environment to the CLI and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
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
