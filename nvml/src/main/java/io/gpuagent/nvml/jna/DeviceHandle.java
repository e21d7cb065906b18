package io.gpuagent.nvml.jna;

import static io.gpuagent.nvml.jna.NvmlCalls.check;
import static io.gpuagent.nvml.jna.NvmlCalls.optionalInt;
import static io.gpuagent.nvml.jna.NvmlCalls.optionalLong;
import static io.gpuagent.nvml.jna.NvmlCalls.requiredString;

import com.sun.jna.Pointer;
import io.gpuagent.nvml.ComputeMode;
import io.gpuagent.nvml.EventSet;
import io.gpuagent.nvml.EventType;
import io.gpuagent.nvml.GpmMetric;
import io.gpuagent.nvml.GpmSample;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.MigMode;
import io.gpuagent.nvml.NvLinkThroughput;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.Placement;
import io.gpuagent.nvml.ProcessInfo;
import io.gpuagent.nvml.ProcessUtilization;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NVML handle of a GPU or MIG device and what is asked through it besides telemetry: NVLink,
 * processes, GPM, MIG partitioning and events. {@link JnaDevice} adds identity and telemetry.
 */
abstract sealed class DeviceHandle implements NvmlDevice permits JnaDevice {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceHandle.class);

  /** {@code NVML_DEVICE_UUID_V2_BUFFER_SIZE}. */
  private static final int UUID_SIZE = 96;

  final JnaNvml nvml;
  final Pointer handle;
  final boolean mig;
  private final String uuid;
  private final int index;

  /** Set once the driver refused the all-links NVLink scope: ask per link from then on. */
  /** Samples read per link before the all-links scope is tried again after a refusal. */
  static final int PER_LINK_SAMPLES_BEFORE_RETRY = 100;

  private final AtomicInteger perLinkSamplesLeft = new AtomicInteger();

  DeviceHandle(JnaNvml nvml, Pointer handle, String uuid, int index, boolean mig) {
    this.nvml = nvml;
    this.handle = handle;
    this.uuid = uuid;
    this.index = index;
    this.mig = mig;
  }

  static String readUuid(JnaNvml nvml, Pointer handle) {
    return requiredString(
        "nvmlDeviceGetUUID",
        UUID_SIZE,
        (buffer, length) -> nvml.functions().nvmlDeviceGetUUID(handle, buffer, length));
  }

  /** The NVML handle of a device this binding made; others cannot be passed to NVML. */
  static Pointer handleOf(NvmlDevice device) {
    if (device instanceof DeviceHandle jna) {
      return jna.handle;
    }
    throw new IllegalArgumentException("not a JnaNvml device: " + device);
  }

  /** The library, or UNINITIALIZED once NVML is shut down. */
  final NvmlLibrary functions() {
    return nvml.functions();
  }

  @Override
  public final String uuid() {
    return uuid;
  }

  @Override
  public final int index() {
    return index;
  }

  // ---- NVLink --------------------------------------------------------------------------------

  @Override
  public Optional<Boolean> nvLinkActive(int link) {
    return NvLinkQueries.active(functions(), handle, link);
  }

  @Override
  public Optional<PciInfo> nvLinkRemotePciInfo(int link) {
    return NvLinkQueries.remotePciInfo(functions(), handle, link);
  }

  @Override
  public Optional<NvLinkThroughput> nvLinkThroughput(int link) {
    return NvLinkQueries.throughput(functions(), handle, link);
  }

  @Override
  public Optional<NvLinkThroughput> nvLinkThroughputTotal() {
    if (perLinkSamplesLeft.get() > 0) {
      perLinkSamplesLeft.decrementAndGet();
      return NvLinkThroughput.sumPerLink(this);
    }
    String refusal;
    try {
      Optional<NvLinkThroughput> total = NvLinkQueries.throughputAllLinks(functions(), handle);
      if (total.isPresent()) {
        return total;
      }
      refusal = "NOT_SUPPORTED or INVALID_ARGUMENT";
    } catch (NvmlException e) {
      if (e.isDeviceLost()) {
        throw e;
      }
      refusal = e.code().nvmlName();
    }
    // An older driver, or no NVLink now (a PCIe part, MIG mode, a transient error): per-link
    // answers right in all of them. Asked again after a while, since MIG mode can be turned off.
    perLinkSamplesLeft.set(PER_LINK_SAMPLES_BEFORE_RETRY);
    LOG.atDebug()
        .setMessage("nvlink-per-link")
        .addKeyValue("uuid", uuid)
        .addKeyValue("allLinksScope", refusal)
        .log();
    return NvLinkThroughput.sumPerLink(this);
  }

  // ---- processes -----------------------------------------------------------------------------

  @Override
  public List<ProcessInfo> computeRunningProcesses() {
    return ProcessQueries.running(functions(), handle);
  }

  @Override
  public List<ProcessUtilization> processUtilization(long sinceMicros) {
    return ProcessQueries.utilization(functions(), handle, sinceMicros);
  }

  /** UNKNOWN where the device cannot tell (NOT_SUPPORTED). */
  @Override
  public ComputeMode computeMode() {
    return optionalInt(
            "nvmlDeviceGetComputeMode", out -> functions().nvmlDeviceGetComputeMode(handle, out))
        .map(ComputeMode::fromCode)
        .orElse(ComputeMode.UNKNOWN);
  }

  // ---- GPM -----------------------------------------------------------------------------------

  @Override
  public boolean gpmSupported() {
    return GpmQueries.supported(functions(), handle);
  }

  @Override
  public GpmSample gpmSample() {
    return GpmQueries.sample(nvml, handle);
  }

  @Override
  public Map<GpmMetric, Double> gpmMetrics(
      GpmSample earlier, GpmSample later, Set<GpmMetric> metrics) {
    return GpmQueries.metrics(functions(), earlier, later, metrics);
  }

  // ---- MIG -----------------------------------------------------------------------------------

  @Override
  public Optional<MigMode> migMode() {
    return MigQueries.migMode(functions(), handle);
  }

  /** NOT_SUPPORTED (a GPU without MIG) is answered, not thrown; other refusals are thrown. */
  @Override
  public NvmlReturn setMigMode(boolean enabled) {
    return MigQueries.setMigMode(functions(), handle, enabled);
  }

  @Override
  public int maxMigDeviceCount() {
    return MigQueries.maxMigDeviceCount(functions(), handle);
  }

  @Override
  public Optional<NvmlDevice> migDevice(int index) {
    return MigQueries.migDevice(nvml, handle, index).map(NvmlDevice.class::cast);
  }

  /** Known from how the handle was made, so it answers even for a lost GPU. */
  @Override
  public boolean isMigDevice() {
    return mig;
  }

  @Override
  public int gpuInstanceId() {
    return NvmlCalls.requiredInt(
        "nvmlDeviceGetGpuInstanceId", out -> functions().nvmlDeviceGetGpuInstanceId(handle, out));
  }

  @Override
  public int computeInstanceId() {
    return NvmlCalls.requiredInt(
        "nvmlDeviceGetComputeInstanceId",
        out -> functions().nvmlDeviceGetComputeInstanceId(handle, out));
  }

  /** A physical GPU is its own parent. */
  @Override
  public NvmlDevice parent() {
    return mig ? MigQueries.parent(nvml, handle) : this;
  }

  @Override
  public Optional<GpuInstanceProfile> gpuInstanceProfile(int profileIndex) {
    return MigQueries.gpuInstanceProfile(functions(), handle, profileIndex);
  }

  @Override
  public List<Placement> gpuInstancePossiblePlacements(int profileId) {
    return MigQueries.possiblePlacements(functions(), handle, profileId);
  }

  @Override
  public GpuInstance createGpuInstance(int profileId) {
    return MigQueries.createGpuInstance(nvml, handle, profileId);
  }

  @Override
  public GpuInstance createGpuInstance(int profileId, Placement placement) {
    return MigQueries.createGpuInstance(nvml, handle, profileId, placement);
  }

  @Override
  public List<GpuInstance> gpuInstances(int profileId) {
    return MigQueries.gpuInstances(nvml, handle, profileId);
  }

  @Override
  public GpuInstance gpuInstanceById(int id) {
    return MigQueries.gpuInstanceById(nvml, handle, id);
  }

  // ---- events --------------------------------------------------------------------------------

  @Override
  public Set<EventType> supportedEventTypes() {
    return optionalLong(
            "nvmlDeviceGetSupportedEventTypes",
            out -> functions().nvmlDeviceGetSupportedEventTypes(handle, out))
        .map(EventType::fromMask)
        .orElse(Set.of());
  }

  /** Register only types from {@link #supportedEventTypes()}: NVML refuses the others. */
  @Override
  public void registerEvents(EventSet set, Set<EventType> types) {
    check(
        "nvmlDeviceRegisterEvents",
        functions()
            .nvmlDeviceRegisterEvents(handle, EventType.mask(types), JnaEventSet.handleOf(set)));
  }

  // ---- identity of the handle object ---------------------------------------------------------

  @Override
  public final boolean equals(Object other) {
    return other instanceof DeviceHandle device && device.uuid.equals(uuid);
  }

  @Override
  public final int hashCode() {
    return uuid.hashCode();
  }

  @Override
  public String toString() {
    return (mig ? "MIG device " : "GPU ") + index + " " + uuid;
  }
}
