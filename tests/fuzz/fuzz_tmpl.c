/*
 * libFuzzer target for the template engine: any text is parsed as a template
 * and, if it parses, executed against fixed data in both missing-key modes.
 * Nothing may crash, leak, overflow the stack or trip a sanitizer; errors are
 * fine (see README.md here).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "json/json.h"
#include "tmpl/exec.h"
#include "tmpl/set.h"

static const char data_json[] =
    "{\"Values\": {\"s\": \"hello\", \"n\": 3, \"f\": 1.5, \"t\": true, \"nul\": null,"
    " \"l\": [1, \"a\", [2], {\"k\": \"v\"}], \"m\": {\"b\": 2, \"a\": {\"x\": [3]}}, \"e\": []},"
    " \"Release\": {\"Name\": \"r\"}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    kz_json_parse_opts jo = {.numbers = KZ_JSON_NUMBERS_FLOAT64};
    kz_value dot = kz_json_parse(data_json, strlen(data_json), &jo);
    kz_tmpl_set *set = kz_tmpl_set_new(NULL);
    kz_value err = kz_tmpl_set_add(set, "c/templates/x.yaml", (const char *)data, size);
    if (kz_is_valid(&err)) {
        for (int mode = 0; mode < 2; mode++) {
            kz_buf out = KZ_BUF_INIT;
            kz_tmpl_exec_opts opts = {.missingkey = mode ? KZ_TMPL_MISSING_ERROR : KZ_TMPL_MISSING_ZERO};
            kz_value r = kz_tmpl_execute(set, "c/templates/x.yaml", 18, &dot, &opts, &out);
            kz_free(r);
            kz_buf_free(&out);
        }
    }
    kz_free(err);
    kz_tmpl_set_free(set);
    kz_free(dot);
    return 0;
}
