/*
 * Helm's strvals grammar (--set and friends), see chart/values.h.
 *
 * The parser mirrors the structure of Helm's recursive-descent reader because
 * Helm's observable behaviour (which errors win, what a truncated line leaves
 * behind) follows from that structure: key() reads a key up to one of = [ , .
 * and dispatches; listItem() handles what follows an index. Each returns OK,
 * END (Go's io.EOF: the line ended cleanly, parsing stops without error) or
 * FAIL (message in p->err). Input is read rune by rune as Go's bytes.Buffer
 * does: an invalid UTF-8 byte reads as U+FFFD.
 */
#include <stdint.h>
#include <string.h>

#include "chart/values.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "json/json.h"
#include "tmpl/fmt.h"
#include "tmpl/gotype.h"

#define MAX_INDEX 65536
#define MAX_NESTED_NAME_LEVEL 30

typedef enum { OK, END, FAIL } res;

typedef struct parser {
    const char *s;
    size_t len, pos;
    size_t last_width; /* width of the last rune read, for unread */
    kz_strvals_mode mode;
    kz_values_reader reader;
    void *reader_ctx;
    kz_value err;
} parser;

static res fail(parser *p, kz_value err) {
    kz_free(p->err);
    p->err = err;
    return FAIL;
}

/* Read one rune; false at the end of input. */
static bool read_rune(parser *p, uint32_t *r) {
    if (p->pos >= p->len) return false;
    size_t w = kz_utf8_decode((const unsigned char *)p->s + p->pos, p->len - p->pos, r);
    p->pos += w;
    p->last_width = w;
    return true;
}

static void unread_rune(parser *p) { p->pos -= p->last_width; }

static bool is_stop(uint32_t r, const char *stop) {
    return r < 0x80 && r != 0 && strchr(stop, (int)r) != NULL;
}

/* Go's runesUntil (runesUntilLiteral when !escapes): the runes before the
 * first stop rune (consumed, stored in *last), or up to the end of input
 * (returns false). A backslash takes the next rune literally. */
static bool runes_until(parser *p, const char *stop, bool escapes, kz_buf *out, uint32_t *last) {
    uint32_t r;
    *last = 0;
    while (read_rune(p, &r)) {
        if (is_stop(r, stop)) {
            *last = r;
            return true;
        }
        if (escapes && r == '\\') {
            if (!read_rune(p, &r)) return false;
        }
        kz_utf8_append(out, r);
    }
    return false;
}

static bool escapes(const parser *p) { return p->mode != KZ_STRVALS_LITERAL; }

/* ---- typed values (--set) ---- */

/* strings.EqualFold(s, word) for an ASCII lowercase word: ASCII case folds,
 * and Unicode's one extra fold onto these letters, U+017F (long s) ~ s. */
static bool equal_fold(const char *s, size_t n, const char *word) {
    size_t i = 0;
    for (const char *w = word; *w; w++) {
        if (i >= n) return false;
        uint32_t r;
        i += kz_utf8_decode((const unsigned char *)s + i, n - i, &r);
        if (r >= 'A' && r <= 'Z') r += 'a' - 'A';
        if (r == 0x17F) r = 's';
        if (r != (uint32_t)*w) return false;
    }
    return i == n;
}

/* strconv.ParseInt(s, 10, 64): optional sign, decimal digits, no underscores. */
static bool parse_int64(const char *s, size_t n, int64_t *out) {
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == n) return false;
    uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* Helm's typedVal. */
static kz_value typed_value(const char *s, size_t n, bool as_string) {
    if (as_string) return kz_string_n(s, n);
    if (equal_fold(s, n, "true")) return kz_bool(true);
    if (equal_fold(s, n, "false")) return kz_bool(false);
    if (equal_fold(s, n, "null")) return kz_null();
    int64_t i;
    if (n == 1 && s[0] == '0') return kz_with_gotype(kz_int(0), KZ_GOTYPE_INT64);
    if (n > 0 && s[0] != '0' && parse_int64(s, n, &i)) return kz_with_gotype(kz_int(i), KZ_GOTYPE_INT64);
    return kz_string_n(s, n);
}

