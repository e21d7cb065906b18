/**
 * Node-label mode of the MIG manager: the layout named by the node label {@code
 * nvidia.com/mig.config} is applied, and the outcome written back as NVIDIA's mig-manager does.
 */
package io.gpuagent.mig.label;
