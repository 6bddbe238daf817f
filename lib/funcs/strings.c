/*
 * Template functions: strings family (see funcs_internal.h).
 *
 * Sprig's string functions over Go's strings package, huandu/xstrings
 * (snakecase, kebabcase, camelcase = ToPascalCase) and Masterminds/goutils
 * (abbrev, initials, nospace, untitle, swapcase, wrap). Go works on bytes or
 * on runes depending on the function; each helper below says which.
 *
 * Unicode case mapping and upper/lower classes come from core/unicode.h
 * (glibc's tables, equal to Go's); IsPunct and IsNumber below are exact for
 * ASCII and Latin-1 and cover the common blocks beyond (a documented gap,
 * docs/compatibility.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/unicode.h"
#include "core/utf8.h"
#include "core/alloc.h"
#include "funcs/funcs_internal.h"
#include "tmpl/fmt.h"

/* ---- Unicode classes ---- */

enum { TO_UPPER = 0, TO_LOWER = 1, TO_TITLE = 2 };

/* unicode.To(which, r) */
static uint32_t case_to(int which, uint32_t r) {
    return which == TO_UPPER ? kz_go_to_upper(r) : which == TO_LOWER ? kz_go_to_lower(r) : kz_go_to_title(r);
}

static bool is_upper(uint32_t r) { return kz_go_is_upper(r); }

static bool is_title(uint32_t r) { return kz_go_is_title(r); }
static bool is_lower(uint32_t r) { return kz_go_is_lower(r); }


/* unicode.IsPunct (P*), ASCII and Latin-1 exact, a few common blocks beyond. */
static bool is_punct(uint32_t r) {
    if (r < 0x80) return r < 0x7F && strchr("!\"#%&'()*,-./:;?@[\\]_{}", (int)r) && r != 0;
    if (r < 0x100) return r == 0xA1 || r == 0xA7 || r == 0xAB || r == 0xB6 || r == 0xB7 || r == 0xBB || r == 0xBF;
    return r == 0x37E || r == 0x387 || (r >= 0x55A && r <= 0x55F) || r == 0x589 || r == 0x58A ||
           (r >= 0x2010 && r <= 0x2027) || (r >= 0x2030 && r <= 0x2043) || (r >= 0x2045 && r <= 0x2051) ||
           (r >= 0x2053 && r <= 0x205E) || (r >= 0x3001 && r <= 0x3003) || (r >= 0x3008 && r <= 0x3011) ||
           (r >= 0x3014 && r <= 0x301F) || (r >= 0xFF01 && r <= 0xFF03) || (r >= 0xFF05 && r <= 0xFF0A) ||
           (r >= 0xFF0C && r <= 0xFF0F) || r == 0xFF1A || r == 0xFF1B || r == 0xFF1F || r == 0xFF20 ||
           (r >= 0xFF3B && r <= 0xFF3D) || r == 0xFF3F || r == 0xFF5B || r == 0xFF5D || (r >= 0xFF5F && r <= 0xFF65);
}

/* unicode.IsNumber (N*) */
static bool is_number(uint32_t r) {
    if (kz_go_is_digit(r)) return true;
    return r == 0xB2 || r == 0xB3 || r == 0xB9 || (r >= 0xBC && r <= 0xBE) || r == 0x2070 ||
           (r >= 0x2074 && r <= 0x2079) || (r >= 0x2080 && r <= 0x2089) || (r >= 0x2150 && r <= 0x2189) ||
           (r >= 0x2460 && r <= 0x249B) || (r >= 0x24EA && r <= 0x24FF) || (r >= 0x2776 && r <= 0x2793) ||
           r == 0x3007 || (r >= 0x3021 && r <= 0x3029);
}

/* ---- helpers ---- */

static size_t dec(const char *s, size_t n, uint32_t *r) {
    return kz_utf8_decode((const unsigned char *)s, n, r);
}

static kz_value buf_value(kz_buf *b) {
    kz_value v = kz_string_n(b->data ? b->data : "", b->len);
    kz_buf_free(b);
    return v;
}

#define S(i) kz_str(&argv[i]), kz_str_len(&argv[i])
#define I(i) kz_int_get(&argv[i])

/* strings.Map with a rune mapping (invalid bytes become U+FFFD). */
static kz_value map_runes(const char *s, size_t n, uint32_t (*f)(uint32_t)) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_reserve(&b, n);
    for (size_t i = 0; i < n;) {
        uint32_t r;
        i += dec(s + i, n - i, &r);
        kz_utf8_append(&b, f(r));
    }
    return buf_value(&b);
}

static uint32_t to_upper(uint32_t r) { return case_to(TO_UPPER, r); }
static uint32_t to_lower(uint32_t r) { return case_to(TO_LOWER, r); }
static uint32_t to_title(uint32_t r) { return case_to(TO_TITLE, r); }

static bool all_ascii(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return false;
    return true;
}

/* ---- the functions ---- */

static kz_value fn_hello(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc, (void)argv;
    return kz_string("Hello!");
}

