package io.gpuagent.agent.config;

import io.gpuagent.config.ConfigException;
import io.gpuagent.config.ConfigKey;
import io.gpuagent.config.ConfigSchema;
import io.gpuagent.config.ConfigValues;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Builds the {@link AgentConfig} from, lowest to highest precedence: the keys' defaults, the YAML
 * file, the environment ({@code GPU_AGENT_…}) and command-line flags, over every key of {@link
 * AgentConfig#SCHEMA}. Everything is validated before the agent starts anything; the first mistake
 * becomes a {@link ConfigException} naming the source, the key and the value.
 */
public final class ConfigLoader {
  /** Names the config file when no {@code --config} flag is given. */
  public static final String CONFIG_FILE_ENV = ConfigKey.ENV_PREFIX + "CONFIG";

  /** Config files larger than this (1 MiB) are refused before they are parsed. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  private static final ConfigSchema SCHEMA = AgentConfig.SCHEMA;

  /** A value given on the command line: {@code flag} is how the user wrote it, e.g. --port. */
  public record FlagValue(String flag, ConfigKey<?> key, String value) {}

  private final Map<String, String> environment;
  private final Set<String> builtInProfiles;
  private final Supplier<String> hostName;

  /**
   * @param environment the process environment (only {@code GPU_AGENT_…} entries are read)
   * @param builtInProfiles simulator profile names accepted without a file
   * @param hostName the default node name, asked only when no node name is configured
   */
  public ConfigLoader(
      Map<String, String> environment, Set<String> builtInProfiles, Supplier<String> hostName) {
    this.environment = Map.copyOf(environment);
    this.builtInProfiles = Set.copyOf(builtInProfiles);
    this.hostName = hostName;
  }

  public AgentConfig load(Optional<Path> configFlag, List<FlagValue> flags) {
    ConfigValues.Builder values = ConfigValues.builder();
    Optional<Path> file =
        configFlag.or(() -> Optional.ofNullable(environment.get(CONFIG_FILE_ENV)).map(Path::of));
    file.ifPresent(path -> readFile(path, values));
    readEnvironment(values);
    for (FlagValue flag : flags) {
      values.set(flag.key(), flag.value(), "flag " + flag.flag());
    }
    if (!values.isSet(AgentConfig.NODE_NAME)) {
      values.setValue(AgentConfig.NODE_NAME, hostName.get(), "host name");
    }
    ConfigValues built = values.build();
    checkProfile(built);
    return AgentConfig.from(built);
  }

  private void readFile(Path path, ConfigValues.Builder values) {
    Object document;
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setCodePointLimit(MAX_FILE_BYTES);
    try {
      String text = new String(readSmallFile(path), StandardCharsets.UTF_8);
      document = new Yaml(new SafeConstructor(options)).load(text);
    } catch (NoSuchFileException e) {
      throw new ConfigException(path + ": config file not found");
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read config file: " + reason(e));
    } catch (MarkedYAMLException e) {
      String problem = e.getProblem() == null ? e.getContext() : e.getProblem();
      int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
      throw new ConfigException(path + ": line " + line + ": not valid YAML: " + problem);
    } catch (YAMLException e) {
      throw new ConfigException(path + ": not valid YAML: " + firstLine(e.getMessage()));
    }
    if (document == null) {
      return; // an empty file means all defaults
    }
    if (!(document instanceof Map<?, ?> map)) {
      throw new ConfigException(path + ": the top level must be a mapping of keys to values");
    }
    Map<String, Object> flat = new TreeMap<>();
    flatten("", map, flat, path);
    if (!flat.containsKey(AgentConfig.SCHEMA_VERSION.path())) {
      throw new ConfigException(
          path
              + ": key 'version' is missing (this agent reads version "
              + AgentConfig.VERSION
              + ")");
    }
    flat.forEach(
        (keyPath, raw) -> values.set(SCHEMA.byPath(keyPath).orElseThrow(), raw, path.toString()));
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> flat, Path path) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String keyPath = prefix + entry.getKey();
      Object value = entry.getValue();
      if (SCHEMA.byPath(keyPath).isPresent()) {
        if (value == null) {
          throw new ConfigException(path + ": key '" + keyPath + "' has no value");
        }
        flat.put(keyPath, value);
      } else if (SCHEMA.isSection(keyPath) && value instanceof Map<?, ?> section) {
        flatten(keyPath + ".", section, flat, path);
      } else if (SCHEMA.isSection(keyPath)) {
        throw new ConfigException(path + ": key '" + keyPath + "' must be a mapping");
      } else {
        throw new ConfigException(
            path + ": unknown key '" + keyPath + "'" + SCHEMA.suggestPath(keyPath));
      }
    }
  }

  private void readEnvironment(ConfigValues.Builder values) {
    new TreeMap<>(environment)
        .forEach(
            (name, raw) -> {
              if (!name.startsWith(ConfigKey.ENV_PREFIX) || name.equals(CONFIG_FILE_ENV)) {
                return;
              }
              ConfigKey<?> key =
                  SCHEMA
                      .byEnv(name)
                      .orElseThrow(
                          () ->
                              new ConfigException(
                                  "environment: unknown variable "
                                      + name
                                      + SCHEMA.suggestEnv(name)));
              values.set(key, raw, "environment " + name);
            });
  }

  private void checkProfile(ConfigValues values) {
    Optional<String> profile = values.get(AgentConfig.SIMULATE_PROFILE);
    if (profile.isEmpty()
        || builtInProfiles.contains(profile.get())
        || Files.isRegularFile(Path.of(profile.get()))) {
      return;
    }
    throw values.invalid(
        AgentConfig.SIMULATE_PROFILE,
        "is neither a built-in profile ("
            + String.join(", ", new TreeSet<>(builtInProfiles))
            + ") nor a profile file");
  }

  /**
   * The file's bytes, refused before it is opened when it is not a regular file (a FIFO would block
   * the start forever, a device never ends) or larger than {@link #MAX_FILE_BYTES}.
   */
  static byte[] readSmallFile(Path path) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new ConfigException(
          path + ": not a regular file (a directory, FIFO, socket or device cannot be read)");
    }
    if (attributes.size() > MAX_FILE_BYTES) {
      throw new ConfigException(tooLarge(path));
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new ConfigException(tooLarge(path)); // it grew after the check
      }
      return bytes;
    }
  }

  private static String tooLarge(Path path) {
    return path + ": config file larger than " + MAX_FILE_BYTES / 1024 + " KiB";
  }

  /** An I/O failure in words, without the exception's class name. */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? "I/O error" : firstLine(message);
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
