/*
 * The four GPUs of the fake libnvidia-ml.so.1, one table row each:
 *   0  answers everything, each field with its own recognisable value
 *   1  runs MIG (see fake_nvml_mig.c); utilization, NVLink and process utilization are refused
 *   2  answers NOT_SUPPORTED for everything but identity and memory
 *   3  has fallen off the bus: its handle, UUID and index work, everything else is GPU_IS_LOST
 */
#include "fake_nvml.h"

const struct gpu_values fake_values[FAKE_GPU_COUNT] = {
    {
        .features = F_ALL,
        /* Longer than NVML's old 64-byte name buffer. */
        .name = "NVIDIA Fake H100 80GB HBM3 with a deliberately long name for buffer tests",
        /* Longer than NVML_DEVICE_SERIAL_BUFFER_SIZE (30): the first query must be retried. */
        .serial = "SN-0123456789-ABCDEFGHIJ-KLMNOPQRSTUVWXYZ",
        .brand = 14, .architecture = 9, .cc_major = 9, .cc_minor = 3,
        .pci = {"0011:1A:03.0", 0x11, 0x1A, 0x03, 0x233010DE, 0x16C110DE, "00000011:1A:03.0"},
        .minor_number = 7, .numa_node = 3,
        .memory_total = 0x1111111111ULL, .memory_reserved = 0x22222222ULL,
        .memory_free = 0x333333333ULL, .memory_used = 0x444444444ULL,
        .util_gpu = 87, .util_memory = 54, .encoder = 12, .decoder = 23,
        .temperature = 45, .memory_temperature = 71, .power = 312345, .power_limit = 700001,
        .energy = 0x123456789ULL,
        .clock_base = 1000, .max_clock_base = 2000,
        .event_reasons = 0x45, .throttle_reasons = 0x28,
        .fan = 37, .pcie_tx = 0x1A2B, .pcie_rx = 0x3C4D, .pcie_replays = 77,
        .ecc_current = 1, .ecc_pending = 0,
        .retired_single_bit = 3, .retired_double_bit = 5, .retired_pending = 1,
        .remapped_correctable = 11, .remapped_uncorrectable = 12,
        .remap_pending = 1, .remap_failure = 0,
        .nvlinks = 4,
        .compute_mode = 3,
    },
    {
        .features = F_MIG_GPU,
        .name = "NVIDIA Fake A100-SXM4-80GB",
        .serial = "SN-MIG-1",
        .brand = 2, .architecture = 7, .cc_major = 8, .cc_minor = 0,
        .pci = {"0000:2B:00.0", 0, 0x2B, 0, 0x20B210DE, 0x147F10DE, "00000000:2B:00.0"},
        .minor_number = 1, .numa_node = 0,
        .memory_total = 85899345920ULL, .memory_reserved = 869ULL << 20,
        .memory_free = 80000ULL << 20, .memory_used = 1000ULL << 20,
        .temperature = 33, .memory_temperature = 41, .power = 88000, .power_limit = 500000,
        .energy = 5000,
        .clock_base = 210, .max_clock_base = 1410,
        .event_reasons = 0x1, .throttle_reasons = 0x1,
        .fan = 0, .pcie_tx = 1, .pcie_rx = 2, .pcie_replays = 0,
        .ecc_current = 1, .ecc_pending = 1,
        .remapped_correctable = 21, .remapped_uncorrectable = 22,
        .remap_pending = 0, .remap_failure = 1,
        .compute_mode = 0,
    },
    {
        .features = 0,
        .name = "NVIDIA Fake GPU without features",
        .brand = 5, .architecture = 6, .cc_major = 7, .cc_minor = 5,
        .pci = {"0000:3C:00.0", 0, 0x3C, 0, 0x1EB810DE, 0x12A210DE, "00000000:3C:00.0"},
        .minor_number = 2,
        .memory_total = 16ULL << 30, .memory_reserved = 0,
        .memory_free = 15ULL << 30, .memory_used = 1ULL << 30,
    },
    {
        .name = "NVIDIA Fake lost GPU",
    },
};

struct nvmlDevice_st fake_gpus[FAKE_GPU_COUNT] = {
    {0, FAKE_FULL, 0, "GPU-0a0a0a0a-0000-4000-8000-000000000000", NULL},
    {0, FAKE_MIG, 1, "GPU-1b1b1b1b-1111-4111-8111-111111111111", NULL},
    {0, FAKE_UNSUPPORTED, 2, "GPU-2c2c2c2c-2222-4222-8222-222222222222", NULL},
    {0, FAKE_LOST, 3, "GPU-3d3d3d3d-3333-4333-8333-333333333333", NULL},
};
