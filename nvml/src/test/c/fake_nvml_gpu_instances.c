/*
 * GPU instances of the fake's MIG GPU: profiles, placements, creation and destruction under the
 * A100/H100 rules (fixed start positions per profile, no overlap, one "+me" instance, ids from
 * per-size pools; an instance with compute instances or processes refuses to be destroyed).
 */
#include "fake_nvml.h"

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

pthread_mutex_t fake_mig_lock = PTHREAD_MUTEX_INITIALIZER;
struct nvmlGpuInstance_st fake_gpu_instances[FAKE_MAX_GPU_INSTANCES];

static const struct gi_profile *profile_by_id(unsigned id) {
    for (unsigned i = 0; i < PROFILE_COUNT; i++) {
        if (PROFILES[i].id == id) {
            return &PROFILES[i];
        }
    }
    return NULL;
}

struct nvmlGpuInstance_st *fake_add_gpu_instance(unsigned id, unsigned profile_id, unsigned start) {
    const struct gi_profile *p = profile_by_id(profile_id);
    for (int i = 0; i < FAKE_MAX_GPU_INSTANCES; i++) {
        struct nvmlGpuInstance_st *gi = &fake_gpu_instances[i];
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

/* ---- GPU-instance profiles and placements --------------------------------------------- */

nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoV(nvmlDevice_t device, unsigned index,
                                                  nvmlGpuInstanceProfileInfo_v2_t *info) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu(device, info);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (info->version != (unsigned)(sizeof(nvmlGpuInstanceProfileInfo_v2_t) | 2u << 24)) {
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    }
    if (!fake_mig_enabled(device)) {
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
    nvmlReturn_t rc = fake_begin_gpu(device, count);
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
        const struct nvmlGpuInstance_st *gi = &fake_gpu_instances[g];
        if (gi->used && start < gi->start + gi->size && gi->start < start + size) {
            return 1;
        }
    }
    return 0;
}

static unsigned count_of_profile(unsigned profile_id) {
    unsigned count = 0;
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        count += fake_gpu_instances[g].used && fake_gpu_instances[g].profile_id == profile_id;
    }
    return count;
}

static int free_id(const struct gi_profile *p, unsigned *id) {
    for (unsigned candidate = p->first_id; candidate <= p->last_id; candidate++) {
        int taken = 0;
        for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
            taken |= fake_gpu_instances[g].used && fake_gpu_instances[g].id == candidate;
        }
        if (!taken) {
            *id = candidate;
            return 1;
        }
    }
    return 0;
}

/* Caller holds fake_mig_lock. */
static nvmlReturn_t create_at(const struct gi_profile *p, unsigned start,
                              nvmlGpuInstance_t *created) {
    unsigned id;
    if (overlaps_existing(start, p->size) || count_of_profile(p->id) >= p->instance_count ||
        (p->id == PROFILE_ME && count_of_profile(PROFILE_ME) > 0) || !free_id(p, &id)) {
        return NVML_ERROR_INSUFFICIENT_RESOURCES;
    }
    *created = fake_add_gpu_instance(id, p->id, start);
    return *created != NULL ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_RESOURCES;
}

static nvmlReturn_t begin_create(nvmlDevice_t device, unsigned profile_id, const void *out,
                                 const struct gi_profile **p) {
    nvmlReturn_t rc = fake_begin_gpu(device, out);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!fake_mig_enabled(device)) {
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
    pthread_mutex_lock(&fake_mig_lock);
    rc = NVML_ERROR_INSUFFICIENT_RESOURCES;
    for (unsigned i = 0; i < p->start_count && rc != NVML_SUCCESS; i++) {
        rc = create_at(p, p->starts[i], created);
    }
    pthread_mutex_unlock(&fake_mig_lock);
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
    pthread_mutex_lock(&fake_mig_lock);
    rc = create_at(p, placement->start, created);
    pthread_mutex_unlock(&fake_mig_lock);
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
        if (fake_gpu_instances[g].used && fake_gpu_instances[g].profile_id == profile_id) {
            instances[found++] = &fake_gpu_instances[g];
        }
    }
    *count = found;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetGpuInstanceById(nvmlDevice_t device, unsigned id,
                                          nvmlGpuInstance_t *instance) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu(device, instance);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!fake_mig_enabled(device)) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    for (int g = 0; g < FAKE_MAX_GPU_INSTANCES; g++) {
        if (fake_gpu_instances[g].used && fake_gpu_instances[g].id == id) {
            *instance = &fake_gpu_instances[g];
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

nvmlReturn_t fake_begin_gpu_instance(nvmlGpuInstance_t gi, const void *out) {
    nvmlReturn_t rc = fake_check_init();
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    int known = gi >= &fake_gpu_instances[0] && gi < &fake_gpu_instances[FAKE_MAX_GPU_INSTANCES];
    return known && gi->used && out != NULL ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t nvmlGpuInstanceGetInfo(nvmlGpuInstance_t gi, nvmlGpuInstanceInfo_t *info) {
    TRACE();
    nvmlReturn_t rc = fake_begin_gpu_instance(gi, info);
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
    nvmlReturn_t rc = fake_begin_gpu_instance(gi, gi);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    pthread_mutex_lock(&fake_mig_lock);
    int busy = fake_processes_on(gi->device->index, gi->id, FAKE_NO_ID);
    for (int c = 0; c < FAKE_MAX_COMPUTE_INSTANCES; c++) {
        busy |= gi->compute_instances[c].used;
    }
    if (!busy) {
        gi->used = 0;
    }
    pthread_mutex_unlock(&fake_mig_lock);
    return busy ? NVML_ERROR_IN_USE : NVML_SUCCESS;
}

