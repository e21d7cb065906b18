package io.gpuagent.nvml.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.gpuagent.nvml.NvLinkThroughput;
import io.gpuagent.nvml.PciInfo;
import java.util.Optional;

/**
 * Per-link NVLink queries. NVML answers NOT_SUPPORTED on GPUs without NVLink (and on MIG-enabled
 * ones) and INVALID_ARGUMENT for a link number the GPU does not have; both mean "no such link".
 */
final class NvLinkQueries {

  private NvLinkQueries() {}

  static Optional<Boolean> active(NvmlLibrary functions, Pointer device, int link) {
    IntByReference active = new IntByReference();
    int rc = functions.nvmlDeviceGetNvLinkState(device, link, active);
    return linkExists("nvmlDeviceGetNvLinkState", rc)
        ? Optional.of(active.getValue() != 0)
        : Optional.empty();
  }

  static Optional<PciInfo> remotePciInfo(NvmlLibrary functions, Pointer device, int link) {
    DeviceStructures.PciInfo pci = new DeviceStructures.PciInfo();
    int rc = functions.nvmlDeviceGetNvLinkRemotePciInfo_v2(device, link, pci);
    return linkExists("nvmlDeviceGetNvLinkRemotePciInfo_v2", rc)
        ? Optional.of(pci.toPciInfo())
        : Optional.empty();
  }

  /** Both data counters in one driver call, through field values scoped to the link. */
  static Optional<NvLinkThroughput> throughput(NvmlLibrary functions, Pointer device, int link) {
    return FieldValues.read(
            functions,
            device,
            new FieldValues.Field(FieldValues.NVLINK_THROUGHPUT_DATA_TX, link),
            new FieldValues.Field(FieldValues.NVLINK_THROUGHPUT_DATA_RX, link))
        .map(values -> new NvLinkThroughput(values[0], values[1]));
  }

  /**
   * Both data counters summed over all links in one driver call: nvml.h's scope {@code UINT_MAX}.
   * Empty where the driver refuses that scope (NOT_SUPPORTED, INVALID_ARGUMENT) or has no NVLink.
   */
  static Optional<NvLinkThroughput> throughputAllLinks(NvmlLibrary functions, Pointer device) {
    return FieldValues.read(
            functions,
            device,
            new FieldValues.Field(FieldValues.NVLINK_THROUGHPUT_DATA_TX, FieldValues.ALL_LINKS),
            new FieldValues.Field(FieldValues.NVLINK_THROUGHPUT_DATA_RX, FieldValues.ALL_LINKS))
        .map(values -> new NvLinkThroughput(values[0], values[1]));
  }

  private static boolean linkExists(String function, int rc) {
    return rc != NvmlCalls.INVALID_ARGUMENT && NvmlCalls.supported(function, rc);
  }
}
