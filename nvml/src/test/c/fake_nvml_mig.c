/*
 * MIG in the fake NVML. GPU 1 runs MIG with a 3g instance (id 1, two compute instances) and a
 * 1g instance (id 7, one compute instance), so three MIG devices. GPU 0 is MIG-capable with MIG
 * off; GPU 2 has no MIG. Creation follows the A100/H100 rules: fixed start positions per profile,
 * no overlap, one "+me" instance, ids from per-size pools; a GPU instance with compute instances,
 * or a compute instance with processes, refuses to be destroyed.
 */
#include "fake_nvml.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct gi_profile {
    unsigned index;          /* NVML_GPU_INSTANCE_PROFILE_* */
    unsigned id;
    unsigned p2p, compute_slices, instance_count, sms;
    unsigned copy_engines, decoders, encoders, jpegs, ofas;
    unsigned long long memory_mib;
    const char *name;
    unsigned first_id, last_id;   /* the pool of GPU-instance ids */
    unsigned size;                /* memory slices */
    unsigned starts[8];
    unsigned start_count;
};

/* The 3g row has ten different numbers so that a shifted field is caught. */
static const struct gi_profile PROFILES[] = {
    {0, 19, 0, 1, 7, 16, 1, 1, 0, 0, 0, 9984, "MIG 1g.10gb", 7, 13, 1, {0, 1, 2, 3, 4, 5, 6}, 7},
    {1, 14, 0, 2, 3, 32, 2, 2, 0, 0, 0, 20096, "MIG 2g.20gb", 3, 6, 2, {0, 2, 4}, 3},
    {2, 9, 1, 3, 2, 60, 4, 5, 6, 7, 8, 40448, "MIG 3g.40gb", 1, 2, 4, {0, 4}, 2},
    {3, 5, 0, 4, 1, 64, 4, 4, 0, 0, 0, 40448, "MIG 4g.40gb", 1, 2, 4, {0}, 1},
    {4, 0, 0, 7, 1, 132, 8, 7, 0, 7, 1, 80896, "MIG 7g.80gb", 0, 0, 8, {0}, 1},
    {7, 20, 0, 1, 1, 16, 1, 1, 1, 1, 1, 9984, "MIG 1g.10gb+me", 7, 13, 1, {0, 1, 2, 3, 4, 5, 6}, 7},
    {9, 15, 0, 1, 4, 26, 1, 1, 0, 1, 0, 20096, "MIG 1g.20gb", 3, 6, 2, {0, 2, 4, 6}, 4},
};
#define PROFILE_COUNT (sizeof PROFILES / sizeof PROFILES[0])
#define PROFILE_ME 20

/* Compute-instance profile index -> compute slices. */
static const unsigned CI_SLICES[] = {1, 2, 3, 4, 7};
#define CI_PROFILE_COUNT (sizeof CI_SLICES / sizeof CI_SLICES[0])

static pthread_mutex_t mig_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nvmlGpuInstance_st gpu_instances[FAKE_MAX_GPU_INSTANCES];
unsigned fake_mig_current[FAKE_GPU_COUNT];
unsigned fake_mig_pending[FAKE_GPU_COUNT];

static const struct gi_profile *profile_by_id(unsigned id) {
    for (unsigned i = 0; i < PROFILE_COUNT; i++) {
        if (PROFILES[i].id == id) {
            return &PROFILES[i];
        }
    }
    return NULL;
}

