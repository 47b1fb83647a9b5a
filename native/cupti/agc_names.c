#include "agc_names.h"

#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);
static demangle_fn demangler;
static pthread_once_t demangler_once = PTHREAD_ONCE_INIT;

static void find_demangler(void) {
    demangler = (demangle_fn)dlsym(RTLD_DEFAULT, "__cxa_demangle");
    if (!demangler) {
        void *h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
        if (h) demangler = (demangle_fn)dlsym(h, "__cxa_demangle");
    }
}

char *agc_demangle(const char *mangled) {
    if (!mangled || strncmp(mangled, "_Z", 2) != 0) return NULL;
    pthread_once(&demangler_once, find_demangler);
    if (!demangler) return NULL;
    int status = 0;
    char *out = demangler(mangled, NULL, NULL, &status);
    if (status != 0) {
        free(out);
        return NULL;
    }
    return out;
}

void agc_api_name(const char *cbid_name, char *out, size_t n) {
    if (n == 0) return;
    size_t len = strlen(cbid_name);
    /* strip a trailing _v<digits> */
    size_t cut = len;
    size_t i = len;
    while (i > 0 && isdigit((unsigned char)cbid_name[i - 1])) i--;
    if (i < len && i >= 2 && cbid_name[i - 1] == 'v' && cbid_name[i - 2] == '_') cut = i - 2;
    if (cut >= n) cut = n - 1;
    memcpy(out, cbid_name, cut);
    out[cut] = 0;
}

static const char *const WANTED[] = {
    /* runtime */
    "cudaLaunch", "cudaGraphLaunch", "cudaMemcpy", "cudaMemset", "cudaDeviceSynchronize", "cudaStreamSynchronize",
    "cudaEventSynchronize", "cudaStreamWaitEvent", "cudaMalloc", "cudaFree",
    /* driver (libraries such as cuBLASLt and cuDNN launch through it) */
    "cuLaunch", "cuGraphLaunch", "cuMemcpy", "cuMemset", "cuCtxSynchronize", "cuStreamSynchronize",
    "cuEventSynchronize", "cuStreamWaitEvent", "cuMemAlloc", "cuMemFree", NULL};

int agc_api_wanted(const char *name) {
    for (int i = 0; WANTED[i]; i++) {
        if (strncmp(name, WANTED[i], strlen(WANTED[i])) == 0) return 1;
    }
    return 0;
}
