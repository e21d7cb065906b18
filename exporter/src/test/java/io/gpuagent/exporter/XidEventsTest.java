package io.gpuagent.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpuagent.nvml.events.NvmlEventPump;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.MigDevice;
import io.gpuagent.nvml.sim.SimFault;
import io.gpuagent.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * XIDs injected through the simulator's event path, read by the event pump, shown by the exporter.
 */
class XidEventsTest {
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  @Test
  void xidOnAGpuIsItsLastXidAndIsCounted() {
    try (SimulatedExporter sim = new SimulatedExporter("h100x8");
        NvmlEventPump pump = pumpFor(sim, 8)) {
      Gpu gpu3 = sim.inventory.get().gpus().get(3);
      sim.node.inject(gpu3.uuid(), new SimFault.Xid(31));
      sim.node.inject(gpu3.uuid(), new SimFault.Xid(79));
      sim.node.inject(gpu3.uuid(), new SimFault.Xid(79));
      Await.until("3 XIDs delivered", DEADLINE, () -> pump.eventsDelivered() == 3);
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      Exposition.Sample last = metrics.one("DCGM_FI_DEV_XID_ERRORS", "UUID", gpu3.uuid());
      assertThat(last.value()).isEqualTo(79);
      assertThat(last.labels())
          .containsEntry("err_code", "79")
          .containsEntry("err_msg", "GPU has fallen off the bus");
      assertThat(
              metrics.one("gpu_agent_xid_errors_total", "UUID", gpu3.uuid(), "xid", "79").value())
          .isEqualTo(2);
      assertThat(
              metrics.one("gpu_agent_xid_errors_total", "UUID", gpu3.uuid(), "xid", "31").value())
          .isEqualTo(1);
      String gpu4 = sim.inventory.get().gpus().get(4).uuid();
      assertThat(metrics.one("DCGM_FI_DEV_XID_ERRORS", "UUID", gpu4).labels())
          .containsEntry("err_code", "0")
          .containsEntry("err_msg", "No Error");
      assertThat(metrics.one("gpu_agent_xid_errors_total", "UUID", gpu4, "xid", "79").value())
          .as("hardware XIDs start at 0 so the first one is an increase")
          .isZero();
      assertThat(metrics.where("gpu_agent_xid_errors_total", s -> "31".equals(s.label("xid"))))
          .hasSize(1);
    }
  }

  @Test
  void xidOnAMigDeviceIsShownOnThatInstanceAndItsGpu() {
    try (SimulatedExporter sim = new SimulatedExporter("a100-mig");
        NvmlEventPump pump = pumpFor(sim, 4)) {
      Gpu gpu1 = sim.inventory.get().gpus().get(1);
      MigDevice mig = gpu1.migDevices().get(2);
      MigDevice other = gpu1.migDevices().get(0);
      sim.node.inject(mig.uuid(), new SimFault.Xid(94));
      Await.until("XID delivered", DEADLINE, () -> pump.eventsDelivered() == 1);
      sim.sampleTwice(5);

      Exposition metrics = Exposition.parse(sim.text());
      String instance = Integer.toString(mig.gpuInstanceId());
      assertThat(
              metrics
                  .one("DCGM_FI_DEV_XID_ERRORS", "UUID", gpu1.uuid(), "GPU_I_ID", instance)
                  .value())
          .isEqualTo(94);
      assertThat(
              metrics
                  .one(
                      "DCGM_FI_DEV_XID_ERRORS",
                      "UUID",
                      gpu1.uuid(),
                      "GPU_I_ID",
                      Integer.toString(other.gpuInstanceId()))
                  .value())
          .isZero();
      assertThat(
              metrics
                  .where(
                      "DCGM_FI_DEV_XID_ERRORS",
                      s ->
                          gpu1.uuid().equals(s.label("UUID"))
                              && !s.labels().containsKey("GPU_I_ID"))
                  .get(0)
                  .value())
          .isEqualTo(94);
      assertThat(
              metrics.one("gpu_agent_xid_errors_total", "UUID", gpu1.uuid(), "xid", "94").value())
          .isEqualTo(1);
    }
  }

  private static NvmlEventPump pumpFor(SimulatedExporter sim, int gpus) {
    NvmlEventPump pump = new NvmlEventPump(sim.node);
    pump.addListener(sim.exporter::onNvmlEvent);
    pump.start();
    pump.onInventory(sim.inventory.get());
    Await.until(gpus + " GPUs registered", DEADLINE, () -> pump.registeredGpus().size() == gpus);
    return pump;
  }
}
