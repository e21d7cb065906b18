/*
 * MIG mode and MIG devices in the fake NVML. GPU 1 runs MIG with a 3g instance (id 1, two compute
 * instances) and a 1g instance (id 7, one compute instance), so three MIG devices. GPU 0 is
 * MIG-capable with MIG off; GPU 2 has no MIG. Instances themselves are in
 * fake_nvml_gpu_instances.c and fake_nvml_compute_instances.c.
 */
#include "fake_nvml.h"

#include <string.h>

unsigned fake_mig_current[FAKE_GPU_COUNT];
unsigned fake_mig_pending[FAKE_GPU_COUNT];

void fake_mig_reset(void) {
    pthread_mutex_lock(&fake_mig_lock);
    memset(fake_gpu_instances, 0, sizeof fake_gpu_instances);
    memset(fake_mig_current, 0, sizeof fake_mig_current);
    memset(fake_mig_pending, 0, sizeof fake_mig_pending);
    fake_mig_current[1] = fake_mig_pending[1] = 1;
    struct nvmlGpuInstance_st *three = fake_add_gpu_instance(1, 9, 0);
    fake_add_compute_instance(three, 0, 0, 0);
    fake_add_compute_instance(three, 1, 1, 1);
    struct nvmlGpuInstance_st *one = fake_add_gpu_instance(7, 19, 4);
    fake_add_compute_instance(one, 0, 0, 0);
    pthread_mutex_unlock(&fake_mig_lock);
}

/* ---- MIG devices ---------------------------------------------------------------------- */

int fake_mig_enabled(nvmlDevice_t device) {
    return !device->is_mig && device->kind != FAKE_UNSUPPORTED && fake_mig_current[device->index];
}

/* Slots in GPU-instance order, then compute-instance order. */
nvmlDevice_t fake_mig_device_at(nvmlDevice_t parent, unsigned slot) {
    if (parent != &fake_gpus[1] || !fake_mig_enabled(parent)) {
        return NULL;
    }
    unsigned seen = 0;
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        for (int c = 0; fake_gpu_instances[g].used && c < FAKE_MAX_COMPUTE_INSTANCES; c++) {
            struct nvmlComputeInstance_st *ci = &fake_gpu_instances[g].compute_instances[c];
            if (ci->used && seen++ == slot) {
                return &ci->mig_device;
            }
        }
    }
    return NULL;
}

nvmlDevice_t fake_mig_device_by_uuid(const char *uuid) {
    for (unsigned slot = 0; slot < FAKE_MAX_MIG_DEVICES; slot++) {
        nvmlDevice_t mig = fake_mig_device_at(&fake_gpus[1], slot);
        if (mig != NULL && strcmp(mig->uuid, uuid) == 0) {
            return mig;
        }
    }
    return NULL;
}

int fake_is_live_mig_device(nvmlDevice_t device) {
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        for (int c = 0; c < FAKE_MAX_COMPUTE_INSTANCES; c++) {
            struct nvmlComputeInstance_st *ci = &fake_gpu_instances[g].compute_instances[c];
            if (device == &ci->mig_device) {
                return fake_gpu_instances[g].used && ci->used;
            }
        }
    }
    return 0;
}

nvmlReturn_t fake_begin_gpu(nvmlDevice_t device, const void *out) {
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->is_mig || device->kind == FAKE_UNSUPPORTED) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    return out == NULL ? NVML_ERROR_INVALID_ARGUMENT : NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned *current, unsigned *pending) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu(device, current);
    if (rc != NVML_SUCCESS || pending == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    *current = fake_mig_current[device->index];
    *pending = fake_mig_pending[device->index];
    return NVML_SUCCESS;
}

/* The change waits for a GPU reset; running processes refuse it. */
nvmlReturn_t nvmlDeviceSetMigMode(nvmlDevice_t device, unsigned mode, nvmlReturn_t *activation) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu(device, activation);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (mode > 1) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (fake_processes_on(device->index, FAKE_NO_ID, FAKE_NO_ID)) {
        return NVML_ERROR_IN_USE;
    }
    fake_mig_pending[device->index] = mode;
    *activation = mode == fake_mig_current[device->index] ? NVML_SUCCESS
                                                          : NVML_ERROR_RESET_REQUIRED;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned *count) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu(device, count);
    if (rc == NVML_SUCCESS) {
        *count = fake_mig_enabled(device) ? FAKE_MAX_MIG_DEVICES : 0;
    }
    return rc;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned index,
                                                 nvmlDevice_t *mig) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu(device, mig);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!fake_mig_enabled(device) || index >= FAKE_MAX_MIG_DEVICES) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&fake_mig_lock);
    *mig = fake_mig_device_at(device, index);
    pthread_mutex_unlock(&fake_mig_lock);
    return *mig != NULL ? NVML_SUCCESS : NVML_ERROR_NOT_FOUND;
}

static nvmlReturn_t begin_mig_device(nvmlDevice_t device, const void *out) {
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!device->is_mig) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    return out == NULL ? NVML_ERROR_INVALID_ARGUMENT : NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned *id) {
    TRACE();
    nvmlReturn_t rc = begin_mig_device(device, id);
    if (rc == NVML_SUCCESS) {
        *id = device->compute_instance->gpu_instance->id;
    }
    return rc;
}

nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned *id) {
    TRACE();
    nvmlReturn_t rc = begin_mig_device(device, id);
    if (rc == NVML_SUCCESS) {
        *id = device->compute_instance->id;
    }
    return rc;
}

nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t mig,
                                                          nvmlDevice_t *device) {
    TRACE();
    nvmlReturn_t rc = begin_mig_device(mig, device);
    if (rc == NVML_ERROR_NOT_SUPPORTED) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (rc == NVML_SUCCESS) {
        *device = mig->compute_instance->gpu_instance->device;
    }
    return rc;
}