/* goutils.AbbreviateFull (bytes); "" on its errors. */
static void abbreviate_full(const char *s, size_t n, int64_t offset, int64_t max, kz_buf *out) {
    if (n == 0) return;
    if (max < 4) return;
    int64_t len = (int64_t)n;
    if (len <= max) {
        kz_buf_append(out, s, n);
        return;
    }
    if (offset > len) offset = len;
    if (len - offset < max - 3) offset = len - (max - 3);
    if (offset <= 4) {
        kz_buf_append(out, s, (size_t)(max - 3));
        kz_buf_puts(out, "...");
        return;
    }
    if (max < 7) return;
    if (offset + max - 3 < len) {
        kz_buf b = KZ_BUF_INIT;
        abbreviate_full(s + offset, (size_t)(len - offset), 0, max - 3, &b);
        kz_buf_puts(out, "...");
        kz_buf_append(out, b.data ? b.data : "", b.len);
        kz_buf_free(&b);
        return;
    }
    kz_buf_puts(out, "...");
    kz_buf_append(out, s + (len - (max - 3)), (size_t)(max - 3));
}

static kz_value fn_abbrev(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (I(0) < 4) return kz_copy(&argv[1]);
    kz_buf b = KZ_BUF_INIT;
    abbreviate_full(S(1), 0, I(0), &b);
    return buf_value(&b);
}

static kz_value fn_abbrevboth(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t left = I(0), right = I(1);
    if (right < 4 || (left > 0 && right < 7)) return kz_copy(&argv[2]);
    kz_buf b = KZ_BUF_INIT;
    abbreviate_full(S(2), left, right, &b);
    return buf_value(&b);
}

static kz_value fn_trunc(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t n = I(0);
    const char *s = kz_str(&argv[1]);
    int64_t len = (int64_t)kz_str_len(&argv[1]);
    if (n < 0 && len + n > 0) return kz_string_n(s + len + n, (size_t)-n);
    if (n >= 0 && len > n) return kz_string_n(s, (size_t)n);
    return kz_copy(&argv[1]);
}

/* strings.TrimFunc(s, unicode.IsSpace) */
static kz_value fn_trim(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *s = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]), a = 0, e = n;
    while (a < e) {
        uint32_t r;
        size_t l = dec(s + a, e - a, &r);
        if (!kz_go_is_space(r) || (r == KZ_RUNE_ERROR && l == 1)) break;
        a += l;
    }
    while (e > a) {
        /* step back one rune */
        size_t st = e - 1;
        while (st > a && e - st < 4 && ((unsigned char)s[st] & 0xC0) == 0x80) st--;
        uint32_t r;
        size_t l = dec(s + st, e - st, &r);
        if (st + l != e) { /* not a full rune ending at e: one invalid byte */
            break;
        }
        if (!kz_go_is_space(r)) break;
        e = st;
    }
    return kz_string_n(s + a, e - a);
}

static bool cutset_has(const char *cut, size_t cn, uint32_t r) {
    for (size_t i = 0; i < cn;) {
        uint32_t c;
        i += dec(cut + i, cn - i, &c);
        if (c == r) return true;
    }
    return false;
}

/* strings.Trim(s, cutset) */
static kz_value fn_trimall(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *cut = kz_str(&argv[0]);
    size_t cn = kz_str_len(&argv[0]);
    const char *s = kz_str(&argv[1]);
    size_t n = kz_str_len(&argv[1]), a = 0, e = n;
    if (n == 0 || cn == 0) return kz_copy(&argv[1]);
    while (a < e) {
        uint32_t r;
        size_t l = dec(s + a, e - a, &r);
        if (!cutset_has(cut, cn, r)) break;
        a += l;
    }
    while (e > a) {
        size_t st = e - 1;
        while (st > a && e - st < 4 && ((unsigned char)s[st] & 0xC0) == 0x80) st--;
        uint32_t r;
        size_t l = dec(s + st, e - st, &r);
        if (st + l != e) {
            st = e - 1;
            r = KZ_RUNE_ERROR;
        }
        if (!cutset_has(cut, cn, r)) break;
        e = st;
    }
    return kz_string_n(s + a, e - a);
}

static kz_value fn_trimsuffix(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    size_t sn = kz_str_len(&argv[0]), n = kz_str_len(&argv[1]);
    if (sn <= n && memcmp(kz_str(&argv[1]) + n - sn, kz_str(&argv[0]), sn) == 0)
        return kz_string_n(kz_str(&argv[1]), n - sn);
    return kz_copy(&argv[1]);
}

static kz_value fn_trimprefix(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    size_t pn = kz_str_len(&argv[0]), n = kz_str_len(&argv[1]);
    if (pn <= n && memcmp(kz_str(&argv[1]), kz_str(&argv[0]), pn) == 0)
        return kz_string_n(kz_str(&argv[1]) + pn, n - pn);
    return kz_copy(&argv[1]);
}

static kz_value ascii_case(const kz_value *v, bool up) {
    const char *s = kz_str(v);
    size_t n = kz_str_len(v);
    char *d = kz_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (up && ch >= 'a' && ch <= 'z') ch = (char)(ch - 32);
        if (!up && ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
        d[i] = ch;
    }
    kz_value r = kz_string_n(d, n);
    free(d);
    return r;
}

static kz_value fn_upper(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (all_ascii(S(0))) return ascii_case(&argv[0], true);
    return map_runes(S(0), to_upper);
}

