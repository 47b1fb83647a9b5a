#include "agc_writer.h"
#include "agc_crc32.h"
#include "agc_format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK_CAPACITY (1u << 20)
#define STRING_SLOTS_INITIAL 1024u

typedef struct {
    uint64_t hash;
    uint32_t id;
    char *text;
} slot;

struct agc_writer {
    int fd;
    uint8_t *chunk; /* chunk header space + payload */
    uint32_t used;  /* payload bytes */
    uint32_t count; /* records in the chunk */
    uint64_t records;
    uint64_t bytes;
    uint64_t write_errors;
    slot *slots;
    uint32_t slot_count;
    uint32_t strings;
};

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static int write_all(int fd, const uint8_t *p, size_t n) {
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

agc_writer *agc_open(const char *path, uint32_t pid) {
    agc_writer *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->chunk = malloc(AGC_CHUNK_HEADER_BYTES + CHUNK_CAPACITY);
    w->slot_count = STRING_SLOTS_INITIAL;
    w->slots = calloc(w->slot_count, sizeof(slot));
    if (!w->chunk || !w->slots) goto fail;
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) goto fail;
    uint8_t h[AGC_HEADER_BYTES];
    memcpy(h, AGC_MAGIC, 8);
    put16(h + 8, AGC_VERSION);
    put16(h + 10, AGC_HEADER_BYTES);
    put32(h + 12, pid);
    if (write_all(w->fd, h, sizeof h) != 0) {
        int e = errno;
        close(w->fd);
        errno = e;
        goto fail;
    }
    w->bytes = sizeof h;
    return w;
fail:
    free(w->chunk);
    free(w->slots);
    free(w);
    return NULL;
}

int agc_flush(agc_writer *w) {
    if (w->count == 0) return 0;
    uint8_t *h = w->chunk;
    put32(h, AGC_CHUNK_MAGIC);
    put32(h + 4, w->used);
    put32(h + 8, agc_crc32(w->chunk + AGC_CHUNK_HEADER_BYTES, w->used));
    put32(h + 12, w->count);
    int rc = write_all(w->fd, w->chunk, AGC_CHUNK_HEADER_BYTES + w->used);
    if (rc != 0) w->write_errors++;
    else w->bytes += AGC_CHUNK_HEADER_BYTES + w->used;
    w->used = 0;
    w->count = 0;
    return rc;
}

/* Room for a record with a body of n bytes; returns where the body goes. */
static uint8_t *record(agc_writer *w, uint8_t type, uint32_t n) {
    if (n > AGC_MAX_BODY) n = AGC_MAX_BODY;
    if (w->used + AGC_RECORD_HEADER_BYTES + n > CHUNK_CAPACITY) agc_flush(w);
    uint8_t *p = w->chunk + AGC_CHUNK_HEADER_BYTES + w->used;
    p[0] = type;
    p[1] = 0;
    put16(p + 2, (uint16_t)n);
    w->used += AGC_RECORD_HEADER_BYTES + n;
    w->count++;
    w->records++;
    return p + AGC_RECORD_HEADER_BYTES;
}

