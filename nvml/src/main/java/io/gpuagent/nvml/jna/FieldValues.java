package io.gpuagent.nvml.jna;

import com.sun.jna.Pointer;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import java.util.Optional;

/** {@code nvmlDeviceGetFieldValues}: several values of one device in one driver call. */
final class FieldValues {

  static final int MEMORY_TEMP = 82;
  static final int NVLINK_THROUGHPUT_DATA_TX = 138;
  static final int NVLINK_THROUGHPUT_DATA_RX = 139;

  /** The scope of NVLink counter fields that sums every link ({@code UINT_MAX}, nvml.h). */
  static final int ALL_LINKS = 0xFFFFFFFF;

  private static final String FUNCTION = "nvmlDeviceGetFieldValues";

  private FieldValues() {}

  /** One field to read: an {@code NVML_FI_*} id and its scope (the link for NVLink fields). */
  record Field(int id, int scope) {}

  /**
   * The values of all {@code fields}, in order; empty when NVML cannot give one of them
   * (NOT_SUPPORTED, or INVALID_ARGUMENT for a scope such as a link the GPU does not have).
   */
  static Optional<long[]> read(NvmlLibrary functions, Pointer device, Field... fields) {
    DeviceStructures.FieldValue[] values =
        (DeviceStructures.FieldValue[]) new DeviceStructures.FieldValue().toArray(fields.length);
    for (int i = 0; i < fields.length; i++) {
      values[i].fieldId = fields[i].id();
      values[i].scopeId = fields[i].scope();
    }
    int rc = functions.nvmlDeviceGetFieldValues(device, fields.length, values);
    if (!NvmlCalls.supported(FUNCTION, rc)) {
      return Optional.empty();
    }
    long[] result = new long[fields.length];
    for (int i = 0; i < fields.length; i++) {
      int fieldRc = values[i].nvmlReturn;
      if (fieldRc == NvmlCalls.NOT_SUPPORTED || fieldRc == NvmlCalls.INVALID_ARGUMENT) {
        return Optional.empty();
      }
      if (fieldRc != NvmlCalls.SUCCESS) {
        throw new NvmlException(FUNCTION, NvmlReturn.fromCode(fieldRc));
      }
      result[i] = values[i].valueAsLong();
    }
    return Optional.of(result);
  }
}
