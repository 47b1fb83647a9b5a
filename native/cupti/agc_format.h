/*
 * The autoglm CUPTI recording format, version 1 (docs/cupti-format.md is the reference).
 *
 * A file is a 16-byte header followed by chunks. All integers are little-endian.
 *   header: "AGLMCUPT" (8 bytes), u16 version, u16 header size (16), u32 pid
 *   chunk:  u32 CHUNK_MAGIC, u32 payload bytes, u32 CRC-32 of the payload, u32 records; payload
 *   record: u8 type, u8 0, u16 body bytes; body
 * A chunk is written with one write() call, so a process killed mid-run leaves whole chunks behind.
 * Readers skip record types they do not know (the body length says how far).
 */
#ifndef AGC_FORMAT_H
#define AGC_FORMAT_H

#define AGC_MAGIC "AGLMCUPT"
#define AGC_VERSION 1
#define AGC_HEADER_BYTES 16
#define AGC_CHUNK_MAGIC 0x4B4E4843u /* "CHNK" */
#define AGC_CHUNK_HEADER_BYTES 16
#define AGC_RECORD_HEADER_BYTES 4
#define AGC_MAX_BODY 65535

enum agc_record_type {
    AGC_PROCESS = 1, /* u32 pid, u32 CUPTI API version, u32 CUDA driver version (0 unknown), u32 flags */
    AGC_CLOCK = 2,   /* u64 CUPTI timestamp, u64 CLOCK_REALTIME ns, u64 CLOCK_MONOTONIC ns, u64 bracket ns */
    AGC_STRING = 3,  /* u32 id, UTF-8 bytes (the rest of the body) */
    AGC_KERNEL = 4,  /* see agc_write_kernel */
    AGC_MEMCPY = 5,
    AGC_MEMSET = 6,
    AGC_SYNC = 7,
    AGC_API = 8,
    AGC_DEVICE = 9,
    AGC_DROPPED = 10, /* u32 context, u32 stream, u64 records CUPTI dropped */
    AGC_NOTE = 11,    /* u32 level (1 warning, 2 error), u32 code, u32 text string id */
    AGC_FOREIGN = 12, /* u32 CUPTI activity kind, u64 records of a kind autoglm did not enable */
    AGC_END = 13,     /* u64 records, u64 dropped, u32 buffers outstanding, u32 flushes, u64 bytes */
    AGC_CUT = 14      /* written by autoglm, never by the library: u64 from realtime ns, u64 to, u64 activity
                         records left out before, u64 after (the recording was cut to a load's window) */
};

enum agc_api_domain { AGC_DOMAIN_RUNTIME = 1, AGC_DOMAIN_DRIVER = 2 };
enum agc_note_level { AGC_WARNING = 1, AGC_ERROR = 2 };

#endif
