/* Buffered writer of the recording format (agc_format.h): records go into a chunk that is checksummed and
 * written with one write() when it fills or on agc_flush. Not thread-safe: the caller holds a lock. */
#ifndef AGC_WRITER_H
#define AGC_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef struct agc_writer agc_writer;

typedef struct {
    uint64_t start, end;
    uint32_t device, context, stream, correlation;
    int32_t grid[3], block[3];
    uint16_t registers;
    int32_t static_shared, dynamic_shared;
    uint32_t name; /* string id */
    uint32_t graph_id;
    uint64_t graph_node_id;
} agc_kernel;

typedef struct {
    uint64_t start, end, bytes;
    uint32_t device, context, stream, correlation;
    uint8_t copy_kind, src_kind, dst_kind, flags;
    uint32_t graph_id;
} agc_memcpy;

typedef struct {
    uint64_t start, end, bytes;
    uint32_t device, context, stream, correlation;
    uint32_t value;
    uint16_t memory_kind, flags;
    uint32_t graph_id;
} agc_memset;

typedef struct {
    uint64_t start, end;
    uint32_t type, context, stream, correlation, event;
} agc_sync;

typedef struct {
    uint64_t start, end;
    uint32_t correlation, cbid, thread, process;
    uint32_t name; /* string id */
    uint32_t return_value;
    uint8_t domain; /* agc_api_domain */
} agc_api;

typedef struct {
    uint32_t id, sms, cc_major, cc_minor;
    uint64_t global_memory_bytes, memory_bandwidth_kbs;
    uint32_t max_warps_per_sm, max_blocks_per_sm, max_threads_per_block, max_registers_per_sm,
        max_shared_per_sm;
    uint32_t name; /* string id */
    uint8_t uuid[16];
} agc_device;

typedef struct {
    uint64_t records, dropped, bytes;
    uint32_t buffers_outstanding, flushes;
} agc_end;

/* Opens (truncates) path and writes the file header. NULL with errno set on failure. */
agc_writer *agc_open(const char *path, uint32_t pid);
/* The id of s (1, 2, ...), writing a STRING record the first time s is seen; 0 for NULL. */
uint32_t agc_string(agc_writer *w, const char *s);
void agc_process(agc_writer *w, uint32_t pid, uint32_t cupti_version, uint32_t driver_version, uint32_t flags);
void agc_clock(agc_writer *w, uint64_t cupti_ts, uint64_t realtime_ns, uint64_t monotonic_ns, uint64_t bracket_ns);
void agc_write_kernel(agc_writer *w, const agc_kernel *k);
void agc_write_memcpy(agc_writer *w, const agc_memcpy *m);
void agc_write_memset(agc_writer *w, const agc_memset *m);
void agc_write_sync(agc_writer *w, const agc_sync *s);
void agc_write_api(agc_writer *w, const agc_api *a);
void agc_write_device(agc_writer *w, const agc_device *d);
void agc_dropped(agc_writer *w, uint32_t context, uint32_t stream, uint64_t count);
void agc_note(agc_writer *w, uint32_t level, uint32_t code, const char *text);
void agc_foreign(agc_writer *w, uint32_t kind, uint64_t count);
/* Writes the pending chunk. 0 on success, -1 on a write error (counted; later chunks are still tried). */
int agc_flush(agc_writer *w);
/* Records written so far (all types). */
uint64_t agc_records(const agc_writer *w);
uint64_t agc_write_errors(const agc_writer *w);
/* Writes END (with e->records filled in here), flushes and closes. */
void agc_close(agc_writer *w, agc_end *e);

#endif
