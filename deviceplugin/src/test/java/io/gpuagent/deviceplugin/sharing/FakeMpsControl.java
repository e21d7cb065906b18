package io.gpuagent.deviceplugin.sharing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

/** The fake MPS control program (a shell script) copied into a directory, and what it left. */
public final class FakeMpsControl {
  private final Path root;
  private final Path program;

  private FakeMpsControl(Path root, Path program) {
    this.root = root;
    this.program = program;
  }

  /** Copies the script into {@code dir}; the pipe root is {@code dir/mps}. */
  public static FakeMpsControl in(Path dir) {
    Path program = dir.resolve("fake-mps-control");
    try (InputStream script = FakeMpsControl.class.getResourceAsStream("fake-mps-control.sh")) {
      Files.copy(script, program, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new FakeMpsControl(dir.resolve("mps"), program);
  }

  /** {@code config} running this program under this root, checking and restarting every 100 ms. */
  public SharingConfig configure(SharingConfig config) {
    return config.withMps(root, program.toString(), Duration.ofMillis(100), Duration.ofMillis(100));
  }

  public Path pipe(String uuid) {
    return root.resolve(uuid).resolve("pipe");
  }

  /** The stand-in daemon of {@code uuid}, while it runs. */
  public Optional<ProcessHandle> daemon(String uuid) {
    try {
      Path pid = pipe(uuid).resolve("fake.pid");
      return Files.exists(pid)
          ? ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
              .filter(ProcessHandle::isAlive)
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  public String startedWith(String uuid) throws IOException {
    return Files.readString(pipe(uuid).resolve("started-with")).trim();
  }

  /** Makes every later call for {@code uuid} fail (exit 1), or work again. */
  public void failing(String uuid, boolean fail) throws IOException {
    Path flag = pipe(uuid).resolve("FAKE_MPS_FAIL");
    if (fail) {
      Files.createDirectories(flag.getParent());
      Files.writeString(flag, "");
    } else {
      Files.deleteIfExists(flag);
    }
  }
}
