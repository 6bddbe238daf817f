/* The values flags hm template and hm lint share (hm.h). */
#include <stdlib.h>

#include "core/alloc.h"
#include "hm.h"

const char **hm_flag_strings(const kz_cli_ctx *ctx, const char *name, size_t *n) {
    const kz_value *v = kz_cli_flag(ctx, name);
    *n = v && kz_is_seq(v) ? kz_len(v) : 0;
    const char **out = kz_xcalloc(*n + 1, sizeof *out);
    for (size_t i = 0; i < *n; i++) out[i] = kz_str(kz_seq_at(v, i));
    return out;
}

void hm_values_options(const kz_cli_ctx *ctx, kz_values_options *vo) {
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