static kz_value fn_lower(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    if (all_ascii(S(0))) return ascii_case(&argv[0], false);
    return map_runes(S(0), to_lower);
}

/* strings' isSeparator (for Title) */
static bool title_sep(uint32_t r) {
    if (r <= 0x7F) {
        if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_') return false;
        return true;
    }
    if (kz_go_is_letter(r) || kz_go_is_digit(r)) return false;
    return kz_go_is_space(r);
}

static kz_value fn_title(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *s = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    kz_buf b = KZ_BUF_INIT;
    uint32_t prev = ' ';
    for (size_t i = 0; i < n;) {
        uint32_t r;
        i += dec(s + i, n - i, &r);
        bool sep = title_sep(prev);
        prev = r;
        kz_utf8_append(&b, sep ? to_title(r) : r);
    }
    return buf_value(&b);
}

/* goutils.Uncapitalize (runes) */
static kz_value fn_untitle(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *s = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    if (n == 0) return kz_copy(&argv[0]);
    kz_buf b = KZ_BUF_INIT;
    bool next = true;
    for (size_t i = 0; i < n;) {
        uint32_t r;
        i += dec(s + i, n - i, &r);
        if (kz_go_is_space(r)) next = true;
        else if (next) {
            r = to_lower(r);
            next = false;
        }
        kz_utf8_append(&b, r);
    }
    return buf_value(&b);
}

static kz_value fn_substr(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t start = I(0), end = I(1);
    const char *s = kz_str(&argv[2]);
    int64_t len = (int64_t)kz_str_len(&argv[2]);
    if (start < 0) {
        if (end < 0 || end > len) {
            if (end < 0) return kz_error("runtime error: slice bounds out of range [:%lld]", (long long)end);
            return kz_error("runtime error: slice bounds out of range [:%lld] with length %lld", (long long)end,
                            (long long)len);
        }
        return kz_string_n(s, (size_t)end);
    }
    if (end < 0 || end > len) {
        if (start > len)
            return kz_error("runtime error: slice bounds out of range [%lld:%lld]", (long long)start, (long long)len);
        return kz_string_n(s + start, (size_t)(len - start));
    }
    if (start > end)
        return kz_error("runtime error: slice bounds out of range [%lld:%lld]", (long long)start, (long long)end);
    return kz_string_n(s + start, (size_t)(end - start));
}

static kz_value fn_repeat(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t count = I(0);
    size_t n = kz_str_len(&argv[1]);
    if (count < 0) return kz_error("strings: negative Repeat count");
    if (n == 0) return kz_string(""); /* any count of nothing, at once */
    if (n > 0 && (uint64_t)count > (uint64_t)INT64_MAX / n) return kz_error("strings: Repeat output length overflow");
    /* Go's make() refuses more than 2^48 bytes; below that it would try, we
     * draw the line at 2 GiB */
    if ((uint64_t)count * n > ((uint64_t)1 << 48)) return kz_error("runtime error: makeslice: len out of range");
    if ((uint64_t)count * n > ((uint64_t)1 << 31)) return kz_error("kz: repeat result too large");
    kz_buf b = KZ_BUF_INIT;
    for (int64_t i = 0; i < count; i++) kz_buf_append(&b, kz_str(&argv[1]), n);
    return buf_value(&b);
}

/* goutils.DeleteWhiteSpace: byte-wise, each byte as a rune (Latin-1). */
static kz_value fn_nospace(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *s = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]), count = 0;
    kz_buf b = KZ_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        uint32_t ch = (unsigned char)s[i];
        if (!kz_go_is_space(ch)) {
            kz_utf8_append(&b, ch);
            count++;
        }
    }
    if (count == n) {
        kz_buf_free(&b);
        return kz_copy(&argv[0]);
    }
    return buf_value(&b);
}

/* goutils.Initials: byte-wise, as nospace. */
static kz_value fn_initials(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *s = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    kz_buf b = KZ_BUF_INIT;
    bool gap = true;
    for (size_t i = 0; i < n; i++) {
        uint32_t ch = (unsigned char)s[i];
        if (kz_go_is_space(ch)) gap = true;
        else if (gap) {
            kz_utf8_append(&b, ch);
            gap = false;
        }
    }
    return buf_value(&b);
}

/* goutils.SwapCase (runes) */
static kz_value fn_swapcase(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *s = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]);
    if (n == 0) return kz_copy(&argv[0]);
    kz_buf b = KZ_BUF_INIT;
    bool ws = true;
    for (size_t i = 0; i < n;) {
        uint32_t r;
        i += dec(s + i, n - i, &r);
        if (is_upper(r) || is_title(r)) {
            r = to_lower(r);
            ws = false;
        } else if (is_lower(r)) {
            r = ws ? to_title(r) : to_upper(r);
            ws = false;
        } else {
            ws = kz_go_is_space(r);
        }
        kz_utf8_append(&b, r);
    }
    return buf_value(&b);
}

/* ---- xstrings ---- */

static bool is_connector(uint32_t r) { return r == '-' || r == '_' || kz_go_is_space(r); }

