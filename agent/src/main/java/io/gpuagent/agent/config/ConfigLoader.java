package io.gpuagent.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Builds the {@link AgentConfig} from, lowest to highest precedence: defaults, the YAML file, the
 * environment ({@code GPU_AGENT_…}) and command-line flags. Everything is validated before the
 * agent starts anything; the first mistake becomes a {@link ConfigException} naming the source, the
 * key and the value.
 */
public final class ConfigLoader {
  /** Names the config file when no {@code --config} flag is given. */
  public static final String CONFIG_FILE_ENV = ConfigKey.ENV_PREFIX + "CONFIG";

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
    Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
    for (ConfigKey<?> key : ConfigSchema.KEYS) {
      key.defaultValue().ifPresent(value -> values.put(key, value));
    }
    Optional<Path> file =
        configFlag.or(() -> Optional.ofNullable(environment.get(CONFIG_FILE_ENV)).map(Path::of));
    file.ifPresent(path -> readFile(path, values));
    readEnvironment(values);
    for (FlagValue flag : flags) {
      put(values, flag.key(), flag.value(), "flag " + flag.flag() + ":");
    }
    values.computeIfAbsent(ConfigSchema.NODE_NAME, key -> hostName.get());
    checkProfile(values, file);
    checkTogether(values, ConfigSchema.HTTP_TLS_CERT_FILE, ConfigSchema.HTTP_TLS_KEY_FILE);
    checkTogether(
        values, ConfigSchema.HTTP_AUTH_BASIC_USERNAME, ConfigSchema.HTTP_AUTH_BASIC_PASSWORD_FILE);
    for (ConfigKey<String> key :
        List.of(
            ConfigSchema.HTTP_TLS_CERT_FILE,
            ConfigSchema.HTTP_TLS_KEY_FILE,
            ConfigSchema.HTTP_AUTH_BEARER_TOKEN_FILE,
            ConfigSchema.HTTP_AUTH_BASIC_PASSWORD_FILE,
            ConfigSchema.METRICS_COUNTERS_FILE)) {
      checkReadable(values, key);
    }
    return AgentConfig.from(values);
  }

  private void readFile(Path path, Map<ConfigKey<?>, Object> values) {
    Object document;
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      document = new Yaml(new SafeConstructor(options)).load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException(path + ": config file not found");
    } catch (IOException e) {
      throw new ConfigException(path + ": cannot read config file: " + e.getMessage());
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
    if (!flat.containsKey(ConfigSchema.SCHEMA_VERSION.path())) {
      throw new ConfigException(
          path
              + ": key 'version' is missing (this agent reads version "
              + ConfigSchema.VERSION
              + ")");
    }
    flat.forEach((keyPath, raw) -> put(values, ConfigSchema.BY_PATH.get(keyPath), raw, path + ":"));
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> flat, Path path) {
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      String keyPath = prefix + entry.getKey();
      Object value = entry.getValue();
      if (ConfigSchema.BY_PATH.containsKey(keyPath)) {
        if (value == null) {
          throw new ConfigException(path + ": key '" + keyPath + "' has no value");
        }
        flat.put(keyPath, value);
      } else if (isSection(keyPath) && value instanceof Map<?, ?> section) {
        flatten(keyPath + ".", section, flat, path);
      } else if (isSection(keyPath)) {
        throw new ConfigException(path + ": key '" + keyPath + "' must be a mapping");
      } else {
        throw new ConfigException(
            path + ": unknown key '" + keyPath + "'" + KeySuggestion.forPath(keyPath));
      }
    }
  }

  private static boolean isSection(String keyPath) {
    return ConfigSchema.KEYS.stream().anyMatch(key -> key.path().startsWith(keyPath + "."));
  }

  private void readEnvironment(Map<ConfigKey<?>, Object> values) {
    new TreeMap<>(environment)
        .forEach(
            (name, raw) -> {
              if (!name.startsWith(ConfigKey.ENV_PREFIX) || name.equals(CONFIG_FILE_ENV)) {
                return;
              }
              ConfigKey<?> key = ConfigSchema.BY_ENV.get(name);
              if (key == null) {
                throw new ConfigException(
                    "environment: unknown variable " + name + KeySuggestion.forEnv(name));
              }
              put(values, key, raw, "environment " + name + ":");
            });
  }

  private static void put(
      Map<ConfigKey<?>, Object> values, ConfigKey<?> key, Object raw, String source) {
    try {
      values.put(key, key.type().parse(raw));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          source + " key '" + key.path() + "': value '" + raw + "' " + e.getMessage());
    }
  }

  private void checkProfile(Map<ConfigKey<?>, Object> values, Optional<Path> file) {
    String profile = (String) values.get(ConfigSchema.SIMULATE_PROFILE);
    if (profile.isBlank()
        || builtInProfiles.contains(profile)
        || Files.isRegularFile(Path.of(profile))) {
      return;
    }
    throw new ConfigException(
        file.map(p -> p + ": ").orElse("")
            + "key 'simulate.profile': value '"
            + profile
            + "' is neither a built-in profile ("
            + String.join(", ", new java.util.TreeSet<>(builtInProfiles))
            + ") nor a profile file");
  }

  /** Two keys that only make sense together, like a certificate and its key. */
  private static void checkTogether(
      Map<ConfigKey<?>, Object> values, ConfigKey<String> first, ConfigKey<String> second) {
    boolean hasFirst = !((String) values.get(first)).isBlank();
    boolean hasSecond = !((String) values.get(second)).isBlank();
    if (hasFirst != hasSecond) {
      throw new ConfigException(
          "keys '"
              + first.path()
              + "' and '"
              + second.path()
              + "' must be set together (only '"
              + (hasFirst ? first.path() : second.path())
              + "' is set)");
    }
  }

  private static void checkReadable(Map<ConfigKey<?>, Object> values, ConfigKey<String> key) {
    String file = (String) values.get(key);
    if (!file.isBlank() && !Files.isReadable(Path.of(file))) {
      throw new ConfigException("key '" + key.path() + "': file '" + file + "' cannot be read");
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
