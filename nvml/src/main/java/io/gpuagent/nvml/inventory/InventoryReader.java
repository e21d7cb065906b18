package io.gpuagent.nvml.inventory;

import io.gpuagent.nvml.ComputeInstance;
import io.gpuagent.nvml.ComputeInstanceProfile;
import io.gpuagent.nvml.GpuInstance;
import io.gpuagent.nvml.GpuInstanceProfile;
import io.gpuagent.nvml.Nvml;
import io.gpuagent.nvml.NvmlDevice;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.sim.SimulatedNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an {@link Inventory} from NVML, NUMA nodes from sysfs. A GPU that is lost while reading is
 * listed as lost; a MIG GPU whose instances need privilege the agent lacks stays, its MIG devices
 * unknown and the reason among the inventory's problems.
 */
public final class InventoryReader {
  private static final Logger LOG = LoggerFactory.getLogger(InventoryReader.class);

  /** {@code NVML_COMPUTE_INSTANCE_PROFILE_*} indices run 0..7. */
  private static final int COMPUTE_INSTANCE_PROFILE_INDEX_COUNT = 8;

  /** What {@code nvmlDeviceGetGpuInstanceById} and its like need (NVIDIA's MIG user guide). */
  private static final String MIG_PRIVILEGE =
      "run the agent privileged or mount the /dev/nvidia-caps nodes into its container";

  private final Nvml nvml;
  private final Clock clock;
  private final Optional<PciSysfs> sysfs;

  /** Reads NUMA nodes from sysfs at {@code /sys}. */
  public InventoryReader(Nvml nvml, Clock clock) {
    this(nvml, clock, PciSysfs.DEFAULT_ROOT);
  }

  /**
   * Reads NUMA nodes from sysfs mounted at {@code sysfsRoot} (a fake tree in tests). A simulated
   * node's bus ids are not this host's devices, so there its profile's NUMA nodes (NVML) answer.
   */
  public InventoryReader(Nvml nvml, Clock clock, Path sysfsRoot) {
    this.nvml = nvml;
    this.clock = clock;
    this.sysfs =
        nvml instanceof SimulatedNode ? Optional.empty() : Optional.of(new PciSysfs(sysfsRoot));
  }

  public Inventory read() {
    return read(Optional.empty());
  }

  /**
   * Reads the inventory; a GPU lost so badly that NVML no longer gives its handle keeps the UUID
   * {@code previous} knew at its index, so it can still be named.
   */
  public Inventory read(Optional<Inventory> previous) {
    List<Gpu> gpus = new ArrayList<>();
    List<LostGpu> lost = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int count = nvml.deviceCount();
    for (int i = 0; i < count; i++) {
      Optional<String> uuid = Optional.empty();
      final int index = i;
      try {
        NvmlDevice device = nvml.deviceByIndex(i);
        uuid = Optional.of(device.uuid());
        gpus.add(readGpu(device, previous, problems));
      } catch (NvmlException e) {
        // One broken GPU must not hide the healthy ones: list it with its error and go on.
        if (uuid.isEmpty()) {
          uuid = previous.flatMap(inventory -> inventory.uuidAt(index));
        }
        LOG.atWarn()
            .setMessage("gpu-unreadable")
            .addKeyValue("index", index)
            .addKeyValue("uuid", uuid.orElse("-"))
            .addKeyValue("function", e.function())
            .addKeyValue("error", e.code().nvmlName())
            .log();
        lost.add(new LostGpu(index, uuid, e.code()));
      }
    }
    return new Inventory(
        nvml.driverVersion(),
        nvml.nvmlVersion(),
        nvml.cudaDriverVersion(),
        gpus,
        lost,
        clock.instant(),
        problems);
  }

