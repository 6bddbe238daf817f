/*
 * go-yaml v3's encoder (Encoder with SetIndent(2)), see emit_v3.h.
 *
 * Like emit.c it is a recursive walk keeping the little state go-yaml's emitter
 * keeps (indent, column, "last written was whitespace", "only indentation on
 * this line") and making the same decisions with it. The state, the scalar
 * analysis and the quoted and literal writers are shared with emit.c
 * (emit_writer.c, without v2's folding), and so is the resolver
 * (kz_yaml_plain_is_string): v3 quotes exactly the strings v2 does (its YAML
 * 1.1 booleans "yes"/"on"/... and base-60 numbers are quoted "for old parsers"
 * although v3 reads them as strings).
 *
 * What differs from v2 (emit.c): no JSON round trip (floats in 'g' form, .nan,
 * .inf; text as it is; invalid UTF-8 as !!binary), no folding (v3's default
 * width is unlimited), sequences under a key are indented, tabs don't rule out
 * a literal block, and the key order has v3's "digits" rule.
 */
#include "yaml/emit_v3.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/gofloat.h"
#include "core/goobj.h"
#include "core/gotime.h"
#include "core/unicode.h"
#include "core/utf8.h"
#include "yaml/emit_internal.h"

enum {
    BEST_INDENT = 2,      /* Encoder.SetIndent(2) */
    SIMPLE_KEY_MAX = 128, /* longer keys (bytes, tag included) are written "? key\n: value" */
    BASE64_LINE = 70,     /* !!binary text is cut into lines of this many characters */
};

typedef struct key_entry {
    const char *s;
    size_t n;
    size_t idx;
} key_entry;

typedef struct emitter {
    kz_yaml_writer w; /* output, indent, column, whitespace, indention */
    kz_buf scratch;   /* text of the scalar being written (base64, times, semver) */
    bool failed;
    kz_value err;
} emitter;

/* A string as the encoder hands it to the emitter (encoder.stringv). */
typedef struct prepared {
    const char *s;
    size_t n;
    bool binary; /* tagged !!binary: s is base64 of the original bytes */
    kz_yaml_style style;
} prepared;

static void fail(emitter *e, const char *msg) {
    if (e->failed) return;
    e->failed = true;
    e->err = kz_error("%s", msg);
}

/* ---- scalar writers (no folding: v3's line width is unlimited) ----
 * Indentation: v3 calls kz_yaml_increase_indent with indentless false
 * throughout; with an even indent step every nested block is 2 further in,
 * whether it sits in a sequence item or under a key. */

/* v3's own: v2's folds, and v2 writes the separating space even for empty text. */
static void write_plain(emitter *e, const char *v, size_t n) {
    if (n > 0 && !e->w.whitespace) kz_yaml_put(&e->w, ' ');
    /* plain text never holds a break (analyze_scalar forbids it) */
    kz_buf_append(e->w.out, v, n);
    e->w.column += kz_utf8_rune_count(v, n);
    if (n > 0) e->w.whitespace = false;
    e->w.indention = false;
}

/* One scalar event: style selection, tag, then the text at the scalar's indent. */
static void emit_scalar(emitter *e, const prepared *p, bool simple_key) {
    kz_yaml_scalar_info sc;
    kz_yaml_analyze_scalar(p->s, p->n, true, &sc); /* v3: a tab allows a literal block */
    kz_yaml_style style = kz_yaml_select_style(&sc, p->style, p->n, simple_key);
    if (p->binary) kz_yaml_write_atom(&e->w, "!!binary", 8);
    int saved = e->w.indent;
    kz_yaml_increase_indent(&e->w, true, false);
    switch (style) {
    case KZ_YAML_STYLE_PLAIN: write_plain(e, p->s, p->n); break;
    case KZ_YAML_STYLE_SINGLE: kz_yaml_write_single_quoted(&e->w, p->s, p->n, false); break;
    case KZ_YAML_STYLE_DOUBLE: kz_yaml_write_double_quoted(&e->w, p->s, p->n, false); break;
    case KZ_YAML_STYLE_LITERAL: kz_yaml_write_literal(&e->w, p->s, p->n); break;
    }
    e->w.indent = saved;
}

/* ---- strings as encoder.stringv hands them over ---- */

static bool valid_utf8(const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t w = kz_utf8_valid_len(u + i, n - i);
        if (w == 0) return false;
        i += w;
    }
    return true;
}

