/*
 * What runs on the fake GPUs: compute processes, per-process utilization samples and GPM.
 * GPU 0 runs two processes outside MIG (one whose memory NVML cannot see); GPU 1 runs one in
 * each of its GPU instances 1 and 7. Only GPU 0 supports GPM.
 */
#include "fake_nvml.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROCESSES 64
#define VALUE_NOT_AVAILABLE 0xFFFFFFFFFFFFFFFFULL

static pthread_mutex_t activity_lock = PTHREAD_MUTEX_INITIALIZER;
static nvmlProcessInfo_t processes[FAKE_GPU_COUNT][MAX_PROCESSES];
static unsigned process_count[FAKE_GPU_COUNT];
static unsigned growth_after_count[FAKE_GPU_COUNT];
static int live_gpm_samples;

static const nvmlProcessUtilizationSample_t SAMPLES[] = {
    {4242, 1000, 61, 62, 63, 64},
    {4343, 2000, 71, 72, 73, 74},
};

void fake_activity_reset(void) {
    pthread_mutex_lock(&activity_lock);
    memset(processes, 0, sizeof processes);
    memset(process_count, 0, sizeof process_count);
    memset(growth_after_count, 0, sizeof growth_after_count);
    processes[0][0] = (nvmlProcessInfo_t){4242, 0x1234567890ULL, FAKE_NO_ID, FAKE_NO_ID};
    processes[0][1] = (nvmlProcessInfo_t){4343, VALUE_NOT_AVAILABLE, FAKE_NO_ID, FAKE_NO_ID};
    process_count[0] = 2;
    processes[1][0] = (nvmlProcessInfo_t){5151, 0xABC00000ULL, 1, 0};
    processes[1][1] = (nvmlProcessInfo_t){5252, 0xDEF00000ULL, 7, 0};
    process_count[1] = 2;
    pthread_mutex_unlock(&activity_lock);
}

/* ---- test control --------------------------------------------------------------------- */

/* Processes come and go: after the next "too small" answer, `extra` more processes start. */
void fake_nvml_grow_processes_after_count(unsigned gpu, unsigned extra) {
    pthread_mutex_lock(&activity_lock);
    growth_after_count[gpu] = extra;
    pthread_mutex_unlock(&activity_lock);
}

void fake_nvml_clear_processes(unsigned gpu) {
    pthread_mutex_lock(&activity_lock);
    process_count[gpu] = 0;
    pthread_mutex_unlock(&activity_lock);
}

int fake_nvml_live_gpm_samples(void) {
    return live_gpm_samples;
}

/* Any process on a GPU (gi = FAKE_NO_ID), in a GPU instance (ci = FAKE_NO_ID) or in one CI. */
int fake_processes_on(unsigned gpu, unsigned gi, unsigned ci) {
    for (unsigned i = 0; i < process_count[gpu]; i++) {
        const nvmlProcessInfo_t *p = &processes[gpu][i];
        if ((gi == FAKE_NO_ID || p->gpuInstanceId == gi) &&
            (ci == FAKE_NO_ID || p->computeInstanceId == ci)) {
            return 1;
        }
    }
    return 0;
}

/* ---- processes ------------------------------------------------------------------------ */

static void grow(unsigned gpu) {
    for (unsigned i = 0; i < growth_after_count[gpu] && process_count[gpu] < MAX_PROCESSES; i++) {
        unsigned n = process_count[gpu]++;
        processes[gpu][n] = (nvmlProcessInfo_t){9000 + n, 4096ULL * n, FAKE_NO_ID, FAKE_NO_ID};
    }
    growth_after_count[gpu] = 0;
}

/* On a MIG device handle, only the processes of its own GPU and compute instance. */
static unsigned visible(nvmlDevice_t device, nvmlProcessInfo_t *out, unsigned capacity) {
    unsigned gpu = device->is_mig ? 1 : device->index;
    unsigned found = 0;
    for (unsigned i = 0; i < process_count[gpu]; i++) {
        const nvmlProcessInfo_t *p = &processes[gpu][i];
        if (device->is_mig &&
            (p->gpuInstanceId != device->compute_instance->gpu_instance->id ||
             p->computeInstanceId != device->compute_instance->id)) {
            continue;
        }
        if (found < capacity && out != NULL) {
            out[found] = *p;
        }
        found++;
    }
    return found;
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned *count,
                                                     nvmlProcessInfo_t *infos) {
    TRACE();
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (!device->is_mig && device->kind == FAKE_UNSUPPORTED) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    if (count == NULL || (*count > 0 && infos == NULL)) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    pthread_mutex_lock(&activity_lock);
    unsigned found = visible(device, infos, *count);
    if (found > *count) {
        *count = found;
        grow(device->is_mig ? 1 : device->index);
        rc = NVML_ERROR_INSUFFICIENT_SIZE;
    } else {
        *count = found;
    }
    pthread_mutex_unlock(&activity_lock);
    return rc;
}

nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device,
                                             nvmlProcessUtilizationSample_t *samples,
                                             unsigned *count, unsigned long long last_seen) {
    TRACE();
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->is_mig || device->kind != FAKE_FULL) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    if (count == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    unsigned newer = 0;
    for (unsigned i = 0; i < sizeof SAMPLES / sizeof SAMPLES[0]; i++) {
        newer += SAMPLES[i].timeStamp > last_seen;
    }
    if (newer == 0) {
        return NVML_ERROR_NOT_FOUND;
    }
    if (samples == NULL || *count < newer) {
        *count = newer;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    unsigned written = 0;
    for (unsigned i = 0; i < sizeof SAMPLES / sizeof SAMPLES[0]; i++) {
        if (SAMPLES[i].timeStamp > last_seen) {
            samples[written++] = SAMPLES[i];
        }
    }
    *count = written;
    return NVML_SUCCESS;
}

/* ---- GPM ------------------------------------------------------------------------------ */

#define SAMPLE_MAGIC 0x47504D53u

struct nvmlGpmSample_st {
    unsigned magic;
    nvmlDevice_t device;
    unsigned long long taken;
};

static unsigned long long gpm_clock;

nvmlReturn_t nvmlGpmQueryDeviceSupport(nvmlDevice_t device, nvmlGpmSupport_t *support) {
    TRACE();
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (support == NULL) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (support->version != 1) {
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    }
    if (device->is_mig || device->kind == FAKE_UNSUPPORTED) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    support->isSupportedDevice = device->kind == FAKE_FULL;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpmSampleAlloc(nvmlGpmSample_t *sample) {
    TRACE();
    nvmlReturn_t rc = fake_check_init();
    if (rc != NVML_SUCCESS || sample == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    *sample = calloc(1, sizeof **sample);
    (*sample)->magic = SAMPLE_MAGIC;
    __atomic_add_fetch(&live_gpm_samples, 1, __ATOMIC_SEQ_CST);
    return NVML_SUCCESS;
}

static int valid_sample(nvmlGpmSample_t sample) {
    return sample != NULL && sample->magic == SAMPLE_MAGIC;
}

nvmlReturn_t nvmlGpmSampleGet(nvmlDevice_t device, nvmlGpmSample_t sample) {
    TRACE();
    nvmlReturn_t rc = fake_check_device(device);
    if (rc != NVML_SUCCESS) {
        return rc;
    }
    if (device->is_mig || device->kind != FAKE_FULL) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    if (!valid_sample(sample)) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    sample->device = device;
    sample->taken = __atomic_add_fetch(&gpm_clock, 1, __ATOMIC_SEQ_CST);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlGpmSampleFree(nvmlGpmSample_t sample) {
    TRACE();
    nvmlReturn_t rc = fake_check_init();
    if (rc != NVML_SUCCESS || !valid_sample(sample)) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    sample->magic = 0;
    free(sample);
    __atomic_sub_fetch(&live_gpm_samples, 1, __ATOMIC_SEQ_CST);
    return NVML_SUCCESS;
}

/*
 * Metric id N answers 1.25 * N + 0.5, so every metric has its own value. FP16 (13) answers
 * NOT_SUPPORTED on its own; ids the fake does not know answer INVALID_ARGUMENT on their own.
 */
static void metric(nvmlGpmMetric_t *m) {
    static char short_name[] = "fake";
    static char long_name[] = "fake GPM metric";
    static char unit[] = "%";
    unsigned id = m->metricId;
    int known = (id >= 1 && id <= 13) || id == 20 || id == 21;
    m->nvmlReturn = !known ? NVML_ERROR_INVALID_ARGUMENT
                           : id == 13 ? NVML_ERROR_NOT_SUPPORTED : NVML_SUCCESS;
    m->value = m->nvmlReturn == NVML_SUCCESS ? 1.25 * id + 0.5 : -1.0;
    m->metricInfo.shortName = short_name;
    m->metricInfo.longName = long_name;
    m->metricInfo.unit = unit;
}

nvmlReturn_t nvmlGpmMetricsGet(nvmlGpmMetricsGet_t *request) {
    TRACE();
    nvmlReturn_t rc = fake_check_init();
    if (rc != NVML_SUCCESS || request == NULL) {
        return rc != NVML_SUCCESS ? rc : NVML_ERROR_INVALID_ARGUMENT;
    }
    if (request->version != 1) {
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    }
    if (request->numMetrics > NVML_GPM_METRIC_MAX || !valid_sample(request->sample1) ||
        !valid_sample(request->sample2) || request->sample1->device == NULL ||
        request->sample1->device != request->sample2->device ||
        request->sample1->taken >= request->sample2->taken) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    for (unsigned i = 0; i < request->numMetrics; i++) {
        metric(&request->metrics[i]);
    }
    return NVML_SUCCESS;
}
