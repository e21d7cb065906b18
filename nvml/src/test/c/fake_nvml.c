/*
 * A fake libnvidia-ml.so.1 for gpu-agent's JnaNvml tests: init state, test control, the checks
 * every query starts with, system queries and device identity. The GPUs are in fake_nvml_gpus.c.
 * Built with -DFAKE_OLD_DRIVER it leaves out the symbols newer drivers added.
 */
#include "fake_nvml.h"

#include <stdio.h>
#include <string.h>

static unsigned init_count;

/* ---- test control --------------------------------------------------------------------- */

#define MAX_TRACED 160
static struct {
    const char *function;
    unsigned calls;
} traced[MAX_TRACED];

static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;

void fake_trace(const char *function) {
    pthread_mutex_lock(&trace_lock);
    for (int i = 0; i < MAX_TRACED; i++) {
        if (traced[i].function == NULL) {
            traced[i].function = function;
        }
        if (strcmp(traced[i].function, function) == 0) {
            traced[i].calls++;
            break;
        }
    }
    pthread_mutex_unlock(&trace_lock);
}

/* How often an exported function was called since the last reset. */
unsigned fake_nvml_calls(const char *function) {
    unsigned calls = 0;
    pthread_mutex_lock(&trace_lock);
    for (int i = 0; i < MAX_TRACED && traced[i].function != NULL; i++) {
        if (strcmp(traced[i].function, function) == 0) {
            calls = traced[i].calls;
            break;
        }
    }
    pthread_mutex_unlock(&trace_lock);
    return calls;
}

#define MAX_REFUSALS 8
static struct {
    char function[64];
    nvmlReturn_t rc;
} refusals[MAX_REFUSALS];

/*
 * Makes an exported function answer rc without doing anything, as a driver refuses a call (e.g.
 * NO_PERMISSION without /dev/nvidia-caps, NOT_SUPPORTED on x86); SUCCESS lifts the refusal.
 */
int fake_nvml_refuse(const char *function, int rc) {
    pthread_mutex_lock(&trace_lock);
    int free_slot = -1;
    int done = 0;
    for (int i = 0; i < MAX_REFUSALS && !done; i++) {
        if (strcmp(refusals[i].function, function) == 0) {
            refusals[i].rc = rc;
            done = 1;
        } else if (free_slot < 0 && refusals[i].function[0] == '\0') {
            free_slot = i;
        }
    }
    if (!done && free_slot >= 0 && strlen(function) < sizeof refusals[0].function) {
        strcpy(refusals[free_slot].function, function);
        refusals[free_slot].rc = rc;
        done = 1;
    }
    pthread_mutex_unlock(&trace_lock);
    return done ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_SIZE;
}

nvmlReturn_t fake_refusal(const char *function) {
    nvmlReturn_t rc = NVML_SUCCESS;
    pthread_mutex_lock(&trace_lock);
    for (int i = 0; i < MAX_REFUSALS; i++) {
        if (strcmp(refusals[i].function, function) == 0) {
            rc = refusals[i].rc;
            break;
        }
    }
    pthread_mutex_unlock(&trace_lock);
    return rc;
}

static void reset_all(void) {
    init_count = 0;
    for (int i = 0; i < MAX_TRACED; i++) {
        traced[i].calls = 0;
    }
    memset(refusals, 0, sizeof refusals);
    fake_nvlink_reset();
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

int fake_is_gpu(nvmlDevice_t device) {
    return device >= &fake_gpus[0] && device < &fake_gpus[FAKE_GPU_COUNT];
}

nvmlReturn_t fake_check_device(nvmlDevice_t device) {
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (fake_is_gpu(device)) {
        return device->kind == FAKE_LOST ? NVML_ERROR_GPU_IS_LOST : NVML_SUCCESS;
    }
    return fake_is_live_mig_device(device) ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t fake_begin(nvmlDevice_t device, unsigned feature, const void *out) {
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->is_mig || (fake_values[device->index].features & feature) == 0) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    return out == NULL ? NVML_ERROR_INVALID_ARGUMENT : NVML_SUCCESS;
}

nvmlReturn_t fake_begin_any(nvmlDevice_t device, const void *out) {
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    return out == NULL ? NVML_ERROR_INVALID_ARGUMENT : NVML_SUCCESS;
}

static const struct gpu_values *values_of(nvmlDevice_t device) {
    return &fake_values[device->is_mig ? 1 : device->index];
}

nvmlReturn_t fake_copy_string(const char *value, char *buffer, unsigned length) {
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
    return init_count == 0 ? NVML_ERROR_UNINITIALIZED : fake_copy_string("550.54.15", version, length);
}

nvmlReturn_t nvmlSystemGetNVMLVersion(char *version, unsigned length) {
    TRACE();
    return init_count == 0 ? NVML_ERROR_UNINITIALIZED : fake_copy_string("12.550.54.15", version, length);
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
    nvmlReturn_t rc = fake_begin_any(first, level);
    if (rc == NVML_SUCCESS) {
        rc = fake_begin_any(second, level);
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
    if (!fake_is_gpu(device) && !fake_is_live_mig_device(device)) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    return fake_copy_string(device->uuid, uuid, length);
}

nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned *index) {
    TRACE();
    if (init_count == 0) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (!fake_is_gpu(device) || index == NULL) {
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
    if ((!fake_is_gpu(device) && !fake_is_live_mig_device(device)) || is_mig == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *is_mig = device->is_mig ? 1 : 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned length) {
    TRACE();
    nvmlReturn_t rc = fake_begin_any(device, name);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!device->is_mig) {
        return fake_copy_string(fake_values[device->index].name, name, length);
    }
    char mig_name[160];
    snprintf(mig_name, sizeof mig_name, "%s MIG gi%u ci%u", fake_values[1].name,
             device->compute_instance->gpu_instance->id, device->compute_instance->id);
    return fake_copy_string(mig_name, name, length);
}

#define SIMPLE_GETTER(function, type, value_expression)                                  \
    nvmlReturn_t function(nvmlDevice_t device, type *out) {                              \
        TRACE();                                                                         \
        nvmlReturn_t rc = fake_begin_any(device, out);                                   \
        if (rc != NVML_SUCCESS) {                                                        \
            return rc;                                                                   \
        }                                                                                \
        if (device->is_mig) {                                                            \
            return NVML_ERROR_NOT_SUPPORTED;                                             \
        }                                                                                \
        *out = (value_expression);                                                       \
        return NVML_SUCCESS;                                                             \
    }

SIMPLE_GETTER(nvmlDeviceGetBrand, int, fake_values[device->index].brand)
SIMPLE_GETTER(nvmlDeviceGetArchitecture, unsigned, fake_values[device->index].architecture)
SIMPLE_GETTER(nvmlDeviceGetPciInfo_v3, nvmlPciInfo_t, fake_values[device->index].pci)
SIMPLE_GETTER(nvmlDeviceGetMinorNumber, unsigned, fake_values[device->index].minor_number)

nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor) {
    TRACE();
    nvmlReturn_t rc = fake_begin_any(device, minor);
    if (rc != NVML_SUCCESS || major == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    *major = (int)values_of(device)->cc_major;
    *minor = (int)values_of(device)->cc_minor;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetSerial(nvmlDevice_t device, char *serial, unsigned length) {
    TRACE();
    nvmlReturn_t rc = fake_begin(device, F_SERIAL, serial);
    return rc != NVML_SUCCESS ? rc : fake_copy_string(fake_values[device->index].serial, serial, length);
}
