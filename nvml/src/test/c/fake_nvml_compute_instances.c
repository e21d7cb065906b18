/*
 * Compute instances inside the fake's GPU instances. Each compute instance carries its MIG
 * device handle; compute slices are handed out first fit, ids lowest free.
 */
#include "fake_nvml.h"

#include <stdio.h>
#include <string.h>

/* Compute-instance profile index -> compute slices. */
static const unsigned CI_SLICES[] = {1, 2, 3, 4, 7};
#define CI_PROFILE_COUNT (sizeof CI_SLICES / sizeof CI_SLICES[0])

struct nvmlComputeInstance_st *fake_add_compute_instance(struct nvmlGpuInstance_st *gi,
                                                         unsigned id, unsigned profile,
                                                         unsigned start) {
    for (int i = 0; i < FAKE_MAX_COMPUTE_INSTANCES; i++) {
        struct nvmlComputeInstance_st *ci = &gi->compute_instances[i];
        if (!ci->used) {
            memset(ci, 0, sizeof *ci);
            ci->used = 1;
            ci->id = id;
            ci->profile_id = profile;
            ci->start = start;
            ci->size = CI_SLICES[profile];
            ci->gpu_instance = gi;
            ci->mig_device.is_mig = 1;
            ci->mig_device.compute_instance = ci;
            snprintf(ci->mig_device.uuid, sizeof ci->mig_device.uuid,
                     "MIG-%08x-%04x-4000-8000-%012x", 0xfeed0000u + gi->id, ci->id, gi->id);
            return ci;
        }
    }
    return NULL;
}

/* ---- compute instances ---------------------------------------------------------------- */

nvmlReturn_t nvmlGpuInstanceGetComputeInstanceProfileInfo(
    nvmlGpuInstance_t gi, unsigned index, unsigned engine_profile,
    nvmlComputeInstanceProfileInfo_t *info) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu_instance(gi, info);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (index >= CI_PROFILE_COUNT || engine_profile != 0) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (CI_SLICES[index] > gi->compute_slices) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    info->id = index;
    info->sliceCount = CI_SLICES[index];
    info->instanceCount = gi->compute_slices / CI_SLICES[index];
    info->multiprocessorCount = CI_SLICES[index] * 20;
    info->sharedCopyEngineCount = 11;
    info->sharedDecoderCount = 12;
    info->sharedEncoderCount = 13;
    info->sharedJpegCount = 14;
    info->sharedOfaCount = 15;
    return NVML_SUCCESS;
}

/* First fit over the instance's compute slices; ids are the lowest free. */
nvmlReturn_t nvmlGpuInstanceCreateComputeInstance(nvmlGpuInstance_t gi, unsigned profile_id,
                                                  nvmlComputeInstance_t *created) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu_instance(gi, created);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (profile_id >= CI_PROFILE_COUNT || CI_SLICES[profile_id] > gi->compute_slices) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&fake_mig_lock);
    unsigned used_slices = 0, used_ids = 0;
    for (int c = 0; c < FAKE_MAX_COMPUTE_INSTANCES; c++) {
        const struct nvmlComputeInstance_st *ci = &gi->compute_instances[c];
        if (ci->used) {
            used_slices |= ((1u << ci->size) - 1) << ci->start;
            used_ids |= 1u << ci->id;
        }
    }
    unsigned want = (1u << CI_SLICES[profile_id]) - 1;
    rc = NVML_ERROR_INSUFFICIENT_RESOURCES;
    for (unsigned start = 0; start + CI_SLICES[profile_id] <= gi->compute_slices; start++) {
        if ((used_slices & (want << start)) == 0) {
            unsigned id = 0;
            while (used_ids & (1u << id)) {
                id++;
            }
            *created = fake_add_compute_instance(gi, id, profile_id, start);
            rc = *created != NULL ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_RESOURCES;
            break;
        }
    }
    pthread_mutex_unlock(&fake_mig_lock);
    return rc;
}

nvmlReturn_t nvmlGpuInstanceGetComputeInstances(nvmlGpuInstance_t gi, unsigned profile_id,
                                                nvmlComputeInstance_t *instances,
                                                unsigned *count) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu_instance(gi, count);
    if (rc != NVML_SUCCESS || instances == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    if (profile_id >= CI_PROFILE_COUNT || CI_SLICES[profile_id] > gi->compute_slices) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    unsigned found = 0;
    for (int c = 0; c < FAKE_MAX_COMPUTE_INSTANCES; c++) {
        struct nvmlComputeInstance_st *ci = &gi->compute_instances[c];
        if (ci->used && ci->profile_id == profile_id) {
            instances[found++] = ci;
        }
    }
    *count = found;
    return NVML_SUCCESS;
}

static nvmlReturn_t begin_compute_instance(nvmlComputeInstance_t ci, const void *out) {
    nvmlReturn_t rc = fake_check_init();
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        struct nvmlGpuInstance_st *gi = &fake_gpu_instances[g];
        if (ci >= &gi->compute_instances[0] &&
            ci < &gi->compute_instances[FAKE_MAX_COMPUTE_INSTANCES]) {
            return gi->used && ci->used && out != NULL ? NVML_SUCCESS
                                                       : NVML_ERROR_INVALID_ARGUMENT;
        }
    }
    return NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t nvmlComputeInstanceGetInfo_v2(nvmlComputeInstance_t ci,
                                           nvmlComputeInstanceInfo_t *info) {
    TRACE();
    nvmlReturn_t rc = begin_compute_instance(ci, info);
    if (rc == NVML_SUCCESS) {
        info->device = ci->gpu_instance->device;
        info->gpuInstance = ci->gpu_instance;
        info->id = ci->id;
        info->profileId = ci->profile_id;
        info->placement.start = ci->start;
        info->placement.size = ci->size;
    }
    return rc;
}

nvmlReturn_t nvmlComputeInstanceDestroy(nvmlComputeInstance_t ci) {
    TRACE();
    nvmlReturn_t rc = begin_compute_instance(ci, ci);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    pthread_mutex_lock(&fake_mig_lock);
    struct nvmlGpuInstance_st *gi = ci->gpu_instance;
    int busy = fake_processes_on(gi->device->index, gi->id, ci->id);
    if (!busy) {
        ci->used = 0;
    }
    pthread_mutex_unlock(&fake_mig_lock);
    return busy ? NVML_ERROR_IN_USE : NVML_SUCCESS;
}
