package io.gpuagent.nvml.sim;

import io.gpuagent.nvml.ComputeMode;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.TopologyLevel;
import io.gpuagent.nvml.mig.MigProfileTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A simulated GPU node behind the {@link Nvml} facade, strict like real hardware: NOT_SUPPORTED
 * where the GPU model answers it, NVML's return codes for what a driver refuses, MIG placement
 * rules as A100 and H100 enforce them, values that move with the clock. Built from a profile (see
 * {@code profiles/README.md}); faults and processes are injected at run time.
 *
 * <p>Thread-safe: every call takes one node-wide lock, after sleeping any injected latency outside
 * it, so a slow device does not hold up the others.
 */
public final class SimulatedNode implements Nvml {
  private final SimProfile profile;
  private final SimOptions options;
  private final Instant createdAt;
  private final SimIdentity identity;
  private final SimFaults faults = new SimFaults(this);
  private final SimCalls calls = new SimCalls(faults);
  private final SimEventHub events = new SimEventHub(this);
  private final List<SimGpu> gpus = new ArrayList<>();
  private final SimProcFs procFs;
  private final List<SimPod> pods = new ArrayList<>();

  private SimulatedNode(SimProfile profile, SimOptions options) {
    this.profile = profile;
    this.options = options;
    this.createdAt = options.clock().instant();
    this.identity = new SimIdentity(profile.name(), options.seed(), options.nodeName());
    this.procFs = new SimProcFs(options.nodeName());
    for (SimProfile.GpuSpec spec : profile.gpus()) {
      SimGpu gpu = new SimGpu(this, gpus.size(), spec, identity, options.seed());
      gpus.add(gpu);
      for (MigPlacementRules.Placed placed : spec.migInstances()) {
        SimGpuInstance gi =
            gpu.mig.orElseThrow().create(placed.profile().id(), Optional.of(placed.placement()));
        gi.create(MigPlacementRules.fullComputeProfileIndex(placed.profile()));
      }
    }
    new SimJobs(this).start(profile, pods);
  }

  /**
   * A node from a built-in profile ({@link #builtInProfiles()}) or a .yaml/.yml/.json file.
   *
   * @throws SimProfileException naming the file and key when the profile cannot be used
   */
  public static SimulatedNode load(String profileNameOrPath, SimOptions options) {
    SimProfile profile = new SimProfileLoader(GpuModelCatalog.builtIn()).load(profileNameOrPath);
    return new SimulatedNode(profile, options);
  }

  /** The built-in profile names, sorted. */
  public static List<String> builtInProfiles() {
    return SimProfileLoader.BUILT_IN.stream().sorted().toList();
  }

  /**
   * The MIG profile table of a built-in GPU model by its NVML name (e.g. {@code NVIDIA
   * A100-SXM4-80GB}): the published table the simulator enforces, for planning a GPU whose MIG mode
   * is still off (NVML lists no profiles then). Empty for a model without MIG or unknown.
   */
  public static Optional<MigProfileTable> builtInMigTable(String gpuName) {
    return GpuModelCatalog.builtIn()
        .byName(gpuName)
        .flatMap(GpuModel::mig)
        .map(
            spec ->
                new MigProfileTable(
                    gpuName, spec.profiles().stream().map(MigProfile::spec).toList()));
  }

  public String profileName() {
    return profile.name();
  }

  // ---- faults: the simulator's control surface ------------------------------------------------

  /** How many faults (processes included) may be active at once on one node. */
  public static final int MAX_ACTIVE_FAULTS = 1024;

  /**
   * Injects a fault or starts a process on a GPU or MIG device; refused once {@link
   * #MAX_ACTIVE_FAULTS} are active.
   *
   * @throws IllegalArgumentException for an unknown UUID or a fault that does not apply there
   */
  public void inject(String deviceUuid, SimFault fault) {
    calls.lockedRun(() -> faults.inject(target(deviceUuid), fault));
  }

  /** The faults in force, in injection order. */
  public List<ActiveFault> activeFaults() {
    return calls.locked(faults::active);
  }

  /**
   * The probe faults a CUDA probe of this device would run into: its own and, for a MIG device, its
   * GPU's, in injection order. Empty for a sound device.
   *
   * @throws IllegalArgumentException for an unknown UUID
   * @throws NvmlException GPU_IS_LOST when the device's GPU has fallen off the bus
   */
  public List<SimFault.ProbeFault> probeFaults(String deviceUuid) {
    return calls.locked(
        () -> {
          SimDeviceRef target = target(deviceUuid);
          if (target.gpu().lost()) {
            throw SimCalls.error(
                "probe", NvmlReturn.GPU_IS_LOST, target.gpu().uuid + " has fallen off the bus");
          }
          return faults.probeFaults(target);
        });
  }

