package io.gpuagent.agent.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration until the agent has read its own: warnings and errors on stderr, as text.
 * Set up in code (found by logback through {@code META-INF/services}) rather than by a {@code
 * logback.xml}: parsing XML would load logback's configuration framework and the JDK's XML parser,
 * ~600 classes, on every start. A {@code logback-test.xml} on the class path or a {@code
 * logback.configurationFile} property still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class BootLogging extends ContextAwareBase implements Configurator {
  static final String FILE_PROPERTY = "logback.configurationFile";
  static final String TEST_FILE = "logback-test.xml";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(FILE_PROPERTY) != null
        || BootLogging.class.getClassLoader().getResource(TEST_FILE) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LogSetup.configure(context, LogFormat.TEXT, LogLevel.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
