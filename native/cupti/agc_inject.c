/*
 * libautoglm_cupti.so: loaded by the CUDA driver through CUDA_INJECTION64_PATH, which calls
 * InitializeInjection() when the process initialises CUDA. It records GPU activity with the CUPTI
 * Activity API only (no cuptiSubscribe: the single callback-subscriber slot stays free for
 * torch.profiler, Nsight and sanitizers) into $AUTOGLM_CUPTI_DIR/cupti-<pid>.bin.
 *
 * libcupti is opened with dlopen, preferring the copy already in the process (PyTorch wheels bring
 * their own), so this library links against nothing but libc and needs only CUPTI's headers to build.
 * Nothing here may take the process down: every failure is written into the recording as a note.
 */
#include "agc_format.h"
#include "agc_names.h"
#include "agc_writer.h"

#include <cupti.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUFFER_BYTES (8u << 20)
#define FOREIGN_KINDS 128
#define NAME_CACHE 4096
#define MAX_BUFFERS 1024

static struct {
    CUptiResult (*activity_enable)(CUpti_ActivityKind);
    CUptiResult (*register_callbacks)(CUpti_BuffersCallbackRequestFunc, CUpti_BuffersCallbackCompleteFunc);
    CUptiResult (*next_record)(uint8_t *, size_t, CUpti_Activity **);
    CUptiResult (*flush_all)(uint32_t);
    CUptiResult (*num_dropped)(CUcontext, uint32_t, size_t *);
    CUptiResult (*timestamp)(uint64_t *);
    CUptiResult (*version)(uint32_t *);
    CUptiResult (*result_string)(CUptiResult, const char **);
    CUptiResult (*callback_name)(CUpti_CallbackDomain, uint32_t, const char **);
    CUptiResult (*enable_runtime_api)(CUpti_CallbackId, uint8_t);
    CUptiResult (*enable_driver_api)(CUpti_CallbackId, uint8_t);
    CUptiResult (*thread_id_type)(CUpti_ActivityThreadIdType);
} C;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static agc_writer *w;           /* NULL once closed */
static pid_t owner;             /* the process that opened the recording; a forked child writes nothing */
static char dir[PATH_MAX];
static atomic_int outstanding;  /* buffers handed to CUPTI and not yet returned */
static pthread_mutex_t buffers_lock = PTHREAD_MUTEX_INITIALIZER;
static void *buffers[MAX_BUFFERS]; /* ours, handed to CUPTI: only these are freed */
static uint32_t foreign_buffers;  /* buffers of another CUPTI client that reached our callback */
static atomic_int stopping;
static pthread_t flusher;
static int flusher_started;
static uint32_t flushes;
static uint64_t dropped_total;
static uint64_t foreign[FOREIGN_KINDS];
static int filter_api;          /* 1 when fine-grained API selection failed and every call arrives */
static uint32_t runtime_names[CUPTI_RUNTIME_TRACE_CBID_SIZE + 1];
static uint32_t driver_names[CUPTI_DRIVER_TRACE_CBID_SIZE + 1];
static uint8_t runtime_wanted[CUPTI_RUNTIME_TRACE_CBID_SIZE + 1];
static uint8_t driver_wanted[CUPTI_DRIVER_TRACE_CBID_SIZE + 1];
static struct {
    const char *ptr;
    uint32_t id;
} kernel_names[NAME_CACHE];

static const char *result_text(CUptiResult r) {
    const char *s = NULL;
    if (C.result_string && C.result_string(r, &s) == CUPTI_SUCCESS && s) return s;
    return "unknown CUPTI error";
}

/* Under the lock. */
static void note(uint32_t level, CUptiResult code, const char *fmt, const char *what) {
    char text[512];
    snprintf(text, sizeof text, fmt, what, result_text(code));
    if (w) agc_note(w, level, (uint32_t)code, text);
}

