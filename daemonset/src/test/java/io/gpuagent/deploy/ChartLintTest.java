package io.gpuagent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Helm's own engine renders and lints the chart cleanly for the defaults and every toggle. */
class ChartLintTest {
  /** Each toggle's rendering, to read. */
  private static final Path RENDERED = Path.of("target", "rendered");

  @TempDir Path scratch;

  @ParameterizedTest
  @EnumSource(Toggle.class)
  void rendersObjectsThatParseStrictly(Toggle toggle) throws IOException {
    Rendering rendering = toggle.render(scratch);
    Files.createDirectories(RENDERED);
    Files.writeString(RENDERED.resolve(toggle.name().toLowerCase() + ".yaml"), rendering.yaml());

    assertThat(rendering.objects()).as("objects of %s", toggle).isNotEmpty();
    assertThat(rendering.daemonSet().getMetadata().getNamespace()).isEqualTo(Chart.NAMESPACE);
  }

  @ParameterizedTest
  @EnumSource(Toggle.class)
  void lintsCleanInStrictMode(Toggle toggle) {
    LintResult lint = Chart.lint(toggle.valuesFiles(scratch), scratch);

    assertThat(lint.isFailed())
        .as("helm lint --strict of %s: %s", toggle, lint.getMessages())
        .isFalse();
    assertThat(lint.getMessages())
        .as("helm lint --strict of %s", toggle)
        .allSatisfy(message -> assertThat(message).doesNotContain("[WARNING]", "[ERROR]"));
  }
}
