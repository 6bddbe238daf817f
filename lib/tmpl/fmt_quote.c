/*
 * UTF-8 as Go reads it, and strconv's quoting (Quote, QuoteToASCII,
 * QuoteRune, CanBackquote) for Go's fmt.
 */
#include "core/buf.h"
#include "tmpl/fmt.h"
#include "tmpl/fmt_internal.h"

static const char lower_hex[] = "0123456789abcdef";


/* Appends a backslash escape of r with `digits` hex digits after `prefix`. */
static void put_hex_escape(kz_buf *out, const char *prefix, uint32_t r, int digits) {
    char tmp[12];
    size_t n = 0;
    tmp[n++] = prefix[0];
    tmp[n++] = prefix[1];
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) tmp[n++] = lower_hex[(r >> shift) & 0xF];
    kz_buf_append(out, tmp, n);
}

/* strconv's appendEscapedRune: r inside a literal delimited by `quote`. */
static void put_escaped_rune(kz_buf *out, uint32_t r, char quote, bool ascii_only) {
    char tmp[4];
    if (r == (uint32_t)quote || r == '\\') {
        tmp[0] = '\\', tmp[1] = (char)r;
        kz_buf_append(out, tmp, 2);
        return;
    }
    if (ascii_only ? (r < 0x80 && kz_fmt_isprint(r)) : kz_fmt_isprint(r)) {
        kz_buf_append(out, tmp, kz_utf8_encode(tmp, r));
        return;
    }
    static const char named[] = "\a\b\f\n\r\t\v";
    static const char letters[] = "abfnrtv";
    for (size_t i = 0; i < sizeof named - 1; i++) {
        if (r == (unsigned char)named[i]) {
            tmp[0] = '\\', tmp[1] = letters[i];
            kz_buf_append(out, tmp, 2);
            return;
        }
    }
    if (r < ' ' || r == 0x7F) put_hex_escape(out, "\\x", r, 2);
    else if (r > KZ_RUNE_MAX || (r >= 0xD800 && r <= 0xDFFF)) put_hex_escape(out, "\\u", KZ_RUNE_ERROR, 4);
    else if (r < 0x10000) put_hex_escape(out, "\\u", r, 4);
    else put_hex_escape(out, "\\U", r, 8);
}

void kz_fmt_quote(kz_buf *out, const char *s, size_t n, bool ascii_only) {
    const unsigned char *p = (const unsigned char *)s;
    kz_buf_reserve(out, n + 2);
    kz_buf_putc(out, '"');
    size_t i = 0;
    while (i < n) {
        /* Copy the run of printable ASCII that needs no escape at once. */
        size_t run = i;
        while (run < n && p[run] >= 0x20 && p[run] < 0x7F && p[run] != '"' && p[run] != '\\') run++;
        if (run > i) {
            kz_buf_append(out, s + i, run - i);
            i = run;
            continue;
        }
        uint32_t r;
        size_t len = kz_utf8_decode(p + i, n - i, &r);
        if (len == 1 && r == KZ_RUNE_ERROR) put_hex_escape(out, "\\x", p[i], 2);
        else put_escaped_rune(out, r, '"', ascii_only);
        i += len;
    }
    kz_buf_putc(out, '"');
}

/* strconv.QuoteRune / QuoteRuneToASCII. */
void kz_fmt_quote_rune(kz_buf *out, uint32_t r, bool ascii_only) {
    if (r > KZ_RUNE_MAX || (r >= 0xD800 && r <= 0xDFFF)) r = KZ_RUNE_ERROR;
    kz_buf_putc(out, '\'');
    put_escaped_rune(out, r, '\'', ascii_only);
    kz_buf_putc(out, '\'');
}

bool kz_fmt_can_backquote(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t r;
        size_t len = kz_utf8_decode(p + i, n - i, &r);
        i += len;
        if (len > 1) {
            if (r == 0xFEFF) return false;
            continue;
        }
        if (r == KZ_RUNE_ERROR) return false;
        if ((r < ' ' && r != '\t') || r == '`' || r == 0x7F) return false;
    }
    return true;
}
