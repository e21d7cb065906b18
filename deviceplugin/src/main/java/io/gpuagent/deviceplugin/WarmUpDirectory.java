package io.gpuagent.deviceplugin;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The early warm-up round's directory: new, in the JVM's temporary directory, only this user may
 * enter it, named for this process ({@code <prefix>-<pid>-<n>}, the next {@code n} when a name is
 * taken). {@code Files.createTempDirectory} draws the name from a {@code SecureRandom}: the
 * security providers and the system's random source, ~60 classes kept for the life of the agent,
 * for one directory that lives a second.
 */
final class WarmUpDirectory {
  private static final int ATTEMPTS = 100;

  private WarmUpDirectory() {}

  static Path create(String prefix) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    String name = prefix + "-" + ProcessHandle.current().pid() + "-";
    for (int attempt = 0; ; attempt++) {
      try {
        return Files.createDirectory(
            tmp.resolve(name + attempt),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        if (attempt == ATTEMPTS - 1) {
          throw e;
        }
      }
    }
  }
}
