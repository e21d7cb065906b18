package io.gpuagent.nvml.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * UUIDs and serial numbers that look like real ones and are stable: a hash of the profile, the
 * seed, the node name and the device's position. The same node comes back with the same ids after a
 * restart (the kubelet's checkpoint relies on that); two nodes never share one.
 */
final class SimIdentity {
  private final String profile;
  private final long seed;
  private final String nodeName;

  SimIdentity(String profile, long seed, String nodeName) {
    this.profile = profile;
    this.seed = seed;
    this.nodeName = nodeName;
  }

  /** {@code GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}. */
  String gpuUuid(int gpuIndex) {
    return "GPU-" + uuidBody("gpu/" + gpuIndex);
  }

  /** {@code MIG-…} for the compute instance {@code ci} of GPU instance {@code gi}. */
  String migUuid(int gpuIndex, int gi, int ci) {
    return "MIG-" + uuidBody("mig/" + gpuIndex + "/" + gi + "/" + ci);
  }

  /** A 13-digit board serial, as datacenter boards carry. */
  String serial(int gpuIndex) {
    byte[] hash = hash("serial/" + gpuIndex);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (hash[i] & 0xFF);
    }
    return "132" + String.format("%010d", Math.floorMod(value, 10_000_000_000L));
  }

  private String uuidBody(String what) {
    String hex = HexFormat.of().formatHex(hash(what), 0, 16);
    return hex.substring(0, 8)
        + "-"
        + hex.substring(8, 12)
        + "-"
        + hex.substring(12, 16)
        + "-"
        + hex.substring(16, 20)
        + "-"
        + hex.substring(20, 32);
  }

  private byte[] hash(String what) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      String key = profile + "\n" + seed + "\n" + nodeName + "\n" + what;
      return digest.digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
