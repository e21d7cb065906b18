/*
 * What the translation units of the fake libnvidia-ml.so.1 share. Everything here is hidden, so
 * that two copies of the fake loaded into one process (JNA opens libraries RTLD_GLOBAL) never
 * bind to each other's state.
 */
#ifndef FAKE_NVML_H
#define FAKE_NVML_H

#include <pthread.h>

#include "fake_nvml_types.h"

#pragma GCC visibility push(hidden)

/* What a GPU answers instead of NOT_SUPPORTED. */
enum feature {
    F_SERIAL = 1u << 0,
    F_NUMA = 1u << 1,
    F_UTIL = 1u << 2,
    F_CODEC = 1u << 3,
    F_TEMP = 1u << 4,
    F_POWER = 1u << 5,
    F_CLOCKS = 1u << 6,
    F_FAN = 1u << 7,
    F_PCIE = 1u << 8,
    F_ECC = 1u << 9,
    F_RETIRED = 1u << 10,
    F_REMAP = 1u << 11,
    F_NVLINK = 1u << 12,
    F_COMPUTE_MODE = 1u << 13,
    F_MEMORY_TEMP = 1u << 14,
};

#define F_ALL 0xFFFFu
#define F_MIG_GPU (F_ALL & ~(F_UTIL | F_CODEC | F_NVLINK))

/* One table row per fake GPU model: hardware as data. */
struct gpu_values {
    unsigned features;
    const char *name;
    const char *serial;
    unsigned brand, architecture, cc_major, cc_minor;
    nvmlPciInfo_t pci;
    unsigned minor_number, numa_node;
    unsigned long long memory_total, memory_reserved, memory_free, memory_used;
    unsigned util_gpu, util_memory, encoder, decoder;
    unsigned temperature, memory_temperature, power, power_limit;
    unsigned long long energy;
    unsigned clock_base, max_clock_base;
    unsigned long long event_reasons, throttle_reasons;
    unsigned fan, pcie_tx, pcie_rx, pcie_replays;
    unsigned ecc_current, ecc_pending;
    unsigned retired_single_bit, retired_double_bit, retired_pending;
    unsigned remapped_correctable, remapped_uncorrectable, remap_pending, remap_failure;
    unsigned nvlinks;
    unsigned compute_mode;
};

/* fake_nvml_gpus.c: the GPUs, hardware as data. */
extern const struct gpu_values fake_values[FAKE_GPU_COUNT];
extern struct nvmlDevice_st fake_gpus[FAKE_GPU_COUNT];

/* fake_nvml.c */

/* Counts a call of an exported function, for tests that check which path a binding took. */
void fake_trace(const char *function);

/* What a test told an exported function to answer instead of its work; SUCCESS when nothing. */
nvmlReturn_t fake_refusal(const char *function);

/* Every exported function starts with this: the call is counted, then answers a refusal if set. */
#define TRACE()                                                                          \
    do {                                                                                 \
        fake_trace(__func__);                                                            \
        nvmlReturn_t refusal_ = fake_refusal(__func__);                                  \
        if (refusal_ != NVML_SUCCESS) {                                                  \
            return refusal_;                                                             \
        }                                                                                \
    } while (0)

/* UNINITIALIZED before nvmlInit_v2. */
nvmlReturn_t fake_check_init(void);

/* Also INVALID_ARGUMENT for a handle this library did not hand out, GPU_IS_LOST for GPU 3. */
nvmlReturn_t fake_check_device(nvmlDevice_t device);

int fake_is_gpu(nvmlDevice_t device);

/* A query every device answers (identity, memory): the checks above and a non-null output. */
nvmlReturn_t fake_begin_any(nvmlDevice_t device, const void *out);

/* A query of a physical GPU that needs one feature; MIG devices support none of these. */
nvmlReturn_t fake_begin(nvmlDevice_t device, unsigned feature, const void *out);

nvmlReturn_t fake_copy_string(const char *value, char *buffer, unsigned length);

/* fake_nvml_telemetry.c */
void fake_nvlink_reset(void);

/* fake_nvml_mig.c: MIG mode, the initial layout and MIG devices. */
extern unsigned fake_mig_current[FAKE_GPU_COUNT];
extern unsigned fake_mig_pending[FAKE_GPU_COUNT];
void fake_mig_reset(void);
int fake_mig_enabled(nvmlDevice_t device);
nvmlReturn_t fake_begin_gpu(nvmlDevice_t device, const void *out);
nvmlDevice_t fake_mig_device_at(nvmlDevice_t parent, unsigned slot);
nvmlDevice_t fake_mig_device_by_uuid(const char *uuid);
int fake_is_live_mig_device(nvmlDevice_t device);

/* fake_nvml_gpu_instances.c */
extern pthread_mutex_t fake_mig_lock;
extern struct nvmlGpuInstance_st fake_gpu_instances[FAKE_MAX_GPU_INSTANCES];
struct nvmlGpuInstance_st *fake_add_gpu_instance(unsigned id, unsigned profile_id, unsigned start);
nvmlReturn_t fake_begin_gpu_instance(nvmlGpuInstance_t gi, const void *out);

/* fake_nvml_compute_instances.c */
struct nvmlComputeInstance_st *fake_add_compute_instance(struct nvmlGpuInstance_st *gi,
                                                         unsigned id, unsigned profile,
                                                         unsigned start);

/* fake_nvml_activity.c */
void fake_activity_reset(void);
int fake_processes_on(unsigned gpu, unsigned gi, unsigned ci);

/* fake_nvml_events.c */
void fake_events_reset(void);

#pragma GCC visibility pop

#endif