  /** Ends every fault on one device: its processes exit, latency and lost go away. */
  public void clearFaults(String deviceUuid) {
    calls.lockedRun(() -> faults.clear(target(deviceUuid)));
  }

  /** Sets a GPU's compute mode, like {@code nvidia-smi -c}; its MIG devices share it. */
  public void setComputeMode(String gpuUuid, ComputeMode mode) {
    calls.lockedRun(() -> target(gpuUuid).gpu().setComputeMode(mode));
  }

  /**
   * Resets a GPU like {@code nvidia-smi -r}: the pending MIG mode takes effect and MIG instances
   * are gone, a lost GPU is back, a pending row remap is applied, volatile ECC counters restart.
   *
   * @throws NvmlException IN_USE while compute processes run on the GPU or its MIG devices
   */
  public void resetGpu(String gpuUuid) {
    calls.lockedRun(() -> reset(gpuUuid));
  }

  private void reset(String gpuUuid) {
    SimDeviceRef target = target(gpuUuid);
    if (target.instance().isPresent()) {
      throw new IllegalArgumentException("resetGpu needs a GPU UUID, not MIG device " + gpuUuid);
    }
    SimGpu gpu = target.gpu();
    if (!gpu.processes().isEmpty()) {
      throw SimCalls.error(
          "nvidia-smi --gpu-reset", NvmlReturn.IN_USE, "compute processes run on " + gpuUuid);
    }
    resetGpuLocked(gpu);
  }

  /** A reset of a GPU already checked to be idle; the caller holds the node's lock. */
  void resetGpuLocked(SimGpu gpu) {
    gpu.reset();
    faults.afterReset(gpu);
  }

  /**
   * Re-lays out MIG on one GPU as {@code nvidia-smi mig} or {@code nvidia-mig-parted} would, under
   * the simulator's MIG rules: sets the mode (resetting the GPU when it changed), destroys every
   * instance and creates one GPU instance with a full compute instance per listed profile (e.g.
   * {@code 3g.40gb}), in order. Readers see the old layout or the new one, never a mix.
   *
   * @throws IllegalArgumentException for an unknown device or profile, a GPU without MIG, or a
   *     layout the placement rules refuse (with the hardware's reason; the old layout is kept)
   * @throws NvmlException IN_USE while compute processes run on the GPU, GPU_IS_LOST when lost
   */
  public void setMigLayout(String gpuUuid, boolean migEnabled, List<String> profiles) {
    calls.lockedRun(
        () -> {
          SimDeviceRef target = target(gpuUuid);
          if (target.instance().isPresent()) {
            throw new IllegalArgumentException(
                "MIG is laid out per GPU; " + gpuUuid + " is a MIG device");
          }
          new SimMigOperator(this, target.gpu()).apply(migEnabled, List.copyOf(profiles));
        });
  }

  // ---- simulated processes and pods ----------------------------------------------------------

  /** The profile's simulated pods, in profile order; they keep their shares when processes end. */
  public List<SimPod> pods() {
    return List.copyOf(pods);
  }

  /**
   * Writes a {@code /proc}-like entry ({@code <pid>/environ}, {@code <pid>/cgroup}) for every
   * simulated process under {@code directory}, now and as processes start and end, so code that
   * reads {@code /proc} (the quota monitor) sees the simulated processes.
   *
   * @throws java.io.UncheckedIOException when the directory cannot be written
   */
  public void mirrorProcFs(java.nio.file.Path directory) {
    calls.lockedRun(() -> procFs.mirrorInto(directory, gpus));
  }

  /**
   * SIGTERM to a simulated process: it ends (its memory and load go), unless it ignores SIGTERM.
   *
   * @return whether a process with this pid was running
   */
  public boolean terminateProcess(int pid) {
    return calls.locked(() -> endProcess(pid, false));
  }

  /**
   * SIGKILL to a simulated process: it ends.
   *
   * @return whether a process with this pid was running
   */
  public boolean killProcess(int pid) {
    return calls.locked(() -> endProcess(pid, true));
  }

  private boolean endProcess(int pid, boolean force) {
    for (SimGpu gpu : gpus) {
      Optional<SimProcess> process = gpu.process(pid);
      if (process.isPresent()) {
        if (force || !process.get().ignoresSigterm()) {
          gpu.removeProcess(pid);
          faults.processEnded(pid);
        }
        return true;
      }
    }
    return false;
  }

  // ---- Nvml ----------------------------------------------------------------------------------

  @Override
  public void init() {
    calls.setInitialized(true);
  }

  @Override
  public void shutdown() {
    calls.setInitialized(false);
  }