static struct nvmlComputeInstance_st *add_compute_instance(struct nvmlGpuInstance_st *gi,
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

static struct nvmlGpuInstance_st *add_gpu_instance(unsigned id, const struct gi_profile *p,
                                                   unsigned start) {
    for (int i = 0; i < FAKE_MAX_GPU_INSTANCES; i++) {
        struct nvmlGpuInstance_st *gi = &gpu_instances[i];
        if (!gi->used) {
            memset(gi, 0, sizeof *gi);
            gi->used = 1;
            gi->id = id;
            gi->profile_id = p->id;
            gi->start = start;
            gi->size = p->size;
            gi->compute_slices = p->compute_slices;
            gi->device = &fake_gpus[1];
            return gi;
        }
    }
    return NULL;
}

void fake_mig_reset(void) {
    pthread_mutex_lock(&mig_lock);
    memset(gpu_instances, 0, sizeof gpu_instances);
    memset(fake_mig_current, 0, sizeof fake_mig_current);
    memset(fake_mig_pending, 0, sizeof fake_mig_pending);
    fake_mig_current[1] = fake_mig_pending[1] = 1;
    struct nvmlGpuInstance_st *three = add_gpu_instance(1, profile_by_id(9), 0);
    add_compute_instance(three, 0, 0, 0);
    add_compute_instance(three, 1, 1, 1);
    struct nvmlGpuInstance_st *one = add_gpu_instance(7, profile_by_id(19), 4);
    add_compute_instance(one, 0, 0, 0);
    pthread_mutex_unlock(&mig_lock);
}

/* ---- MIG devices ---------------------------------------------------------------------- */

static int mig_enabled(nvmlDevice_t device) {
    return !device->is_mig && device->kind != FAKE_UNSUPPORTED && fake_mig_current[device->index];
}

unsigned fake_mig_device_count(nvmlDevice_t parent) {
    unsigned count = 0;
    while (fake_mig_device_at(parent, count) != NULL) {
        count++;
    }
    return count;
}

/* Slots in GPU-instance order, then compute-instance order. */
nvmlDevice_t fake_mig_device_at(nvmlDevice_t parent, unsigned slot) {
    if (parent != &fake_gpus[1] || !mig_enabled(parent)) {
        return NULL;
    }
    unsigned seen = 0;
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        for (int c = 0; gpu_instances[g].used && c < FAKE_MAX_COMPUTE_INSTANCES; c++) {
            struct nvmlComputeInstance_st *ci = &gpu_instances[g].compute_instances[c];
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
            struct nvmlComputeInstance_st *ci = &gpu_instances[g].compute_instances[c];
            if (device == &ci->mig_device) {
                return gpu_instances[g].used && ci->used;
            }
        }
    }
    return 0;
}

static nvmlReturn_t begin_gpu(nvmlDevice_t device, const void *out) {
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
    nvmlReturn_t rc = begin_gpu(device, current);
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
    nvmlReturn_t rc = begin_gpu(device, activation);
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
    nvmlReturn_t rc = begin_gpu(device, count);
    if (rc == NVML_SUCCESS) {
        *count = mig_enabled(device) ? FAKE_MAX_MIG_DEVICES : 0;
    }
    return rc;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned index,
                                                 nvmlDevice_t *mig) {
    TRACE();
    nvmlReturn_t rc = begin_gpu(device, mig);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!mig_enabled(device) || index >= FAKE_MAX_MIG_DEVICES) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&mig_lock);
    *mig = fake_mig_device_at(device, index);
    pthread_mutex_unlock(&mig_lock);
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

/* ---- GPU-instance profiles and placements --------------------------------------------- */

nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoV(nvmlDevice_t device, unsigned index,
                                                  nvmlGpuInstanceProfileInfo_v2_t *info) {
    TRACE();
    nvmlReturn_t rc = begin_gpu(device, info);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (info->version != (unsigned)(sizeof(nvmlGpuInstanceProfileInfo_v2_t) | 2u << 24)) {
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    }
    if (!mig_enabled(device)) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    for (unsigned i = 0; i < PROFILE_COUNT; i++) {
        const struct gi_profile *p = &PROFILES[i];
        if (p->index == index) {
            info->id = p->id;
            info->isP2pSupported = p->p2p;
            info->sliceCount = p->compute_slices;
            info->instanceCount = p->instance_count;
            info->multiprocessorCount = p->sms;
            info->copyEngineCount = p->copy_engines;
            info->decoderCount = p->decoders;
            info->encoderCount = p->encoders;
            info->jpegCount = p->jpegs;
            info->ofaCount = p->ofas;
            info->memorySizeMB = p->memory_mib;
            snprintf(info->name, sizeof info->name, "%s", p->name);
            return NVML_SUCCESS;
        }
    }
    return index < 0x12 ? NVML_ERROR_NOT_SUPPORTED : NVML_ERROR_INVALID_ARGUMENT;
}

