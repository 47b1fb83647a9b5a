/* Names as users read them: demangled kernel names, API names without CUPTI's version suffix, and the
 * set of API calls worth recording (launches, copies, sets, synchronisation, allocation). */
#ifndef AGC_NAMES_H
#define AGC_NAMES_H
#include <stddef.h>

/* Demangled copy of a C++ symbol (malloc'd, the caller frees), or NULL when it is not mangled or no
 * demangler is in the process (libstdc++'s __cxa_demangle, looked up once). */
char *agc_demangle(const char *mangled);
/* "cudaLaunchKernel_v7000" -> "cudaLaunchKernel", written into out (size n). */
void agc_api_name(const char *cbid_name, char *out, size_t n);
/* Whether an API call of this (suffix-free) name is recorded. */
int agc_api_wanted(const char *name);
#endif