/* The parser's value reader (Go's t.reader): typed, string or file contents. */
static res read_value(parser *p, const kz_buf *text, kz_value *out) {
    const char *s = text->data ? text->data : "";
    if (p->mode == KZ_STRVALS_FILE) {
        kz_buf data = KZ_BUF_INIT, path = KZ_BUF_INIT;
        kz_buf_append(&path, s, text->len);
        kz_value err = kz_invalid();
        int rc = p->reader ? p->reader(p->reader_ctx, kz_buf_cstr(&path), &data, &err)
                           : kz_values_read_file(NULL, kz_buf_cstr(&path), &data, &err);
        kz_buf_free(&path);
        if (rc != 0) {
            kz_buf_free(&data);
            *out = kz_null();
            return fail(p, kz_is_valid(&err) || kz_error_message(&err) ? err : kz_error("read error"));
        }
        *out = kz_string_n(data.data ? data.data : "", data.len);
        kz_buf_free(&data);
        return OK;
    }
    *out = typed_value(s, text->len, p->mode == KZ_STRVALS_STRING);
    return OK;
}

/* ---- Go-flavoured error texts ---- */

/* The panic text of a failed Go type assertion on an existing value. */
static res fail_conversion(parser *p, const kz_value *have, const char *want) {
    const char *name = kz_is_null(have) ? "nil" : kz_gotype_name(have);
    return fail(p, kz_error("unable to parse key: interface conversion: interface {} is %s, not %s", name, want));
}

static kz_value quoted_error(const char *fmt_before, const kz_buf *s, const char *fmt_after) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, fmt_before);
    kz_fmt_quote(&b, s->data ? s->data : "", s->len, false);
    kz_buf_puts(&b, fmt_after);
    kz_value e = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return e;
}

/* %q of a []rune: each rune as strconv.QuoteRune, in brackets. */
static kz_value unexpected_data_error(const kz_buf *k) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, "unexpected data at end of array index: [");
    size_t i = 0;
    while (i < k->len) {
        uint32_t r;
        size_t w = kz_utf8_decode((const unsigned char *)k->data + i, k->len - i, &r);
        kz_buf q = KZ_BUF_INIT;
        char enc[4];
        size_t en = kz_utf8_encode(enc, r);
        kz_fmt_quote(&q, enc, en, false);
        /* "x" -> 'x': the double quote needs no escape, the single one does */
        if (i > 0) kz_buf_putc(&b, ' ');
        kz_buf_putc(&b, '\'');
        for (size_t j = 1; j + 1 < q.len; j++) {
            if (q.data[j] == '\\' && q.data[j + 1] == '"') continue;
            if (q.data[j] == '\'') kz_buf_putc(&b, '\\');
            kz_buf_putc(&b, q.data[j]);
        }
        kz_buf_putc(&b, '\'');
        kz_buf_free(&q);
        i += w;
    }
    kz_buf_putc(&b, ']');
    kz_value e = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return e;
}

/* ---- lists ---- */

/* Go's setIndex: list[index] = val, growing the list with nils. */
static res set_index(parser *p, kz_value *list, int64_t index, kz_value val) {
    if (index < 0) {
        kz_free(val);
        return fail(p, kz_error("negative %lld index not allowed", (long long)index));
    }
    if (index > MAX_INDEX) {
        kz_free(val);
        return fail(p, kz_error("index of %lld is greater than maximum supported index of %d",
                                (long long)index, MAX_INDEX));
    }
    while (kz_len(list) <= (size_t)index) kz_seq_push(list, kz_null());
    kz_seq_set(list, (size_t)index, val);
    return OK;
}

