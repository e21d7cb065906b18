package io.gpuagent.deviceplugin;

import java.time.Instant;
import java.util.Optional;

/**
 * Where one resource stands with the kubelet: registered with which kubelet.sock, and the last
 * error of the attempts since.
 */
record RegistrationState(
    boolean registered,
    Optional<SocketFileId> kubelet,
    Optional<Instant> registeredAt,
    Optional<String> lastError) {

  static final RegistrationState NOT_YET =
      new RegistrationState(false, Optional.empty(), Optional.empty(), Optional.empty());

  static RegistrationState registered(SocketFileId kubelet, Instant at) {
    return new RegistrationState(true, Optional.of(kubelet), Optional.of(at), Optional.empty());
  }

  RegistrationState failed(String error) {
    return new RegistrationState(false, Optional.empty(), registeredAt, Optional.of(error));
  }

  /** The kubelet registered with is gone or restarted: registered again only by a new attempt. */
  RegistrationState withKubeletGone() {
    return new RegistrationState(false, Optional.empty(), registeredAt, lastError);
  }

  boolean registeredWith(Optional<SocketFileId> current) {
    return registered && current.isPresent() && kubelet.equals(current);
  }
}