static uint64_t ns(clockid_t id) {
    struct timespec t;
    clock_gettime(id, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Under the lock: the CUPTI clock against CLOCK_REALTIME, the tightest bracket of five readings. */
static void clock_pair(void) {
    if (!w || !C.timestamp) return;
    uint64_t best_bracket = UINT64_MAX, best_ts = 0, best_rt = 0, best_mono = 0;
    for (int i = 0; i < 5; i++) {
        uint64_t ts = 0;
        uint64_t r0 = ns(CLOCK_REALTIME);
        uint64_t m0 = ns(CLOCK_MONOTONIC);
        CUptiResult rc = C.timestamp(&ts);
        uint64_t r1 = ns(CLOCK_REALTIME);
        if (rc != CUPTI_SUCCESS) return;
        if (r1 - r0 < best_bracket) {
            best_bracket = r1 - r0;
            best_ts = ts;
            best_rt = r0 + (r1 - r0) / 2;
            best_mono = m0;
        }
    }
    agc_clock(w, best_ts, best_rt, best_mono, best_bracket);
}

static uint32_t kernel_name(const char *name) {
    if (!name) return 0;
    uint32_t slot = (uint32_t)(((uintptr_t)name >> 4) & (NAME_CACHE - 1));
    if (kernel_names[slot].ptr == name) return kernel_names[slot].id;
    char *readable = agc_demangle(name);
    uint32_t id = agc_string(w, readable ? readable : name);
    free(readable);
    kernel_names[slot].ptr = name;
    kernel_names[slot].id = id;
    return id;
}

/* The clean name of an API call and whether it is recorded (want: 0 unknown, 1 yes, 2 no). */
static void resolve_api(CUpti_CallbackDomain domain, uint32_t cbid, char *clean, size_t n) {
    const char *raw = NULL;
    if (C.callback_name && C.callback_name(domain, cbid, &raw) == CUPTI_SUCCESS && raw) {
        agc_api_name(raw, clean, n);
    } else {
        snprintf(clean, n, "%s API %u", domain == CUPTI_CB_DOMAIN_RUNTIME_API ? "runtime" : "driver", cbid);
    }
}

/* Under the lock: the string id of a call's name (written at its first record), and whether it is wanted. */
static uint32_t api_name(CUpti_CallbackDomain domain, uint32_t cbid, int *wanted) {
    int runtime = domain == CUPTI_CB_DOMAIN_RUNTIME_API;
    uint32_t limit = runtime ? CUPTI_RUNTIME_TRACE_CBID_SIZE : CUPTI_DRIVER_TRACE_CBID_SIZE;
    uint32_t *names = runtime ? runtime_names : driver_names;
    uint8_t *want = runtime ? runtime_wanted : driver_wanted;
    if (cbid < limit && names[cbid]) {
        *wanted = want[cbid] == 1;
        return names[cbid];
    }
    char clean[256];
    resolve_api(domain, cbid, clean, sizeof clean);
    uint32_t id = agc_string(w, clean);
    *wanted = agc_api_wanted(clean);
    if (cbid < limit) {
        names[cbid] = id;
        want[cbid] = (uint8_t)(*wanted ? 1 : 2);
    }
    return id;
}

/* Under the lock. */
static void write_record(CUpti_Activity *r) {
    switch (r->kind) {
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL:
    case CUPTI_ACTIVITY_KIND_KERNEL: {
        const CUpti_ActivityKernel10 *k = (const CUpti_ActivityKernel10 *)r;
        agc_kernel o = {k->start, k->end, k->deviceId, k->contextId, k->streamId, k->correlationId,
                        {k->gridX, k->gridY, k->gridZ}, {k->blockX, k->blockY, k->blockZ}, k->registersPerThread,
                        k->staticSharedMemory, k->dynamicSharedMemory, kernel_name(k->name), k->graphId,
                        k->graphNodeId};
        agc_write_kernel(w, &o);
        break;
    }
    case CUPTI_ACTIVITY_KIND_MEMCPY: {
        const CUpti_ActivityMemcpy6 *m = (const CUpti_ActivityMemcpy6 *)r;
        agc_memcpy o = {m->start, m->end, m->bytes, m->deviceId, m->contextId, m->streamId, m->correlationId,
                        m->copyKind, m->srcKind, m->dstKind, m->flags, m->graphId};
        agc_write_memcpy(w, &o);
        break;
    }
    case CUPTI_ACTIVITY_KIND_MEMSET: {
        const CUpti_ActivityMemset4 *m = (const CUpti_ActivityMemset4 *)r;
        agc_memset o = {m->start, m->end, m->bytes, m->deviceId, m->contextId, m->streamId, m->correlationId,
                        m->value, m->memoryKind, m->flags, m->graphId};
        agc_write_memset(w, &o);
        break;
    }
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: {
        const CUpti_ActivitySynchronization2 *s = (const CUpti_ActivitySynchronization2 *)r;
        agc_sync o = {s->start, s->end, (uint32_t)s->type, s->contextId, s->streamId, s->correlationId,
                      s->cudaEventId};
        agc_write_sync(w, &o);
        break;
    }
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER: {
        const CUpti_ActivityAPI *a = (const CUpti_ActivityAPI *)r;
        int runtime = r->kind == CUPTI_ACTIVITY_KIND_RUNTIME;
        int wanted = 1;
        uint32_t name = api_name(runtime ? CUPTI_CB_DOMAIN_RUNTIME_API : CUPTI_CB_DOMAIN_DRIVER_API, a->cbid,
                                 &wanted);
        if (filter_api && !wanted) break;
        agc_api o = {a->start, a->end, a->correlationId, a->cbid, a->threadId, a->processId, name,
                     a->returnValue, (uint8_t)(runtime ? AGC_DOMAIN_RUNTIME : AGC_DOMAIN_DRIVER)};
        agc_write_api(w, &o);
        break;
    }
    case CUPTI_ACTIVITY_KIND_DEVICE: {
        const CUpti_ActivityDevice5 *d = (const CUpti_ActivityDevice5 *)r;
        agc_device o = {d->id, d->numMultiprocessors, d->computeCapabilityMajor, d->computeCapabilityMinor,
                        d->globalMemorySize, d->globalMemoryBandwidth, d->maxWarpsPerMultiprocessor,
                        d->maxBlocksPerMultiprocessor, d->maxThreadsPerBlock, d->maxRegistersPerMultiprocessor,
                        d->maxSharedMemoryPerMultiprocessor, agc_string(w, d->name), {0}};
        memcpy(o.uuid, &d->uuid, sizeof o.uuid);
        agc_write_device(w, &o);
        break;
    }
    default:
        foreign[(unsigned)r->kind % FOREIGN_KINDS]++;
    }
}

/* Remembers a buffer we hand out; 0 when the table is full (the buffer is then not handed out). */
static int remember(void *p) {
    pthread_mutex_lock(&buffers_lock);
    int ok = 0;
    for (int i = 0; i < MAX_BUFFERS && !ok; i++) {
        if (!buffers[i]) {
            buffers[i] = p;
            ok = 1;
        }
    }
    pthread_mutex_unlock(&buffers_lock);
    return ok;
}

/* Forgets a buffer of ours; 0 when it is not ours. */
static int forget(void *p) {
    pthread_mutex_lock(&buffers_lock);
    int ours = 0;
    for (int i = 0; i < MAX_BUFFERS && !ours; i++) {
        if (buffers[i] == p) {
            buffers[i] = NULL;
            ours = 1;
        }
    }
    pthread_mutex_unlock(&buffers_lock);
    return ours;
}

static void CUPTIAPI buffer_requested(uint8_t **buffer, size_t *size, size_t *max_records) {
    void *p = NULL;
    if (posix_memalign(&p, 8, BUFFER_BYTES) != 0) p = NULL;
    if (p && !remember(p)) {
        free(p);
        p = NULL;
    }
    *buffer = p;
    *size = p ? BUFFER_BYTES : 0;
    *max_records = 0;
    if (p) atomic_fetch_add(&outstanding, 1);
}

static void CUPTIAPI buffer_completed(CUcontext ctx, uint32_t stream, uint8_t *buffer, size_t size, size_t valid) {
    (void)size;
    pthread_mutex_lock(&lock);
    if (w && getpid() == owner && C.next_record) {
        CUpti_Activity *r = NULL;
        while (C.next_record(buffer, valid, &r) == CUPTI_SUCCESS) write_record(r);
        size_t dropped = 0;
        if (C.num_dropped && C.num_dropped(ctx, stream, &dropped) == CUPTI_SUCCESS && dropped > 0) {
            agc_dropped(w, 0, stream, dropped);
            dropped_total += dropped;
        }
    }
    pthread_mutex_unlock(&lock);
    if (forget(buffer)) {
        free(buffer);
        atomic_fetch_sub(&outstanding, 1);
    } else {
        /* Another client's buffer (it registered its callbacks before us, and CUPTI now returns its buffers
         * here): its records were read, but it was not allocated here, so it is not freed here either. */
        pthread_mutex_lock(&lock);
        foreign_buffers++;
        pthread_mutex_unlock(&lock);
    }
}

/* Writes what CUPTI has completed; forced: also the buffers not yet full. */
static void flush(int forced) {
    if (C.flush_all) C.flush_all(forced ? CUPTI_ACTIVITY_FLAG_FLUSH_FORCED : 0);
    pthread_mutex_lock(&lock);
    if (w && getpid() == owner) {
        if (forced) clock_pair();
        agc_flush(w);
        flushes++;
    }
    pthread_mutex_unlock(&lock);
}

static long read_request(const char *path) {
    FILE *f = fopen(path, "re");
    if (!f) return -1;
    long n = -1;
    if (fscanf(f, "%ld", &n) != 1) n = -1;
    fclose(f);
    return n;
}

static void acknowledge(long n) {
    char tmp[PATH_MAX + 32], path[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s/cupti-%d.ack.tmp", dir, (int)owner);
    snprintf(path, sizeof path, "%s/cupti-%d.ack", dir, (int)owner);
    FILE *f = fopen(tmp, "we");
    if (!f) return;
    fprintf(f, "%ld\n", n);
    fclose(f);
    rename(tmp, path);
}

/* Writes completed buffers every second, and everything when autoglm asks through flush.request. */
static void *flusher_main(void *arg) {
    (void)arg;
    char request[PATH_MAX + 32];
    snprintf(request, sizeof request, "%s/flush.request", dir);
    long answered = read_request(request);
    int tick = 0;
    while (!atomic_load(&stopping)) {
        struct timespec t = {0, 100 * 1000 * 1000};
        nanosleep(&t, NULL);
        long asked = read_request(request);
        if (asked > answered) {
            flush(1);
            acknowledge(asked);
            answered = asked;
        } else if (++tick % 10 == 0) {
            /* forced: buffers that are not full but whose records are all complete come back too, so a process
             * killed without exit handlers loses about a second at most */
            flush(1);
        }
    }
    return NULL;
}

static void at_exit(void) {
    if (getpid() != owner) return;
    atomic_store(&stopping, 1);
    if (flusher_started) pthread_join(flusher, NULL);
    if (C.flush_all) C.flush_all(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
    pthread_mutex_lock(&lock);
    if (w) {
        clock_pair();
        for (int k = 0; k < FOREIGN_KINDS; k++) {
            if (foreign[k]) agc_foreign(w, (uint32_t)k, foreign[k]);
        }
        if (foreign_buffers > 0) {
            char text[256];
            snprintf(text, sizeof text,
                     "%u activity buffer(s) of another CUPTI client (torch.profiler, Nsight) reached autoglm's "
                     "callback: that client lost their records, which are in this recording instead",
                     foreign_buffers);
            agc_note(w, AGC_WARNING, 0, text);
        }
        int left = atomic_load(&outstanding);
        if (left > 0) {
            char text[256];
            snprintf(text, sizeof text,
                     "%d activity buffer(s) never came back from CUPTI: another CUPTI client (torch.profiler, "
                     "Nsight) probably took the activity callbacks, and the records in them are lost",
                     left);
            agc_note(w, AGC_WARNING, 0, text);
        }
        agc_end e = {0, dropped_total, 0, (uint32_t)(left > 0 ? left : 0), flushes};
        agc_close(w, &e);
        w = NULL;
    }
    pthread_mutex_unlock(&lock);
}

static void *open_cupti(void) {
    const char *env = getenv("AUTOGLM_CUPTI_LIBRARY");
    if (env && *env) return dlopen(env, RTLD_NOW | RTLD_LOCAL);
    static const char *const names[] = {"libcupti.so.13", "libcupti.so.12", "libcupti.so", NULL};
    for (int i = 0; names[i]; i++) {
        void *h = dlopen(names[i], RTLD_NOW | RTLD_NOLOAD);
        if (h) return h; /* the copy already in the process */
    }
    for (int i = 0; names[i]; i++) {
        void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (h) return h;
    }
    const char *home = getenv("CUDA_HOME");
    static const char *const dirs[] = {"/usr/local/cuda/extras/CUPTI/lib64", "/usr/local/cuda/lib64", NULL};
    char path[PATH_MAX];
    if (home) {
        snprintf(path, sizeof path, "%s/extras/CUPTI/lib64/libcupti.so", home);
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h) return h;
        snprintf(path, sizeof path, "%s/lib64/libcupti.so", home);
        if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL))) return h;
    }
    for (int i = 0; dirs[i]; i++) {
        snprintf(path, sizeof path, "%s/libcupti.so", dirs[i]);
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (h) return h;
    }
    return NULL;
}

