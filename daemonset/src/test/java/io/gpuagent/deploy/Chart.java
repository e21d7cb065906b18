package io.gpuagent.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** The gpu-agent chart, rendered and linted by Helm's own engine, in-process. */
final class Chart {
  static final Path DIR = Path.of("chart", "gpu-agent");
  static final Path EXAMPLES = DIR.resolve("values");
  static final String RELEASE = "gpu-agent";
  static final String NAMESPACE = "gpu-agent";

  private Chart() {}

  /** {@code helm template} of the chart with these values files over values.yaml. */
  static String template(List<Path> valuesFiles) {
    var command = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE);
    valuesFiles.forEach(command::withValuesFile);
    return command.call();
  }

  /**
   * {@code helm lint --strict} of the chart with these values files over values.yaml. helm-java's
   * lint takes no values files, so it lints a copy of the chart whose values.yaml is the merge Helm
   * itself would make.
   */
  static LintResult lint(List<Path> valuesFiles, Path scratch) {
    try {
      Path copy = scratch.resolve("gpu-agent");
      copyFollowingLinks(DIR, copy);
      Map<String, Object> values = load(DIR.resolve("values.yaml"));
      for (Path file : valuesFiles) {
        values = merge(values, load(file));
      }
      DumperOptions options = new DumperOptions();
      options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      Files.writeString(copy.resolve("values.yaml"), new Yaml(options).dump(values));
      return new Helm(copy).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Map<String, Object> load(Path file) throws IOException {
    Map<String, Object> map = new Yaml().load(Files.readString(file));
    return map == null ? new LinkedHashMap<>() : map;
  }

  /** Helm's coalescing of values: maps merge key by key, anything else is replaced. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    over.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> overMap && merged.get(key) instanceof Map<?, ?> baseMap) {
            merged.put(key, merge((Map<String, Object>) baseMap, (Map<String, Object>) overMap));
          } else {
            merged.put(key, value);
          }
        });
    return merged;
  }

  private static void copyFollowingLinks(Path from, Path to) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(from)) {
      paths = new ArrayList<>(walk.toList());
    }
    for (Path path : paths) {
      Path target = to.resolve(from.relativize(path).toString());
      if (Files.isDirectory(path)) {
        Files.createDirectories(target);
      } else {
        Files.copy(path, target); // a link (files/alerts.yaml) is copied as the file it names
      }
    }
  }
}
