package io.gpuagent.agent.cli;

import io.gpuagent.agent.NvmlFactory;
import io.gpuagent.agent.config.AgentConfig;
import io.gpuagent.agent.http.InventoryJson;
import io.gpuagent.agent.logging.LogLevel;
import io.gpuagent.agent.logging.LogSetup;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.InventoryReader;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gpu-agent devices}: prints the inventory and exits. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = "Print the node's GPUs and MIG devices, then exit.")
final class DevicesCommand implements Callable<Integer> {
  private final CliEnvironment env;

  @Mixin CommonOptions common;

  @Option(names = "--json", description = "Print JSON (the shape of GET /api/v1/devices).")
  boolean json;

  DevicesCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    AgentConfig config = common.load(env, List.of());
    // Only warnings and errors here: stdout is the answer.
    LogSetup.apply(config.logFormat(), common.logLevel == null ? LogLevel.WARN : config.logLevel());
    Nvml nvml =
        NvmlFactory.simulator(config)
            .<Nvml>map(node -> node)
            .orElseGet(() -> NvmlFactory.real(config));
    nvml.init();
    try (nvml) {
      Inventory inventory =
          new InventoryReader(nvml, Clock.systemUTC(), config.inventory().sysfsRoot()).read();
      if (json) {
        env.out().println(InventoryJson.of(config.nodeName(), inventory).encodePrettily());
      } else {
        env.out().print(DevicesTable.render(inventory));
      }
      env.out().flush();
    }
    return GpuAgentCli.EXIT_OK;
  }
}
