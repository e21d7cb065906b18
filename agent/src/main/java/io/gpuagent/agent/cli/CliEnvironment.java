package io.gpuagent.agent.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the CLI takes from the process: environment variables, the host name and the two output
 * streams. Tests pass their own; {@code Main} passes the real ones.
 */
public record CliEnvironment(
    Map<String, String> variables, Supplier<String> hostName, PrintWriter out, PrintWriter err) {}