  @Override
  public String driverVersion() {
    calls.requireInit("nvmlSystemGetDriverVersion");
    return profile.driverVersion();
  }

  @Override
  public String nvmlVersion() {
    calls.requireInit("nvmlSystemGetNVMLVersion");
    return (profile.cudaDriverVersion() / 1000) + "." + profile.driverVersion();
  }

  @Override
  public int cudaDriverVersion() {
    calls.requireInit("nvmlSystemGetCudaDriverVersion_v2");
    return profile.cudaDriverVersion();
  }

  @Override
  public int deviceCount() {
    calls.requireInit("nvmlDeviceGetCount_v2");
    return gpus.size();
  }

  @Override
  public NvmlDevice deviceByIndex(int index) {
    String function = "nvmlDeviceGetHandleByIndex_v2";
    calls.requireInit(function);
    if (index < 0 || index >= gpus.size()) {
      throw SimCalls.error(
          function, NvmlReturn.INVALID_ARGUMENT, "no GPU " + index + " (" + gpus.size() + " GPUs)");
    }
    SimGpu gpu = gpus.get(index);
    return call(function, gpu, Optional.empty(), () -> gpu.handle);
  }

  /**
   * NVML documents this lookup failing with GPU_IS_LOST while any GPU is lost, not only the one.
   */
  @Override
  public NvmlDevice deviceByUuid(String uuid) {
    String function = "nvmlDeviceGetHandleByUUID";
    calls.requireInit(function);
    SimDeviceRef target =
        calls
            .locked(() -> SimDeviceRef.find(gpus, uuid))
            .orElseThrow(() -> SimCalls.error(function, NvmlReturn.NOT_FOUND, "no device " + uuid));
    return call(
        function,
        target.gpu(),
        target.instance(),
        () -> {
          gpus.stream()
              .filter(SimGpu::lost)
              .findFirst()
              .ifPresent(
                  lost -> {
                    throw new SimRefusal(
                        NvmlReturn.GPU_IS_LOST, lost.uuid + " has fallen off the bus");
                  });
          if (target.instance().map(SimComputeInstance::destroyed).orElse(false)) {
            throw new SimRefusal(NvmlReturn.NOT_FOUND, "no device " + uuid);
          }
          return target.handle();
        });
  }

  @Override
  public TopologyLevel topologyCommonAncestor(NvmlDevice first, NvmlDevice second) {
    String function = "nvmlDeviceGetTopologyCommonAncestor";
    calls.requireInit(function);
    SimGpu a = physicalGpu(function, first);
    SimGpu b = physicalGpu(function, second);
    return call(
        function,
        a,
        Optional.empty(),
        () -> {
          if (b.lost()) {
            throw new SimRefusal(NvmlReturn.GPU_IS_LOST, b.uuid + " has fallen off the bus");
          }
          return SimTopology.commonAncestor(a, b);
        });
  }

  @Override
  public EventSet createEventSet() {
    calls.requireInit("nvmlEventSetCreate");
    return events.create();
  }

  // ---- for the simulator's own classes --------------------------------------------------------

  void forgetDevice(String uuid) {
    faults.forget(uuid);
  }

  SimEventHub events() {
    return events;
  }

  SimProcFs processes() {
    return procFs;
  }

  /** Runs one NVML call on a device; see {@link SimCalls}. */
  <T> T call(String function, SimGpu gpu, Optional<SimComputeInstance> instance, Supplier<T> body) {
    return calls.call(function, gpu, instance, body);
  }

  boolean initialized() {
    return calls.initialized();
  }

  /** Whether a fault of this kind is on the GPU; for call bodies, which hold the node's lock. */
  boolean hasFault(SimGpu gpu, Class<? extends SimFault> kind) {
    return faults.has(gpu, kind);
  }

  SimProfile profile() {
    return profile;
  }

  SimIdentity identity() {
    return identity;
  }

  List<SimGpu> gpus() {
    return List.copyOf(gpus);
  }

  Instant instant() {
    return options.clock().instant();
  }

  /**
   * Seconds since the node was made, by the injected clock; every moving value is a function of it.
   */
  double now() {
    return Math.max(0, Duration.between(createdAt, instant()).toNanos() / 1e9);
  }

  long epochMicros() {
    Instant now = instant();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  private SimDeviceRef target(String uuid) {
    return SimDeviceRef.find(gpus, uuid)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no device " + uuid + " on simulated node " + options.nodeName()));
  }

  private SimGpu physicalGpu(String function, NvmlDevice device) {
    for (SimGpu gpu : gpus) {
      if (gpu.handle == device) {
        return gpu;
      }
    }
    throw SimCalls.error(
        function, NvmlReturn.INVALID_ARGUMENT, device + " is not a GPU of this node");
  }
}
