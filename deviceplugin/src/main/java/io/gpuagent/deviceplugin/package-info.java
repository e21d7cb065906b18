/**
 * The kubelet device-plugin API v1beta1 for whole GPUs and MIG devices.
 *
 * <p>{@link io.gpuagent.deviceplugin.DevicePluginService} is the entry point: from an inventory it
 * plans resources by the MIG strategy ({@code ResourcePlanner}), serves each resource on its own
 * Unix socket ({@code PluginEndpoint}, handlers in {@code DevicePluginHandler}, Allocate answers in
 * {@code ContainerAllocation}), registers it with the kubelet ({@code KubeletRegistrar}) and
 * watches the directory for kubelet restarts ({@code PluginDirectoryWatcher}). Every change goes
 * through {@code DevicePluginService.rebuild}; health set by the agent is pushed to every
 * ListAndWatch stream. GetPreferredAllocation is answered by a {@link
 * io.gpuagent.deviceplugin.allocation.PreferredAllocator}.
 */
package io.gpuagent.deviceplugin;
