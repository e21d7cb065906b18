package io.gpuagent.deviceplugin;

import java.time.Instant;
import java.util.Objects;

/** Whether the kubelet may hand a device to new containers. */
public sealed interface DeviceHealth {

  /** The kubelet's word for it: {@code Healthy} or {@code Unhealthy}. */
  String kubeletValue();

  static DeviceHealth healthy() {
    return Healthy.INSTANCE;
  }

  static DeviceHealth unhealthy(String reason, Instant since) {
    return new Unhealthy(reason, since);
  }

  default boolean isHealthy() {
    return this instanceof Healthy;
  }

  /** Fit for new containers. */
  record Healthy() implements DeviceHealth {
    private static final Healthy INSTANCE = new Healthy();

    @Override
    public String kubeletValue() {
      return "Healthy";
    }
  }

  /** Not offered to new containers; {@code reason} is one line, e.g. {@code xid=79}. */
  record Unhealthy(String reason, Instant since) implements DeviceHealth {
    public Unhealthy {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(since, "since");
      if (reason.isBlank()) {
        throw new IllegalArgumentException("an unhealthy device needs a reason");
      }
    }

    @Override
    public String kubeletValue() {
      return "Unhealthy";
    }
  }
}
