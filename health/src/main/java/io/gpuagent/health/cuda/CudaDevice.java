package io.gpuagent.health.cuda;

import static io.gpuagent.health.cuda.CudaCallFailed.check;

import java.util.Locale;
import java.util.Optional;
import jcuda.driver.CUdevice;
import jcuda.driver.CUuuid;
import jcuda.driver.JCudaDriver;

/**
 * A device the CUDA driver enumerates.
 *
 * @param handle the driver's handle
 * @param ordinal its CUDA ordinal (after CUDA_VISIBLE_DEVICES)
 * @param uuid its UUID in NVML's spelling, {@code GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}
 */
record CudaDevice(CUdevice handle, int ordinal, String uuid) {

  /**
   * Initialises the driver and finds the device to probe. A GPU UUID is looked up among the devices
   * CUDA sees. A MIG device cannot be recognised that way (the driver API of R535 tells only the
   * parent GPU's UUID), so for a {@code MIG-} UUID the probe's environment must make it the only
   * device CUDA sees (CUDA_VISIBLE_DEVICES), as the probe runner does.
   */
  static Optional<CudaDevice> find(String requestedUuid) {
    check("cuInit", JCudaDriver.cuInit(0));
    int[] count = new int[1];
    check("cuDeviceGetCount", JCudaDriver.cuDeviceGetCount(count));
    boolean mig = requestedUuid.startsWith("MIG-");
    if (mig) {
      return count[0] == 1 ? Optional.of(at(0)) : Optional.empty();
    }
    for (int ordinal = 0; ordinal < count[0]; ordinal++) {
      CudaDevice device = at(ordinal);
      if (device.uuid().equalsIgnoreCase(requestedUuid)) {
        return Optional.of(device);
      }
    }
    return Optional.empty();
  }

  /** How many devices the driver enumerates; call after {@link #find}. */
  static int visibleCount() {
    int[] count = new int[1];
    check("cuDeviceGetCount", JCudaDriver.cuDeviceGetCount(count));
    return count[0];
  }

  static CudaDevice at(int ordinal) {
    CUdevice handle = new CUdevice();
    check("cuDeviceGet", JCudaDriver.cuDeviceGet(handle, ordinal));
    CUuuid uuid = new CUuuid();
    check("cuDeviceGetUuid", JCudaDriver.cuDeviceGetUuid(uuid, handle));
    return new CudaDevice(handle, ordinal, format(uuid.bytes));
  }

  /** NVML's spelling of a 16-byte UUID: {@code GPU-} and five groups of lower-case hex. */
  static String format(byte[] bytes) {
    if (bytes.length != 16) {
      throw new IllegalArgumentException("a UUID has 16 bytes, got " + bytes.length);
    }
    StringBuilder out = new StringBuilder("GPU-");
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        out.append('-');
      }
      out.append(String.format(Locale.ROOT, "%02x", bytes[i] & 0xff));
    }
    return out.toString();
  }
}
