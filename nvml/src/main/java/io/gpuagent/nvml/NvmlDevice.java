package io.gpuagent.nvml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A handle on one physical GPU or one MIG device. {@link #uuid()} and {@link #index()} are read
 * once when the handle is made, so a device that is later lost can still be named; every other
 * method asks the driver (or the simulator) each time.
 *
 * <p>Methods answering {@code Optional} return empty when NVML says NOT_SUPPORTED for this device.
 * Other failures throw {@link NvmlException}; {@link NvmlException#isDeviceLost()} tells a lost
 * GPU.
 */
public interface NvmlDevice {

  // ---- identity ------------------------------------------------------------------------------

  /** {@code GPU-…} or {@code MIG-…}. */
  String uuid();

  /** The GPU's NVML index; for a MIG device, the index among its parent's MIG devices. */
  int index();

  /** E.g. {@code NVIDIA H100 80GB HBM3}. */
  String name();

  Brand brand();

  Architecture architecture();

  /** CUDA compute capability, e.g. 9.0 on H100. */
  ComputeCapability cudaComputeCapability();

  PciInfo pciInfo();

  Optional<String> serial();

  /** The N in {@code /dev/nvidiaN}. */
  int minorNumber();

  /** The NUMA node closest to the GPU; empty where NVML cannot tell. */
  Optional<Integer> numaNode();

  // ---- memory and load -----------------------------------------------------------------------

  /** {@code nvmlDeviceGetMemoryInfo_v2} (gives reserved memory too). Works on MIG devices. */
  MemoryInfo memoryInfo();

  Optional<Utilization> utilization();

  Optional<Integer> encoderUtilizationPercent();

  Optional<Integer> decoderUtilizationPercent();

  // ---- thermals, power, clocks ---------------------------------------------------------------

  Optional<Integer> gpuTemperatureCelsius();

  /** HBM temperature (field value {@code NVML_FI_DEV_MEMORY_TEMP}); absent on GDDR parts. */
  Optional<Integer> memoryTemperatureCelsius();

  Optional<Integer> powerUsageMilliwatts();

  /** The enforced power limit. */
  Optional<Integer> powerLimitMilliwatts();

  /** Energy since the driver was loaded; only grows. */
  Optional<Long> totalEnergyMillijoules();

  Optional<Integer> clockMhz(ClockType type);

  Optional<Integer> maxClockMhz(ClockType type);

  /** Why clocks are held down right now ({@code nvmlDeviceGetCurrentClocksEventReasons}). */
  Optional<ClockEventReasons> clockEventReasons();

  Optional<Integer> fanSpeedPercent();

  // ---- PCIe, ECC, memory health --------------------------------------------------------------

  /** PCIe throughput over the last 20 ms, in KB/s. */
  Optional<Integer> pcieThroughputKBps(PcieCounter counter);

  Optional<Integer> pcieReplayCounter();

  Optional<EccMode> eccMode();

  Optional<Long> eccErrorCount(EccErrorType errorType, EccCounterType counterType);

  /** Pages retired for ECC errors (pre-Ampere); empty on GPUs that remap rows instead. */
  Optional<RetiredPages> retiredPages();

  /** Row remapping (Ampere and later). */
  Optional<RemappedRows> remappedRows();

  // ---- NVLink and topology -------------------------------------------------------------------

  /**
   * Links gpu-agent asks about per GPU: 18 on Hopper and Blackwell. (CUDA 13's nvml.h raised {@code
   * NVML_NVLINK_MAX_LINKS} to 36 for future parts; links beyond a GPU's count read empty.)
   */
  int MAX_NVLINKS = 18;

  /** Whether a link is up; empty when the GPU has no NVLink or no such link. */
  Optional<Boolean> nvLinkActive(int link);

  /** The PCI identity of what is at the other end of a link (another GPU or an NVSwitch). */
  Optional<PciInfo> nvLinkRemotePciInfo(int link);

  /** Data throughput counters of one link, in KiB since the driver loaded. */
  Optional<NvLinkThroughput> nvLinkThroughput(int link);

  /**
   * Data throughput counters summed over every link, in KiB since the driver loaded; empty without
   * NVLink. One call where the driver takes the all-links scope, else one per link.
   */
  default Optional<NvLinkThroughput> nvLinkThroughputTotal() {
    return NvLinkThroughput.sumPerLink(this);
  }

  // ---- processes -----------------------------------------------------------------------------

  /** {@code nvmlDeviceGetComputeRunningProcesses_v3}. */
  List<ProcessInfo> computeRunningProcesses();

  /** Per-process utilization samples newer than {@code sinceMicros} (a CPU timestamp in µs). */
  List<ProcessUtilization> processUtilization(long sinceMicros);

  ComputeMode computeMode();

  // ---- GPM (Hopper and later) ----------------------------------------------------------------

  /** Whether GPM metrics can be read ({@code nvmlGpmQueryDeviceSupport}). */
  boolean gpmSupported();

  /** Takes a GPM sample now. NOT_SUPPORTED is thrown as {@link NvmlException}: check first. */
  GpmSample gpmSample();

  /**
   * Metrics between two samples of this device. Values are as NVML gives them: percentages 0–100
   * for activity metrics, MiB per second for PCIe. Metrics NVML could not compute are absent from
   * the map.
   */
  Map<GpmMetric, Double> gpmMetrics(GpmSample earlier, GpmSample later, Set<GpmMetric> metrics);

  // ---- MIG -----------------------------------------------------------------------------------

  /** Current and pending MIG mode; empty on GPUs without MIG. */
  Optional<MigMode> migMode();

  /**
   * Asks for MIG mode on or off. The change is pending until the GPU is reset; refused with IN_USE
   * while compute processes run. Returns the activation status NVML reports.
   */
  NvmlReturn setMigMode(boolean enabled);

  /** Upper bound of MIG device slots; 0 on GPUs without MIG. */
  int maxMigDeviceCount();

  /** The MIG device at {@code index} (0 ≤ index < max); empty when that slot holds none. */
  Optional<NvmlDevice> migDevice(int index);

  boolean isMigDevice();

  /** The GPU-instance id of a MIG device. */
  int gpuInstanceId();

  /** The compute-instance id of a MIG device. */
  int computeInstanceId();

  /** The physical GPU of a MIG device. */
  NvmlDevice parent();

  /**
   * GPU-instance profile info for one {@code NVML_GPU_INSTANCE_PROFILE_*} index (0 = 1 slice, 1 = 2
   * slices, …); empty when that profile does not exist on this GPU.
   */
  Optional<GpuInstanceProfile> gpuInstanceProfile(int profileIndex);

  /** Placements where an instance of profile {@code profileId} (e.g. 19) may start. */
  List<Placement> gpuInstancePossiblePlacements(int profileId);

  /** Creates a GPU instance at the first free placement. */
  GpuInstance createGpuInstance(int profileId);

  /** Creates a GPU instance at a given placement; refused when invalid or overlapping. */
  GpuInstance createGpuInstance(int profileId, Placement placement);

  /** GPU instances of one profile id. */
  List<GpuInstance> gpuInstances(int profileId);

  GpuInstance gpuInstanceById(int id);

  // ---- events --------------------------------------------------------------------------------

  Set<EventType> supportedEventTypes();

  void registerEvents(EventSet set, Set<EventType> types);

  // ---- conveniences built on the calls above -------------------------------------------------

  /**
   * The number of {@code NVML_GPU_INSTANCE_PROFILE_*} indices NVML defines (0x12 in CUDA 13's
   * nvml.h; older drivers refuse the newest indices, which reads as "no such profile").
   */
  int GPU_INSTANCE_PROFILE_INDEX_COUNT = 18;

  /** Every GPU-instance profile this GPU offers, by profile index. */
  default List<GpuInstanceProfile> gpuInstanceProfiles() {
    List<GpuInstanceProfile> profiles = new ArrayList<>();
    for (int i = 0; i < GPU_INSTANCE_PROFILE_INDEX_COUNT; i++) {
      gpuInstanceProfile(i).ifPresent(profiles::add);
    }
    return List.copyOf(profiles);
  }

  /** Every MIG device currently present, in slot order. */
  default List<NvmlDevice> migDevices() {
    List<NvmlDevice> devices = new ArrayList<>();
    int max = maxMigDeviceCount();
    for (int i = 0; i < max; i++) {
      migDevice(i).ifPresent(devices::add);
    }
    return List.copyOf(devices);
  }

  /** Every GPU instance, whatever its profile. */
  default List<GpuInstance> allGpuInstances() {
    List<GpuInstance> instances = new ArrayList<>();
    for (GpuInstanceProfile profile : gpuInstanceProfiles()) {
      instances.addAll(gpuInstances(profile.id()));
    }
    return List.copyOf(instances);
  }
}