#define LOOKUP(field, symbol) *(void **)(&C.field) = dlsym(h, symbol)

static int bind_cupti(void *h) {
    LOOKUP(activity_enable, "cuptiActivityEnable");
    LOOKUP(register_callbacks, "cuptiActivityRegisterCallbacks");
    LOOKUP(next_record, "cuptiActivityGetNextRecord");
    LOOKUP(flush_all, "cuptiActivityFlushAll");
    LOOKUP(num_dropped, "cuptiActivityGetNumDroppedRecords");
    LOOKUP(timestamp, "cuptiGetTimestamp");
    LOOKUP(version, "cuptiGetVersion");
    LOOKUP(result_string, "cuptiGetResultString");
    LOOKUP(callback_name, "cuptiGetCallbackName");
    LOOKUP(enable_runtime_api, "cuptiActivityEnableRuntimeApi");
    LOOKUP(enable_driver_api, "cuptiActivityEnableDriverApi");
    LOOKUP(thread_id_type, "cuptiSetThreadIdType");
    return C.activity_enable && C.register_callbacks && C.next_record && C.flush_all;
}

/* Under the lock. Enables the launch/copy/sync/allocation calls one by one; 0 when that is not possible. */
static int select_apis(CUpti_CallbackDomain domain, uint32_t count) {
    CUptiResult (*enable)(CUpti_CallbackId, uint8_t) =
        domain == CUPTI_CB_DOMAIN_RUNTIME_API ? C.enable_runtime_api : C.enable_driver_api;
    if (!enable || !C.callback_name) return 0;
    for (uint32_t cbid = 1; cbid < count; cbid++) {
        char clean[256];
        resolve_api(domain, cbid, clean, sizeof clean);
        if (agc_api_wanted(clean)) {
            CUptiResult rc = enable(cbid, 1);
            if (rc != CUPTI_SUCCESS) return 0;
        }
    }
    return 1;
}

