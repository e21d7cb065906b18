package io.gpuagent.nvml.jna;

import static io.gpuagent.nvml.jna.NvmlCalls.check;
import static io.gpuagent.nvml.jna.NvmlCalls.optionalInt;
import static io.gpuagent.nvml.jna.NvmlCalls.optionalLong;
import static io.gpuagent.nvml.jna.NvmlCalls.optionalString;
import static io.gpuagent.nvml.jna.NvmlCalls.requiredInt;
import static io.gpuagent.nvml.jna.NvmlCalls.requiredString;
import static io.gpuagent.nvml.jna.NvmlCalls.supported;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import io.gpuagent.nvml.Architecture;
import io.gpuagent.nvml.Brand;
import io.gpuagent.nvml.ClockEventReasons;
import io.gpuagent.nvml.ClockType;
import io.gpuagent.nvml.ComputeCapability;
import io.gpuagent.nvml.EccCounterType;
import io.gpuagent.nvml.EccErrorType;
import io.gpuagent.nvml.EccMode;
import io.gpuagent.nvml.MemoryInfo;
import io.gpuagent.nvml.PciInfo;
import io.gpuagent.nvml.PcieCounter;
import io.gpuagent.nvml.RemappedRows;
import io.gpuagent.nvml.RetiredPages;
import io.gpuagent.nvml.Utilization;
import java.util.Optional;

/**
 * A GPU or MIG device: identity, telemetry and memory-health counters. NVLink, processes, GPM, MIG
 * and events are answered by {@link DeviceHandle}, which it extends.
 */
final class JnaDevice extends DeviceHandle {

  /** {@code NVML_DEVICE_NAME_V2_BUFFER_SIZE}. */
  private static final int NAME_SIZE = 96;

  /** {@code NVML_DEVICE_SERIAL_BUFFER_SIZE}. */
  private static final int SERIAL_SIZE = 30;

  private static final int TEMPERATURE_GPU = 0;
  private static final int RETIRED_FOR_MULTIPLE_SINGLE_BIT = 0;
  private static final int RETIRED_FOR_DOUBLE_BIT = 1;

  JnaDevice(JnaNvml nvml, Pointer handle, String uuid, int index, boolean mig) {
    super(nvml, handle, uuid, index, mig);
  }

  // ---- identity ------------------------------------------------------------------------------

  @Override
  public String name() {
    return requiredString(
        "nvmlDeviceGetName",
        NAME_SIZE,
        (buffer, length) -> functions().nvmlDeviceGetName(handle, buffer, length));
  }

  @Override
  public Brand brand() {
    return Brand.fromCode(
        requiredInt("nvmlDeviceGetBrand", out -> functions().nvmlDeviceGetBrand(handle, out)));
  }

  @Override
  public Architecture architecture() {
    return Architecture.fromCode(
        requiredInt(
            "nvmlDeviceGetArchitecture",
            out -> functions().nvmlDeviceGetArchitecture(handle, out)));
  }

  @Override
  public ComputeCapability cudaComputeCapability() {
    IntByReference major = new IntByReference();
    IntByReference minor = new IntByReference();
    check(
        "nvmlDeviceGetCudaComputeCapability",
        functions().nvmlDeviceGetCudaComputeCapability(handle, major, minor));
    return new ComputeCapability(major.getValue(), minor.getValue());
  }

  @Override
  public PciInfo pciInfo() {
    DeviceStructures.PciInfo pci = new DeviceStructures.PciInfo();
    check("nvmlDeviceGetPciInfo_v3", functions().nvmlDeviceGetPciInfo_v3(handle, pci));
    return pci.toPciInfo();
  }

  @Override
  public Optional<String> serial() {
    return optionalString(
        "nvmlDeviceGetSerial",
        SERIAL_SIZE,
        (buffer, length) -> functions().nvmlDeviceGetSerial(handle, buffer, length));
  }