/* xstrings' isAlphabet: a letter, not CJK */
static bool is_alphabet(uint32_t r) {
    if (!kz_go_is_letter(r)) return false;
    if (r < 0x3400) return true;
    if (r >= 0x4E00 && r <= 0x9FCC) return false;
    if (r >= 0x3400 && r <= 0x4D85) return false;
    if (r >= 0x20000 && r <= 0x2B81D) return false;
    return true;
}

/* xstrings.ToPascalCase */
static kz_value fn_camelcase(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *s = kz_str(&argv[0]);
    size_t n = kz_str_len(&argv[0]), i = 0, size = 0;
    if (n == 0) return kz_string("");
    kz_buf b = KZ_BUF_INIT;
    uint32_t r0 = 0, r1;
    bool first_upper = false;
    while (i < n) {
        size = dec(s + i, n - i, &r0);
        i += size;
        if (!is_connector(r0)) {
            first_upper = is_upper(r0);
            r0 = to_upper(r0);
            break;
        }
        kz_utf8_append(&b, r0);
    }
    if (i >= n) {
        if (size != 0) kz_utf8_append(&b, r0); /* a lone trailing connector doubles, as in Go */
        return buf_value(&b);
    }
    while (i < n) {
        r1 = r0;
        i += dec(s + i, n - i, &r0);
        if (is_connector(r0) && is_connector(r1)) {
            kz_utf8_append(&b, r1);
            continue;
        }
        if (is_connector(r1)) {
            first_upper = is_upper(r0);
            r0 = to_upper(r0);
        } else {
            if (first_upper) {
                if (is_upper(r0)) r0 = to_lower(r0);
                else first_upper = false;
            }
            kz_utf8_append(&b, r1);
        }
    }
    kz_utf8_append(&b, r0);
    return buf_value(&b);
}

enum { W_INVALID, W_NUMBER, W_UPPER, W_ALPHA, W_CONNECTOR, W_PUNCT, W_OTHER };

typedef struct {
    int wt;
    const char *word;
    size_t wlen;
    const char *rem;
    size_t rlen;
} xword;

/* xstrings' nextValidRune: skips invalid bytes (and U+FFFD); size counts them. */
static uint32_t next_valid(const char *s, size_t n, uint32_t prev, size_t *size) {
    *size = 0;
    while (n > 0) {
        uint32_t r;
        size_t l = dec(s, n, &r);
        *size += l;
        if (r != KZ_RUNE_ERROR) return r;
        s += l;
        n -= l;
    }
    return prev;
}

static xword next_word(const char *str, size_t n) {
    xword w = {W_INVALID, str, 0, str, 0};
    if (n == 0) return w;
    size_t offset = 0, size;
    const char *rem = str;
    size_t rn = n;
    uint32_t r = next_valid(rem, rn, KZ_RUNE_ERROR, &size);
    offset += size;
    if (r == KZ_RUNE_ERROR) {
        w.wt = W_INVALID;
        w.wlen = offset;
        w.rem = str + offset;
        w.rlen = n - offset;
        return w;
    }
#define ADV(k) (rem += (k), rn -= (k))
    if (is_connector(r)) {
        w.wt = W_CONNECTOR;
        ADV(size);
        while (rn > 0) {
            r = next_valid(rem, rn, r, &size);
            if (!is_connector(r)) break;
            offset += size;
            ADV(size);
        }
    } else if (is_punct(r)) {
        w.wt = W_PUNCT;
        ADV(size);
        while (rn > 0) {
            r = next_valid(rem, rn, r, &size);
            if (!is_punct(r)) break;
            offset += size;
            ADV(size);
        }
    } else if (is_upper(r)) {
        w.wt = W_UPPER;
        ADV(size);
        if (rn > 0) {
            r = next_valid(rem, rn, r, &size);
            if (is_upper(r)) {
                size_t prev_size = size;
                offset += size;
                ADV(size);
                while (rn > 0) {
                    r = next_valid(rem, rn, r, &size);
                    if (!is_upper(r)) break;
                    prev_size = size;
                    offset += size;
                    ADV(size);
                }
                if (rn > 0 && is_alphabet(r)) {
                    offset -= prev_size;
                    rem = str + offset;
                    rn = n - offset;
                }
            } else if (is_alphabet(r)) {
                offset += size;
                ADV(size);
                while (rn > 0) {
                    r = next_valid(rem, rn, r, &size);
                    if (!is_alphabet(r) || is_upper(r)) break;
                    offset += size;
                    ADV(size);
                }
            }
        }
    } else if (is_alphabet(r)) {
        w.wt = W_ALPHA;
        ADV(size);
        while (rn > 0) {
            r = next_valid(rem, rn, r, &size);
            if (!is_alphabet(r) || is_upper(r)) break;
            offset += size;
            ADV(size);
        }
    } else if (is_number(r)) {
        w.wt = W_NUMBER;
        ADV(size);
        while (rn > 0) {
            r = next_valid(rem, rn, r, &size);
            if (!is_number(r)) break;
            offset += size;
            ADV(size);
        }
    } else {
        w.wt = W_OTHER;
        ADV(size);
        while (rn > 0) {
            r = next_valid(rem, rn, r, &size);
            if (size == 0 || is_connector(r) || is_alphabet(r) || is_number(r) || is_punct(r)) break;
            offset += size;
            ADV(size);
        }
    }
#undef ADV
    w.wlen = offset;
    w.rem = rem;
    w.rlen = rn;
    return w;
}

