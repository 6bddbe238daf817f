#include "core/base64.h"

#include <stdint.h>

static int b64_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bool kz_base64_decode(const char *s, size_t n, kz_buf *out) {
    uint32_t acc = 0;
    int have = 0, pad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' || c == '\n') continue;
        if (c == '=') {
            pad++;
            continue;
        }
        int v = b64_value(c);
        if (v < 0 || pad) return false;
        acc = (acc << 6) | (uint32_t)v;
        if (++have == 4) {
            char b[3] = {(char)(acc >> 16), (char)(acc >> 8), (char)acc};
            kz_buf_append(out, b, 3);
            acc = 0;
            have = 0;
        }
    }
    if (have == 0) return pad == 0;
    if (have == 1 || have + pad != 4) return false;
    if (have == 2) kz_buf_putc(out, (char)(acc >> 4));
    if (have == 3) {
        char b[2] = {(char)(acc >> 10), (char)(acc >> 2)};
        kz_buf_append(out, b, 2);
    }
    return true;
}

/* One quantum of Go's decoder (encoding/base64 decodeQuantum, strict off):
 * newlines skipped, padding checked, trailing garbage after padding refused.
 * Returns the bytes produced (0..3) or -1 with *bad set; *si advances. */
static int decode_quantum(const char *s, size_t n, size_t *si, char dst[3], long *bad, bool *done) {
    int dbuf[4] = {0, 0, 0, 0};
    int dlen = 4;
    for (int j = 0; j < 4; j++) {
        if (*si == n) {
            if (j == 0) {
                *done = true;
                return 0;
            }
            *bad = (long)(*si - (size_t)j);
            return -1;
        }
        unsigned char in = (unsigned char)s[(*si)++];
        int v = b64_value(in);
        if (v >= 0) {
            dbuf[j] = v;
            continue;
        }
        if (in == '\n' || in == '\r') {
            j--;
            continue;
        }
        if (in != '=' || j < 2) {
            *bad = (long)(*si - 1);
            return -1;
        }
        if (j == 2) { /* "==" expected: the first is consumed */
            while (*si < n && (s[*si] == '\n' || s[*si] == '\r')) (*si)++;
            if (*si == n) {
                *bad = (long)n;
                return -1;
            }
            if (s[*si] != '=') {
                *bad = (long)(*si - 1);
                return -1;
            }
            (*si)++;
        }
        while (*si < n && (s[*si] == '\n' || s[*si] == '\r')) (*si)++;
        if (*si < n) *bad = (long)*si; /* trailing garbage: Go still writes the quantum */
        dlen = j;
        *done = true;
        break;
    }
    uint32_t val = (uint32_t)dbuf[0] << 18 | (uint32_t)dbuf[1] << 12 | (uint32_t)dbuf[2] << 6 | (uint32_t)dbuf[3];
    dst[0] = (char)(val >> 16);
    dst[1] = (char)(val >> 8);
    dst[2] = (char)val;
    return dlen - 1;
}

long kz_base64_decode_go(const char *s, size_t n, kz_buf *out) {
    size_t si = 0;
    bool done = false;
    while (!done) {
        char dst[3];
        long bad = -1;
        int got = decode_quantum(s, n, &si, dst, &bad, &done);
        if (got > 0) kz_buf_append(out, dst, (size_t)got);
        if (bad >= 0) return bad;
    }
    return -1;
}

void kz_base64_encode(const char *s, size_t n, kz_buf *out) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    kz_buf_reserve(out, (n + 2) / 3 * 4);
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        char q[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], alphabet[v & 63]};
        kz_buf_append(out, q, 4);
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
        char q[4] = {alphabet[v >> 18], alphabet[(v >> 12) & 63], i + 1 < n ? alphabet[(v >> 6) & 63] : '=', '='};
        kz_buf_append(out, q, 4);
    }
}