/* Answered whether MIG is on or off, as NVML does. */
nvmlReturn_t nvmlDeviceGetGpuInstancePossiblePlacements_v2(nvmlDevice_t device,
                                                           unsigned profile_id,
                                                           nvmlGpuInstancePlacement_t *placements,
                                                           unsigned *count) {
    TRACE();
    nvmlReturn_t rc = begin_gpu(device, count);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    const struct gi_profile *p = profile_by_id(profile_id);
    if (p == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (placements != NULL) {
        for (unsigned i = 0; i < p->start_count; i++) {
            placements[i].start = p->starts[i];
            placements[i].size = p->size;
        }
    }
    *count = p->start_count;
    return NVML_SUCCESS;
}

/* ---- GPU instances -------------------------------------------------------------------- */

static int overlaps_existing(unsigned start, unsigned size) {
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        const struct nvmlGpuInstance_st *gi = &gpu_instances[g];
        if (gi->used && start < gi->start + gi->size && gi->start < start + size) {
            return 1;
        }
    }
    return 0;
}

static unsigned count_of_profile(unsigned profile_id) {
    unsigned count = 0;
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        count += gpu_instances[g].used && gpu_instances[g].profile_id == profile_id;
    }
    return count;
}

static int free_id(const struct gi_profile *p, unsigned *id) {
    for (unsigned candidate = p->first_id; candidate <= p->last_id; candidate++) {
        int taken = 0;
        for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
            taken |= gpu_instances[g].used && gpu_instances[g].id == candidate;
        }
        if (!taken) {
            *id = candidate;
            return 1;
        }
    }
    return 0;
}

/* Caller holds mig_lock. */
static nvmlReturn_t create_at(const struct gi_profile *p, unsigned start,
                              nvmlGpuInstance_t *created) {
    unsigned id;
    if (overlaps_existing(start, p->size) || count_of_profile(p->id) >= p->instance_count ||
        (p->id == PROFILE_ME && count_of_profile(PROFILE_ME) > 0) || !free_id(p, &id)) {
        return NVML_ERROR_INSUFFICIENT_RESOURCES;
    }
    *created = add_gpu_instance(id, p, start);
    return *created != NULL ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_RESOURCES;
}

static nvmlReturn_t begin_create(nvmlDevice_t device, unsigned profile_id, const void *out,
                                 const struct gi_profile **p) {
    nvmlReturn_t rc = begin_gpu(device, out);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!mig_enabled(device)) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    *p = profile_by_id(profile_id);
    return *p != NULL ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t nvmlDeviceCreateGpuInstance(nvmlDevice_t device, unsigned profile_id,
                                         nvmlGpuInstance_t *created) {
    TRACE();
    const struct gi_profile *p;
    nvmlReturn_t rc = begin_create(device, profile_id, created, &p);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    pthread_mutex_lock(&mig_lock);
    rc = NVML_ERROR_INSUFFICIENT_RESOURCES;
    for (unsigned i = 0; i < p->start_count && rc != NVML_SUCCESS; i++) {
        rc = create_at(p, p->starts[i], created);
    }
    pthread_mutex_unlock(&mig_lock);
    return rc;
}

nvmlReturn_t nvmlDeviceCreateGpuInstanceWithPlacement(nvmlDevice_t device, unsigned profile_id,
                                                      const nvmlGpuInstancePlacement_t *placement,
                                                      nvmlGpuInstance_t *created) {
    TRACE();
    const struct gi_profile *p;
    nvmlReturn_t rc = begin_create(device, profile_id, created, &p);
    if (rc != NVML_SUCCESS || placement == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    int valid = 0;
    for (unsigned i = 0; i < p->start_count; i++) {
        valid |= p->starts[i] == placement->start && p->size == placement->size;
    }
    if (!valid) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&mig_lock);
    rc = create_at(p, placement->start, created);
    pthread_mutex_unlock(&mig_lock);
    return rc;
}

