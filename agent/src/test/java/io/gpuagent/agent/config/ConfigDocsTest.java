package io.gpuagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.agent.cli.CliEnvironment;
import io.gpuagent.agent.cli.ConfigFlag;
import io.gpuagent.agent.cli.GpuAgentCli;
import io.gpuagent.config.ConfigDocs;
import io.gpuagent.config.ConfigSection;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Config keys are a public contract: docs/configuration.md lists every key the agent reads, and no
 * other, as the module that owns it declares it (type, default, environment name, flag).
 */
class ConfigDocsTest {
  private static final Path DOCS = Path.of("..", "docs", "configuration.md");
  private static final Path UPDATED = Path.of("target", "configuration.md");
  private static final String BEGIN =
      "<!-- BEGIN keys: rendered from the code's config sections; ConfigDocsTest checks it -->\n";
  private static final String END = "<!-- END keys -->\n";

  /** Each section's table, in the order the agent composes them. */
  static String renderedKeys() {
    return AgentConfig.SCHEMA.sections().stream()
        .map((ConfigSection section) -> ConfigDocs.table(section, ConfigFlag::docsCell))
        .collect(Collectors.joining("\n"));
  }

  @Test
  void docsListEveryKeyAsItsModuleDeclaresIt() throws IOException {
    String docs = Files.readString(DOCS);
    int begin = docs.indexOf(BEGIN);
    int end = docs.indexOf(END);
    assertThat(begin).as("marker %s in %s", BEGIN.strip(), DOCS).isNotNegative();
    assertThat(end).as("marker %s in %s", END.strip(), DOCS).isGreaterThan(begin);

    String expected =
        docs.substring(0, begin + BEGIN.length()) + renderedKeys() + docs.substring(end);
    if (!expected.equals(docs)) {
      Files.writeString(UPDATED, expected);
    }

    assertThat(docs)
        .as(
            "docs/configuration.md is out of step with the config keys; the file as it should"
                + " read is %s",
            UPDATED.toAbsolutePath())
        .isEqualTo(expected);
  }

  @Test
  void everyFlagTheDocsNameIsAnOptionOfTheCommandLine() {
    StringWriter out = new StringWriter();
    CliEnvironment env =
        new CliEnvironment(
            Map.of(), () -> "test", new PrintWriter(out, true), new PrintWriter(out, true));

    GpuAgentCli.execute(new String[] {"run", "--help"}, env);

    for (ConfigFlag flag : ConfigFlag.values()) {
      assertThat(out.toString()).as("gpu-agent run --help").contains(flag.flag());
    }
  }
}
