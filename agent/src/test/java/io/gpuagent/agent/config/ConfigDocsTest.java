package io.gpuagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Config keys are a public contract: every key the agent reads is documented, and no other. */
class ConfigDocsTest {
  private static final Path DOCS = Path.of("..", "docs", "configuration.md");

  @Test
  void everyKeyIsDocumentedWithItsEnvironmentName() throws IOException {
    String docs = Files.readString(DOCS);

    for (ConfigKey<?> key : ConfigSchema.KEYS) {
      assertThat(docs)
          .as("docs/configuration.md row for %s", key.path())
          .contains("| `" + key.path() + "` | `" + key.envName() + "` |");
    }
  }

  @Test
  void docsListNoKeyTheAgentDoesNotRead() throws IOException {
    long rows =
        Files.readAllLines(DOCS).stream()
            .filter(line -> line.matches("^\\| `[A-Za-z.]+` \\| `GPU_AGENT_[A-Z_]+` \\|.*"))
            .count();

    assertThat(rows).isEqualTo(ConfigSchema.KEYS.size());
  }
}
