package io.gpuagent.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command's help renders cleanly: picocli formats descriptions as format strings and warns on
 * its own stderr about a stray {@code %} instead of failing.
 */
class CliHelpTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"--help", "run --help", "devices --help", "probe --help", "mig plan --help"})
  void helpRendersWithoutWarnings(String command) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    PrintStream before = System.err;
    int exit;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    try {
      exit =
          GpuAgentCli.execute(
              command.split(" "),
              new CliEnvironment(
                  Map.of(),
                  () -> "test-node",
                  new PrintWriter(out, true),
                  new PrintWriter(err, true)));
    } finally {
      System.setErr(before);
    }

    assertThat(exit).isZero();
    assertThat(out.toString()).startsWith("Usage: gpu-agent");
    assertThat(stderr.toString(StandardCharsets.UTF_8) + err).doesNotContain("WARN");
  }
}
