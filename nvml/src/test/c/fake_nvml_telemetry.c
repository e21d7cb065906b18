/*
 * Telemetry and health queries of the fake GPUs: memory, utilization, thermals, power, clocks,
 * PCIe, ECC, retired pages, remapped rows, NVLink and field values.
 */
#include "fake_nvml.h"

#include <stdio.h>
#include <string.h>

#define FEATURE_GETTER(function, feature, type, value_expression)                        \
    nvmlReturn_t function(nvmlDevice_t device, type *out) {                              \
        TRACE();                                                                         \
        nvmlReturn_t rc = fake_begin(device, feature, out);                              \
        if (rc != NVML_SUCCESS) {                                                        \
            return rc;                                                                   \
        }                                                                                \
        const struct gpu_values *v = &fake_values[device->index];                        \
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
    nvmlReturn_t rc = fake_begin_any(device, memory);
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
    const struct gpu_values *v = &fake_values[device->index];
    memory->total = v->memory_total;
    memory->reserved = v->memory_reserved;
    memory->free = v->memory_free;
    memory->used = v->memory_used;
    return NVML_SUCCESS;
}

/* ---- telemetry with arguments --------------------------------------------------------- */

static nvmlReturn_t codec(nvmlDevice_t device, unsigned *utilization, unsigned *period,
                          int encoder) {
    nvmlReturn_t rc = fake_begin(device, F_CODEC, utilization);
    if (rc != NVML_SUCCESS || period == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    const struct gpu_values *v = &fake_values[device->index];
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
    nvmlReturn_t rc = fake_begin(device, F_TEMP, celsius);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (sensor != 0) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *celsius = fake_values[device->index].temperature;
    return NVML_SUCCESS;
}

/* A distinct clock per clock type: base + 111 * type. */
static nvmlReturn_t clock_of(nvmlDevice_t device, int type, unsigned *mhz, int max) {
    nvmlReturn_t rc = fake_begin(device, F_CLOCKS, mhz);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (type < 0 || type > 3) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    const struct gpu_values *v = &fake_values[device->index];
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
    nvmlReturn_t rc = fake_begin(device, F_PCIE, value);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (counter != 0 && counter != 1) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *value = counter == 0 ? fake_values[device->index].pcie_tx : fake_values[device->index].pcie_rx;
    return NVML_SUCCESS;
}

/* ---- ECC and memory health ------------------------------------------------------------ */

nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t device, int *current, int *pending) {
    TRACE();
    nvmlReturn_t rc = fake_begin(device, F_ECC, current);
    if (rc != NVML_SUCCESS || pending == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    *current = (int)fake_values[device->index].ecc_current;
    *pending = (int)fake_values[device->index].ecc_pending;
    return NVML_SUCCESS;
}

/* A distinct 64-bit count for each (error type, counter type) pair. */
nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, int error_type, int counter_type,
                                         unsigned long long *count) {
    TRACE();
    nvmlReturn_t rc = fake_begin(device, F_ECC, count);
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
    nvmlReturn_t rc = fake_begin(device, F_RETIRED, page_count);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (cause < 0 || cause > 1) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    const struct gpu_values *v = &fake_values[device->index];
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
    nvmlReturn_t rc = fake_begin(device, F_REMAP, correctable);
    if (rc != NVML_SUCCESS || !uncorrectable || !pending || !failure) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    const struct gpu_values *v = &fake_values[device->index];
    *correctable = v->remapped_correctable;
    *uncorrectable = v->remapped_uncorrectable;
    *pending = v->remap_pending;
    *failure = v->remap_failure;
    return NVML_SUCCESS;
}

/* ---- NVLink and field values ---------------------------------------------------------- */

static nvmlReturn_t link_of(nvmlDevice_t device, unsigned link, const void *out) {
    nvmlReturn_t rc = fake_begin(device, F_NVLINK, out);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    return link < fake_values[device->index].nvlinks ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
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

/* nvml.h: "A scopeId of UINT_MAX returns aggregate value summed up across all links". */
#define ALL_LINKS 0xFFFFFFFFu

/* What the all-links scope answers per field: SUCCESS as current drivers, or an older refusal. */
static nvmlReturn_t all_links_refusal = NVML_SUCCESS;

/* Makes NVLink throughput fields refuse the all-links scope with rc (SUCCESS: accept it again). */
void fake_nvml_refuse_all_links_scope(int rc) {
    all_links_refusal = rc;
}

void fake_nvlink_reset(void) {
    all_links_refusal = NVML_SUCCESS;
}

/* Each link's TX (138) and RX (139) data counter, in KiB, recognisable per link. */
static unsigned long long link_counter(unsigned field_id, unsigned link) {
    return (field_id == 138 ? 0x7100000000ULL : 0x7200000000ULL) + 0x1000ULL * link + 0x10;
}

static void field_value(nvmlDevice_t device, nvmlFieldValue_t *value) {
    const struct gpu_values *v = &fake_values[device->index];
    value->timestamp = 0x5555555555LL;
    value->latencyUsec = 0x66;
    if (value->fieldId == 82) {
        value->nvmlReturn = (v->features & F_MEMORY_TEMP) ? NVML_SUCCESS : NVML_ERROR_NOT_SUPPORTED;
        value->valueType = 1;
        value->value.uiVal = v->memory_temperature;
    } else if ((value->fieldId == 138 || value->fieldId == 139) && value->scopeId == ALL_LINKS) {
        value->nvmlReturn = all_links_refusal != NVML_SUCCESS
                                ? all_links_refusal
                                : fake_begin(device, F_NVLINK, value);
        value->valueType = 3;
        value->value.ullVal = 0;
        for (unsigned link = 0; link < v->nvlinks; link++) {
            value->value.ullVal += link_counter(value->fieldId, link);
        }
    } else if (value->fieldId == 138 || value->fieldId == 139) {
        value->nvmlReturn = link_of(device, value->scopeId, value);
        value->valueType = 3;
        value->value.ullVal = link_counter(value->fieldId, value->scopeId);
    } else {
        value->nvmlReturn = NVML_ERROR_NOT_SUPPORTED;
    }
}

nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int count, nvmlFieldValue_t *values) {
    TRACE();
    nvmlReturn_t rc = fake_begin_any(device, values);
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
