package io.gpuagent.health.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the kernel sources, the PTX script and the checked-in PTX live, seen from the module. */
final class KernelSources {

  static final Path CUDA_DIR = Path.of("src/main/cuda").toAbsolutePath();
  static final Path COMPILE_SCRIPT = CUDA_DIR.resolve("compile-ptx.sh");
  static final Path CHECKED_IN_PTX_DIR =
      Path.of("src/main/resources/io/gpuagent/health/cuda").toAbsolutePath();
  static final Path REFERENCE_PROGRAM =
      Path.of("src/test/cuda/reference_words.cu").toAbsolutePath();

  private KernelSources() {}

  /** The kernel names: {@code memory_probe}, {@code compute_probe}. */
  static List<String> kernelNames() {
    try (Stream<Path> files = Files.list(CUDA_DIR)) {
      return files
          .map(path -> path.getFileName().toString())
          .filter(name -> name.endsWith(".cu"))
          .map(name -> name.substring(0, name.length() - ".cu".length()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
