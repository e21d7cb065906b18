package io.gpuagent.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Everything one class logs at DEBUG and above while open, kept out of the build output; restores
 * the logger on close.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Logger logger;
  private final Level previousLevel;
  private final List<ILoggingEvent> events = new ArrayList<>(); // guarded by this

  public LogCapture(Class<?> source) {
    this((Logger) LoggerFactory.getLogger(source), Level.DEBUG);
  }

  private LogCapture(Logger logger, Level level) {
    this.logger = logger;
    previousLevel = logger.getLevel();
    logger.setLevel(level);
    logger.setAdditive(false); // keep the expected warnings out of the build output
    start();
    logger.addAppender(this);
  }

  /**
   * Everything every logger writes at {@code level} and above while open, as the agent's own log
   * would show it (loggers with a level of their own keep it).
   */
  public static LogCapture everything(Level level) {
    return new LogCapture((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME), level);
  }

  /** The events at {@code level} or above, each as {@link #line}. */
  public synchronized List<String> messagesAtOrAbove(Level level) {
    return events.stream()
        .filter(event -> event.getLevel().isGreaterOrEqual(level))
        .map(LogCapture::line)
        .toList();
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    events.add(event);
    notifyAll();
  }

  /**
   * The events logged at {@code level}, oldest first, each as its message followed by its key-value
   * pairs: {@code health-changed uuid=GPU-1 reason=xid}.
   */
  public synchronized List<String> messages(Level level) {
    return events.stream()
        .filter(event -> event.getLevel() == level)
        .map(LogCapture::line)
        .toList();
  }

  /** One event as {@code message key=value…}, the way the text log shows it (without quotes). */
  public static String line(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(event.getFormattedMessage());
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      pairs.forEach(pair -> line.append(' ').append(pair.key).append('=').append(pair.value));
    }
    return line.toString();
  }

  /** Waits until {@code count} events of {@code level} have been logged; fails if not. */
  public synchronized void await(Level level, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (messages(level).size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "expected " + count + " " + level + " events within " + timeout + ": " + events);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    logger.setAdditive(true);
    stop();
  }
}
