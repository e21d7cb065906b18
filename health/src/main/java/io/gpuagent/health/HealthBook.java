package io.gpuagent.health;

import io.gpuagent.nvml.health.HealthReason;
import io.gpuagent.nvml.health.HealthState;
import io.gpuagent.nvml.inventory.Gpu;
import io.gpuagent.nvml.inventory.Inventory;
import io.gpuagent.nvml.inventory.LostGpu;
import io.gpuagent.nvml.inventory.MigDevice;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every device's health machine, and where a cause lands: a GPU-level cause on the GPU and all its
 * MIG devices, a MIG-level one on that instance only. One lock around every change; after each
 * change an immutable map of views and one of verdicts are published, so readers never lock. Each
 * transition is logged as one line (the only log line of a health change in the agent), counted,
 * and handed to the sink in order; a changed verdict map follows its transitions to its sink.
 */
final class HealthBook {
  private static final Logger LOG = LoggerFactory.getLogger(HealthBook.class);

  private final HealthConfig config;
  private final Clock clock;
  private final Consumer<HealthTransition> sink;
  private final Consumer<Map<String, HealthState>> verdictSink;
  private final Map<String, DeviceHealthMachine> devices = new LinkedHashMap<>();

  /** MIG devices by GPU, for GPUs in MIG mode (whose own probes are their instances'). */
  private final Map<String, List<String>> instancesByGpu = new HashMap<>();

  private final Map<String, String> gpuByInstance = new HashMap<>();
  private final Map<HealthReason, long[]> transitionsByReason = new EnumMap<>(HealthReason.class);
  private long xidsIgnored;
  private long doubleBitEccEvents;
  private volatile Map<String, DeviceHealthView> published = Map.of();
  private volatile Map<String, HealthState> verdicts = Map.of();

  HealthBook(
      HealthConfig config,
      Clock clock,
      Consumer<HealthTransition> sink,
      Consumer<Map<String, HealthState>> verdictSink) {
    this.config = config;
    this.clock = clock;
    this.sink = sink;
    this.verdictSink = verdictSink;
  }

  Map<String, DeviceHealthView> views() {
    return published;
  }

  /** Every known device's verdict, by GPU or MIG UUID; immutable. */
  Map<String, HealthState> verdicts() {
    return verdicts;
  }

  /**
   * Devices follow the inventory: new ones start healthy (a MIG device as its GPU is). A lost GPU
   * keeps the MIG devices it had, so they are marked with it.
   */
  synchronized void reconcile(Inventory inventory) {
    Instant now = clock.instant();
    List<HealthTransition> changes = new ArrayList<>();
    Set<String> present = new HashSet<>();
    Map<String, List<String>> instancesBefore = new HashMap<>(instancesByGpu);
    instancesByGpu.clear();
    gpuByInstance.clear();
    for (LostGpu lost : inventory.lostGpus()) {
      lost.uuid()
          .ifPresent(
              uuid -> {
                List<String> kept = instancesBefore.getOrDefault(uuid, List.of());
                if (!kept.isEmpty()) {
                  instancesByGpu.put(uuid, kept);
                  kept.forEach(mig -> gpuByInstance.put(mig, uuid));
                  present.addAll(kept);
                }
              });
    }
    for (Gpu gpu : inventory.gpus()) {
      if (gpu.migEnabled()) {
        instancesByGpu.put(gpu.uuid(), gpu.migDevices().stream().map(MigDevice::uuid).toList());
      }
      gpu.migDevices().forEach(mig -> gpuByInstance.put(mig.uuid(), gpu.uuid()));
    }
    for (Gpu gpu : inventory.gpus()) {
      present.add(gpu.uuid());
      DeviceHealthMachine gpuMachine = machine(gpu.uuid());
      // the inventory read it, so it answers
      for (String target : withInstances(gpu.uuid())) {
        if (devices.containsKey(target)) {
          machine(target)
              .condition(HealthReason.GPU_LOST, false, "", now, probesCanRun(target))
              .ifPresent(changes::add);
        }
      }
      for (MigDevice mig : gpu.migDevices()) {
        present.add(mig.uuid());
        if (!devices.containsKey(mig.uuid())) {
          DeviceHealthMachine instance =
              new DeviceHealthMachine(mig.uuid(), Optional.of(gpu.uuid()), config, now);
          devices.put(mig.uuid(), instance);
          instance.inheritFrom(gpuMachine, now).ifPresent(changes::add);
        }
      }
    }
    for (LostGpu lost : inventory.lostGpus()) {
      lost.uuid()
          .ifPresent(
              uuid -> {
                present.add(uuid);
                for (String target : withInstances(uuid)) {
                  machine(target)
                      .condition(
                          HealthReason.GPU_LOST,
                          true,
                          "inventory: " + lost.error().nvmlName(),
                          now,
                          probesCanRun(target))
                      .ifPresent(changes::add);
                }
              });
    }
    devices.keySet().retainAll(present);
    finish(changes);
  }

  /** An XID on a GPU (GPU-wide) or on one MIG device; counted either way. */
  synchronized void xid(String uuid, int xid, boolean ignored) {
    machine(uuid).countXid(xid);
    if (ignored) {
      xidsIgnored++;
      LOG.atInfo()
          .setMessage("xid-ignored")
          .addKeyValue("uuid", uuid)
          .addKeyValue("xid", xid)
          .log();
      finish(List.of());
      return;
    }
    List<HealthTransition> changes = new ArrayList<>();
    Instant now = clock.instant();
    for (String target : withInstances(uuid)) {
      machine(target).event(HealthReason.XID, "xid=" + xid, now).ifPresent(changes::add);
    }
    finish(changes);
  }