static uint64_t fnv1a(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static void grow(agc_writer *w) {
    uint32_t n = w->slot_count * 2;
    slot *s = calloc(n, sizeof(slot));
    if (!s) return;
    for (uint32_t i = 0; i < w->slot_count; i++) {
        if (!w->slots[i].text) continue;
        uint32_t j = (uint32_t)w->slots[i].hash & (n - 1);
        while (s[j].text) j = (j + 1) & (n - 1);
        s[j] = w->slots[i];
    }
    free(w->slots);
    w->slots = s;
    w->slot_count = n;
}

uint32_t agc_string(agc_writer *w, const char *s) {
    if (!s) return 0;
    if ((w->strings + 1) * 2 > w->slot_count) grow(w);
    uint64_t h = fnv1a(s);
    uint32_t j = (uint32_t)h & (w->slot_count - 1);
    while (w->slots[j].text) {
        if (w->slots[j].hash == h && strcmp(w->slots[j].text, s) == 0) return w->slots[j].id;
        j = (j + 1) & (w->slot_count - 1);
    }
    if ((w->strings + 1) * 2 > w->slot_count) return 0; /* out of memory while growing */
    char *copy = strdup(s);
    if (!copy) return 0;
    uint32_t id = ++w->strings;
    w->slots[j] = (slot){h, id, copy};
    size_t len = strlen(s);
    if (len > AGC_MAX_BODY - 4) len = AGC_MAX_BODY - 4; /* cut at a byte; the reader decodes leniently */
    uint8_t *b = record(w, AGC_STRING, (uint32_t)(4 + len));
    put32(b, id);
    memcpy(b + 4, s, len);
    return id;
}

void agc_process(agc_writer *w, uint32_t pid, uint32_t cupti_version, uint32_t driver_version, uint32_t flags) {
    uint8_t *b = record(w, AGC_PROCESS, 16);
    put32(b, pid);
    put32(b + 4, cupti_version);
    put32(b + 8, driver_version);
    put32(b + 12, flags);
}

void agc_clock(agc_writer *w, uint64_t cupti_ts, uint64_t realtime_ns, uint64_t monotonic_ns, uint64_t bracket_ns) {
    uint8_t *b = record(w, AGC_CLOCK, 32);
    put64(b, cupti_ts);
    put64(b + 8, realtime_ns);
    put64(b + 16, monotonic_ns);
    put64(b + 24, bracket_ns);
}

void agc_write_kernel(agc_writer *w, const agc_kernel *k) {
    uint8_t *b = record(w, AGC_KERNEL, 84);
    put64(b, k->start);
    put64(b + 8, k->end);
    put32(b + 16, k->device);
    put32(b + 20, k->context);
    put32(b + 24, k->stream);
    put32(b + 28, k->correlation);
    for (int i = 0; i < 3; i++) {
        put32(b + 32 + 4 * i, (uint32_t)k->grid[i]);
        put32(b + 44 + 4 * i, (uint32_t)k->block[i]);
    }
    put16(b + 56, k->registers);
    put16(b + 58, 0);
    put32(b + 60, (uint32_t)k->static_shared);
    put32(b + 64, (uint32_t)k->dynamic_shared);
    put32(b + 68, k->name);
    put32(b + 72, k->graph_id);
    put64(b + 76, k->graph_node_id);
}

void agc_write_memcpy(agc_writer *w, const agc_memcpy *m) {
    uint8_t *b = record(w, AGC_MEMCPY, 48);
    put64(b, m->start);
    put64(b + 8, m->end);
    put64(b + 16, m->bytes);
    put32(b + 24, m->device);
    put32(b + 28, m->context);
    put32(b + 32, m->stream);
    put32(b + 36, m->correlation);
    b[40] = m->copy_kind;
    b[41] = m->src_kind;
    b[42] = m->dst_kind;
    b[43] = m->flags;
    put32(b + 44, m->graph_id);
}

void agc_write_memset(agc_writer *w, const agc_memset *m) {
    uint8_t *b = record(w, AGC_MEMSET, 52);
    put64(b, m->start);
    put64(b + 8, m->end);
    put64(b + 16, m->bytes);
    put32(b + 24, m->device);
    put32(b + 28, m->context);
    put32(b + 32, m->stream);
    put32(b + 36, m->correlation);
    put32(b + 40, m->value);
    put16(b + 44, m->memory_kind);
    put16(b + 46, m->flags);
    put32(b + 48, m->graph_id);
}

void agc_write_sync(agc_writer *w, const agc_sync *s) {
    uint8_t *b = record(w, AGC_SYNC, 36);
    put64(b, s->start);
    put64(b + 8, s->end);
    put32(b + 16, s->type);
    put32(b + 20, s->context);
    put32(b + 24, s->stream);
    put32(b + 28, s->correlation);
    put32(b + 32, s->event);
}

void agc_write_api(agc_writer *w, const agc_api *a) {
    uint8_t *b = record(w, AGC_API, 44);
    put64(b, a->start);
    put64(b + 8, a->end);
    put32(b + 16, a->correlation);
    put32(b + 20, a->cbid);
    put32(b + 24, a->thread);
    put32(b + 28, a->process);
    put32(b + 32, a->name);
    put32(b + 36, a->return_value);
    b[40] = a->domain;
    b[41] = b[42] = b[43] = 0;
}

void agc_write_device(agc_writer *w, const agc_device *d) {
    uint8_t *b = record(w, AGC_DEVICE, 72);
    put32(b, d->id);
    put32(b + 4, d->sms);
    put32(b + 8, d->cc_major);
    put32(b + 12, d->cc_minor);
    put64(b + 16, d->global_memory_bytes);
    put64(b + 24, d->memory_bandwidth_kbs);
    put32(b + 32, d->max_warps_per_sm);
    put32(b + 36, d->max_blocks_per_sm);
    put32(b + 40, d->max_threads_per_block);
    put32(b + 44, d->max_registers_per_sm);
    put32(b + 48, d->max_shared_per_sm);
    put32(b + 52, d->name);
    memcpy(b + 56, d->uuid, 16);
}

void agc_dropped(agc_writer *w, uint32_t context, uint32_t stream, uint64_t count) {
    uint8_t *b = record(w, AGC_DROPPED, 16);
    put32(b, context);
    put32(b + 4, stream);
    put64(b + 8, count);
}

void agc_note(agc_writer *w, uint32_t level, uint32_t code, const char *text) {
    uint32_t id = agc_string(w, text);
    uint8_t *b = record(w, AGC_NOTE, 12);
    put32(b, level);
    put32(b + 4, code);
    put32(b + 8, id);
}

void agc_foreign(agc_writer *w, uint32_t kind, uint64_t count) {
    uint8_t *b = record(w, AGC_FOREIGN, 12);
    put32(b, kind);
    put64(b + 4, count);
}

uint64_t agc_records(const agc_writer *w) {
    return w->records;
}

uint64_t agc_write_errors(const agc_writer *w) {
    return w->write_errors;
}

void agc_close(agc_writer *w, agc_end *e) {
    uint8_t *b = record(w, AGC_END, 32);
    e->records = w->records;
    put64(b, e->records);
    put64(b + 8, e->dropped);
    put32(b + 16, e->buffers_outstanding);
    put32(b + 20, e->flushes);
    put64(b + 24, e->bytes);
    agc_flush(w);
    close(w->fd);
    for (uint32_t i = 0; i < w->slot_count; i++) free(w->slots[i].text);
    free(w->slots);
    free(w->chunk);
    free(w);
}
