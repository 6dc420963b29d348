#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *handle);
    CURLcode (*easy_perform)(CURL *handle);
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *handle, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
} curl;

static char load_failure[512];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static int resolve(void *library, void **slot, const char *name) {
    *slot = dlsym(library, name);
    if (*slot == NULL) {
        snprintf(load_failure, sizeof load_failure, "libcurl lacks %s", name);
        return 0;
    }
    return 1;
}

static void load(void) {
    /* Lazy binding: of the thirty-odd libraries' functions a sync calls a few; binding them all
       up front (RTLD_NOW) costs every sync. The nine entry points are checked by dlsym below. */
    void *library = dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libcurl.so", RTLD_LAZY | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(load_failure, sizeof load_failure, "%s", reason ? reason : "libcurl.so.4 not found");
        return;
    }
    if (!resolve(library, (void **)&curl.global_init, "curl_global_init") ||
        !resolve(library, (void **)&curl.easy_init, "curl_easy_init") ||
        !resolve(library, (void **)&curl.easy_cleanup, "curl_easy_cleanup") ||
        !resolve(library, (void **)&curl.easy_perform, "curl_easy_perform") ||
        !resolve(library, (void **)&curl.easy_setopt, "curl_easy_setopt") ||
        !resolve(library, (void **)&curl.easy_getinfo, "curl_easy_getinfo") ||
        !resolve(library, (void **)&curl.easy_strerror, "curl_easy_strerror") ||
        !resolve(library, (void **)&curl.slist_append, "curl_slist_append") ||
        !resolve(library, (void **)&curl.slist_free_all, "curl_slist_free_all")) {
        return;
    }
    CURLcode code = curl.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(load_failure, sizeof load_failure, "curl_global_init: %s", curl.easy_strerror(code));
    }
}

const char *gongkai_curl_load(void) {
    pthread_once(&load_once, load);
    return load_failure[0] ? load_failure : NULL;
}

CURL *gongkai_curl_easy_init(void) { return curl.easy_init(); }
void gongkai_curl_easy_cleanup(CURL *handle) { curl.easy_cleanup(handle); }
CURLcode gongkai_curl_easy_perform(CURL *handle) { return curl.easy_perform(handle); }
const char *gongkai_curl_easy_strerror(CURLcode code) { return curl.easy_strerror(code); }
struct curl_slist *gongkai_curl_slist_append(struct curl_slist *list, const char *text) { return curl.slist_append(list, text); }
void gongkai_curl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }

CURLcode gongkai_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode gongkai_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode gongkai_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode gongkai_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl.easy_setopt(handle, option, value);
}

CURLcode gongkai_curl_setopt_write_function(CURL *handle, gongkai_curl_write_callback callback) {
    return curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
}

CURLcode gongkai_curl_setopt_progress_function(CURL *handle, gongkai_curl_progress_callback callback) {
    return curl.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

CURLcode gongkai_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl.easy_getinfo(handle, info, value);
}

CURLcode gongkai_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl.easy_getinfo(handle, info, value);
}
