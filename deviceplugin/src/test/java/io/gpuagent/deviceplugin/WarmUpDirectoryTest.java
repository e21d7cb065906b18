package io.gpuagent.deviceplugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** The early warm-up round's directory: private, new each time, named without a SecureRandom. */
class WarmUpDirectoryTest {

  @Test
  void eachCallMakesANewDirectoryOnlyItsOwnerMayEnter() throws IOException {
    String prefix = "gpu-agent-warm-up-test-" + System.nanoTime();
    Path first = WarmUpDirectory.create(prefix);
    Path second = WarmUpDirectory.create(prefix);
    try {
      assertThat(first).isNotEqualTo(second);
      for (Path dir : new Path[] {first, second}) {
        assertThat(dir.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(dir.getFileName().toString())
            .startsWith(prefix + "-" + ProcessHandle.current().pid() + "-");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
            .isEqualTo("rwx------");
      }
    } finally {
      Files.deleteIfExists(first);
      Files.deleteIfExists(second);
    }
  }

  @Test
  void aNameTakenByAnotherFileIsPassedOver() throws IOException {
    String prefix = "gpu-agent-warm-up-test-" + System.nanoTime();
    Path taken =
        Files.createFile(
            Path.of(System.getProperty("java.io.tmpdir"))
                .resolve(prefix + "-" + ProcessHandle.current().pid() + "-0"));
    Path made = WarmUpDirectory.create(prefix);
    try {
      assertThat(made.getFileName().toString()).endsWith("-1");
      assertThat(Files.isRegularFile(taken)).isTrue();
    } finally {
      Files.deleteIfExists(made);
      Files.deleteIfExists(taken);
    }
  }
}
