package io.gpuagent.nvml.jna;

import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import io.gpuagent.nvml.NvmlException;
import io.gpuagent.nvml.NvmlReturn;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** How this binding turns NVML return codes, out-parameters and char buffers into Java values. */
final class NvmlCalls {

  static final int SUCCESS = 0;
  static final int INVALID_ARGUMENT = 2;
  static final int NOT_SUPPORTED = 3;
  static final int NOT_FOUND = 6;
  static final int INSUFFICIENT_SIZE = 7;
  static final int TIMEOUT = 10;

  /** NVML's "not applicable" for instance ids (processes and events outside MIG). */
  static final int NO_INSTANCE_ID = 0xFFFFFFFF;

  /** How much larger the second buffer is when NVML answers INSUFFICIENT_SIZE to the first. */
  private static final int RETRY_GROWTH = 4;

  private NvmlCalls() {}

  /** A call writing one {@code unsigned int}. */
  @FunctionalInterface
  interface IntQuery {
    int call(IntByReference out);
  }

  /** A call writing one {@code unsigned long long}. */
  @FunctionalInterface
  interface LongQuery {
    int call(LongByReference out);
  }

  /** A call filling a caller-supplied char buffer of {@code length} bytes. */
  @FunctionalInterface
  interface StringQuery {
    int call(byte[] buffer, int length);
  }

  /** Throws unless {@code rc} is SUCCESS. */
  static void check(String function, int rc) {
    if (rc != SUCCESS) {
      throw new NvmlException(function, NvmlReturn.fromCode(rc));
    }
  }

  /** True on SUCCESS, false on NOT_SUPPORTED; throws on anything else. */
  static boolean supported(String function, int rc) {
    if (rc == NOT_SUPPORTED) {
      return false;
    }
    check(function, rc);
    return true;
  }

  static int requiredInt(String function, IntQuery query) {
    IntByReference out = new IntByReference();
    check(function, query.call(out));
    return out.getValue();
  }

  static Optional<Integer> optionalInt(String function, IntQuery query) {
    IntByReference out = new IntByReference();
    return supported(function, query.call(out)) ? Optional.of(out.getValue()) : Optional.empty();
  }

  static Optional<Long> optionalLong(String function, LongQuery query) {
    LongByReference out = new LongByReference();
    return supported(function, query.call(out)) ? Optional.of(out.getValue()) : Optional.empty();
  }

  static String requiredString(String function, int size, StringQuery query) {
    return optionalString(function, size, query)
        .orElseThrow(() -> new NvmlException(function, NvmlReturn.NOT_SUPPORTED));
  }

  /**
   * Reads a string with NVML's documented buffer size; when NVML still answers INSUFFICIENT_SIZE,
   * asks once more with a larger buffer rather than failing on a driver with longer values.
   */
  static Optional<String> optionalString(String function, int size, StringQuery query) {
    byte[] buffer = new byte[size];
    int rc = query.call(buffer, buffer.length);
    if (rc == INSUFFICIENT_SIZE) {
      buffer = new byte[size * RETRY_GROWTH];
      rc = query.call(buffer, buffer.length);
    }
    return supported(function, rc) ? Optional.of(decode(buffer)) : Optional.empty();
  }

  /** The text up to the first NUL, or the whole buffer when NVML filled it without one. */
  static String decode(byte[] buffer) {
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.UTF_8);
  }

  /** An instance id of a process or event; empty where NVML says "not applicable". */
  static Optional<Integer> instanceId(int raw) {
    return raw == NO_INSTANCE_ID ? Optional.empty() : Optional.of(raw);
  }
}
