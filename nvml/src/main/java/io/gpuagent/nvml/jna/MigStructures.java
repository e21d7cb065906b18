package io.gpuagent.nvml.jna;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * MIG structs of NVIDIA's {@code nvml.h}, field for field. Public only because JNA fills them by
 * reflection; nothing outside this package should use them.
 */
public final class MigStructures {

  /** {@code NVML_DEVICE_NAME_V2_BUFFER_SIZE}: profile names. */
  static final int NAME_SIZE = 96;

  private MigStructures() {}

  /** {@code nvmlGpuInstancePlacement_t}; {@code nvmlComputeInstancePlacement_t} is the same. */
  @FieldOrder({"start", "size"})
  public static class Placement extends Structure {
    public int start;
    public int size;
  }

  /** {@code nvmlGpuInstanceProfileInfo_v2_t}. */
  @FieldOrder({
    "version",
    "id",
    "isP2pSupported",
    "sliceCount",
    "instanceCount",
    "multiprocessorCount",
    "copyEngineCount",
    "decoderCount",
    "encoderCount",
    "jpegCount",
    "ofaCount",
    "memorySizeMB",
    "name"
  })
  public static class GpuInstanceProfileInfoV2 extends Structure {
    public int version;
    public int id;
    public int isP2pSupported;
    public int sliceCount;
    public int instanceCount;
    public int multiprocessorCount;
    public int copyEngineCount;
    public int decoderCount;
    public int encoderCount;
    public int jpegCount;
    public int ofaCount;
    public long memorySizeMB;
    public byte[] name = new byte[NAME_SIZE];

    /** {@code nvmlGpuInstanceProfileInfo_v2}: the struct size with the version in the top byte. */
    static GpuInstanceProfileInfoV2 versioned() {
      GpuInstanceProfileInfoV2 info = new GpuInstanceProfileInfoV2();
      info.version = info.size() | 2 << 24;
      return info;
    }
  }

  /** {@code nvmlGpuInstanceInfo_t}. */
  @FieldOrder({"device", "id", "profileId", "placementStart", "placementSize"})
  public static class GpuInstanceInfo extends Structure {
    public Pointer device;
    public int id;
    public int profileId;
    public int placementStart;
    public int placementSize;
  }

  /** {@code nvmlComputeInstanceProfileInfo_t}. */
  @FieldOrder({
    "id",
    "sliceCount",
    "instanceCount",
    "multiprocessorCount",
    "sharedCopyEngineCount",
    "sharedDecoderCount",
    "sharedEncoderCount",
    "sharedJpegCount",
    "sharedOfaCount"
  })
  public static class ComputeInstanceProfileInfo extends Structure {
    public int id;
    public int sliceCount;
    public int instanceCount;
    public int multiprocessorCount;
    public int sharedCopyEngineCount;
    public int sharedDecoderCount;
    public int sharedEncoderCount;
    public int sharedJpegCount;
    public int sharedOfaCount;
  }

  /** {@code nvmlComputeInstanceInfo_t}. */
  @FieldOrder({"device", "gpuInstance", "id", "profileId", "placementStart", "placementSize"})
  public static class ComputeInstanceInfo extends Structure {
    public Pointer device;
    public Pointer gpuInstance;
    public int id;
    public int profileId;
    public int placementStart;
    public int placementSize;
  }
}