/* strconv.Atoi of the text up to ']'. */
static res key_index(parser *p, int64_t *out) {
    kz_buf b = KZ_BUF_INIT;
    uint32_t last;
    if (!runes_until(p, "]", escapes(p), &b, &last)) {
        kz_buf_free(&b);
        return fail(p, kz_error("error parsing index: EOF"));
    }
    /* strconv.ParseInt's order of checks: a bad character or a uint64
     * overflow, whichever comes first, then the int64 range */
    const char *s = b.data ? b.data : "";
    size_t i = 0, n = b.len;
    bool neg = false;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) neg = s[i++] == '-';
    const char *why = i == n ? ": invalid syntax" : NULL;
    uint64_t v = 0;
    for (; !why && i < n; i++) {
        if (s[i] < '0' || s[i] > '9') why = ": invalid syntax";
        else if (v > (UINT64_MAX - (unsigned)(s[i] - '0')) / 10) why = ": value out of range";
        else v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (!why && v > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX)) why = ": value out of range";
    if (why) {
        kz_value e = quoted_error("error parsing index: strconv.Atoi: parsing ", &b, why);
        kz_buf_free(&b);
        return fail(p, e);
    }
    kz_buf_free(&b);
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return OK;
}

static res key(parser *p, kz_value *data, int level);

/* --set-json: consume spaces up to a comma or the end (true: no value there),
 * or stop before the first other rune (false). Go's emptyVal. */