/* base64 of s in lines of 70, each ended by '\n' when there is more than one
 * line's worth (go-yaml's encodeBase64). Writes into dst (cleared first). */
static void encode_base64_lines(const char *s, size_t n, kz_buf *dst) {
    kz_buf b64 = KZ_BUF_INIT;
    kz_base64_encode(s, n, &b64);
    kz_buf_clear(dst);
    bool multi = b64.len / BASE64_LINE + 1 > 1;
    for (size_t i = 0; i < b64.len; i += BASE64_LINE) {
        size_t j = i + BASE64_LINE < b64.len ? i + BASE64_LINE : b64.len;
        kz_buf_append(dst, b64.data + i, j - i);
        if (multi) kz_buf_putc(dst, '\n');
    }
    if (dst->data == NULL) kz_buf_reserve(dst, 1);
    kz_buf_free(&b64);
}

/* The text and requested style of a string; may use e->scratch. */
static prepared prepare_string(emitter *e, const char *s, size_t n) {
    prepared p = {s, n, false, KZ_YAML_STYLE_PLAIN};
    bool plain_ok = true;
    if (!valid_utf8(s, n)) {
        encode_base64_lines(s, n, &e->scratch);
        p.s = e->scratch.data;
        p.n = e->scratch.len;
        p.binary = true;
    } else {
        plain_ok = kz_yaml_plain_is_string(s, n);
    }
    if (memchr(p.s, '\n', p.n)) p.style = KZ_YAML_STYLE_LITERAL;
    else if (plain_ok) p.style = KZ_YAML_STYLE_PLAIN;
    else p.style = KZ_YAML_STYLE_DOUBLE;
    return p;
}

/* ---- numbers ---- */

static void emit_float(emitter *e, double f) {
    if (isnan(f)) {
        kz_yaml_write_atom(&e->w, ".nan", 4);
    } else if (isinf(f)) {
        if (f > 0) kz_yaml_write_atom(&e->w, ".inf", 4);
        else kz_yaml_write_atom(&e->w, "-.inf", 5);
    } else {
        kz_buf t = KZ_BUF_INIT;
        kz_format_float(&t, f, 'g', -1);
        kz_yaml_write_atom(&e->w, t.data, t.len);
        kz_buf_free(&t);
    }
}

/* ---- keys: go-yaml v3's keyList.Less ---- */

static size_t to_runes(const char *s, size_t n, uint32_t *out) {
    size_t k = 0;
    for (size_t i = 0, w; i < n; i += w) w = kz_utf8_decode((const unsigned char *)s + i, n - i, &out[k++]);
    return k;
}

static int compare_runes(const uint32_t *a, size_t an, const uint32_t *b, size_t bn) {
    bool digits = false; /* the common prefix so far ends in a digit */
    for (size_t i = 0; i < an && i < bn; i++) {
        if (a[i] == b[i]) {
            digits = kz_go_is_digit(a[i]);
            continue;
        }
        bool al = kz_go_is_letter(a[i]), bl = kz_go_is_letter(b[i]);
        if (al && bl) return a[i] < b[i] ? -1 : 1;
        if (al || bl) {
            /* after digits a letter comes first ("a1b" < "a10"), else last */
            if (digits) return al ? -1 : 1;
            return bl ? -1 : 1;
        }
        /* Runs of digits compare as numbers; a run starting with '0' after a
         * nonzero digit of the common prefix keeps that magnitude (go-yaml's
         * quirk). Arithmetic wraps as Go's int64 does. */
        uint64_t av = 0, bv = 0;
        if (a[i] == '0' || b[i] == '0') {
            for (size_t j = i; j-- > 0 && kz_go_is_digit(a[j]);) {
                if (a[j] != '0') {
                    av = bv = 1;
                    break;
                }
            }
        }
        size_t ai = i, bi = i;
        for (; ai < an && kz_go_is_digit(a[ai]); ai++)
            av = av * 10 + (uint64_t)((int64_t)(int32_t)a[ai] - '0');
        for (; bi < bn && kz_go_is_digit(b[bi]); bi++)
            bv = bv * 10 + (uint64_t)((int64_t)(int32_t)b[bi] - '0');
        if (av != bv) return (int64_t)av < (int64_t)bv ? -1 : 1;
        if (ai != bi) return ai < bi ? -1 : 1;
        return a[i] < b[i] ? -1 : 1;
    }
    return (an > bn) - (an < bn);
}

