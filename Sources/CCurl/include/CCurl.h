#ifndef GONGKAI_CCURL_H
#define GONGKAI_CCURL_H

#include <curl/curl.h>

/* libcurl is opened on first use (dlopen), not linked: it brings some thirty shared libraries
   (TLS, HTTP/2, IDN, LDAP, Kerberos...) whose loading cost every command about 3 ms of start-up,
   though only `sync` talks to a server. Returns NULL once loaded, or why it could not be. */
const char *gongkai_curl_load(void);

/* The libcurl calls gongkai makes, valid after gongkai_curl_load() returned NULL. */
CURL *gongkai_curl_easy_init(void);
void gongkai_curl_easy_cleanup(CURL *handle);
CURLcode gongkai_curl_easy_perform(CURL *handle);
const char *gongkai_curl_easy_strerror(CURLcode code);
struct curl_slist *gongkai_curl_slist_append(struct curl_slist *list, const char *text);
void gongkai_curl_slist_free_all(struct curl_slist *list);

/* curl_easy_setopt is variadic, which Swift cannot call: one typed wrapper per argument kind. */
CURLcode gongkai_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode gongkai_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode gongkai_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode gongkai_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);

typedef size_t (*gongkai_curl_write_callback)(char *data, size_t size, size_t count, void *context);
CURLcode gongkai_curl_setopt_write_function(CURL *handle, gongkai_curl_write_callback callback);

typedef int (*gongkai_curl_progress_callback)(void *context, curl_off_t download_total, curl_off_t download_now,
                                              curl_off_t upload_total, curl_off_t upload_now);
CURLcode gongkai_curl_setopt_progress_function(CURL *handle, gongkai_curl_progress_callback callback);

CURLcode gongkai_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode gongkai_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);

#endif