static bool empty_value(parser *p) {
    uint32_t r;
    while (read_rune(p, &r)) {
        if (r == ',') return true;
        bool space = r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xA0 || r == 0x1680 ||
                     (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F ||
                     r == 0x205F || r == 0x3000;
        if (!space) {
            unread_rune(p);
            return false;
        }
    }
    return true;
}

/* Length of the JSON text at s[0..n) that Go's json.Decoder reads as one
 * value (it stops right after the value), or 0 if there is none. The text is
 * then converted by the JSON module, which also rejects what is malformed. */
static size_t json_extent(const char *s, size_t n) {
    size_t i = 0;
    if (n == 0) return 0;
    char c = s[0];
    if (c == '{' || c == '[') {
        int depth = 0;
        while (i < n) {
            char ch = s[i++];
            if (ch == '"') {
                while (i < n && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
                if (i >= n) return 0;
                i++;
            } else if (ch == '{' || ch == '[') depth++;
            else if (ch == '}' || ch == ']') {
                if (--depth == 0) return i;
            }
        }
        return 0;
    }
    if (c == '"') {
        i = 1;
        while (i < n && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
        return i < n ? i + 1 : 0;
    }
    static const char *const words[] = {"true", "false", "null"};
    for (size_t w = 0; w < 3; w++) {
        size_t wl = strlen(words[w]);
        if (c == words[w][0]) return n >= wl && memcmp(s, words[w], wl) == 0 ? wl : 0;
    }
    /* number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    if (s[i] == '-') i++;
    if (i >= n || s[i] < '0' || s[i] > '9') return 0;
    if (s[i] == '0') i++;
    else while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d) return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d) return 0;
    }
    return i;
}

/* --set-json after '=': one JSON value (nil when empty) into *out. */
static res json_value(parser *p, kz_value *out) {
    if (empty_value(p)) {
        *out = kz_null();
        return OK;
    }
    const char *s = p->s + p->pos;
    size_t n = json_extent(s, p->len - p->pos);
    if (n == 0) return fail(p, kz_error("invalid JSON value"));
    kz_json_parse_opts o = {.numbers = KZ_JSON_NUMBERS_FLOAT64, .source_name = NULL};
    kz_value v = kz_json_parse(s, n, &o);
    if (!kz_is_valid(&v)) return fail(p, v);
    p->pos += n;
    empty_value(p); /* skip blanks and a comma */
    *out = v;
    return OK;
}

/* Go's valList: a `{a,b}` list value. Returns OK with *out set, END at the end
 * of input, or NOT_LIST (returned as FAIL with p->err INVALID and no message)
 * when the value does not start with '{'. */
typedef enum { VL_LIST, VL_END, VL_NOT_LIST, VL_FAIL } vl_res;

static vl_res value_list(parser *p, kz_value *out) {
    uint32_t r;
    if (!read_rune(p, &r)) return VL_END;
    if (r != '{') {
        unread_rune(p);
        return VL_NOT_LIST;
    }
    kz_value list = kz_seq();
    for (;;) {
        kz_buf b = KZ_BUF_INIT;
        uint32_t last;
        if (!runes_until(p, ",}", true, &b, &last)) {
            kz_buf_free(&b);
            kz_free(list);
            fail(p, kz_error("list must terminate with '}'"));
            return VL_FAIL;
        }
        if (last == '}') {
            uint32_t next;
            if (read_rune(p, &next) && next != ',') unread_rune(p);
        }
        kz_value v;
        res rr = read_value(p, &b, &v);
        kz_buf_free(&b);
        if (rr != OK) {
            kz_free(v);
            kz_free(list);
            return VL_FAIL;
        }
        kz_seq_push(&list, v);
        if (last == '}') {
            *out = list;
            return VL_LIST;
        }
    }
}

/* The value after '=' in the typed, string and file modes: a list or the
 * runes up to ','. Helm sets "" and stops when the line ends right after '='. */
static res plain_value(parser *p, kz_value *out) {
    switch (value_list(p, out)) {
    case VL_LIST: return OK;
    case VL_END: *out = kz_string(""); return END;
    case VL_FAIL: *out = kz_null(); return FAIL;
    case VL_NOT_LIST: break;
    }
    kz_buf b = KZ_BUF_INIT;
    uint32_t last;
    runes_until(p, ",", true, &b, &last);
    res r = read_value(p, &b, out);
    kz_buf_free(&b);
    return r;
}

/* --set-literal: the rest of the line. */
static kz_value literal_value(parser *p) {
    kz_buf b = KZ_BUF_INIT;
    uint32_t r;
    while (read_rune(p, &r)) kz_utf8_append(&b, r);
    kz_value v = kz_string_n(b.data ? b.data : "", b.len);
    kz_buf_free(&b);
    return v;
}

/* Go's listItem: what follows `[i]` of *list. */
static res list_item(parser *p, kz_value *list, int64_t i, int level) {
    if (i < 0) return fail(p, kz_error("negative %lld index not allowed", (long long)i));
    kz_buf k = KZ_BUF_INIT;
    uint32_t last;
    bool found = runes_until(p, "[.=", escapes(p), &k, &last);
    if (k.len > 0) {
        kz_value e = unexpected_data_error(&k);
        kz_buf_free(&k);
        return fail(p, e);
    }
    kz_buf_free(&k);
    if (!found) return END;
    if (last == '=') {
        kz_value v;
        if (p->mode == KZ_STRVALS_JSON) {
            if (json_value(p, &v) != OK) return FAIL;
            return set_index(p, list, i, v);
        }
        if (p->mode == KZ_STRVALS_LITERAL) return set_index(p, list, i, literal_value(p));
        res r = plain_value(p, &v);
        if (r == FAIL) {
            kz_free(v);
            return FAIL;
        }
        return set_index(p, list, i, v); /* END: "" is set, parsing goes on */
    }
    if (last == '[') {
        int64_t next;
        if (key_index(p, &next) != OK) return FAIL;
        kz_value inner = kz_seq();
        const kz_value *existing = kz_seq_at(list, (size_t)i);
        if (i < (int64_t)kz_len(list) && existing && !kz_is_null(existing)) {
            if (!kz_is_seq(existing)) {
                kz_free(inner);
                return fail_conversion(p, existing, "[]interface {}");
            }
            kz_free(inner);
            inner = kz_copy(existing);
        }
        /* Go's crtList shares its array with the list: on END, what the
         * nested listItem did inside it stays, unless it grew it (a copy) */
        bool shared = next < (int64_t)kz_len(&inner);
        res r = list_item(p, &inner, next, level);
        if (r == FAIL || (r == END && !shared)) {
            kz_free(inner);
            return r;
        }
        res s = set_index(p, list, i, inner);
        return s == OK ? r : s;
    }
    /* '.': a map inside the list; a non-map there is replaced. Go's inner
     * is then the very map in the list, so what key() did to it before a
     * line that ends there (END: `a[0].b=` sets b to "") stays; only a new
     * item past the end is dropped. */
    kz_value inner = kz_map();
    const kz_value *existing = i < (int64_t)kz_len(list) ? kz_seq_at(list, (size_t)i) : NULL;
    if (existing && kz_is_map(existing)) {
        kz_free(inner);
        inner = kz_copy(existing);
    }
    res r = key(p, &inner, level);
    if (r == FAIL || (r == END && !existing)) {
        kz_free(inner);
        return r;
    }
    res s = set_index(p, list, i, inner);
    return s == OK ? r : s;
}

/* Go's set: an empty key is ignored. */
static void set_key(kz_value *data, const kz_buf *k, kz_value v) {
    if (k->len == 0) {
        kz_free(v);
        return;
    }
    kz_map_set(data, kz_string_n(k->data, k->len), v);
}

static res key_equals(parser *p, kz_value *data, const kz_buf *k) {
    kz_value v;
    if (p->mode == KZ_STRVALS_JSON) {
        if (json_value(p, &v) != OK) return FAIL;
        set_key(data, k, v);
        return OK;
    }
    if (p->mode == KZ_STRVALS_LITERAL) {
        set_key(data, k, literal_value(p));
        return OK;
    }
    res r = plain_value(p, &v);
    set_key(data, k, v);
    return r;
}

static res key_index_list(parser *p, kz_value *data, const kz_buf *k, int level) {
    int64_t i;
    if (key_index(p, &i) != OK) return FAIL;
    kz_value list = kz_seq();
    const kz_value *existing = kz_map_get(data, k->data ? k->data : "", k->len);
    if (existing) {
        if (!kz_is_seq(existing)) {
            kz_free(list);
            return fail_conversion(p, existing, "[]interface {}");
        }
        kz_free(list);
        list = kz_copy(existing);
    }
    res r = list_item(p, &list, i, level);
    if (r == FAIL) {
        kz_free(list);
        return r;
    }
    set_key(data, k, list);
    return r;
}

static res key_nested(parser *p, kz_value *data, const kz_buf *k, int level) {
    if (++level > MAX_NESTED_NAME_LEVEL) {
        return fail(p, kz_error("value name nested level is greater than maximum supported nested level of %d",
                                MAX_NESTED_NAME_LEVEL));
    }
    kz_value inner = kz_map();
    const kz_value *existing = kz_map_get(data, k->data ? k->data : "", k->len);
    if (existing) {
        if (!kz_is_map(existing)) {
            kz_free(inner);
            return fail_conversion(p, existing, "map[string]interface {}");
        }
        kz_free(inner);
        inner = kz_copy(existing);
    }
    res r = key(p, &inner, level);
    if (r == FAIL) {
        kz_free(inner);
        return r;
    }
    if (r == OK && kz_len(&inner) == 0) {
        kz_free(inner);
        return fail(p, quoted_error("key map ", k, " has no value"));
    }
    if (kz_len(&inner) != 0) set_key(data, k, inner);
    else kz_free(inner);
    return r;
}

/* Go's key(): one `key...=value` item into *data. */
static res key(parser *p, kz_value *data, int level) {
    kz_buf k = KZ_BUF_INIT;
    uint32_t last;
    const char *stop = p->mode == KZ_STRVALS_LITERAL ? "=[." : "=[,.";
    res r;
    if (!runes_until(p, stop, escapes(p), &k, &last)) {
        r = k.len == 0 ? END : fail(p, quoted_error("key ", &k, " has no value"));
    } else if (last == '[') {
        r = key_index_list(p, data, &k, level);
    } else if (last == '=') {
        r = key_equals(p, data, &k);
    } else if (last == ',') {
        set_key(data, &k, kz_string(""));
        r = fail(p, quoted_error("key ", &k, " has no value (cannot end with ,)"));
    } else {
        r = key_nested(p, data, &k, level);
    }
    kz_buf_free(&k);
    return r;
}

kz_value kz_strvals_parse(kz_value *into, const char *line, size_t len, kz_strvals_mode mode,
                          kz_values_reader reader, void *reader_ctx) {
    if (!kz_is_map(into)) return kz_error("strvals: destination is not a map");
    parser p = {.s = line, .len = len, .mode = mode, .reader = reader, .reader_ctx = reader_ctx,
                .err = kz_invalid()};
    for (;;) {
        res r = key(&p, into, 0);
        if (r == OK) continue;
        if (r == END) {
            kz_free(p.err);
            return kz_null();
        }
        if (!kz_error_message(&p.err)) {
            kz_free(p.err);
            return kz_error("strvals: parse error");
        }
        return p.err;
    }
}
