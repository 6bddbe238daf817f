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
