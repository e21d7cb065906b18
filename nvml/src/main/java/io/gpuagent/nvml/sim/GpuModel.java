package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.Architecture;
import io.gpuagent.nvml.Brand;
import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.ComputeCapability;
import io.gpuagent.nvml.EventType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one GPU model is, loaded from {@code models/*.yaml}: identity, memory, power, clocks,
 * thermals, links, which NVML queries it answers NOT_SUPPORTED, and its MIG table. Hardware as
 * data: behaviour that differs between models is decided here, not by {@code if} chains on names.
 */
record GpuModel(
    String name,
    Brand brand,
    Architecture architecture,
    ComputeCapability computeCapability,
    int pciDeviceId,
    int pciSubsystemId,
    int multiprocessors,
    long memoryTotalBytes,
    long memoryReservedBytes,
    long contextOverheadBytes,
    int pcieGeneration,
    int pcieWidth,
    Power power,
    Map<ClockType, ClockRange> clocks,
    Thermal thermal,
    int nvLinks,
    int nvSwitchPciDeviceId,
    Set<Feature> notSupported,
    Set<EventType> events,
    Optional<MigSpec> mig) {

  /** Queries some models answer NOT_SUPPORTED; the YAML key is in parentheses. */
  enum Feature {
    FAN_SPEED("fanSpeed"),
    MEMORY_TEMPERATURE("memoryTemperature"),
    RETIRED_PAGES("retiredPages"),
    REMAPPED_ROWS("remappedRows"),
    ECC("ecc"),
    GPM("gpm"),
    ENCODER_UTILIZATION("encoderUtilization"),
    DECODER_UTILIZATION("decoderUtilization");

    private final String key;

    Feature(String key) {
      this.key = key;
    }

    String key() {
      return key;
    }
  }

  /** Watts. {@code idle} and {@code peak} are what the board draws idle and fully loaded. */
  record Power(int minLimit, int defaultLimit, int maxLimit, int idle, int peak) {}

  /** MHz when idle and the maximum (boost) clock. */
  record ClockRange(int idle, int max) {}

  /** °C: idle and fully loaded die temperature, HBM offset above the die, throttle points. */
  record Thermal(int idle, int load, int memoryOffset, int slowdown, int shutdown) {}

  /** The MIG GPU-instance profile table and the number of MIG device slots. */
  record MigSpec(int maxDevices, List<MigProfile> profiles) {
    MigSpec {
      profiles = List.copyOf(profiles);
    }

    Optional<MigProfile> byId(int id) {
      return profiles.stream().filter(p -> p.id() == id).findFirst();
    }

    Optional<MigProfile> byIndex(int index) {
      return profiles.stream().filter(p -> p.index() == index).findFirst();
    }

    Optional<MigProfile> byName(String name) {
      return profiles.stream().filter(p -> p.name().equals(name)).findFirst();
    }
  }

  GpuModel {
    clocks = Map.copyOf(clocks);
    notSupported = Set.copyOf(notSupported);
    events = Set.copyOf(events);
  }

  boolean supports(Feature feature) {
    return !notSupported.contains(feature);
  }

  ClockRange clock(ClockType type) {
    return clocks.get(type);
  }
}
