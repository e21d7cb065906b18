package io.gpuagent.nvml.events;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What one class logs at DEBUG and above while open; restores the logger on close. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Logger logger;
  private final Level previousLevel;
  private final List<ILoggingEvent> events = new ArrayList<>(); // guarded by this

  LogCapture(Class<?> source) {
    logger = (Logger) LoggerFactory.getLogger(source);
    previousLevel = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false); // keep the expected warnings out of the build output
    start();
    logger.addAppender(this);
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    events.add(event);
  }

  synchronized List<String> messages(Level level) {
    return events.stream()
        .filter(event -> event.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    logger.setAdditive(true);
    stop();
  }
}
