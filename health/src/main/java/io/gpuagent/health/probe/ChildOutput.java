package io.gpuagent.health.probe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains one output stream of a probe child on its own thread (so the child never blocks on a full
 * pipe) and keeps one line of it: the first line that matches, or the last one. Lines are cut to a
 * bound so a runaway child cannot fill the agent's memory.
 */
final class ChildOutput {
  private static final Logger LOG = LoggerFactory.getLogger(ChildOutput.class);
  private static final int MAX_LINE = 16 * 1024;

  private final Predicate<String> wanted;
  private final boolean keepFirst;
  private final CountDownLatch drained = new CountDownLatch(1);
  private volatile String kept;

  private ChildOutput(Predicate<String> wanted, boolean keepFirst) {
    this.wanted = wanted;
    this.keepFirst = keepFirst;
  }

  /** Keeps the first line that starts with {@code {}: the probe's JSON result. */
  static ChildOutput resultLine(InputStream stream, String threadName) {
    return new ChildOutput(line -> line.startsWith("{"), true).drain(stream, threadName);
  }

  /** Keeps the last non-blank line: why a crashed child says it crashed. */
  static ChildOutput lastLine(InputStream stream, String threadName) {
    return new ChildOutput(line -> !line.isEmpty(), false).drain(stream, threadName);
  }

  /** The kept line, after waiting up to {@code millis} for the stream to end. */
  Optional<String> line(long millis) throws InterruptedException {
    drained.await(millis, TimeUnit.MILLISECONDS);
    return Optional.ofNullable(kept);
  }

  private ChildOutput drain(InputStream stream, String threadName) {
    Thread thread = new Thread(() -> read(stream), threadName);
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void read(InputStream stream) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = reader.read()) != -1) {
        if (c == '\n') {
          take(line);
        } else if (line.length() < MAX_LINE) {
          line.append((char) c);
        }
      }
      take(line);
    } catch (IOException e) {
      // The child was killed while we read: what was kept so far is all there is.
      LOG.atDebug()
          .setMessage("probe-output-cut")
          .addKeyValue("thread", Thread.currentThread().getName())
          .addKeyValue("error", e.toString())
          .log();
    } finally {
      drained.countDown();
    }
  }

  private void take(StringBuilder line) {
    String text = line.toString().strip();
    line.setLength(0);
    if (wanted.test(text) && (!keepFirst || kept == null)) {
      kept = text;
    }
  }
}
