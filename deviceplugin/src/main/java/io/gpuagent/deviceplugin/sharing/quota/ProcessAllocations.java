package io.gpuagent.deviceplugin.sharing.quota;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which kubelet device IDs a process's container was allocated, read from a {@code /proc} tree:
 * {@code <pid>/environ}'s {@code GPU_AGENT_DEVICE_IDS} (Allocate sets it), or failing that (a
 * process started with a clean environment) the same variable of another process in the same
 * cgroup, i.e. the same container. One instance per sample: the cgroup scan is done at most once.
 */
final class ProcessAllocations {
  static final String DEVICE_IDS = "GPU_AGENT_DEVICE_IDS";
  private static final byte[] PREFIX = (DEVICE_IDS + "=").getBytes(StandardCharsets.UTF_8);

  private final Path root;
  private Map<String, List<String>> idsByCgroup;

  ProcessAllocations(Path root) {
    this.root = root;
  }

  /** The device IDs of the pid's container; empty when neither its environ nor cgroup tells. */
  Optional<List<String>> deviceIds(int pid) {
    Path dir = root.resolve(Integer.toString(pid));
    Optional<List<String>> own = fromEnviron(dir);
    if (own.isPresent()) {
      return own;
    }
    return cgroup(dir).flatMap(group -> Optional.ofNullable(byCgroup().get(group)));
  }

  private Map<String, List<String>> byCgroup() {
    if (idsByCgroup == null) {
      idsByCgroup = new HashMap<>();
      try (DirectoryStream<Path> entries =
          Files.newDirectoryStream(root, ProcessAllocations::isPid)) {
        for (Path dir : entries) {
          Optional<String> group = cgroup(dir);
          if (group.isPresent() && !idsByCgroup.containsKey(group.get())) {
            fromEnviron(dir).ifPresent(ids -> idsByCgroup.put(group.get(), ids));
          }
        }
      } catch (IOException | RuntimeException e) {
        // an unreadable tree attributes nothing by cgroup; the process stays unattributed
      }
    }
    return idsByCgroup;
  }

  private static boolean isPid(Path entry) {
    String name = entry.getFileName().toString();
    return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
  }

  /** {@code GPU_AGENT_DEVICE_IDS} from NUL-separated {@code KEY=value} pairs. */
  private static Optional<List<String>> fromEnviron(Path dir) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(dir.resolve("environ"));
    } catch (IOException e) {
      return Optional.empty(); // ended, or not ours to read
    }
    int start = 0;
    while (start < environ.length) {
      int end = start;
      while (end < environ.length && environ[end] != 0) {
        end++;
      }
      if (startsWith(environ, start, end)) {
        String value =
            new String(
                environ,
                start + PREFIX.length,
                end - start - PREFIX.length,
                StandardCharsets.UTF_8);
        List<String> ids =
            Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids);
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] bytes, int from, int to) {
    if (to - from < PREFIX.length) {
      return false;
    }
    for (int i = 0; i < PREFIX.length; i++) {
      if (bytes[from + i] != PREFIX[i]) {
        return false;
      }
    }
    return true;
  }

  private static Optional<String> cgroup(Path dir) {
    try {
      String text = Files.readString(dir.resolve("cgroup"), StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