static void x_lower(kz_buf *b, int wt, const char *s, size_t n, char conn) {
    if (wt != W_UPPER && wt != W_CONNECTOR) {
        kz_buf_append(b, s, n);
        return;
    }
    for (size_t i = 0; i < n;) {
        uint32_t r;
        i += dec(s + i, n - i, &r);
        if (is_connector(r)) kz_buf_putc(b, conn);
        else if (is_upper(r)) kz_utf8_append(b, to_lower(r));
        else kz_utf8_append(b, r);
    }
}

/* xstrings' camelCaseToLowerCase (ToSnakeCase, ToKebabCase) */
static kz_value camel_to_lower(const char *s, size_t n, char conn) {
    if (n == 0) return kz_string("");
    kz_buf b = KZ_BUF_INIT;
    xword w = next_word(s, n);
    while (w.rlen > 0) {
        if (w.wt != W_CONNECTOR) x_lower(&b, w.wt, w.word, w.wlen, conn);
        int prev = w.wt;
        xword last = w;
        w = next_word(w.rem, w.rlen);
        switch (prev) {
        case W_NUMBER:
            while (w.wt == W_ALPHA || w.wt == W_NUMBER) {
                x_lower(&b, w.wt, w.word, w.wlen, conn);
                w = next_word(w.rem, w.rlen);
            }
            if (w.wt != W_INVALID && w.wt != W_PUNCT && w.wt != W_CONNECTOR) kz_buf_putc(&b, conn);
            break;
        case W_CONNECTOR: x_lower(&b, prev, last.word, last.wlen, conn); break;
        case W_PUNCT: break;
        default: {
            if (w.wt != W_NUMBER) {
                if (w.wt != W_CONNECTOR && w.wt != W_PUNCT) kz_buf_putc(&b, conn);
                break;
            }
            if (w.rlen == 0) break;
            xword num = w;
            w = next_word(w.rem, w.rlen);
            if (w.wt != W_ALPHA) {
                x_lower(&b, W_NUMBER, num.word, num.wlen, conn);
                if (w.wt != W_CONNECTOR && w.wt != W_PUNCT) kz_buf_putc(&b, conn);
                break;
            }
            kz_buf_putc(&b, conn);
            x_lower(&b, W_NUMBER, num.word, num.wlen, conn);
            while (w.wt == W_ALPHA || w.wt == W_NUMBER) {
                x_lower(&b, w.wt, w.word, w.wlen, conn);
                w = next_word(w.rem, w.rlen);
            }
            if (w.wt != W_INVALID && w.wt != W_CONNECTOR && w.wt != W_PUNCT) kz_buf_putc(&b, conn);
            break;
        }
        }
    }
    x_lower(&b, w.wt, w.word, w.wlen, conn);
    return buf_value(&b);
}

static kz_value fn_snakecase(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return camel_to_lower(S(0), '_');
}

static kz_value fn_kebabcase(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return camel_to_lower(S(0), '-');
}

/* goutils.WrapCustom (bytes) */
static kz_value wrap_custom(const char *s, size_t n, int64_t width, const char *nl, size_t nln, bool long_words) {
    if (n == 0) return kz_string("");
    if (nln == 0) nl = "\n", nln = 1;
    if (width < 1) width = 1;
    kz_buf b = KZ_BUF_INIT;
    size_t off = 0;
    while ((int64_t)(n - off) > width) {
        if (s[off] == ' ') {
            off++;
            continue;
        }
        size_t end = (size_t)width + off + 1; /* <= n here */
        ptrdiff_t sp = -1;
        for (size_t k = end; k > off; k--)
            if (s[k - 1] == ' ') {
                sp = (ptrdiff_t)(k - 1);
                break;
            }
        if (sp >= 0) {
            kz_buf_append(&b, s + off, (size_t)sp - off);
            kz_buf_append(&b, nl, nln);
            off = (size_t)sp + 1;
        } else if (long_words) {
            kz_buf_append(&b, s + off, (size_t)width);
            kz_buf_append(&b, nl, nln);
            off += (size_t)width;
        } else {
            size_t e = (size_t)width + off;
            const char *p = memchr(s + e, ' ', n - e);
            if (p) {
                kz_buf_append(&b, s + off, (size_t)(p - s) - off);
                kz_buf_append(&b, nl, nln);
                off = (size_t)(p - s) + 1;
            } else {
                kz_buf_append(&b, s + off, n - off);
                off = n;
            }
        }
    }
    kz_buf_append(&b, s + off, n - off);
    return buf_value(&b);
}

static kz_value fn_wrap(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return wrap_custom(S(1), I(0), "", 0, false);
}

static kz_value fn_wrapwith(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return wrap_custom(S(2), I(0), S(1), true);
}

static bool mem_contains(const char *h, size_t hn, const char *nd, size_t nn) {
    if (nn == 0) return true;
    if (nn > hn) return false;
    for (size_t i = 0; i + nn <= hn; i++)
        if (h[i] == nd[0] && memcmp(h + i, nd, nn) == 0) return true;
    return false;
}

