package io.gpuagent.deviceplugin;

import java.util.Locale;

/**
 * How Allocate tells the container runtime which devices a container gets; the names NVIDIA's
 * device plugin uses for {@code deviceListStrategy}. Several may be on at once.
 */
public enum DeviceListStrategy {
  /** {@code NVIDIA_VISIBLE_DEVICES=<id>,<id>}. */
  ENVVAR,
  /**
   * One mount per device under {@code /var/run/nvidia-container-devices}, so an unprivileged pod
   * cannot widen its devices by setting the variable itself.
   */
  VOLUME_MOUNTS,
  /** A {@code cdi.k8s.io/…} annotation listing CDI device names. */
  CDI_ANNOTATIONS,
  /** The {@code cdi_devices} field of the response (kubelet feature DevicePluginCDIDevices). */
  CDI_CRI;

  /** The name used in configuration, e.g. {@code volume-mounts}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