  @Override
  public int minorNumber() {
    return requiredInt(
        "nvmlDeviceGetMinorNumber", out -> functions().nvmlDeviceGetMinorNumber(handle, out));
  }

  @Override
  public Optional<Integer> numaNode() {
    JnaNvml.LoadedLibrary loaded = nvml.loaded();
    if (!loaded.hasNumaNodeId()) {
      return Optional.empty();
    }
    return optionalInt(
        "nvmlDeviceGetNumaNodeId", out -> loaded.functions().nvmlDeviceGetNumaNodeId(handle, out));
  }

  // ---- memory and load -----------------------------------------------------------------------

  @Override
  public MemoryInfo memoryInfo() {
    DeviceStructures.MemoryV2 memory = DeviceStructures.MemoryV2.versioned();
    check("nvmlDeviceGetMemoryInfo_v2", functions().nvmlDeviceGetMemoryInfo_v2(handle, memory));
    return new MemoryInfo(memory.total, memory.reserved, memory.free, memory.used);
  }

  @Override
  public Optional<Utilization> utilization() {
    DeviceStructures.Utilization rates = new DeviceStructures.Utilization();
    int rc = functions().nvmlDeviceGetUtilizationRates(handle, rates);
    if (!supported("nvmlDeviceGetUtilizationRates", rc)) {
      return Optional.empty();
    }
    return Optional.of(new Utilization(rates.gpu, rates.memory));
  }

  @Override
  public Optional<Integer> encoderUtilizationPercent() {
    IntByReference periodUs = new IntByReference();
    return optionalInt(
        "nvmlDeviceGetEncoderUtilization",
        out -> functions().nvmlDeviceGetEncoderUtilization(handle, out, periodUs));
  }

  @Override
  public Optional<Integer> decoderUtilizationPercent() {
    IntByReference periodUs = new IntByReference();
    return optionalInt(
        "nvmlDeviceGetDecoderUtilization",
        out -> functions().nvmlDeviceGetDecoderUtilization(handle, out, periodUs));
  }

  // ---- thermals, power, clocks ---------------------------------------------------------------

  @Override
  public Optional<Integer> gpuTemperatureCelsius() {
    return optionalInt(
        "nvmlDeviceGetTemperature",
        out -> functions().nvmlDeviceGetTemperature(handle, TEMPERATURE_GPU, out));
  }

  @Override
  public Optional<Integer> memoryTemperatureCelsius() {
    return FieldValues.read(functions(), handle, new FieldValues.Field(FieldValues.MEMORY_TEMP, 0))
        .map(values -> (int) values[0]);
  }

  @Override
  public Optional<Integer> powerUsageMilliwatts() {
    return optionalInt(
        "nvmlDeviceGetPowerUsage", out -> functions().nvmlDeviceGetPowerUsage(handle, out));
  }

  @Override
  public Optional<Integer> powerLimitMilliwatts() {
    return optionalInt(
        "nvmlDeviceGetEnforcedPowerLimit",
        out -> functions().nvmlDeviceGetEnforcedPowerLimit(handle, out));
  }

  @Override
  public Optional<Long> totalEnergyMillijoules() {
    return optionalLong(
        "nvmlDeviceGetTotalEnergyConsumption",
        out -> functions().nvmlDeviceGetTotalEnergyConsumption(handle, out));
  }

  @Override
  public Optional<Integer> clockMhz(ClockType type) {
    return optionalInt(
        "nvmlDeviceGetClockInfo",
        out -> functions().nvmlDeviceGetClockInfo(handle, type.code(), out));
  }

  @Override
  public Optional<Integer> maxClockMhz(ClockType type) {
    return optionalInt(
        "nvmlDeviceGetMaxClockInfo",
        out -> functions().nvmlDeviceGetMaxClockInfo(handle, type.code(), out));
  }

