/* Go objects printed through their methods (see goobj.h). */
#include "core/goobj.h"

#include <inttypes.h>

#include "core/gotime.h"

static void semver_string(const kz_value *v, kz_buf *out) {
    const kz_value *major = kz_map_getz(v, "Major"), *minor = kz_map_getz(v, "Minor");
    const kz_value *patch = kz_map_getz(v, "Patch");
    kz_buf_printf(out, "%" PRIu64 ".%" PRIu64 ".%" PRIu64, major ? kz_uint_get(major) : 0,
                  minor ? kz_uint_get(minor) : 0, patch ? kz_uint_get(patch) : 0);
    const kz_value *pre = kz_map_getz(v, "Prerelease"), *meta = kz_map_getz(v, "Metadata");
    if (pre && kz_str_len(pre)) {
        kz_buf_putc(out, '-');
        kz_buf_append(out, kz_str(pre), kz_str_len(pre));
    }
    if (meta && kz_str_len(meta)) {
        kz_buf_putc(out, '+');
        kz_buf_append(out, kz_str(meta), kz_str_len(meta));
    }
}

bool kz_goobj_string(const kz_value *v, kz_buf *out) {
    if (kz_kind_of(v) != KZ_MAP) return false;
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_TIME: kz_gotime_string(v, out); return true;
    case KZ_GOTYPE_SEMVER: semver_string(v, out); return true;
    default: return false;
    }
}

bool kz_goobj_json_string(const kz_value *v, kz_buf *out) {
    if (kz_kind_of(v) != KZ_MAP) return false;
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_TIME: kz_gotime_rfc3339nano(v, out); return true;
    case KZ_GOTYPE_SEMVER: semver_string(v, out); return true;
    default: return false;
    }
}