static kz_value fn_contains(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_bool(mem_contains(S(1), S(0)));
}

static kz_value fn_hasprefix(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    size_t pn = kz_str_len(&argv[0]);
    return kz_bool(pn <= kz_str_len(&argv[1]) && memcmp(kz_str(&argv[1]), kz_str(&argv[0]), pn) == 0);
}

static kz_value fn_hassuffix(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    size_t sn = kz_str_len(&argv[0]), n = kz_str_len(&argv[1]);
    return kz_bool(sn <= n && memcmp(kz_str(&argv[1]) + n - sn, kz_str(&argv[0]), sn) == 0);
}

static bool go_nil(const kz_value *v) { return kz_kind_of(v) == KZ_NULL || kz_kind_of(v) == KZ_INVALID; }

static kz_value fn_quote(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    kz_buf b = KZ_BUF_INIT;
    bool first = true;
    for (size_t i = 0; i < argc; i++) {
        if (go_nil(&argv[i])) continue;
        if (!first) kz_buf_putc(&b, ' ');
        first = false;
        kz_buf t = KZ_BUF_INIT;
        kz_strval(&argv[i], &t);
        kz_fmt_quote(&b, t.data ? t.data : "", t.len, false);
        kz_buf_free(&t);
    }
    return buf_value(&b);
}

static kz_value fn_squote(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    kz_buf b = KZ_BUF_INIT;
    bool first = true;
    for (size_t i = 0; i < argc; i++) {
        if (go_nil(&argv[i])) continue;
        if (!first) kz_buf_putc(&b, ' ');
        first = false;
        kz_fmt_sprintf(&b, "'%v'", 4, 1, &argv[i]);
    }
    return buf_value(&b);
}

static kz_value fn_cat(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    kz_buf b = KZ_BUF_INIT;
    bool first = true;
    for (size_t i = 0; i < argc; i++) {
        if (go_nil(&argv[i])) continue;
        if (!first) kz_buf_putc(&b, ' ');
        first = false;
        kz_fmt_sprintf(&b, "%v", 2, 1, &argv[i]);
    }
    return buf_value(&b);
}

/* Sprig's indent: the pad, then each line of s with the pad after its
 * newline; whole lines are copied at once. */
static void indent_into(kz_buf *b, int64_t spaces, const char *s, size_t n) {
    size_t pad = spaces > 0 ? (size_t)spaces : 0;
    kz_buf_reserve(b, n + pad);
    kz_buf_repeat(b, ' ', pad);
    for (const char *end = s + n; s < end;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
        kz_buf_append(b, s, len);
        if (nl) kz_buf_repeat(b, ' ', pad);
        s += len;
    }
}

/* The errors of Sprig's strings.Repeat(" ", spaces) pad, or null. Go's make()
 * refuses a pad over 2^48 bytes; a result over 2 GiB we refuse, as repeat. */
static kz_value indent_check(int64_t spaces, const char *s, size_t n) {
    if (spaces < 0) return kz_error("strings: negative Repeat count");
    if (spaces > ((int64_t)1 << 48)) return kz_error("runtime error: makeslice: len out of range");
    uint64_t lines = 1;
    for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))); p++) lines++;
    if ((uint64_t)spaces * lines + n > ((uint64_t)1 << 31)) return kz_error("kz: indent result too large");
    return kz_null();
}

static kz_value fn_indent(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value err = indent_check(I(0), S(1));
    if (!kz_is_null(&err)) return err;
    kz_buf b = KZ_BUF_INIT;
    indent_into(&b, I(0), S(1));
    return buf_value(&b);
}

static kz_value fn_nindent(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value err = indent_check(I(0), S(1));
    if (!kz_is_null(&err)) return err;
    kz_buf b = KZ_BUF_INIT;
    kz_buf_putc(&b, '\n');
    indent_into(&b, I(0), S(1));
    return buf_value(&b);
}

/* strings.Replace(src, old, new, -1): an empty old matches before each rune. */
static kz_value fn_replace(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const char *old = kz_str(&argv[0]), *nw = kz_str(&argv[1]), *s = kz_str(&argv[2]);
    size_t on = kz_str_len(&argv[0]), nn = kz_str_len(&argv[1]), n = kz_str_len(&argv[2]);
    kz_buf b = KZ_BUF_INIT;
    if (on == 0) {
        if (on == nn) return kz_copy(&argv[2]);
        kz_buf_append(&b, nw, nn);
        for (size_t i = 0; i < n;) {
            uint32_t r;
            size_t l = dec(s + i, n - i, &r);
            kz_buf_append(&b, s + i, l);
            kz_buf_append(&b, nw, nn);
            i += l;
        }
        return buf_value(&b);
    }
    size_t i = 0;
    while (i < n) {
        if (i + on <= n && memcmp(s + i, old, on) == 0) {
            kz_buf_append(&b, nw, nn);
            i += on;
        } else {
            kz_buf_putc(&b, s[i++]);
        }
    }
    return buf_value(&b);
}

static kz_value fn_plural(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return kz_copy(I(2) == 1 ? &argv[0] : &argv[1]);
}

