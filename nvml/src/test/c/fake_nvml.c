/*
 * A fake libnvidia-ml.so.1: init state, system queries and per-GPU telemetry of four fixed GPUs.
 *   0  answers everything, each field with its own recognisable value
 *   1  runs MIG (see fake_nvml_mig.c); utilization, NVLink and process utilization are refused
 *   2  answers NOT_SUPPORTED for everything but identity and memory
 *   3  has fallen off the bus: its handle, UUID and index work, everything else is GPU_IS_LOST
 * Built with -DFAKE_OLD_DRIVER it leaves out the symbols newer drivers added.
 */
#include "fake_nvml.h"

#include <stdio.h>
#include <string.h>

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

static const struct gpu_values VALUES[FAKE_GPU_COUNT] = {
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

static unsigned init_count;

/* ---- test control --------------------------------------------------------------------- */

#define MAX_TRACED 160
static struct {
    const char *function;
    unsigned calls;
} traced[MAX_TRACED];

void fake_trace(const char *function) {
    for (int i = 0; i < MAX_TRACED; i++) {
        if (traced[i].function == NULL) {
            traced[i].function = function;
        }
        if (strcmp(traced[i].function, function) == 0) {
            traced[i].calls++;
            return;
        }
    }
}

/* How often an exported function was called since the last reset. */
unsigned fake_nvml_calls(const char *function) {
    for (int i = 0; i < MAX_TRACED && traced[i].function != NULL; i++) {
        if (strcmp(traced[i].function, function) == 0) {
            return traced[i].calls;
        }
    }
    return 0;
}

static void reset_all(void) {
    init_count = 0;
    for (int i = 0; i < MAX_TRACED; i++) {
        traced[i].calls = 0;
    }
    fake_mig_reset();
    fake_activity_reset();
    fake_events_reset();
}

/* Back to the state the library loads with: uninitialized, the initial MIG layout, no events. */
void fake_nvml_reset(void) {
    reset_all();
}

/*
 * Not through fake_nvml_reset: JNA opens libraries RTLD_GLOBAL, so an exported name called here
 * could bind to another copy of the fake loaded earlier and reset that one instead.
 */
__attribute__((constructor)) static void load_initial_state(void) {
    reset_all();
}

/* ---- shared prologues ----------------------------------------------------------------- */

nvmlReturn_t fake_check_init(void) {
    return init_count > 0 ? NVML_SUCCESS : NVML_ERROR_UNINITIALIZED;
}

static int is_gpu(nvmlDevice_t device) {
    return device >= &fake_gpus[0] && device < &fake_gpus[FAKE_GPU_COUNT];
}

nvmlReturn_t fake_check_device(nvmlDevice_t device) {
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (is_gpu(device)) {
        return device->kind == FAKE_LOST ? NVML_ERROR_GPU_IS_LOST : NVML_SUCCESS;
    }
    return fake_is_live_mig_device(device) ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
}

/* A query of a physical GPU that needs one feature; MIG devices support none of these. */
static nvmlReturn_t begin(nvmlDevice_t device, unsigned feature, const void *out) {
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->is_mig || (VALUES[device->index].features & feature) == 0) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    return out == NULL ? NVML_ERROR_INVALID_ARGUMENT : NVML_SUCCESS;
}

/* A query every device answers: identity and memory. */
static nvmlReturn_t begin_any(nvmlDevice_t device, const void *out) {
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    return out == NULL ? NVML_ERROR_INVALID_ARGUMENT : NVML_SUCCESS;
}

static const struct gpu_values *values_of(nvmlDevice_t device) {
    return &VALUES[device->is_mig ? 1 : device->index];
}

