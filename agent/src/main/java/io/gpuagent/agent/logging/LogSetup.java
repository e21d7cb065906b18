package io.gpuagent.agent.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Points all logging at stderr, one line per event, as text or JSON. */
public final class LogSetup {
  private LogSetup() {}

  /**
   * Logback's own JSON encoder: one object per line with the level, thread, logger, the message and
   * the event's key-value pairs as fields ({@code kvpList}); no sequence numbers or logger-context
   * noise.
   */
  private static Encoder<ILoggingEvent> jsonEncoder() {
    JsonEncoder json = new JsonEncoder();
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithMDC(false);
    json.setWithArguments(false);
    json.setWithMessage(false);
    json.setWithFormattedMessage(true);
    return json;
  }

  /** {@code time level logger [thread] message key="value"…} ({@link TextLayout}). */
  private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
    TextLayout layout = new TextLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> text = new LayoutWrappingEncoder<>();
    text.setLayout(layout);
    return text;
  }

  /**
   * Points all logging, java.util.logging included, at stderr in {@code format}, at {@code level}
   * and above.
   */
  public static void apply(LogFormat format, LogLevel level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    // java.util.logging (gRPC, Netty's fallbacks) → SLF4J, with levels kept in step so filtered
    // records are never built.
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    LevelChangePropagator propagator = new LevelChangePropagator();
    propagator.setContext(context);
    propagator.setResetJUL(true);
    context.addListener(propagator);
    propagator.start();
    configure(context, format, level);
  }

  /**
   * One stderr appender on {@code context}'s root logger, the libraries' own chatter held at WARN.
   * Also the configuration logback starts with ({@link BootLogging}), before {@link #apply}.
   */
  static void configure(LoggerContext context, LogFormat format, LogLevel level) {
    Encoder<ILoggingEvent> encoder =
        switch (format) {
          case JSON -> jsonEncoder();
          case TEXT -> textEncoder(context);
        };
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("stderr");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    root.setLevel(level.logback());
    // Netty and Vert.x are chatty at debug; their warnings still show.
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("io.vertx").setLevel(Level.WARN);
    context.getLogger("io.grpc").setLevel(Level.WARN);
    // A kubelet restart closes its ListAndWatch streams mid-write; grpc-netty logs each as a WARN
    // with a 25-line stack trace ("Stream closed before write could take place"). The device
    // plugin sees and handles the restart itself.
    context.getLogger("io.grpc.netty.NettyServerHandler").setLevel(Level.ERROR);
  }
}
