package io.gpuagent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image follows the launcher's layout, and the chart runs it through its entrypoint. */
class DockerfileTest {
  private static final Path DOCKERFILE = Path.of("Dockerfile");
  private static final Path ROOT = Path.of("..");

  /** The build context is the repository root: every builder reads the ignore file there. */
  private static final Path IGNORE = ROOT.resolve(".dockerignore");

  @TempDir Path scratch;

  @Test
  void entrypointIsTheLauncherAndTheDefaultCommandRuns() throws IOException {
    String dockerfile = Files.readString(DOCKERFILE);

    assertThat(dockerfile)
        .contains("ENTRYPOINT [\"/opt/gpu-agent/bin/gpu-agent\"]")
        .contains("CMD [\"run\"]");
    assertThat(copies())
        .containsExactly(
            List.of("bin/gpu-agent", "/opt/gpu-agent/bin/gpu-agent"),
            List.of("agent/target/gpu-agent.jar", "/opt/gpu-agent/lib/gpu-agent.jar"),
            List.of("agent/target/native", "/opt/gpu-agent/lib/native"));
    assertThat(dockerfile)
        .as("the archive is made in the image, by its Java, for the jar where it lies")
        .contains("RUN /opt/gpu-agent/bin/gpu-agent cds-archive");
  }

  @Test
  void theChartUsesTheImagesEntrypointWithTheSameCommand() {
    var container = Toggle.DEFAULTS.render(scratch).container();

    assertThat(container.getCommand()).isNullOrEmpty();
    assertThat(container.getArgs().get(0)).isEqualTo("run");
  }

  @Test
  void everySourceTheBuildContextLetsThroughIsAFileOfTheRepositoryOrOfTheBuild()
      throws IOException {
    List<String> allowed =
        Files.readAllLines(IGNORE).stream()
            .filter(l -> l.startsWith("!"))
            .map(l -> l.substring(1))
            .toList();
    for (List<String> copy : copies()) {
      for (String source : copy.subList(0, copy.size() - 1)) {
        assertThat(allowed).as(".dockerignore lets %s through", source).contains(source);
        if (!source.contains("/target/")) { // made by mvn package otherwise
          assertThat(ROOT.resolve(source)).exists().isExecutable();
        }
      }
    }
  }

  /** Each COPY's arguments: sources, then the destination. */
  private static List<List<String>> copies() throws IOException {
    List<List<String>> copies = new ArrayList<>();
    for (String line : Files.readAllLines(DOCKERFILE)) {
      if (line.startsWith("COPY ")) {
        copies.add(Arrays.asList(line.substring(5).trim().split("\\s+")));
      }
    }
    return copies;
  }
}
