package io.gpuagent.exporter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small, strict parser of the Prometheus text format (0.0.4) and OpenMetrics text, enough to
 * check what the exporter writes: every sample line parses, belongs to a family whose TYPE came
 * first, and has a numeric value. Fails with the offending line otherwise.
 */
record Exposition(List<Sample> samples, Map<String, String> types, Map<String, String> help) {

  record Sample(String name, Map<String, String> labels, double value) {
    String label(String name) {
      return labels.get(name);
    }
  }

  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");
  private static final Pattern META =
      Pattern.compile("# (HELP|TYPE|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)");

  static Exposition parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> help = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.equals("# EOF")) {
        continue;
      }
      if (line.startsWith("#")) {
        Matcher meta = META.matcher(line);
        if (!meta.matches()) {
          throw new AssertionError("bad comment line: " + line);
        }
        (meta.group(1).equals("TYPE") ? types : help).put(meta.group(2), meta.group(3));
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        throw new AssertionError("bad sample line: " + line);
      }
      String name = sample.group(1);
      if (familyOf(name, types).isEmpty()) {
        throw new AssertionError("sample before its TYPE line: " + line);
      }
      samples.add(new Sample(name, labels(sample.group(3), line), value(sample.group(4), line)));
    }
    return new Exposition(List.copyOf(samples), types, help);
  }

  List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  List<Sample> where(String name, Predicate<Sample> filter) {
    return named(name).stream().filter(filter).toList();
  }

  /** The one sample of {@code name} whose labels include {@code labelPairs}; fails otherwise. */
  Sample one(String name, String... labelPairs) {
    List<Sample> found =
        where(
            name,
            s -> {
              for (int i = 0; i < labelPairs.length; i += 2) {
                if (!labelPairs[i + 1].equals(s.labels().get(labelPairs[i]))) {
                  return false;
                }
              }
              return true;
            });
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one " + name + " with " + List.of(labelPairs) + ", found " + found);
    }
    return found.get(0);
  }

  private static Optional<String> familyOf(String sampleName, Map<String, String> types) {
    if (types.containsKey(sampleName)) {
      return Optional.of(sampleName);
    }
    for (String suffix : List.of("_total", "_created", "_count", "_sum", "_bucket", "_info")) {
      if (sampleName.endsWith(suffix)) {
        String family = sampleName.substring(0, sampleName.length() - suffix.length());
        if (types.containsKey(family)) {
          return Optional.of(family);
        }
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> labels(String text, String line) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return labels;
    }
    Matcher matcher = LABEL.matcher(text);
    int at = 0;
    while (at < text.length()) {
      if (!matcher.find(at) || matcher.start() != at) {
        throw new AssertionError("bad labels at " + at + ": " + line);
      }
      if (labels.put(matcher.group(1), matcher.group(2)) != null) {
        throw new AssertionError("label " + matcher.group(1) + " twice: " + line);
      }
      at = matcher.end();
    }
    return labels;
  }

  private static double value(String text, String line) {
    try {
      return Double.parseDouble(text.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    } catch (NumberFormatException e) {
      throw new AssertionError("bad value: " + line, e);
    }
  }
}
