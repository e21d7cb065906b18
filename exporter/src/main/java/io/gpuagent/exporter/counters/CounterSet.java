package io.gpuagent.exporter.counters;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which DCGM fields to collect, from a counters file in dcgm-exporter's CSV format (one {@code
 * DCGM_FI_…, gauge|counter|label, help} per line; {@code #} starts a comment), so users can bring
 * the file they already have. The built-in default mirrors dcgm-exporter's default set.
 */
public record CounterSet(List<CounterSpec> specs, String source) {
  private static final Logger LOG = LoggerFactory.getLogger(CounterSet.class);
  private static final String BUILT_IN = "default-counters.csv";

  public CounterSet {
    specs = List.copyOf(specs);
  }

  /** dcgm-exporter's default set (see {@code default-counters.csv} in this package). */
  public static CounterSet builtIn() {
    try (InputStream in = CounterSet.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException(BUILT_IN + " is missing from the exporter jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in " + BUILT_IN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a counters file.
   *
   * @throws CountersFileException (one line, naming the file and line) when it cannot be used
   */
  public static CounterSet load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CountersFileException(
          "cannot read counters file " + file + ": " + e.getClass().getSimpleName(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses counters-file text; {@code source} names it in messages. */
  public static CounterSet parse(String text, String source) {
    List<CounterSpec> specs = new ArrayList<>();
    Map<DcgmField, Integer> seenOnLine = new EnumMap<>(DcgmField.class);
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int lineNumber = i + 1;
      parseLine(lines[i], lineNumber, source)
          .ifPresent(
              spec -> {
                Integer earlier = seenOnLine.putIfAbsent(spec.field(), lineNumber);
                if (earlier != null) {
                  throw error(
                      source,
                      lineNumber,
                      spec.field().dcgmName() + " is already listed on line " + earlier);
                }
                specs.add(spec);
              });
    }
    return new CounterSet(specs, source);
  }

  /** The fields exposed as series (gauges and counters), in file order. */
  public List<CounterSpec> series() {
    return specs.stream().filter(spec -> spec.type() != MetricType.LABEL).toList();
  }

  /** The fields exposed as labels on every device series, in file order. */
  public List<CounterSpec> labels() {
    return specs.stream().filter(spec -> spec.type() == MetricType.LABEL).toList();
  }

  /** Every field listed, whatever its type. */
  public Set<DcgmField> fields() {
    Set<DcgmField> fields = EnumSet.noneOf(DcgmField.class);
    specs.forEach(spec -> fields.add(spec.field()));
    return fields;
  }

  private static Optional<CounterSpec> parseLine(String raw, int line, String source) {
    String text = raw.strip();
    if (text.isEmpty() || text.startsWith("#")) {
      return Optional.empty();
    }
    // The help text may itself hold commas: only the first two separate columns.
    String[] columns = text.split(",", 3);
    if (columns.length < 3) {
      throw error(
          source,
          line,
          "expected 'DCGM field, gauge|counter|label, help text', got '" + text + "'");
    }
    String name = columns[0].strip();
    String typeText = columns[1].strip();
    String help = unquote(columns[2].strip());
    Optional<DcgmField> field = DcgmField.byName(name);
    if (field.isEmpty()) {
      Optional<String> hint = UncollectedFields.hint(name);
      if (hint.isPresent()) {
        LOG.atWarn()
            .setMessage("counter-skipped")
            .addKeyValue("file", source)
            .addKeyValue("line", line)
            .addKeyValue("field", name)
            .addKeyValue("reason", hint.get())
            .log();
        return Optional.empty();
      }
      throw error(
          source, line, "unknown DCGM field '" + name + "' (exporter/README.md lists the fields)");
    }
    MetricType type =
        MetricType.fromCsv(typeText)
            .orElseThrow(
                () ->
                    error(
                        source,
                        line,
                        "type '" + typeText + "' for " + name + ": use gauge, counter or label"));
    boolean isLabelField = field.get().kind() == DcgmField.Kind.LABEL;
    if (isLabelField != (type == MetricType.LABEL)) {
      throw error(
          source,
          line,
          isLabelField
              ? name + " is a device property: its type must be label, not " + typeText
              : name + " is a measurement: its type must be gauge or counter, not label");
    }
    if (help.isEmpty()) {
      throw error(source, line, "help text for " + name + " is empty");
    }
    return Optional.of(new CounterSpec(field.get(), type, help, line));
  }

  /** Help text may be quoted as in CSV, with {@code ""} for a quote inside. */
  private static String unquote(String text) {
    if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
      return text.substring(1, text.length() - 1).replace("\"\"", "\"").strip();
    }
    return text;
  }

  private static CountersFileException error(String source, int line, String what) {
    return new CountersFileException("counters file " + source + " line " + line + ": " + what);
  }
}
