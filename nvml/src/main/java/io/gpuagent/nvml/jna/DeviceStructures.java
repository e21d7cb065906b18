package io.gpuagent.nvml.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * Device-query structs of NVIDIA's {@code nvml.h}, field for field. Public only because JNA fills
 * them by reflection; nothing outside this package should use them.
 */
public final class DeviceStructures {

  /** {@code NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE}: the legacy bus id. */
  static final int PCI_BUS_ID_LEGACY_SIZE = 16;

  /** {@code NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE}. */
  static final int PCI_BUS_ID_SIZE = 32;

  private DeviceStructures() {}

  /** {@code nvmlPciInfo_t} (the layout {@code nvmlDeviceGetPciInfo_v3} fills). */
  @FieldOrder({"busIdLegacy", "domain", "bus", "device", "pciDeviceId", "pciSubSystemId", "busId"})
  public static class PciInfo extends Structure {
    public byte[] busIdLegacy = new byte[PCI_BUS_ID_LEGACY_SIZE];
    public int domain;
    public int bus;
    public int device;
    public int pciDeviceId;
    public int pciSubSystemId;
    public byte[] busId = new byte[PCI_BUS_ID_SIZE];

    io.gpuagent.nvml.PciInfo toPciInfo() {
      return new io.gpuagent.nvml.PciInfo(
          NvmlCalls.decode(busId), domain, bus, device, pciDeviceId, pciSubSystemId);
    }
  }

  /** {@code nvmlMemory_v2_t}. */
  @FieldOrder({"version", "total", "reserved", "free", "used"})
  public static class MemoryV2 extends Structure {
    public int version;
    public long total;
    public long reserved;
    public long free;
    public long used;

    /** {@code nvmlMemory_v2}: the struct size with the version in the top byte. */
    static MemoryV2 versioned() {
      MemoryV2 memory = new MemoryV2();
      memory.version = memory.size() | 2 << 24;
      return memory;
    }
  }

  /** {@code nvmlUtilization_t}. */
  @FieldOrder({"gpu", "memory"})
  public static class Utilization extends Structure {
    public int gpu;
    public int memory;
  }

  /**
   * {@code nvmlFieldValue_t}. {@code value} stands in for the 8-byte {@code nvmlValue_t} union (it
   * gives the union's size and alignment); {@link #valueAsLong()} reads the member that {@code
   * valueType} names from native memory.
   */
  @FieldOrder({
    "fieldId",
    "scopeId",
    "timestamp",
    "latencyUsec",
    "valueType",
    "nvmlReturn",
    "value"
  })
  public static class FieldValue extends Structure {
    static final int TYPE_DOUBLE = 0;
    static final int TYPE_UNSIGNED_INT = 1;
    static final int TYPE_UNSIGNED_LONG = 2;
    static final int TYPE_UNSIGNED_LONG_LONG = 3;
    static final int TYPE_SIGNED_LONG_LONG = 4;
    static final int TYPE_SIGNED_INT = 5;
    static final int TYPE_UNSIGNED_SHORT = 6;

    public int fieldId;
    public int scopeId;
    public long timestamp;
    public long latencyUsec;
    public int valueType;
    public int nvmlReturn;
    public long value;

    /** The union member {@code valueType} names, widened to a long (doubles truncated). */
    long valueAsLong() {
      Pointer union = getPointer().share(fieldOffset("value"));
      return switch (valueType) {
        case TYPE_DOUBLE -> (long) union.getDouble(0);
        case TYPE_UNSIGNED_INT -> Integer.toUnsignedLong(union.getInt(0));
        case TYPE_SIGNED_INT -> union.getInt(0);
        case TYPE_UNSIGNED_LONG -> union.getNativeLong(0).longValue();
        case TYPE_UNSIGNED_SHORT -> Short.toUnsignedLong(union.getShort(0));
        case TYPE_UNSIGNED_LONG_LONG, TYPE_SIGNED_LONG_LONG -> union.getLong(0);
        default -> throw new IllegalStateException("unknown nvmlValueType_t " + valueType);
      };
    }
  }

  /** {@code nvmlProcessInfo_t}, the layout of {@code nvmlDeviceGetComputeRunningProcesses_v3}. */
  @FieldOrder({"pid", "usedGpuMemory", "gpuInstanceId", "computeInstanceId"})
  public static class ProcessInfo extends Structure {
    public int pid;
    public long usedGpuMemory;
    public int gpuInstanceId;
    public int computeInstanceId;
  }

  /** {@code nvmlProcessUtilizationSample_t}. */
  @FieldOrder({"pid", "timeStamp", "smUtil", "memUtil", "encUtil", "decUtil"})
  public static class ProcessUtilizationSample extends Structure {
    public int pid;
    public long timeStamp;
    public int smUtil;
    public int memUtil;
    public int encUtil;
    public int decUtil;
  }

  /** {@code nvmlEventData_t}. */
  @FieldOrder({"device", "eventType", "eventData", "gpuInstanceId", "computeInstanceId"})
  public static class EventData extends Structure {
    public Pointer device;
    public long eventType;
    public long eventData;
    public int gpuInstanceId;
    public int computeInstanceId;
  }
}