  @Override
  public Optional<ClockEventReasons> clockEventReasons() {
    JnaNvml.LoadedLibrary loaded = nvml.loaded();
    Optional<Long> mask =
        loaded.hasClocksEventReasons()
            ? optionalLong(
                "nvmlDeviceGetCurrentClocksEventReasons",
                out -> loaded.functions().nvmlDeviceGetCurrentClocksEventReasons(handle, out))
            : optionalLong(
                "nvmlDeviceGetCurrentClocksThrottleReasons",
                out -> loaded.functions().nvmlDeviceGetCurrentClocksThrottleReasons(handle, out));
    return mask.map(ClockEventReasons::new);
  }

  @Override
  public Optional<Integer> fanSpeedPercent() {
    return optionalInt(
        "nvmlDeviceGetFanSpeed", out -> functions().nvmlDeviceGetFanSpeed(handle, out));
  }

  // ---- PCIe, ECC, memory health --------------------------------------------------------------

  @Override
  public Optional<Integer> pcieThroughputKBps(PcieCounter counter) {
    return optionalInt(
        "nvmlDeviceGetPcieThroughput",
        out -> functions().nvmlDeviceGetPcieThroughput(handle, counter.code(), out));
  }

  @Override
  public Optional<Integer> pcieReplayCounter() {
    return optionalInt(
        "nvmlDeviceGetPcieReplayCounter",
        out -> functions().nvmlDeviceGetPcieReplayCounter(handle, out));
  }

  @Override
  public Optional<EccMode> eccMode() {
    IntByReference current = new IntByReference();
    IntByReference pending = new IntByReference();
    if (!supported(
        "nvmlDeviceGetEccMode", functions().nvmlDeviceGetEccMode(handle, current, pending))) {
      return Optional.empty();
    }
    return Optional.of(new EccMode(current.getValue() != 0, pending.getValue() != 0));
  }

  @Override
  public Optional<Long> eccErrorCount(EccErrorType errorType, EccCounterType counterType) {
    return optionalLong(
        "nvmlDeviceGetTotalEccErrors",
        out ->
            functions()
                .nvmlDeviceGetTotalEccErrors(handle, errorType.code(), counterType.code(), out));
  }

  @Override
  public Optional<RetiredPages> retiredPages() {
    Optional<Integer> singleBit = retiredPageCount(RETIRED_FOR_MULTIPLE_SINGLE_BIT);
    Optional<Integer> doubleBit = retiredPageCount(RETIRED_FOR_DOUBLE_BIT);
    Optional<Integer> pending =
        optionalInt(
            "nvmlDeviceGetRetiredPagesPendingStatus",
            out -> functions().nvmlDeviceGetRetiredPagesPendingStatus(handle, out));
    if (singleBit.isEmpty() || doubleBit.isEmpty() || pending.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new RetiredPages(singleBit.get(), doubleBit.get(), pending.get() != 0));
  }

  /** Counts without reading addresses: given a count of 0, NVML answers with the count. */
  private Optional<Integer> retiredPageCount(int cause) {
    IntByReference count = new IntByReference(0);
    int rc = functions().nvmlDeviceGetRetiredPages(handle, cause, count, null);
    if (rc == NvmlCalls.INSUFFICIENT_SIZE) {
      return Optional.of(count.getValue());
    }
    return supported("nvmlDeviceGetRetiredPages", rc)
        ? Optional.of(count.getValue())
        : Optional.empty();
  }

  @Override
  public Optional<RemappedRows> remappedRows() {
    IntByReference correctable = new IntByReference();
    IntByReference uncorrectable = new IntByReference();
    IntByReference pending = new IntByReference();
    IntByReference failure = new IntByReference();
    int rc =
        functions().nvmlDeviceGetRemappedRows(handle, correctable, uncorrectable, pending, failure);
    if (!supported("nvmlDeviceGetRemappedRows", rc)) {
      return Optional.empty();
    }
    return Optional.of(
        new RemappedRows(
            correctable.getValue(),
            uncorrectable.getValue(),
            pending.getValue() != 0,
            failure.getValue() != 0));
  }
}
