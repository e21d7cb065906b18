/**
 * GPU sharing: the per-GPU sharing plan (exclusive, replicas, memory slices), the IDs of shares,
 * and the quota monitor that watches what each pod's processes use on a shared GPU.
 */
package io.gpuagent.deviceplugin.sharing;
