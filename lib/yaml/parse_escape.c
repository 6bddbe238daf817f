/* Double-quoted escapes libyaml and go-yaml disagree on: see parse_escape.h. */
#include "yaml/parse_escape.h"

#include <stdint.h>
#include <string.h>

size_t kz_yaml_dq_find_escape(const char *raw, size_t n, char c) {
    for (size_t i = 0; i + 1 < n; i++) {
        if (raw[i] != '\\') continue;
        if (raw[i + 1] == c) return i;
        i++; /* the escaped character: \\ must not start another escape */
    }
    return SIZE_MAX;
}

/* Whether the `digits` hex digits at s are all zeros (a NUL by \x, \u or \U). */
static bool zero_digits(const char *s, size_t avail, size_t digits) {
    if (avail < digits) return false;
    for (size_t k = 0; k < digits; k++)
        if (s[k] != '0') return false;
    return true;
}

bool kz_yaml_is_patched(size_t off, const size_t *patched, size_t npatched) {
    size_t lo = 0, hi = npatched;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (patched[mid] == off) return true;
        if (patched[mid] < off) lo = mid + 1;
        else hi = mid;
    }
    return false;
}

void kz_yaml_dq_restore_quotes(const char *raw, size_t n, size_t base, const size_t *patched, size_t npatched,
                               unsigned char *val, size_t vlen) {
    size_t at = 0; /* next byte of val to look for a NUL at */
    for (size_t i = 0; i + 1 < n; i++) {
        if (raw[i] != '\\') continue;
        char e = raw[i + 1];
        size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
        bool nul = e == '0' || (digits && zero_digits(raw + i + 2, n - i - 2, digits));
        i++;
        if (!nul) continue;
        /* the NULs of val come in the order of the escapes that made them */
        unsigned char *z = at < vlen ? memchr(val + at, 0, vlen - at) : NULL;
        if (!z) return;
        if (e == '0' && kz_yaml_is_patched(base + i - 1, patched, npatched)) *z = '\'';
        at = (size_t)(z - val) + 1;
    }
}
