package io.gpuagent.deviceplugin;

import io.gpuagent.testing.CloseAfterEach;

/**
 * Plugin fixtures, each closed after the test that opened it: {@code @RegisterExtension final
 * PluginFixtures fixtures = new PluginFixtures();}.
 */
final class PluginFixtures extends CloseAfterEach<PluginFixture> {

  /** A fixture on {@code profile} with its fake kubelet running. */
  PluginFixture open(String profile) {
    return open(profile, true);
  }

  PluginFixture open(String profile, boolean kubeletRunning) {
    return closedAfterEach(new PluginFixture(profile, kubeletRunning));
  }
}
