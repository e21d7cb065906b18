/*
 * The NVML types of gpu-agent's fake libnvidia-ml.so.1. Struct layouts follow NVIDIA's published
 * nvml.h field for field, so a binding that misreads a real struct misreads these too. The
 * handle structs are the fake's own.
 */
#ifndef FAKE_NVML_TYPES_H
#define FAKE_NVML_TYPES_H

#include <stddef.h>

typedef int nvmlReturn_t;

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_TIMEOUT = 10,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_RESET_REQUIRED = 16,
    NVML_ERROR_IN_USE = 19,
    NVML_ERROR_INSUFFICIENT_RESOURCES = 23,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
};

#define FAKE_NO_ID 0xFFFFFFFFu
#define FAKE_GPU_COUNT 4
#define FAKE_MAX_GPU_INSTANCES 8
#define FAKE_MAX_COMPUTE_INSTANCES 8
#define FAKE_MAX_MIG_DEVICES 7

/* What the fake GPUs are: 0 answers everything, 1 runs MIG, 2 supports little, 3 is lost. */
enum fake_gpu_kind { FAKE_FULL, FAKE_MIG, FAKE_UNSUPPORTED, FAKE_LOST };

typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct nvmlGpuInstance_st *nvmlGpuInstance_t;
typedef struct nvmlComputeInstance_st *nvmlComputeInstance_t;

/* A physical GPU or a MIG device; MIG devices live inside their compute instance. */
struct nvmlDevice_st {
    int is_mig;
    enum fake_gpu_kind kind;      /* physical GPUs */
    unsigned index;               /* physical GPUs */
    char uuid[96];
    struct nvmlComputeInstance_st *compute_instance; /* MIG devices */
};

struct nvmlComputeInstance_st {
    int used;
    unsigned id;
    unsigned profile_id;
    unsigned start;
    unsigned size;
    struct nvmlGpuInstance_st *gpu_instance;
    struct nvmlDevice_st mig_device;
};

struct nvmlGpuInstance_st {
    int used;
    unsigned id;
    unsigned profile_id;
    unsigned start;
    unsigned size;
    unsigned compute_slices;
    struct nvmlDevice_st *device;
    struct nvmlComputeInstance_st compute_instances[FAKE_MAX_COMPUTE_INSTANCES];
};

typedef struct {
    unsigned start;
    unsigned size;
} nvmlGpuInstancePlacement_t, nvmlComputeInstancePlacement_t;

typedef struct {
    char busIdLegacy[16];
    unsigned domain;
    unsigned bus;
    unsigned device;
    unsigned pciDeviceId;
    unsigned pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;

typedef struct {
    unsigned version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_v2_t;

typedef struct {
    unsigned gpu;
    unsigned memory;
} nvmlUtilization_t;

typedef union {
    double dVal;
    int siVal;
    unsigned uiVal;
    unsigned long ulVal;
    unsigned long long ullVal;
    long long sllVal;
    unsigned short usVal;
} nvmlValue_t;

typedef struct {
    unsigned fieldId;
    unsigned scopeId;
    long long timestamp;
    long long latencyUsec;
    int valueType;
    nvmlReturn_t nvmlReturn;
    nvmlValue_t value;
} nvmlFieldValue_t;

typedef struct {
    unsigned pid;
    unsigned long long usedGpuMemory;
    unsigned gpuInstanceId;
    unsigned computeInstanceId;
} nvmlProcessInfo_t;

typedef struct {
    unsigned pid;
    unsigned long long timeStamp;
    unsigned smUtil;
    unsigned memUtil;
    unsigned encUtil;
    unsigned decUtil;
} nvmlProcessUtilizationSample_t;

typedef struct {
    nvmlDevice_t device;
    unsigned long long eventType;
    unsigned long long eventData;
    unsigned gpuInstanceId;
    unsigned computeInstanceId;
} nvmlEventData_t;

typedef struct {
    unsigned version;
    unsigned id;
    unsigned isP2pSupported;
    unsigned sliceCount;
    unsigned instanceCount;
    unsigned multiprocessorCount;
    unsigned copyEngineCount;
    unsigned decoderCount;
    unsigned encoderCount;
    unsigned jpegCount;
    unsigned ofaCount;
    unsigned long long memorySizeMB;
    char name[96];
} nvmlGpuInstanceProfileInfo_v2_t;

typedef struct {
    nvmlDevice_t device;
    unsigned id;
    unsigned profileId;
    nvmlGpuInstancePlacement_t placement;
} nvmlGpuInstanceInfo_t;

typedef struct {
    unsigned id;
    unsigned sliceCount;
    unsigned instanceCount;
    unsigned multiprocessorCount;
    unsigned sharedCopyEngineCount;
    unsigned sharedDecoderCount;
    unsigned sharedEncoderCount;
    unsigned sharedJpegCount;
    unsigned sharedOfaCount;
} nvmlComputeInstanceProfileInfo_t;

typedef struct {
    nvmlDevice_t device;
    nvmlGpuInstance_t gpuInstance;
    unsigned id;
    unsigned profileId;
    nvmlComputeInstancePlacement_t placement;
} nvmlComputeInstanceInfo_t;

#define NVML_GPM_METRIC_MAX 333

typedef struct nvmlGpmSample_st *nvmlGpmSample_t;

typedef struct {
    unsigned metricId;
    nvmlReturn_t nvmlReturn;
    double value;
    struct {
        char *shortName;
        char *longName;
        char *unit;
    } metricInfo;
} nvmlGpmMetric_t;

typedef struct {
    unsigned version;
    unsigned numMetrics;
    nvmlGpmSample_t sample1;
    nvmlGpmSample_t sample2;
    nvmlGpmMetric_t metrics[NVML_GPM_METRIC_MAX];
} nvmlGpmMetricsGet_t;

typedef struct {
    unsigned version;
    unsigned isSupportedDevice;
} nvmlGpmSupport_t;

#endif