static nvmlReturn_t copy_string(const char *value, char *buffer, unsigned length) {
    if (buffer == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    size_t needed = strlen(value) + 1;
    if (length < needed) {
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    memcpy(buffer, value, needed);
    return NVML_SUCCESS;
}

/* ---- system --------------------------------------------------------------------------- */

nvmlReturn_t nvmlInit_v2(void) {
    TRACE();
    init_count++;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
    TRACE();
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    init_count--;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned length) {
    TRACE();
    return init_count == 0 ? NVML_ERROR_UNINITIALIZED : copy_string("550.54.15", version, length);
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned length) {
    TRACE();
    return init_count == 0 ? NVML_ERROR_UNINITIALIZED : copy_string("12.550.54.15", version, length);
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *version) {
    TRACE();
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    *version = 12040;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned *count) {
    TRACE();
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    *count = FAKE_GPU_COUNT;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned index, nvmlDevice_t *device) {
    TRACE();
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (index >= FAKE_GPU_COUNT || device == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *device = &fake_gpus[index];
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, nvmlDevice_t *device) {
    TRACE();
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (uuid == NULL || device == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    for (int i = 0; i < FAKE_GPU_COUNT; i++) {
        if (strcmp(fake_gpus[i].uuid, uuid) == 0) {
            *device = &fake_gpus[i];
            return NVML_SUCCESS;
        }
    }
    *device = fake_mig_device_by_uuid(uuid);
    return *device != NULL ? NVML_SUCCESS : NVML_ERROR_NOT_FOUND;
}

/* Distinct levels for each pair, so a swapped or misread level is caught. */
nvmlReturn_t nvmlDeviceGetTopologyCommonAncestor(nvmlDevice_t first, nvmlDevice_t second,
                                                 int *level) {
    TRACE();
    static const int LEVELS[3][3] = {{0, 10, 40}, {10, 0, 50}, {40, 50, 0}};
    nvmlReturn_t rc = begin_any(first, level);
    if (rc == NVML_SUCCESS) {
        rc = begin_any(second, level);
    }
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (first->is_mig || second->is_mig) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    *level = LEVELS[first->index][second->index];
    return NVML_SUCCESS;
}

/* ---- identity (UUID, index and the MIG test answer even on the lost GPU) ---------------- */

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned length) {
    TRACE();
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (!is_gpu(device) && !fake_is_live_mig_device(device)) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    return copy_string(device->uuid, uuid, length);
}

nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned *index) {
    TRACE();
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (!is_gpu(device) || index == NULL) {
        return fake_is_live_mig_device(device) ? NVML_ERROR_NOT_SUPPORTED
                                               : NVML_ERROR_INVALID_ARGUMENT;
    }
    *index = device->index;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned *is_mig) {
    TRACE();
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if ((!is_gpu(device) && !fake_is_live_mig_device(device)) || is_mig == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *is_mig = device->is_mig ? 1 : 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned length) {
    TRACE();
    nvmlReturn_t rc = begin_any(device, name);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!device->is_mig) {
        return copy_string(VALUES[device->index].name, name, length);
    }
    char mig_name[160];
    snprintf(mig_name, sizeof mig_name, "%s MIG gi%u ci%u", VALUES[1].name,
             device->compute_instance->gpu_instance->id, device->compute_instance->id);
    return copy_string(mig_name, name, length);
}

#define SIMPLE_GETTER(function, type, value_expression)                                  \
    nvmlReturn_t function(nvmlDevice_t device, type *out) {                              \
        TRACE();                                                                         \
        nvmlReturn_t rc = begin_any(device, out);                                        \
        if (rc != NVML_SUCCESS) {                                                        \
            return rc;                                                                   \
        }                                                                                \
        if (device->is_mig) {                                                            \
            return NVML_ERROR_NOT_SUPPORTED;                                             \
        }                                                                                \
        *out = (value_expression);                                                       \
        return NVML_SUCCESS;                                                             \
    }

SIMPLE_GETTER(nvmlDeviceGetBrand, int, VALUES[device->index].brand)
SIMPLE_GETTER(nvmlDeviceGetArchitecture, unsigned, VALUES[device->index].architecture)
SIMPLE_GETTER(nvmlDeviceGetPciInfo_v3, nvmlPciInfo_t, VALUES[device->index].pci)
SIMPLE_GETTER(nvmlDeviceGetMinorNumber, unsigned, VALUES[device->index].minor_number)

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor) {
    TRACE();
    nvmlReturn_t rc = begin_any(device, minor);
    if (rc != NVML_SUCCESS || major == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    *major = (int)values_of(device)->cc_major;
    *minor = (int)values_of(device)->cc_minor;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char *serial, unsigned length) {
    TRACE();
    nvmlReturn_t rc = begin(device, F_SERIAL, serial);
    return rc != NVML_SUCCESS ? rc : copy_string(VALUES[device->index].serial, serial, length);
}

#define FEATURE_GETTER(function, feature, type, value_expression)                        \
    nvmlReturn_t function(nvmlDevice_t device, type *out) {                              \
        TRACE();                                                                         \
        nvmlReturn_t rc = begin(device, feature, out);                                   \
        if (rc != NVML_SUCCESS) {                                                        \
            return rc;                                                                   \
        }                                                                                \
        const struct gpu_values *v = &VALUES[device->index];                             \
        *out = (value_expression);                                                       \
        return NVML_SUCCESS;                                                             \
    }

#ifndef FAKE_OLD_DRIVER
FEATURE_GETTER(nvmlDeviceGetNumaNodeId, F_NUMA, unsigned, v->numa_node)
FEATURE_GETTER(nvmlDeviceGetCurrentClocksEventReasons, F_CLOCKS, unsigned long long,
               v->event_reasons)
#endif
FEATURE_GETTER(nvmlDeviceGetCurrentClocksThrottleReasons, F_CLOCKS, unsigned long long,
               v->throttle_reasons)
FEATURE_GETTER(nvmlDeviceGetPowerUsage, F_POWER, unsigned, v->power)
FEATURE_GETTER(nvmlDeviceGetEnforcedPowerLimit, F_POWER, unsigned, v->power_limit)
FEATURE_GETTER(nvmlDeviceGetTotalEnergyConsumption, F_POWER, unsigned long long, v->energy)
FEATURE_GETTER(nvmlDeviceGetFanSpeed, F_FAN, unsigned, v->fan)
FEATURE_GETTER(nvmlDeviceGetPcieReplayCounter, F_PCIE, unsigned, v->pcie_replays)
FEATURE_GETTER(nvmlDeviceGetComputeMode, F_COMPUTE_MODE, int, (int)v->compute_mode)
FEATURE_GETTER(nvmlDeviceGetUtilizationRates, F_UTIL, nvmlUtilization_t,
               ((nvmlUtilization_t){v->util_gpu, v->util_memory}))
FEATURE_GETTER(nvmlDeviceGetRetiredPagesPendingStatus, F_RETIRED, int, (int)v->retired_pending)

/* ---- memory ----------------------------------------------------------------------------- */

nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
    TRACE();
    nvmlReturn_t rc = begin_any(device, memory);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (memory->version != (unsigned)(sizeof(nvmlMemory_v2_t) | 2u << 24)) {
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    }
    if (device->is_mig) {
        struct nvmlComputeInstance_st *ci = device->compute_instance;
        unsigned long long used = (ci->gpu_instance->id * 16ULL + ci->id + 1) << 20;
        memory->total = (unsigned long long)ci->gpu_instance->size * (10ULL << 30);
        memory->reserved = 0;
        memory->used = used;
        memory->free = memory->total - used;
        return NVML_SUCCESS;
    }
    const struct gpu_values *v = &VALUES[device->index];
    memory->total = v->memory_total;
    memory->reserved = v->memory_reserved;
    memory->free = v->memory_free;
    memory->used = v->memory_used;
    return NVML_SUCCESS;
}

/* ---- telemetry with arguments --------------------------------------------------------- */

static nvmlReturn_t codec(nvmlDevice_t device, unsigned *utilization, unsigned *period,
                          int encoder) {
    nvmlReturn_t rc = begin(device, F_CODEC, utilization);
    if (rc != NVML_SUCCESS || period == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    const struct gpu_values *v = &VALUES[device->index];
    *utilization = encoder ? v->encoder : v->decoder;
    *period = 167000;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t device, unsigned *u, unsigned *p) {
    TRACE();
    return codec(device, u, p, 1);
}

nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t device, unsigned *u, unsigned *p) {
    TRACE();
    return codec(device, u, p, 0);
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned *celsius) {
    TRACE();
    nvmlReturn_t rc = begin(device, F_TEMP, celsius);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (sensor != 0) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *celsius = VALUES[device->index].temperature;
    return NVML_SUCCESS;
}

/* A distinct clock per clock type: base + 111 * type. */
static nvmlReturn_t clock_of(nvmlDevice_t device, int type, unsigned *mhz, int max) {
    nvmlReturn_t rc = begin(device, F_CLOCKS, mhz);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (type < 0 || type > 3) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    const struct gpu_values *v = &VALUES[device->index];
    *mhz = (max ? v->max_clock_base : v->clock_base) + (unsigned)type * 111;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned *mhz) {
    TRACE();
    return clock_of(device, type, mhz, 0);
}

nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t device, int type, unsigned *mhz) {
    TRACE();
    return clock_of(device, type, mhz, 1);
}

