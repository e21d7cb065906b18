/**
 * The quota monitor: what each pod's processes use on a shared GPU, against the quota its shares
 * give it, and the GPU's enforcement (observe: a metric and one log line per episode; kill: SIGTERM
 * then SIGKILL to the offending process only). Reads NVML's compute processes, a {@code /proc} tree
 * and the kubelet's podresources; publishes an immutable {@link
 * io.gpuagent.deviceplugin.sharing.quota.QuotaReport}.
 */
package io.gpuagent.deviceplugin.sharing.quota;