static void enable(CUpti_ActivityKind kind, const char *what) {
    CUptiResult rc = C.activity_enable(kind);
    if (rc != CUPTI_SUCCESS) note(AGC_ERROR, rc, "cuptiActivityEnable(%s) failed: %s", what);
}

static void start(void) {
    owner = getpid();
    const char *d = getenv("AUTOGLM_CUPTI_DIR");
    snprintf(dir, sizeof dir, "%s", d && *d ? d : ".");
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/cupti-%d.bin", dir, (int)owner);
    w = agc_open(path, (uint32_t)owner);
    if (!w) {
        fprintf(stderr, "autoglm-cupti: cannot write %s: %s; kernels are not recorded\n", path, strerror(errno));
        return;
    }
    void *h = open_cupti();
    if (!h || !bind_cupti(h)) {
        const char *why = h ? "it lacks the Activity API functions" : dlerror();
        char text[512];
        snprintf(text, sizeof text, "libcupti could not be loaded (%s); set AUTOGLM_CUPTI_LIBRARY to its path",
                 why ? why : "not found");
        agc_note(w, AGC_ERROR, 0, text);
        agc_end e = {0};
        agc_close(w, &e);
        w = NULL;
        return;
    }
    uint32_t version = 0;
    if (C.version) C.version(&version);
    agc_process(w, (uint32_t)owner, version, 0, 0);
    clock_pair();
    if (C.thread_id_type) C.thread_id_type(CUPTI_ACTIVITY_THREAD_ID_TYPE_SYSTEM);
    CUptiResult rc = C.register_callbacks(buffer_requested, buffer_completed);
    if (rc != CUPTI_SUCCESS) {
        note(AGC_ERROR, rc, "%s failed: %s", "cuptiActivityRegisterCallbacks");
        return;
    }
    rc = C.activity_enable(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL);
    if (rc != CUPTI_SUCCESS) {
        note(AGC_ERROR, rc, "cuptiActivityEnable(%s) failed: %s; nothing is recorded", "CONCURRENT_KERNEL");
        return;
    }
    enable(CUPTI_ACTIVITY_KIND_DEVICE, "DEVICE");
    enable(CUPTI_ACTIVITY_KIND_MEMCPY, "MEMCPY");
    enable(CUPTI_ACTIVITY_KIND_MEMSET, "MEMSET");
    enable(CUPTI_ACTIVITY_KIND_SYNCHRONIZATION, "SYNCHRONIZATION");
    if (!select_apis(CUPTI_CB_DOMAIN_RUNTIME_API, CUPTI_RUNTIME_TRACE_CBID_SIZE)
        || !select_apis(CUPTI_CB_DOMAIN_DRIVER_API, CUPTI_DRIVER_TRACE_CBID_SIZE)) {
        filter_api = 1;
        agc_note(w, AGC_WARNING, 0,
                 "this CUPTI cannot select API calls one by one: every runtime and driver call is recorded "
                 "and filtered here (higher overhead)");
        enable(CUPTI_ACTIVITY_KIND_RUNTIME, "RUNTIME");
        enable(CUPTI_ACTIVITY_KIND_DRIVER, "DRIVER");
    }
}

__attribute__((visibility("default"))) int InitializeInjection(void) {
    static atomic_int called;
    if (atomic_exchange(&called, 1)) return 1;
    pthread_mutex_lock(&lock);
    start();
    int recording = w != NULL;
    pthread_mutex_unlock(&lock);
    if (recording) {
        atexit(at_exit);
        flusher_started = pthread_create(&flusher, NULL, flusher_main, NULL) == 0;
    }
    return 1;
}