nvmlReturn_t nvmlDeviceGetPcieThroughput(nvmlDevice_t device, int counter, unsigned *value) {
    TRACE();
    nvmlReturn_t rc = begin(device, F_PCIE, value);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (counter != 0 && counter != 1) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *value = counter == 0 ? VALUES[device->index].pcie_tx : VALUES[device->index].pcie_rx;
    return NVML_SUCCESS;
}

/* ---- ECC and memory health ------------------------------------------------------------ */

nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t device, int *current, int *pending) {
    TRACE();
    nvmlReturn_t rc = begin(device, F_ECC, current);
    if (rc != NVML_SUCCESS || pending == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    *current = (int)VALUES[device->index].ecc_current;
    *pending = (int)VALUES[device->index].ecc_pending;
    return NVML_SUCCESS;
}

/* A distinct 64-bit count for each (error type, counter type) pair. */
nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, int error_type, int counter_type,
                                         unsigned long long *count) {
    TRACE();
    nvmlReturn_t rc = begin(device, F_ECC, count);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (error_type < 0 || error_type > 1 || counter_type < 0 || counter_type > 1) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *count = 0x100000000ULL * (unsigned)(error_type + 1) + 0x10ULL * (unsigned)counter_type +
             device->index + 7;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRetiredPages(nvmlDevice_t device, int cause, unsigned *page_count,
                                       unsigned long long *addresses) {
    TRACE();
    nvmlReturn_t rc = begin(device, F_RETIRED, page_count);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (cause < 0 || cause > 1) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    const struct gpu_values *v = &VALUES[device->index];
    unsigned pages = cause == 0 ? v->retired_single_bit : v->retired_double_bit;
    if (*page_count < pages) {
        *page_count = pages;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    if (pages > 0 && addresses == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    for (unsigned i = 0; i < pages; i++) {
        addresses[i] = 0xF000ULL + i;
    }
    *page_count = pages;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned *correctable,
                                       unsigned *uncorrectable, unsigned *pending,
                                       unsigned *failure) {
    TRACE();
    nvmlReturn_t rc = begin(device, F_REMAP, correctable);
    if (rc != NVML_SUCCESS || !uncorrectable || !pending || !failure) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    const struct gpu_values *v = &VALUES[device->index];
    *correctable = v->remapped_correctable;
    *uncorrectable = v->remapped_uncorrectable;
    *pending = v->remap_pending;
    *failure = v->remap_failure;
    return NVML_SUCCESS;
}

/* ---- NVLink and field values ---------------------------------------------------------- */

static nvmlReturn_t link_of(nvmlDevice_t device, unsigned link, const void *out) {
    nvmlReturn_t rc = begin(device, F_NVLINK, out);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    return link < VALUES[device->index].nvlinks ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
}

/* Links 0-2 are up, link 3 is down. */
nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t device, unsigned link, int *active) {
    TRACE();
    nvmlReturn_t rc = link_of(device, link, active);
    if (rc == NVML_SUCCESS) {
        *active = link < 3 ? 1 : 0;
    }
    return rc;
}

/* The far end of link N: an NVSwitch with its own recognisable PCI identity. */
nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(nvmlDevice_t device, unsigned link,
                                                 nvmlPciInfo_t *pci) {
    TRACE();
    nvmlReturn_t rc = link_of(device, link, pci);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    memset(pci, 0, sizeof *pci);
    pci->domain = 0x20 + link;
    pci->bus = 0xA0 + link;
    pci->device = 1 + link;
    pci->pciDeviceId = 0x22A310DE + (link << 16);
    pci->pciSubSystemId = 0x1000 + link;
    snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%04X:%02X:%02X.0", pci->domain & 0xFFFF,
             pci->bus & 0xFF, pci->device & 0x1F);
    snprintf(pci->busId, sizeof pci->busId, "%08X:%02X:%02X.0", pci->domain, pci->bus & 0xFF,
             pci->device & 0x1F);
    return NVML_SUCCESS;
}

static void field_value(nvmlDevice_t device, nvmlFieldValue_t *value) {
    const struct gpu_values *v = &VALUES[device->index];
    value->timestamp = 0x5555555555LL;
    value->latencyUsec = 0x66;
    if (value->fieldId == 82) {
        value->nvmlReturn = (v->features & F_MEMORY_TEMP) ? NVML_SUCCESS : NVML_ERROR_NOT_SUPPORTED;
        value->valueType = 1;
        value->value.uiVal = v->memory_temperature;
    } else if (value->fieldId == 138 || value->fieldId == 139) {
        value->nvmlReturn = link_of(device, value->scopeId, value);
        value->valueType = 3;
        value->value.ullVal = (value->fieldId == 138 ? 0x7100000000ULL : 0x7200000000ULL) +
                              0x1000ULL * value->scopeId + 0x10;
    } else {
        value->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
    }
}

nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, nvmlFieldValue_t *values) {
    TRACE();
    nvmlReturn_t rc = begin_any(device, values);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->is_mig || count < 0) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    for (int i = 0; i < count; i++) {
        field_value(device, &values[i]);
    }
    return NVML_SUCCESS;
}
