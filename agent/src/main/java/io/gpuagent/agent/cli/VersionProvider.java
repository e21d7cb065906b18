package io.gpuagent.agent.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "dev" when run from classes. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = GpuAgentCli.class.getPackage().getImplementationVersion();
    return new String[] {"gpu-agent " + (version == null ? "dev" : version)};
  }
}
