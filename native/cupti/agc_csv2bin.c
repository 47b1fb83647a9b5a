/*
 * agc-csv2bin: writes a CUPTI recording (agc_format.h) from the CSV of raw CUPTI activity records in
 * ../shared/fixtures/cupti (lines K kernel, R runtime API, M memcpy; see its README), through the same
 * writer, name demangling and API selection as the injected library. It turns the H100 recording into a
 * test input for the reader; it is a development tool and is not shipped.
 *
 *   zcat cupti-glm8-eager-decode.csv.gz | agc-csv2bin OUT.bin cupti_runtime_cbid.h [FROM_NS TO_NS]
 *
 * Records are kept when they start in [FROM_NS, TO_NS). The CSV has CLOCK_REALTIME timestamps, so the
 * clock record pairs each with itself; it has no device, grid or block fields, which stay 0.
 */
#include "agc_format.h"
#include "agc_names.h"
#include "agc_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CBID 4096

static char *cbid_names[MAX_CBID];

static int read_cbids(const char *header) {
    FILE *f = fopen(header, "r");
    if (!f) return -1;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char name[512];
        unsigned id;
        if (sscanf(line, " CUPTI_RUNTIME_TRACE_CBID_%511[A-Za-z0-9_] = %u", name, &id) == 2 && id < MAX_CBID) {
            char clean[512];
            agc_api_name(name, clean, sizeof clean);
            free(cbid_names[id]);
            cbid_names[id] = strdup(clean);
        }
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 5) {
        fprintf(stderr, "usage: agc-csv2bin OUT.bin cupti_runtime_cbid.h [FROM_NS TO_NS] < records.csv\n");
        return 2;
    }
    unsigned long long from = 0, to = ~0ull;
    if (argc == 5) {
        from = strtoull(argv[3], NULL, 10);
        to = strtoull(argv[4], NULL, 10);
    }
    if (read_cbids(argv[2]) != 0) {
        perror(argv[2]);
        return 2;
    }
    agc_writer *w = agc_open(argv[1], 0);
    if (!w) {
        perror(argv[1]);
        return 2;
    }
    agc_process(w, 0, 0, 0, 1); /* flags bit 0: converted from the CSV fixture */
    size_t cap = 1 << 16;
    char *line = malloc(cap);
    unsigned long long kept = 0, filtered = 0, outside = 0, first = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (line[n - 1] == '\n') line[--n] = 0;
        char kind = line[0];
        if (kind != 'K' && kind != 'R' && kind != 'M') continue;
        unsigned long long s = 0, e = 0, corr = 0, a = 0, b = 0, c = 0, d = 0;
        int off = 0;
        if (sscanf(line + 2, "%llu,%llu,%llu,%llu,%n", &s, &e, &corr, &a, &off) < 4) continue;
        if (s < from || s >= to) {
            outside++;
            continue;
        }
        if (!first) {
            first = s;
            agc_clock(w, s, s, 0, 0);
        }
        const char *rest = line + 2 + off;
        if (kind == 'K') {
            char *readable = agc_demangle(rest);
            agc_kernel k = {s, e, 0, 1, (uint32_t)a, (uint32_t)corr, {0, 0, 0}, {0, 0, 0}, 0, 0, 0,
                            agc_string(w, readable ? readable : rest), 0, 0};
            free(readable);
            agc_write_kernel(w, &k);
        } else if (kind == 'R') {
            unsigned long long tid = strtoull(rest, NULL, 10);
            const char *name = a < MAX_CBID && cbid_names[a] ? cbid_names[a] : "unknown runtime API";
            if (!agc_api_wanted(name)) {
                filtered++;
                continue;
            }
            agc_api r = {s, e, (uint32_t)corr, (uint32_t)a, (uint32_t)tid, 0, agc_string(w, name), 0,
                         AGC_DOMAIN_RUNTIME};
            agc_write_api(w, &r);
        } else {
            if (sscanf(rest, "%llu,%llu,%llu", &b, &c, &d) != 3) continue;
            /* a = stream, b = bytes, c = copyKind, d = srcKind */
            agc_memcpy m = {s, e, b, 0, 1, (uint32_t)a, (uint32_t)corr, (uint8_t)c, (uint8_t)d, 0, 0, 0};
            agc_write_memcpy(w, &m);
        }
        kept++;
    }
    free(line);
    agc_end end = {0};
    agc_close(w, &end);
    fprintf(stderr, "agc-csv2bin: %llu records kept, %llu runtime calls not selected, %llu outside the window\n",
            kept, filtered, outside);
    return 0;
}
