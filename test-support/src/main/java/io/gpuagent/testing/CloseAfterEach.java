package io.gpuagent.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension that closes, after each test, what the test opened through it, in the order
 * opened. A subclass offers the opening methods and hands each resource to {@link
 * #closedAfterEach}; a test class registers it: {@code @RegisterExtension final PluginFixtures
 * fixtures = …}.
 */
public abstract class CloseAfterEach<T extends AutoCloseable> implements AfterEachCallback {
  private final List<T> opened = new ArrayList<>();

  /** {@code resource}, to be closed after the current test. */
  protected final T closedAfterEach(T resource) {
    opened.add(resource);
    return resource;
  }

  @Override
  public final void afterEach(ExtensionContext context) throws Exception {
    try {
      for (T resource : opened) {
        resource.close();
      }
    } finally {
      opened.clear();
    }
  }
}