nvmlReturn_t nvmlDeviceGetGpuInstances(nvmlDevice_t device, unsigned profile_id,
                                       nvmlGpuInstance_t *instances, unsigned *count) {
    TRACE();
    const struct gi_profile *p;
    nvmlReturn_t rc = begin_create(device, profile_id, count, &p);
    if (rc != NVML_SUCCESS || instances == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    unsigned found = 0;
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        if (gpu_instances[g].used && gpu_instances[g].profile_id == profile_id) {
            instances[found++] = &gpu_instances[g];
        }
    }
    *count = found;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceById(nvmlDevice_t device, unsigned id,
                                          nvmlGpuInstance_t *instance) {
    TRACE();
    nvmlReturn_t rc = begin_gpu(device, instance);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!mig_enabled(device)) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        if (gpu_instances[g].used && gpu_instances[g].id == id) {
            *instance = &gpu_instances[g];
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

static nvmlReturn_t begin_gpu_instance(nvmlGpuInstance_t gi, const void *out) {
    nvmlReturn_t rc = fake_check_init();
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    int known = gi >= &gpu_instances[0] && gi < &gpu_instances[FAKE_MAX_GPU_INSTANCES];
    return known && gi->used && out != NULL ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t nvmlGpuInstanceGetInfo(nvmlGpuInstance_t gi, nvmlGpuInstanceInfo_t *info) {
    TRACE();
    nvmlReturn_t rc = begin_gpu_instance(gi, info);
    if (rc == NVML_SUCCESS) {
        info->device = gi->device;
        info->id = gi->id;
        info->profileId = gi->profile_id;
        info->placement.start = gi->start;
        info->placement.size = gi->size;
    }
    return rc;
}

nvmlReturn_t nvmlGpuInstanceDestroy(nvmlGpuInstance_t gi) {
    TRACE();
    nvmlReturn_t rc = begin_gpu_instance(gi, gi);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    pthread_mutex_lock(&mig_lock);
    int busy = fake_processes_on(gi->device->index, gi->id, FAKE_NO_ID);
    for (int c = 0; c < FAKE_MAX_COMPUTE_INSTANCES; c++) {
        busy |= gi->compute_instances[c].used;
    }
    if (!busy) {
        gi->used = 0;
    }
    pthread_mutex_unlock(&mig_lock);
    return busy ? NVML_ERROR_IN_USE : NVML_SUCCESS;
}

/* ---- compute instances ---------------------------------------------------------------- */

nvmlReturn_t nvmlGpuInstanceGetComputeInstanceProfileInfo(
    nvmlGpuInstance_t gi, unsigned index, unsigned engine_profile,
    nvmlComputeInstanceProfileInfo_t *info) {
    TRACE();
    nvmlReturn_t rc = begin_gpu_instance(gi, info);
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
    nvmlReturn_t rc = begin_gpu_instance(gi, created);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (profile_id >= CI_PROFILE_COUNT || CI_SLICES[profile_id] > gi->compute_slices) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&mig_lock);
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
            *created = add_compute_instance(gi, id, profile_id, start);
            rc = *created != NULL ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_RESOURCES;
            break;
        }
    }
    pthread_mutex_unlock(&mig_lock);
    return rc;
}

nvmlReturn_t nvmlGpuInstanceGetComputeInstances(nvmlGpuInstance_t gi, unsigned profile_id,
                                                nvmlComputeInstance_t *instances,
                                                unsigned *count) {
    TRACE();
    nvmlReturn_t rc = begin_gpu_instance(gi, count);
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
        struct nvmlGpuInstance_st *gi = &gpu_instances[g];
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
    pthread_mutex_lock(&mig_lock);
    struct nvmlGpuInstance_st *gi = ci->gpu_instance;
    int busy = fake_processes_on(gi->device->index, gi->id, ci->id);
    if (!busy) {
        ci->used = 0;
    }
    pthread_mutex_unlock(&mig_lock);
    return busy ? NVML_ERROR_IN_USE : NVML_SUCCESS;
}
