package io.gpuagent.nvml;

/**
 * PCI identity ({@code nvmlPciInfo_t}). {@code busId} is NVML's form, {@code 00000000:18:00.0}.
 * {@code pciDeviceId} holds device id in the high 16 bits and vendor id in the low 16 bits, e.g.
 * {@code 0x233010DE} for an H100 SXM.
 */
public record PciInfo(
    String busId, int domain, int bus, int device, int pciDeviceId, int pciSubSystemId) {}
