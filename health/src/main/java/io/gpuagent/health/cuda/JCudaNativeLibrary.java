package io.gpuagent.health.cuda;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import jcuda.JCudaVersion;
import jcuda.LibUtils;

/**
 * JCuda's native driver binding, as a file in the temporary directory. On first use JCuda writes it
 * there unless a file of that name exists, and loads whatever it finds. Probes of several GPUs
 * start together in a fresh container, so one could load the file while another is still writing
 * it; writing it here first, to a scratch file renamed into place, means JCuda only ever finds a
 * complete file. JCuda tries {@code java.library.path} before: where the launcher put the library
 * there, nothing is written.
 */
final class JCudaNativeLibrary {

  private JCudaNativeLibrary() {}

  private static boolean onLibraryPath(String fileName) {
    String path = System.getProperty("java.library.path", "");
    return Arrays.stream(path.split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .anyMatch(dir -> Files.isRegularFile(Path.of(dir, fileName)));
  }

  /** The file name JCuda looks for, e.g. {@code libJCudaDriver-12.6.0-linux-x86_64.so}. */
  static String fileName() {
    return LibUtils.createLibraryFileName(
        LibUtils.createPlatformLibraryName("JCudaDriver-" + JCudaVersion.get()));
  }

  /**
   * Puts the library where JCuda looks, unless an identical file is there. Does nothing when JCuda
   * has no library for this platform: JCuda then fails to load with its own message.
   */
  static void extract() throws IOException {
    String fileName = fileName();
    if (onLibraryPath(fileName)) {
      return; // JCuda loads it from there first (bin/gpu-agent's native/ directory)
    }
    byte[] library;
    try (InputStream in = LibUtils.class.getResourceAsStream("/lib/" + fileName)) {
      if (in == null) {
        return;
      }
      library = in.readAllBytes();
    }
    // the default temporary-file directory is where JCuda extracts to
    Path target = Path.of(System.getProperty("java.io.tmpdir")).resolve(fileName);
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), library)) {
      return; // the usual case: no scratch file that a probe killed now could leave behind
    }
    Path scratch = Files.createTempFile(fileName, ".part");
    try {
      Files.write(scratch, library);
      Files.move(scratch, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(scratch);
    }
  }
}
