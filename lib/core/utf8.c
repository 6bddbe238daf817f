/*
 * UTF-8 as Go's unicode/utf8 reads and writes it; see utf8.h.
 */
#include "core/utf8.h"

size_t kz_utf8_decode(const unsigned char *s, size_t n, uint32_t *r) {
    unsigned c = s[0];
    if (c < 0x80) {
        *r = c;
        return 1;
    }
    size_t len;
    uint32_t cp;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, cp = c & 0x0F;
        if (c == 0xE0) lo = 0xA0;      /* no overlong forms */
        else if (c == 0xED) hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, cp = c & 0x07;
        if (c == 0xF0) lo = 0x90;
        else if (c == 0xF4) hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        *r = KZ_RUNE_ERROR;
        return 1;
    }
    if (n < len || s[1] < lo || s[1] > hi) {
        *r = KZ_RUNE_ERROR;
        return 1;
    }
    cp = (cp << 6) | (s[1] & 0x3F);
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *r = KZ_RUNE_ERROR;
            return 1;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *r = cp;
    return len;
}

size_t kz_utf8_encode(char *dst, uint32_t r) {
    if (r > KZ_RUNE_MAX || (r >= 0xD800 && r <= 0xDFFF)) r = KZ_RUNE_ERROR;
    if (r < 0x80) {
        dst[0] = (char)r;
        return 1;
    }
    if (r < 0x800) {
        dst[0] = (char)(0xC0 | (r >> 6));
        dst[1] = (char)(0x80 | (r & 0x3F));
        return 2;
    }
    if (r < 0x10000) {
        dst[0] = (char)(0xE0 | (r >> 12));
        dst[1] = (char)(0x80 | ((r >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (r & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | (r >> 18));
    dst[1] = (char)(0x80 | ((r >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((r >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (r & 0x3F));
    return 4;
}

size_t kz_utf8_rune_count(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t count = 0;
    for (size_t i = 0; i < n; count++) {
        if (p[i] < 0x80) {
            i++;
        } else {
            uint32_t r;
            i += kz_utf8_decode(p + i, n - i, &r);
        }
    }
    return count;
}

size_t kz_utf8_valid_len(const unsigned char *s, size_t n) {
    if (n == 0) return 0;
    uint32_t r;
    size_t w = kz_utf8_decode(s, n, &r);
    return (r == KZ_RUNE_ERROR && w == 1) ? 0 : w;
}

void kz_utf8_append(kz_buf *b, uint32_t r) {
    char tmp[4];
    kz_buf_append(b, tmp, kz_utf8_encode(tmp, r));
}

void kz_utf8_sanitize(const char *s, size_t n, kz_buf *out) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = kz_utf8_valid_len(u + i, n - i);
        if (k == 0) {
            kz_buf_append(out, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            kz_buf_append(out, s + i, k);
            i += k;
        }
    }
}