  private Gpu readGpu(NvmlDevice device, Optional<Inventory> previous, List<String> problems) {
    PciInfo pci = device.pciInfo();
    var migMode = device.migMode();
    List<MigDevice> migDevices = List.of();
    if (migMode.map(mode -> mode.current()).orElse(false)) {
      try {
        migDevices = readMigDevices(device);
      } catch (NvmlException e) {
        if (e.code() != NvmlReturn.NO_PERMISSION) {
          throw e;
        }
        // The GPU itself still answers: keep it served, with its MIG devices unknown.
        String problem = migUnreadable(device, e);
        if (previous.map(p -> !p.problems().contains(problem)).orElse(true)) {
          LOG.atError()
              .setMessage("mig-unreadable")
              .addKeyValue("index", device.index())
              .addKeyValue("uuid", device.uuid())
              .addKeyValue("function", e.function())
              .addKeyValue("error", e.code().nvmlName())
              .addKeyValue("need", MIG_PRIVILEGE)
              .log();
        }
        problems.add(problem);
      }
    }
    return new Gpu(
        device.index(),
        device.uuid(),
        device.name(),
        device.brand(),
        device.architecture(),
        device.cudaComputeCapability(),
        pci.busId(),
        pci.pciDeviceId(),
        device.serial(),
        device.minorNumber(),
        numaNode(device, pci),
        device.memoryInfo().totalBytes(),
        migMode,
        migDevices);
  }

  private static String migUnreadable(NvmlDevice gpu, NvmlException e) {
    return "GPU "
        + gpu.uuid()
        + " is in MIG mode but its MIG devices cannot be read ("
        + e.function()
        + ": "
        + e.code().nvmlName()
        + "): "
        + MIG_PRIVILEGE;
  }

  /** sysfs first; NVML's answer only where sysfs does not know the device. */
  private Optional<Integer> numaNode(NvmlDevice device, PciInfo pci) {
    return sysfs.isPresent()
        ? sysfs.get().numaNode(pci.busId(), device::numaNode)
        : device.numaNode();
  }

  private List<MigDevice> readMigDevices(NvmlDevice gpu) {
    List<GpuInstanceProfile> profiles = gpu.gpuInstanceProfiles();
    List<MigDevice> result = new ArrayList<>();
    for (NvmlDevice mig : gpu.migDevices()) {
      GpuInstance instance = gpu.gpuInstanceById(mig.gpuInstanceId());
      var info = instance.info();
      GpuInstanceProfile profile =
          profiles.stream()
              .filter(p -> p.id() == info.profileId())
              .findFirst()
              .orElseThrow(
                  () ->
                      new NvmlException(
                          "nvmlDeviceGetGpuInstanceProfileInfoV",
                          NvmlReturn.NOT_FOUND,
                          "GPU "
                              + gpu.uuid()
                              + ": GPU instance "
                              + info.id()
                              + " has profile id "
                              + info.profileId()
                              + " that the GPU does not list"));
      result.add(
          new MigDevice(
              mig.index(),
              mig.uuid(),
              profileName(profile, instance, mig.computeInstanceId()),
              profile.id(),
              info.id(),
              mig.computeInstanceId(),
              info.placement(),
              mig.memoryInfo().totalBytes()));
    }
    return result;
  }

  /** {@code 3g.40gb}, or {@code 1c.3g.40gb} for a compute instance smaller than its instance. */
  private static String profileName(
      GpuInstanceProfile profile, GpuInstance instance, int computeInstanceId) {
    for (int i = 0; i < COMPUTE_INSTANCE_PROFILE_INDEX_COUNT; i++) {
      Optional<ComputeInstanceProfile> ciProfile = instance.computeInstanceProfile(i);
      if (ciProfile.isEmpty()) {
        continue;
      }
      for (ComputeInstance ci : instance.computeInstances(ciProfile.get().id())) {
        if (ci.info().id() == computeInstanceId
            && ciProfile.get().sliceCount() < profile.sliceCount()) {
          return ciProfile.get().sliceCount() + "c." + profile.shortName();
        }
      }
    }
    return profile.shortName();
  }
}
