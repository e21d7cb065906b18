/**
 * Topology-aware GetPreferredAllocation.
 *
 * <p>{@link io.gpuagent.deviceplugin.allocation.TopologyAllocator#build} scores every pair of GPUs
 * once per inventory ({@link io.gpuagent.deviceplugin.allocation.PairScore}): 100 per usable NVLink
 * plus the PCIe level they share (INTERNAL 60 … SYSTEM 10). On NVSwitch boards (HGX A100/H100)
 * every link ends at a switch, so every pair gets the same NVLink part and PCIe / NUMA locality
 * decides, where NVIDIA's allocator falls back to PCIe distance alone. Two devices of one GPU (MIG
 * devices, memory slices) score above any pair of GPUs.
 *
 * <p>Each request is solved exactly by branch and bound over how many devices to take from each GPU
 * (devices of one GPU are interchangeable), always exact for up to 16 devices and bounded in time
 * beyond; ties go to the lowest GPU index, then the lowest device ID.
 */
package io.gpuagent.deviceplugin.allocation;
