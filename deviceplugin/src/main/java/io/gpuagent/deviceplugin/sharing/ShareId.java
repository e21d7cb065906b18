package io.gpuagent.deviceplugin.sharing;

import java.util.Optional;

/**
 * The device ID of one share of a GPU or MIG device: {@code <uuid>::<k>}, k from 0. Slices and
 * replicas use the same form; the {@link SharedDevice} of the UUID says which it is.
 */
public record ShareId(String uuid, int index) {
  private static final String SEPARATOR = "::";

  public ShareId {
    if (uuid.isEmpty() || uuid.contains(SEPARATOR) || index < 0) {
      throw new IllegalArgumentException("not a share of a device: " + uuid + SEPARATOR + index);
    }
  }

  /** The share named by a device ID, or empty when the ID is not of the form above. */
  public static Optional<ShareId> parse(String deviceId) {
    int at = deviceId.lastIndexOf(SEPARATOR);
    if (at <= 0) {
      return Optional.empty();
    }
    String number = deviceId.substring(at + SEPARATOR.length());
    if (number.isEmpty() || number.length() > 6 || !number.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    String uuid = deviceId.substring(0, at);
    return uuid.contains(SEPARATOR)
        ? Optional.empty()
        : Optional.of(new ShareId(uuid, Integer.parseInt(number)));
  }

  /** The kubelet device ID. */
  public String id() {
    return uuid + SEPARATOR + index;
  }

  @Override
  public String toString() {
    return id();
  }
}