int kz_yaml_v3_key_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    if (alen == blen && memcmp(a, b, alen) == 0) return 0;
    uint32_t abuf[64], bbuf[64];
    uint32_t *ar = alen <= 64 ? abuf : kz_xmalloc(alen * sizeof *ar);
    uint32_t *br = blen <= 64 ? bbuf : kz_xmalloc(blen * sizeof *br);
    size_t an = to_runes(a, alen, ar), bn = to_runes(b, blen, br);
    int c = compare_runes(ar, an, br, bn);
    if (ar != abuf) free(ar);
    if (br != bbuf) free(br);
    return c;
}

static int entry_cmp(const void *x, const void *y) {
    const key_entry *a = x, *b = y;
    int c = kz_yaml_v3_key_cmp(a->s, a->n, b->s, b->n);
    if (c == 0) c = (a->idx > b->idx) - (a->idx < b->idx);
    return c;
}

/* ---- nodes ---- */

static void emit_node(emitter *e, const kz_value *v);

static void emit_string(emitter *e, const char *s, size_t n) {
    prepared p = prepare_string(e, s, n);
    emit_scalar(e, &p, false);
}

static void emit_empty(emitter *e, const char *open, const char *close) {
    kz_yaml_write_indicator(&e->w, open, true, true, false);
    kz_yaml_write_indicator(&e->w, close, false, false, false);
}

static void emit_block_sequence(emitter *e, const kz_value *seq) {
    int saved = e->w.indent;
    kz_yaml_increase_indent(&e->w, false, false);
    size_t n = kz_len(seq);
    for (size_t i = 0; i < n && !e->failed; i++) {
        kz_yaml_write_indent(&e->w);
        kz_yaml_write_indicator(&e->w, "-", true, false, true);
        emit_node(e, kz_seq_at(seq, i));
    }
    e->w.indent = saved;
}

/* []byte: a sequence of ints. */
static void emit_bytes(emitter *e, const kz_value *v) {
    const unsigned char *s = (const unsigned char *)kz_str(v);
    size_t n = kz_str_len(v);
    if (n == 0) {
        emit_empty(e, "[", "]");
        return;
    }
    int saved = e->w.indent;
    kz_yaml_increase_indent(&e->w, false, false);
    for (size_t i = 0; i < n; i++) {
        kz_yaml_write_indent(&e->w);
        kz_yaml_write_indicator(&e->w, "-", true, false, true);
        kz_yaml_write_decimal(&e->w, s[i], false);
    }
    e->w.indent = saved;
}

/* One mapping entry: the key (simple, or "? key" + ": "), then the value. */
static void emit_entry(emitter *e, const char *ks, size_t kn, const kz_value *val) {
    kz_yaml_write_indent(&e->w);
    prepared k = prepare_string(e, ks, kn);
    kz_yaml_scalar_info sc;
    kz_yaml_analyze_scalar(k.s, k.n, true, &sc);
    if (!sc.multiline && k.n + (k.binary ? 8 : 0) <= SIMPLE_KEY_MAX) {
        emit_scalar(e, &k, true);
        kz_yaml_write_indicator(&e->w, ":", false, false, false);
    } else {
        kz_yaml_write_indicator(&e->w, "?", true, false, true);
        emit_scalar(e, &k, false);
        kz_yaml_write_indent(&e->w);
        kz_yaml_write_indicator(&e->w, ":", true, false, true);
    }
    emit_node(e, val);
}

static void emit_block_mapping(emitter *e, const kz_value *map) {
    size_t n = kz_len(map);
    key_entry *keys = kz_xmalloc(n * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        const kz_value *key = kz_map_key_at(map, i);
        keys[i] = (key_entry){kz_str(key), kz_str_len(key), i};
    }
    qsort(keys, n, sizeof *keys, entry_cmp);
    int saved = e->w.indent;
    kz_yaml_increase_indent(&e->w, false, false);
    for (size_t j = 0; j < n && !e->failed; j++)
        emit_entry(e, keys[j].s, keys[j].n, kz_map_value_at(map, keys[j].idx));
    e->w.indent = saved;
    free(keys);
}