  /** A double-bit ECC event: counted only (the XID and the counters decide). */
  synchronized void doubleBitEccEvent() {
    doubleBitEccEvents++;
  }

  /** A one-off cause on a GPU (and its MIG devices) or on one MIG device. */
  synchronized void event(String uuid, HealthReason reason, String evidence) {
    List<HealthTransition> changes = new ArrayList<>();
    Instant now = clock.instant();
    for (String target : withInstances(uuid)) {
      machine(target).event(reason, evidence, now).ifPresent(changes::add);
    }
    finish(changes);
  }

  /** A condition of a whole GPU, seen (or no longer seen) this cycle. */
  synchronized void condition(
      String gpuUuid, HealthReason reason, boolean present, String evidence) {
    List<HealthTransition> changes = new ArrayList<>();
    Instant now = clock.instant();
    for (String target : withInstances(gpuUuid)) {
      machine(target)
          .condition(reason, present, evidence, now, probesCanRun(target))
          .ifPresent(changes::add);
    }
    finish(changes);
  }

  synchronized void probed(String uuid, ProbeRun run) {
    List<HealthTransition> changes = new ArrayList<>();
    machine(uuid).probed(run, config.probeMode()).ifPresent(changes::add);
    String gpu = gpuByInstance.get(uuid);
    if (gpu != null && devices.containsKey(gpu)) {
      devices.get(gpu).partProbed(run, probesCanRun(gpu)).ifPresent(changes::add);
    }
    finish(changes);
  }

  /** A GPU (or the GPU of this MIG device) was reset. */
  synchronized void reset(String uuid) {
    String gpu = gpuByInstance.getOrDefault(uuid, uuid);
    if (!devices.containsKey(gpu)) {
      throw new IllegalArgumentException("no device " + uuid + " is known to the health module");
    }
    List<HealthTransition> changes = new ArrayList<>();
    Instant now = clock.instant();
    for (String target : withInstances(gpu)) {
      machine(target).reset(now, probesCanRun(target)).ifPresent(changes::add);
    }
    finish(changes);
  }

  synchronized HealthCounters counters() {
    List<HealthCounters.TransitionCount> counts = new ArrayList<>();
    transitionsByReason.forEach(
        (reason, byDirection) -> {
          if (byDirection[0] > 0) {
            counts.add(new HealthCounters.TransitionCount(reason, "healthy", byDirection[0]));
          }
          if (byDirection[1] > 0) {
            counts.add(new HealthCounters.TransitionCount(reason, "unhealthy", byDirection[1]));
          }
        });
    return new HealthCounters(counts, xidsIgnored, doubleBitEccEvents);
  }

  /** The GPU of a MIG device, or the device itself when it is a GPU. */
  synchronized String gpuOf(String uuid) {
    return gpuByInstance.getOrDefault(uuid, uuid);
  }

  /** A GPU in MIG mode is probed through its instances; a GPU without them cannot be probed. */
  private boolean probesCanRun(String uuid) {
    List<String> instances = instancesByGpu.get(uuid);
    if (instances == null) {
      return machine(uuid).probesCanRun(config.probeMode());
    }
    return instances.stream()
        .map(devices::get)
        .anyMatch(m -> m != null && m.probesCanRun(config.probeMode()));
  }

  private List<String> withInstances(String uuid) {
    List<String> targets = new ArrayList<>();
    targets.add(uuid);
    targets.addAll(instancesByGpu.getOrDefault(uuid, List.of()));
    return targets;
  }

  /** A device seen before any inventory named it (an event racing the first one) is added. */
  private DeviceHealthMachine machine(String uuid) {
    return devices.computeIfAbsent(
        uuid,
        id ->
            new DeviceHealthMachine(
                id, Optional.ofNullable(gpuByInstance.get(id)), config, clock.instant()));
  }

  private void finish(List<HealthTransition> changes) {
    Map<String, DeviceHealthView> views = new LinkedHashMap<>();
    devices.forEach((uuid, machine) -> views.put(uuid, machine.view()));
    published = Collections.unmodifiableMap(views);
    Map<String, HealthState> states = new LinkedHashMap<>();
    devices.forEach((uuid, machine) -> states.put(uuid, machine.state()));
    Map<String, HealthState> before = verdicts;
    verdicts = Collections.unmodifiableMap(states);
    for (HealthTransition change : changes) {
      log(change);
      long[] byDirection = transitionsByReason.computeIfAbsent(change.reason(), r -> new long[2]);
      byDirection[change.to().isHealthy() ? 0 : 1]++;
      sink.accept(change);
    }
    if (!states.equals(before)) {
      verdictSink.accept(verdicts);
    }
  }

  private static void log(HealthTransition change) {
    LOG.atInfo()
        .setMessage("health-changed")
        .addKeyValue("uuid", change.deviceUuid())
        .addKeyValue("from", word(change.from()))
        .addKeyValue("to", word(change.to()))
        .addKeyValue("reason", change.reason().label())
        .addKeyValue("evidence", change.evidence().replace('"', '\''))
        .log();
  }

  private static String word(HealthState state) {
    return state.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }
}
