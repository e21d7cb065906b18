package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.ClockEventReasons;
import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.NvLinkThroughput;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.nvml.Utilization;

/**
 * Turns a GPU's {@link SimWorkload} into the numbers NVML reports, in NVML's units, using the GPU
 * model's ranges: utilization, power, energy, temperatures, clocks and why they are held down, PCIe
 * and NVLink traffic. Counters are built from integrals, so they only grow.
 */
final class SimSensors {

  /** Share of the link's bandwidth a fully busy GPU moves over PCIe (host traffic is modest). */
  private static final double PCIE_TX_SHARE = 0.06;

  private static final double PCIE_RX_SHARE = 0.09;
  private static final double PCIE_IDLE_KBPS = 180;

  /** KiB/s one NVLink carries when the GPU is fully busy, and when it idles. */
  private static final double NVLINK_BUSY_KIBPS = 18_000_000;

  private static final double NVLINK_IDLE_KIBPS = 40;

  /** Memory-controller activity relative to SM activity for the simulated mix of kernels. */
  private static final double MEMORY_ACTIVITY_RATIO = 0.55;

  private static final int CHANNEL_PCIE = 10;
  private static final int CHANNEL_REPLAY = 11;
  private static final int CHANNEL_NVLINK = 12;

  private final GpuModel model;
  private final SimWorkload workload;

  SimSensors(GpuModel model, SimWorkload workload) {
    this.model = model;
    this.workload = workload;
  }

  SimWorkload workload() {
    return workload;
  }

  Utilization utilization(double t) {
    double load = workload.load(t);
    return new Utilization(percent(load), percent(load * MEMORY_ACTIVITY_RATIO));
  }

  int powerMilliwatts(double t) {
    return (int) Math.round(workload.powerWatts(t) * 1000);
  }

  int powerLimitMilliwatts() {
    return model.power().defaultLimit() * 1000;
  }

  long energyMillijoules(double t) {
    return (long) Math.floor(workload.integralsAt(t).energyJoules() * 1000);
  }

  int temperatureCelsius(double t) {
    GpuModel.Thermal thermal = model.thermal();
    double lagged = workload.integralsAt(t).laggedLoad();
    return (int) Math.round(thermal.idle() + (thermal.load() - thermal.idle()) * lagged);
  }

  int memoryTemperatureCelsius(double t) {
    return temperatureCelsius(t) + model.thermal().memoryOffset();
  }

  /** Fans follow the die temperature's lagged load, from 30 % idle to 70 % fully loaded. */
  int fanSpeedPercent(double t) {
    return (int) Math.round(30 + 40 * workload.integralsAt(t).laggedLoad());
  }

  /**
   * Idle clocks when nothing runs; under load the clock climbs with utilization, from halfway to
   * the boost clock at a trickle of load to the boost clock from half load up.
   */
  int clockMhz(ClockType type, double t) {
    GpuModel.ClockRange range = model.clock(type);
    double load = workload.load(t);
    if (load <= 0) {
      return range.idle();
    }
    return (int) Math.round(range.idle() + (range.max() - range.idle()) * Math.min(1, 0.5 + load));
  }

  ClockEventReasons clockEventReasons(double t) {
    long mask = 0;
    if (workload.load(t) == 0) {
      mask |= ClockEventReasons.Reason.GPU_IDLE.bit();
    }
    if (workload.powerWatts(t) >= 0.98 * model.power().defaultLimit()) {
      mask |= ClockEventReasons.Reason.SW_POWER_CAP.bit();
    }
    if (temperatureCelsius(t) >= model.thermal().slowdown()) {
      mask |= ClockEventReasons.Reason.SW_THERMAL_SLOWDOWN.bit();
    }
    return new ClockEventReasons(mask);
  }

  /** Throughput over the last 20 ms in KB/s, as {@code nvmlDeviceGetPcieThroughput}. */
  int pcieThroughputKBps(PcieCounter counter, double t) {
    double jitter = 1 + 0.03 * workload.noise((long) Math.floor(t), CHANNEL_PCIE + counter.code());
    return (int)
        Math.round((PCIE_IDLE_KBPS + workload.load(t) * pcieMaxKBps() * share(counter)) * jitter);
  }

  /** Bytes moved since t = 0; the base of GPM's PCIe rates. */
  long pcieBytes(PcieCounter counter, double t) {
    double busySeconds = workload.integralsAt(t).busySeconds();
    return (long)
        Math.floor((PCIE_IDLE_KBPS * t + busySeconds * pcieMaxKBps() * share(counter)) * 1000);
  }

  /** Link-level replays: a rare, steady trickle, one every half hour to an hour and a half. */
  int pcieReplays(double t) {
    double periodSeconds = 1800 + 3600 * Math.abs(workload.noise(0, CHANNEL_REPLAY));
    return (int) Math.floor(Math.max(0, t) / periodSeconds);
  }

  NvLinkThroughput nvLinkThroughput(int link, double t) {
    double busySeconds = workload.integralsAt(t).busySeconds();
    double share = 0.9 + 0.2 * Math.abs(workload.noise(link, CHANNEL_NVLINK));
    double tx = (NVLINK_IDLE_KIBPS * t + NVLINK_BUSY_KIBPS * busySeconds) * share;
    return new NvLinkThroughput((long) Math.floor(tx), (long) Math.floor(tx * 0.97));
  }

  /** Seconds of full-GPU activity since t = 0; GPM's activity metrics are its rate. */
  double busySeconds(double t) {
    return workload.integralsAt(t).busySeconds();
  }

  private double pcieMaxKBps() {
    double lanePerSecondGB =
        switch (model.pcieGeneration()) {
          case 3 -> 0.985;
          case 4 -> 1.969;
          case 5 -> 3.938;
          default -> 0.5;
        };
    return lanePerSecondGB * model.pcieWidth() * 1_000_000;
  }

  private static double share(PcieCounter counter) {
    return counter == PcieCounter.TX_BYTES ? PCIE_TX_SHARE : PCIE_RX_SHARE;
  }

  private static int percent(double fraction) {
    return (int) Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  }
}