/* A Go struct (sprig's certificate): fields in order, names lower-cased. */
static void emit_struct(emitter *e, const kz_value *map) {
    size_t n = kz_len(map);
    if (n == 0) {
        emit_empty(e, "{", "}");
        return;
    }
    int saved = e->w.indent;
    kz_yaml_increase_indent(&e->w, false, false);
    kz_buf name = KZ_BUF_INIT;
    for (size_t i = 0; i < n && !e->failed; i++) {
        const kz_value *key = kz_map_key_at(map, i);
        const char *s = kz_str(key);
        size_t len = kz_str_len(key);
        kz_buf_clear(&name);
        for (size_t k = 0; k < len; k++) {
            char c = s[k];
            kz_buf_putc(&name, c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
        }
        emit_entry(e, name.data, name.len, kz_map_value_at(map, i));
    }
    kz_buf_free(&name);
    e->w.indent = saved;
}

static void emit_node(emitter *e, const kz_value *v) {
    kz_gotype gt = kz_gotype_of(v);
    kz_kind kind = kz_kind_of(v);
    if (kind == KZ_MAP && gt == KZ_GOTYPE_TIME) {
        /* time.Time: RFC 3339 with nanoseconds, requested plain */
        kz_buf_clear(&e->scratch);
        kz_gotime_rfc3339nano(v, &e->scratch);
        prepared p = {e->scratch.data, e->scratch.len, false, KZ_YAML_STYLE_PLAIN};
        emit_scalar(e, &p, false);
        return;
    }
    if (kind == KZ_MAP && (gt == KZ_GOTYPE_SEMVER || gt == KZ_GOTYPE_SEMVER_VALUE)) {
        /* *semver.Version is an encoding.TextMarshaler: its String() as a string */
        kz_buf t = KZ_BUF_INIT;
        kz_goobj_string(v, &t);
        if (t.data == NULL) kz_buf_reserve(&t, 1);
        emit_string(e, t.data, t.len);
        kz_buf_free(&t);
        return;
    }
    if (kind == KZ_MAP && gt == KZ_GOTYPE_CERT) {
        emit_struct(e, v);
        return;
    }
    if (kind == KZ_MAP && gt == KZ_GOTYPE_LOCATION) { /* *time.Location: no exported field */
        emit_empty(e, "{", "}");
        return;
    }
    if (kind == KZ_INT && gt == KZ_GOTYPE_DURATION) { /* yaml.v3 writes a time.Duration as its String */
        kz_buf d = KZ_BUF_INIT;
        kz_goduration_string(kz_int_get(v), &d);
        emit_string(e, d.data, d.len);
        kz_buf_free(&d);
        return;
    }
    if (kind == KZ_STRING && gt == KZ_GOTYPE_BYTES) {
        emit_bytes(e, v);
        return;
    }
    switch (kind) {
    case KZ_NULL: kz_yaml_write_atom(&e->w, "null", 4); break;
    case KZ_BOOL: kz_bool_get(v) ? kz_yaml_write_atom(&e->w, "true", 4) : kz_yaml_write_atom(&e->w, "false", 5); break;
    case KZ_INT:
        if (kz_int_is_unsigned(v)) kz_yaml_write_decimal(&e->w, kz_uint_get(v), false);
        else kz_yaml_write_int(&e->w, kz_int_get(v));
        break;
    case KZ_FLOAT: emit_float(e, kz_float_get(v)); break;
    case KZ_STRING: emit_string(e, kz_str(v), kz_str_len(v)); break;
    case KZ_SEQ:
        if (kz_len(v) == 0) emit_empty(e, "[", "]");
        else emit_block_sequence(e, v);
        break;
    case KZ_MAP:
        if (kz_len(v) == 0) emit_empty(e, "{", "}");
        else emit_block_mapping(e, v);
        break;
    default: {
        const char *msg = kz_error_message(v);
        fail(e, msg ? msg : "cannot marshal an invalid value");
        break;
    }
    }
}

int kz_yaml_v3_emit(kz_buf *out, const kz_value *doc, kz_value *err) {
    emitter e = {.w = kz_yaml_writer_init(out, BEST_INDENT)};
    kz_buf_init(&e.scratch);
    size_t start = out->len;
    emit_node(&e, doc);
    if (!e.failed) {
        /* document end: finish the last line */
        e.w.indent = -1;
        kz_yaml_write_indent(&e.w);
    }
    kz_buf_free(&e.scratch);
    if (e.failed) {
        out->len = start;
        if (out->data) out->data[start] = '\0';
        if (err) *err = e.err;
        else kz_free(e.err);
        return -1;
    }
    return 0;
}
