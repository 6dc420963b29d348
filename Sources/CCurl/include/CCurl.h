#ifndef GONGKAI_CCURL_H
#define GONGKAI_CCURL_H

#include <curl/curl.h>

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
