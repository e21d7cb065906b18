package io.gpuagent.mig;

import java.util.List;

/**
 * How the MIG manager takes a GPU out of service before changing it, implemented by the agent with
 * the device plugin and the podresources API. Only the GPU being changed is drained.
 */
public interface GpuDrain {

  /** Stops offering the GPU's devices (the GPU and its MIG devices) for new pods. */
  void withdraw(String gpuUuid);

  /** The pods that still hold one of these devices, as {@code namespace/pod}. */
  List<String> holders(List<String> deviceUuids);

  /** Offers the GPU again; the inventory rebuild advertises its new devices. */
  void restore(String gpuUuid);

  /** No device plugin and no pod view (the CLI, a node without a kubelet). */
  GpuDrain NONE =
      new GpuDrain() {
        @Override
        public void withdraw(String gpuUuid) {}

        @Override
        public List<String> holders(List<String> deviceUuids) {
          return List.of();
        }

        @Override
        public void restore(String gpuUuid) {}
      };
}
