/* CRC-32 (IEEE 802.3, the polynomial of zlib and java.util.zip.CRC32). */
#ifndef AGC_CRC32_H
#define AGC_CRC32_H
#include <stddef.h>
#include <stdint.h>
uint32_t agc_crc32(const uint8_t *p, size_t n);
#endif