/* strings.SplitN(s, sep, n) as a []string sequence; n < 0: all. */
static kz_value go_split(const char *s, size_t n, const char *sep, size_t sn, int64_t limit) {
    kz_value out = kz_with_gotype(kz_seq(), KZ_GOTYPE_STRING_SLICE);
    if (limit == 0) return out;
    if (sn == 0) {
        /* explode into runes (invalid bytes one each) */
        size_t i = 0;
        int64_t cnt = 0;
        while (i < n) {
            if (limit > 0 && cnt == limit - 1) {
                kz_seq_push(&out, kz_string_n(s + i, n - i));
                return out;
            }
            uint32_t r;
            size_t l = dec(s + i, n - i, &r);
            kz_seq_push(&out, kz_string_n(s + i, l));
            i += l;
            cnt++;
        }
        return out;
    }
    size_t start = 0, i = 0;
    int64_t cnt = 0;
    while (i + sn <= n) {
        if (limit > 0 && cnt == limit - 1) break;
        if (memcmp(s + i, sep, sn) == 0) {
            kz_seq_push(&out, kz_string_n(s + start, i - start));
            cnt++;
            i += sn;
            start = i;
        } else {
            i++;
        }
    }
    kz_seq_push(&out, kz_string_n(s + start, n - start));
    return out;
}

static kz_value list_to_map(kz_value list) {
    kz_value m = kz_with_gotype(kz_map(), KZ_GOTYPE_STRING_MAP);
    for (size_t i = 0; i < kz_len(&list); i++) {
        char key[32];
        snprintf(key, sizeof key, "_%zu", i);
        kz_map_setz(&m, key, kz_copy(kz_seq_at(&list, i)));
    }
    kz_free(list);
    kz_map_sort(&m, kz_key_cmp_bytes);
    return m;
}

static kz_value fn_split(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return list_to_map(go_split(S(1), S(0), -1));
}

static kz_value fn_splitlist(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return go_split(S(1), S(0), -1);
}

static kz_value fn_splitn(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    return list_to_map(go_split(S(2), S(0), I(1)));
}

/* Sprig's strslice: []string as is, lists with nil elements dropped and the
 * others through strval, nil as [], anything else as [strval(v)]. */
static kz_value strslice(const kz_value *v) {
    kz_value out = kz_with_gotype(kz_seq(), KZ_GOTYPE_STRING_SLICE);
    if (kz_kind_of(v) == KZ_SEQ) {
        for (size_t i = 0; i < kz_len(v); i++) {
            const kz_value *e = kz_seq_at(v, i);
            if (go_nil(e)) continue;
            kz_seq_push(&out, kz_strval_value(e));
        }
        return out;
    }
    if (kz_kind_of(v) == KZ_STRING && kz_gotype_of(v) == KZ_GOTYPE_BYTES) {
        /* []uint8: a slice of numbers */
        for (size_t i = 0; i < kz_len(v); i++)
            kz_seq_push(&out, kz_string_fmt("%u", (unsigned)(unsigned char)kz_str(v)[i]));
        return out;
    }
    if (go_nil(v)) return out;
    kz_seq_push(&out, kz_strval_value(v));
    return out;
}

static kz_value fn_join(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    kz_value l = strslice(&argv[1]);
    kz_buf b = KZ_BUF_INIT;
    for (size_t i = 0; i < kz_len(&l); i++) {
        if (i) kz_buf_append(&b, S(0));
        const kz_value *e = kz_seq_at(&l, i);
        kz_buf_append(&b, kz_str(e), kz_str_len(e));
    }
    kz_free(l);
    return buf_value(&b);
}

static int cmp_str_values(const void *a, const void *b) {
    const kz_value *x = a, *y = b;
    return kz_key_cmp_bytes(kz_str(x), kz_str_len(x), kz_str(y), kz_str_len(y));
}

static kz_value fn_sortalpha(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    const kz_value *v = &argv[0];
    bool list = kz_kind_of(v) == KZ_SEQ || (kz_kind_of(v) == KZ_STRING && kz_gotype_of(v) == KZ_GOTYPE_BYTES);
    if (!list) {
        kz_value out = kz_with_gotype(kz_seq(), KZ_GOTYPE_STRING_SLICE);
        kz_seq_push(&out, go_nil(v) ? kz_string("<nil>") : kz_strval_value(v));
        return out;
    }
    kz_value l = strslice(v);
    size_t n = kz_len(&l);
    if (n < 2) return l;
    kz_value *items = kz_xmalloc(n * sizeof *items);
    for (size_t i = 0; i < n; i++) items[i] = kz_copy(kz_seq_at(&l, i));
    kz_free(l);
    qsort(items, n, sizeof *items, cmp_str_values);
    kz_value out = kz_with_gotype(kz_seq_sized(n), KZ_GOTYPE_STRING_SLICE);
    for (size_t i = 0; i < n; i++) kz_seq_push(&out, items[i]);
    free(items);
    return out;
}

