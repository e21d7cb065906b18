/*
 * Event sets in the fake NVML. Tests queue events with fake_nvml_queue_event (on a GPU, with
 * GPU/compute instance ids as NVML reports XIDs of a MIG instance) or fake_nvml_queue_mig_event
 * (on a MIG device handle). A set hands out what was queued for the devices and types registered
 * in it, then answers TIMEOUT at once, so tests never wait.
 */
#include "fake_nvml.h"

#include <pthread.h>
#include <string.h>

#define MAX_SETS 16
#define MAX_QUEUED 32

struct nvmlEventSet_st {
    int used;
    unsigned long long registered[FAKE_GPU_COUNT];
    nvmlEventData_t queue[MAX_QUEUED];
    unsigned head;
    unsigned count;
};
typedef struct nvmlEventSet_st *nvmlEventSet_t;

static const unsigned long long SUPPORTED[FAKE_GPU_COUNT] = {
    0x8 | 0x1 | 0x2, /* XID, single- and double-bit ECC */
    0x8 | 0x100,     /* XID, MIG configuration change */
    0,
    0,
};

static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nvmlEventSet_st sets[MAX_SETS];

void fake_events_reset(void) {
    pthread_mutex_lock(&events_lock);
    memset(sets, 0, sizeof sets);
    pthread_mutex_unlock(&events_lock);
}

static int valid_set(nvmlEventSet_t set) {
    return set >= &sets[0] && set < &sets[MAX_SETS] && set->used;
}

/* ---- test control --------------------------------------------------------------------- */

int fake_nvml_live_event_sets(void) {
    int live = 0;
    for (int i = 0; i < MAX_SETS; i++) {
        live += sets[i].used;
    }
    return live;
}

static int deliver(unsigned gpu, nvmlEventData_t event) {
    int delivered = 0;
    pthread_mutex_lock(&events_lock);
    for (int i = 0; i < MAX_SETS; i++) {
        struct nvmlEventSet_st *set = &sets[i];
        if (set->used && (set->registered[gpu] & event.eventType) && set->count < MAX_QUEUED) {
            set->queue[(set->head + set->count++) % MAX_QUEUED] = event;
            delivered++;
        }
    }
    pthread_mutex_unlock(&events_lock);
    return delivered;
}

/* Queues an event on GPU `gpu`; returns how many event sets it reached. */
int fake_nvml_queue_event(unsigned gpu, unsigned long long type, unsigned long long data,
                          unsigned gpu_instance_id, unsigned compute_instance_id) {
    if (gpu >= FAKE_GPU_COUNT) {
        return -1;
    }
    nvmlEventData_t event = {&fake_gpus[gpu], type, data, gpu_instance_id, compute_instance_id};
    return deliver(gpu, event);
}

/* Queues an event whose device is the MIG device in `slot` of GPU `gpu`. */
int fake_nvml_queue_mig_event(unsigned gpu, unsigned slot, unsigned long long type,
                              unsigned long long data) {
    nvmlDevice_t mig = gpu < FAKE_GPU_COUNT ? fake_mig_device_at(&fake_gpus[gpu], slot) : NULL;
    if (mig == NULL) {
        return -1;
    }
    struct nvmlComputeInstance_st *ci = mig->compute_instance;
    nvmlEventData_t event = {mig, type, data, ci->gpu_instance->id, ci->id};
    return deliver(gpu, event);
}

/* ---- NVML --------------------------------------------------------------------------------- */

nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t *created) {
    TRACE();
    nvmlReturn_t rc = fake_check_init();
    if (rc != NVML_SUCCESS || created == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&events_lock);
    rc = NVML_ERROR_INSUFFICIENT_RESOURCES;
    for (int i = 0; i < MAX_SETS; i++) {
        if (!sets[i].used) {
            memset(&sets[i], 0, sizeof sets[i]);
            sets[i].used = 1;
            *created = &sets[i];
            rc = NVML_SUCCESS;
            break;
        }
    }
    pthread_mutex_unlock(&events_lock);
    return rc;
}

static nvmlReturn_t begin_events(nvmlDevice_t device, const void *out) {
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->is_mig || SUPPORTED[device->index] == 0) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    return out == NULL ? NVML_ERROR_INVALID_ARGUMENT : NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t device, unsigned long long *types) {
    TRACE();
    nvmlReturn_t rc = begin_events(device, types);
    if (rc == NVML_SUCCESS) {
        *types = SUPPORTED[device->index];
    }
    return rc;
}

nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long types,
                                      nvmlEventSet_t set) {
    TRACE();
    nvmlReturn_t rc = begin_events(device, set);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if ((types & ~SUPPORTED[device->index]) != 0) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    pthread_mutex_lock(&events_lock);
    rc = valid_set(set) ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
    if (rc == NVML_SUCCESS) {
        set->registered[device->index] |= types;
    }
    pthread_mutex_unlock(&events_lock);
    return rc;
}

nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t *data, unsigned timeout_ms) {
    TRACE();
    (void)timeout_ms;
    nvmlReturn_t rc = fake_check_init();
    if (rc != NVML_SUCCESS || data == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&events_lock);
    if (!valid_set(set)) {
        rc = NVML_ERROR_INVALID_ARGUMENT;
    } else if (set->count == 0) {
        rc = NVML_ERROR_TIMEOUT;
    } else {
        *data = set->queue[set->head];
        set->head = (set->head + 1) % MAX_QUEUED;
        set->count--;
    }
    pthread_mutex_unlock(&events_lock);
    return rc;
}

nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set) {
    TRACE();
    nvmlReturn_t rc = fake_check_init();
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    pthread_mutex_lock(&events_lock);
    rc = valid_set(set) ? NVML_SUCCESS : NVML_ERROR_INVALID_ARGUMENT;
    if (rc == NVML_SUCCESS) {
        set->used = 0;
    }
    pthread_mutex_unlock(&events_lock);
    return rc;
}
