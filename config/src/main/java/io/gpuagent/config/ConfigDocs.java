package io.gpuagent.config;

import java.util.function.Function;

/**
 * The rows of {@code docs/configuration.md}, rendered from the keys themselves, so the docs say
 * what the code does: type, default and environment name cannot drift from it.
 */
public final class ConfigDocs {
  private ConfigDocs() {}

  /**
   * One Markdown table for {@code section}, headed by its title.
   *
   * @param flag the command-line flag column for a key, e.g. {@code `--port` (run)}, or empty
   */
  public static String table(ConfigSection section, Function<ConfigKey<?>, String> flag) {
    StringBuilder out = new StringBuilder();
    out.append("### ").append(section.title());
    if (!section.prefix().isEmpty()) {
      out.append(" (`").append(section.prefix()).append(".`)");
    }
    out.append("\n\n");
    out.append("| key | environment | flag | type | default | what it does |\n");
    out.append("| --- | --- | --- | --- | --- | --- |\n");
    for (ConfigKey<?> key : section.keys()) {
      out.append("| `")
          .append(key.path())
          .append("` | `")
          .append(key.envName())
          .append("` | ")
          .append(flag.apply(key))
          .append(" | ")
          .append(key.type().describe())
          .append(" | ")
          .append(defaultCell(key))
          .append(" | ")
          .append(key.description().replace("|", "\\|"))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String defaultCell(ConfigKey<?> key) {
    return key.formattedDefault()
        .map(value -> value.isEmpty() ? "empty" : "`" + value + "`")
        .orElse("see description");
  }
}
