/* The values flags hm template and hm lint share (hm.h). */
#include <stdlib.h>
#include <strings.h>

#include "core/alloc.h"
#include "hm.h"
#include "http/http.h"

const char **hm_flag_strings(const kz_cli_ctx *ctx, const char *name, size_t *n) {
    const kz_value *v = kz_cli_flag(ctx, name);
    *n = v && kz_is_seq(v) ? kz_len(v) : 0;
    const char **out = kz_xcalloc(*n + 1, sizeof *out);
    for (size_t i = 0; i < *n; i++) out[i] = kz_str(kz_seq_at(v, i));
    return out;
}

/* Helm's values readFile (-f and --set-file): a path whose URL scheme has a
 * getter, http or https, is downloaded with Helm's getter errors; anything
 * else is read from disk ("-" is standard input). */
static int read_values_file(void *ctx, const char *path, kz_buf *out, kz_value *err) {
    if (strncasecmp(path, "http://", 7) != 0 && strncasecmp(path, "https://", 8) != 0)
        return kz_values_read_file(ctx, path, out, err);
    kz_http_request req = {.url = path, .user_agent = "Helm/3.17.3"};
    kz_http_response resp = KZ_HTTP_RESPONSE_INIT;
    kz_value e = kz_http_fetch(&req, &resp);
    if (kz_error_message(&e)) {
        kz_http_response_free(&resp);
        *err = e;
        return -1;
    }
    kz_free(e);
    kz_buf_append(out, resp.body.data ? resp.body.data : "", resp.body.len);
    kz_http_response_free(&resp);
    return 0;
}

void hm_values_options(const kz_cli_ctx *ctx, kz_values_options *vo) {
    vo->reader = read_values_file;
    vo->value_files = hm_flag_strings(ctx, "values", &vo->n_value_files);
    vo->values = hm_flag_strings(ctx, "set", &vo->n_values);
    vo->string_values = hm_flag_strings(ctx, "set-string", &vo->n_string_values);
    vo->json_values = hm_flag_strings(ctx, "set-json", &vo->n_json_values);
    vo->file_values = hm_flag_strings(ctx, "set-file", &vo->n_file_values);
    vo->literal_values = hm_flag_strings(ctx, "set-literal", &vo->n_literal_values);
}

void hm_values_options_free(kz_values_options *vo) {
    free((void *)vo->value_files);
    free((void *)vo->values);
    free((void *)vo->string_values);
    free((void *)vo->json_values);
    free((void *)vo->file_values);
    free((void *)vo->literal_values);
}
