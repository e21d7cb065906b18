package io.gpuagent.health.cuda;

import java.io.IOException;
import java.util.Optional;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads JCuda's native binding, and with it libcuda.so.1, the first time a probe runs (never in a
 * static initialiser), so a node without the driver gets a sentence instead of an Error.
 */
final class CudaDriver {

  /** The probe's detail when libcuda.so.1 cannot be loaded. */
  static final String NOT_AVAILABLE = "CUDA driver not available";

  private static final Logger LOG = LoggerFactory.getLogger(CudaDriver.class);
  private static final Object LOCK = new Object();

  /** Null until the first load; then empty, or why the driver API cannot be used. */
  private static Optional<String> unavailable;

  private CudaDriver() {}

  /**
   * Loads the driver binding once per process. JCuda's binding cannot be loaded again after a
   * failed attempt, so the first answer stands.
   *
   * @return empty when driver API calls can be made; otherwise one line saying why not
   */
  static Optional<String> load() {
    synchronized (LOCK) {
      if (unavailable == null) {
        unavailable = tryLoad();
      }
      return unavailable;
    }
  }

  private static Optional<String> tryLoad() {
    try {
      JCudaNativeLibrary.extract();
      // the first use of JCudaDriver loads its native library, which links libcuda.so.1; driver
      // calls then return their CUresult and CudaCallFailed.check turns it into an exception
      JCudaDriver.setExceptionsEnabled(false);
      return Optional.empty();
    } catch (IOException e) {
      LOG.atDebug().setMessage("cuda-driver-unavailable").addKeyValue("reason", e.toString()).log();
      return Optional.of(
          "JCuda's native library could not be written to the temporary directory: " + e);
    } catch (LinkageError e) {
      String reason = loadFailureReason(e);
      LOG.atDebug().setMessage("cuda-driver-unavailable").addKeyValue("reason", reason).log();
      return Optional.of(
          reason.contains("libcuda.so") ? NOT_AVAILABLE : "JCuda did not load: " + reason);
    }
  }

  /**
   * The one line that matters in what JCuda throws: its message nests two stack traces, the last
   * UnsatisfiedLinkError in them names the missing library, e.g. {@code
   * /tmp/libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open shared object file: No
   * such file or directory}.
   */
  static String loadFailureReason(Throwable e) {
    Throwable cause = e.getMessage() == null && e.getCause() != null ? e.getCause() : e;
    String message = String.valueOf(cause.getMessage());
    String marker = "UnsatisfiedLinkError: ";
    String reason = message.lines().findFirst().orElse(message);
    for (String line : message.lines().toList()) {
      int at = line.indexOf(marker);
      if (at >= 0) {
        reason = line.substring(at + marker.length());
      }
    }
    return reason.strip();
  }
}