/* Sprig's untilStep */
#define MAX_SEQ 10000000
static kz_value until_step(int64_t start, int64_t stop, int64_t step, bool *too_big) {
    kz_value v = kz_with_gotype(kz_seq(), KZ_GOTYPE_INT_SLICE);
    *too_big = false;
    if (stop < start) {
        if (step >= 0) return v;
        for (int64_t i = start, k = 0; i > stop; k++) {
            if (k >= MAX_SEQ) {
                *too_big = true;
                return v;
            }
            kz_seq_push(&v, kz_int(i));
            if (__builtin_add_overflow(i, step, &i)) break;
        }
        return v;
    }
    if (step <= 0) return v;
    for (int64_t i = start, k = 0; i < stop; k++) {
        if (k >= MAX_SEQ) {
            *too_big = true;
            return v;
        }
        kz_seq_push(&v, kz_int(i));
        if (__builtin_add_overflow(i, step, &i)) break;
    }
    return v;
}

static kz_value too_big_error(kz_value v) {
    kz_free(v);
    return kz_error("kz: sequence too long (more than %d elements)", MAX_SEQ);
}

static kz_value fn_until(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    int64_t n = I(0);
    bool big;
    kz_value v = until_step(0, n, n < 0 ? -1 : 1, &big);
    return big ? too_big_error(v) : v;
}

static kz_value fn_untilstep(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c, (void)argc;
    bool big;
    kz_value v = until_step(I(0), I(1), I(2), &big);
    return big ? too_big_error(v) : v;
}

static kz_value fn_seq(kz_tmpl_call *c, size_t argc, const kz_value *argv) {
    (void)c;
    int64_t start, end, step, inc = 1;
    switch (argc) {
    case 1: start = 1, end = I(0), step = 0; break;
    case 2: start = I(0), end = I(1), step = 0; break;
    case 3: start = I(0), end = I(2), step = I(1); break;
    default: return kz_string("");
    }
    if (end < start) {
        inc = -1;
        if (argc == 3 && step > 0) return kz_string("");
    }
    if (argc < 3) step = inc;
    bool big;
    kz_value v = until_step(start, end + inc, step, &big);
    if (big) return too_big_error(v);
    kz_buf b = KZ_BUF_INIT;
    for (size_t i = 0; i < kz_len(&v); i++) {
        if (i) kz_buf_putc(&b, ' ');
        kz_buf_printf(&b, "%lld", (long long)kz_int_get(kz_seq_at(&v, i)));
    }
    kz_free(v);
    return buf_value(&b);
}

void kz_funcs_register_strings(kz_tmpl_funcs *t) {
    kz_tmpl_funcs_add_typed(t, "hello", fn_hello, "", NULL);
    kz_tmpl_funcs_add_typed(t, "abbrev", fn_abbrev, "is", NULL);
    kz_tmpl_funcs_add_typed(t, "abbrevboth", fn_abbrevboth, "iis", NULL);
    kz_tmpl_funcs_add_typed(t, "trunc", fn_trunc, "is", NULL);
    kz_tmpl_funcs_add_typed(t, "trim", fn_trim, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "trimAll", fn_trimall, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "trimall", fn_trimall, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "trimSuffix", fn_trimsuffix, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "trimPrefix", fn_trimprefix, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "upper", fn_upper, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "lower", fn_lower, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "title", fn_title, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "untitle", fn_untitle, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "substr", fn_substr, "iis", NULL);
    kz_tmpl_funcs_add_typed(t, "repeat", fn_repeat, "is", NULL);
    kz_tmpl_funcs_add_typed(t, "nospace", fn_nospace, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "initials", fn_initials, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "swapcase", fn_swapcase, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "snakecase", fn_snakecase, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "camelcase", fn_camelcase, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "kebabcase", fn_kebabcase, "s", NULL);
    kz_tmpl_funcs_add_typed(t, "wrap", fn_wrap, "is", NULL);
    kz_tmpl_funcs_add_typed(t, "wrapWith", fn_wrapwith, "iss", NULL);
    kz_tmpl_funcs_add_typed(t, "contains", fn_contains, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "hasPrefix", fn_hasprefix, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "hasSuffix", fn_hassuffix, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "quote", fn_quote, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "squote", fn_squote, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "cat", fn_cat, "...v", NULL);
    kz_tmpl_funcs_add_typed(t, "indent", fn_indent, "is", NULL);
    kz_tmpl_funcs_add_typed(t, "nindent", fn_nindent, "is", NULL);
    kz_tmpl_funcs_add_typed(t, "replace", fn_replace, "sss", NULL);
    kz_tmpl_funcs_add_typed(t, "plural", fn_plural, "ssi", NULL);
    kz_tmpl_funcs_add_typed(t, "split", fn_split, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "splitList", fn_splitlist, "ss", NULL);
    kz_tmpl_funcs_add_typed(t, "splitn", fn_splitn, "sis", NULL);
    kz_tmpl_funcs_add_typed(t, "join", fn_join, "sv", NULL);
    kz_tmpl_funcs_add_typed(t, "sortAlpha", fn_sortalpha, "v", NULL);
    kz_tmpl_funcs_add_typed(t, "seq", fn_seq, "...i", NULL);
    kz_tmpl_funcs_add_typed(t, "until", fn_until, "i", NULL);
    kz_tmpl_funcs_add_typed(t, "untilStep", fn_untilstep, "iii", NULL);
}
