package io.gpuagent.deviceplugin;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Plugin fixtures, each closed after the test that opened it: {@code @RegisterExtension final
 * PluginFixtures fixtures = new PluginFixtures();}.
 */
final class PluginFixtures implements AfterEachCallback {
  private final List<PluginFixture> opened = new ArrayList<>();

  /** A fixture on {@code profile} with its fake kubelet running. */
  PluginFixture open(String profile) {
    return open(profile, true);
  }

  PluginFixture open(String profile, boolean kubeletRunning) {
    PluginFixture fixture = new PluginFixture(profile, kubeletRunning);
    opened.add(fixture);
    return fixture;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    opened.forEach(PluginFixture::close);
    opened.clear();
  }
}
