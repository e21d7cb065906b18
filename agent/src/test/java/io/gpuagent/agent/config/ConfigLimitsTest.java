package io.gpuagent.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpuagent.agent.config.ConfigLoader.FlagValue;
import io.gpuagent.config.ConfigException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Numbers, sizes and file kinds a config must stay within; every refusal names key and file. */
class ConfigLimitsTest {
  @TempDir Path dir;

  private static ConfigLoader loader(Map<String, String> env) {
    return new ConfigLoader(env, Set.of("h100x8"), () -> "host-1");
  }

  private Path file(String yaml) throws IOException {
    Path path = dir.resolve("config.yaml");
    Files.writeString(path, yaml);
    return path;
  }

  private static AgentConfig load(Path file) {
    return loader(Map.of()).load(Optional.of(file), List.of());
  }

  @Test
  void anOverflowingDurationIsRefusedNamingKeyAndFile() throws IOException {
    Path path = file("version: 1\nmetrics:\n  interval: 9999999999999999h\n");

    assertThatThrownBy(() -> load(path))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            path + ": key 'metrics.interval': value '9999999999999999h' must be at most 168h");
  }

  @Test
  void durationsAboveSevenDaysAreRefusedInEverySource() throws IOException {
    assertThatThrownBy(
            () ->
                loader(Map.of("GPU_AGENT_HEALTH_INTERVAL", "169h"))
                    .load(Optional.empty(), List.of()))
        .hasMessage(
            "environment GPU_AGENT_HEALTH_INTERVAL: key 'health.interval': value '169h' must be at"
                + " most 168h");
    assertThat(load(file("version: 1\nmetrics:\n  interval: 168h\n")).metrics().get().interval())
        .isEqualTo(Duration.ofDays(7));
  }

  @Test
  void integersTooLargeForAnyRangeAreOutOfRangeNotWrapped() throws IOException {
    Path yaml = file("version: 1\nhttp:\n  port: 18446744073709551616\n");
    assertThatThrownBy(() -> load(yaml))
        .hasMessage(
            yaml + ": key 'http.port': value '18446744073709551616' must be between 0 and 65535");
    assertThatThrownBy(
            () ->
                loader(Map.of())
                    .load(
                        Optional.empty(),
                        List.of(new FlagValue("--port", HttpConfig.PORT, "99999999999999999999"))))
        .hasMessageContaining("must be between 0 and 65535");
  }

  @Test
  void aFifoIsRefusedWithoutBlocking() throws Exception {
    Path fifo = dir.resolve("config.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();

    CompletableFuture<Throwable> failure =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                load(fifo);
                return null;
              } catch (RuntimeException e) {
                return e;
              }
            });

    assertThat(failure.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            fifo + ": not a regular file (a directory, FIFO, socket or device cannot be read)");
  }

  @Test
  void aFileOverOneMebibyteIsRefusedBeforeParsing() throws IOException {
    Path big = dir.resolve("big.yaml");
    try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
      sparse.setLength(50L * 1024 * 1024);
    }

    assertThatThrownBy(() -> load(big))
        .isInstanceOf(ConfigException.class)
        .hasMessage(big + ": config file larger than 1024 KiB");
  }

  @Test
  void httpHostMustBeAnAddressOrAResolvableName() throws IOException {
    Path bad = file("version: 1\nhttp:\n  host: 999.1.1.1\n");
    assertThatThrownBy(() -> load(bad))
        .hasMessage(bad + ": key 'http.host': value '999.1.1.1' is not an IPv4 address");
    assertThatThrownBy(() -> load(file("version: 1\nhttp:\n  host: 'a b'\n")))
        .hasMessageContaining("is neither an IP address nor a host name");
    assertThatThrownBy(() -> load(file("version: 1\nhttp:\n  host: '::g'\n")))
        .hasMessageContaining("is not an IPv6 address");
    assertThat(load(file("version: 1\nhttp:\n  host: '::1'\n")).http().host()).isEqualTo("::1");
    assertThat(load(file("version: 1\nhttp:\n  host: localhost\n")).http().host())
        .isEqualTo("localhost");
    assertThat(load(file("version: 1\nhttp:\n  host: 127.0.0.1\n")).http().host())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void aNewlineInTheNodeNameIsRefused() {
    assertThatThrownBy(
            () ->
                loader(Map.of("GPU_AGENT_NODE_NAME", "node-1\nforged"))
                    .load(Optional.empty(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("key 'nodeName'")
        .hasMessageContaining("must not contain control characters");
  }

  @Test
  void httpLimitsHaveTheirDocumentedDefaultsAndRanges() throws IOException {
    HttpLimits limits = load(file("version: 1\n")).http().limits();
    assertThat(limits)
        .isEqualTo(
            new HttpLimits(
                1024, Duration.ofSeconds(60), Duration.ofSeconds(10), 65536, 8192, 4096));
    assertThatThrownBy(() -> load(file("version: 1\nhttp:\n  maxConnections: 0\n")))
        .hasMessageContaining("key 'http.maxConnections': value '0' must be between 1 and 65536");
  }
}
