/*
 * The YAML emitter: go-yaml v2's output for the JSON form of a kz_value (see
 * emit.h for why). It is a direct recursive walk that keeps the same little bit
 * of state go-yaml's emitter keeps (current indent, column, "last thing written
 * was whitespace", "we are at an indentation") and makes the same decisions with
 * it, so line breaks, folding and indentation fall out identically; it appends
 * straight into the caller's buffer. The state and the writers it shares with
 * the v3 emitter are in emit_writer.c; folding and plain text are v2's own.
 */
#include "yaml/emit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/gofloat.h"
#include "core/goobj.h"
#include "core/gotime.h"
#include "core/parallel.h"
#include "core/utf8.h"
#include "yaml/emit_internal.h"

enum {
    BEST_INDENT = 2,
    BEST_WIDTH = KZ_YAML_BEST_WIDTH, /* plain and quoted text folds at spaces past this column */
    SIMPLE_KEY_MAX = 128,            /* longer keys are written as "? key\n: value" */
};

/* A map entry in the order being built: key text (the map's own bytes, or a
 * normalised copy in `owned`) and the entry's index in the map. */
typedef struct key_entry {
    const char *s;
    size_t n;
    size_t idx;
    char *owned;
} key_entry;

typedef struct emitter {
    kz_yaml_writer w; /* output, indent, column, whitespace, indention */
    kz_buf scratch;   /* normalised text of the string being written */
    key_entry *keys;  /* stack of sorted key indexes, one segment per open map */
    size_t nkeys, capkeys;
    bool failed;
    kz_value err;
    size_t depth;     /* containers being written, for kz_deep_hop_due */
} emitter;

static void fail(emitter *e, const char *msg) {
    if (e->failed) return;
    e->failed = true;
    e->err = kz_error("%s", msg);
}

/* ---- the JSON round trip's effect on text ---- */

/* Decode one character as Go does (invalid sequences: width 1, U+FFFD). */
static uint32_t decode_go(const unsigned char *s, size_t n, size_t i, size_t *w) {
    uint32_t r;
    *w = kz_utf8_decode(s + i, n - i, &r);
    return r;
}

/* Does the text need the round-trip treatment (non-ASCII or DEL)? */
static bool needs_normalizing(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x7F) return true;
    return false;
}

/*
 * The text as go-yaml reads it back from Go's JSON: invalid UTF-8 became U+FFFD
 * (json.Marshal); characters go-yaml's reader refuses fail the conversion; and a
 * raw NEL is a line break inside the double-quoted JSON string, folded as YAML
 * folds flow scalars: blanks around the breaks vanish, one break becomes a space,
 * n breaks become n-1 newlines. Writes into dst (cleared first); false on failure.
 */
static bool normalize_text(emitter *e, const char *src, size_t n, kz_buf *dst) {
    const unsigned char *s = (const unsigned char *)src;
    kz_buf_clear(dst);
    kz_buf_reserve(dst, n + 8);
    size_t i = 0;
    while (i < n) {
        size_t w;
        uint32_t r = decode_go(s, n, i, &w);
        if (r == 0x7F || (r >= 0x80 && r <= 0x9F && r != 0x85) || r == 0xFFFE || r == 0xFFFF) {
            fail(e, "yaml: control characters are not allowed");
            return false;
        }
        if (r == ' ' || r == 0x85) {
            /* a run of spaces and NELs */
            size_t start = dst->len;
            bool leading_blanks = false;
            size_t trailing_breaks = 0;
            while (i < n && (s[i] == ' ' || (s[i] == 0xC2 && i + 1 < n && s[i + 1] == 0x85))) {
                if (s[i] == ' ') {
                    if (!leading_blanks) kz_buf_putc(dst, ' ');
                    i++;
                } else {
                    if (!leading_blanks) {
                        dst->len = start; /* spaces before the first break vanish */
                        leading_blanks = true;
                    } else {
                        trailing_breaks++;
                    }
                    i += 2;
                }
            }
            if (leading_blanks) {
                if (trailing_breaks == 0) kz_buf_putc(dst, ' ');
                else kz_buf_repeat(dst, '\n', trailing_breaks);
                /* a document marker right after a line break ends go-yaml's read */
                if (n - i >= 4 && (memcmp(s + i, "---", 3) == 0 || memcmp(s + i, "...", 3) == 0) &&
                    (s[i + 3] == ' ' || (s[i + 3] == 0xC2 && i + 4 < n && s[i + 4] == 0x85))) {
                    fail(e, "yaml: found unexpected document indicator");
                    return false;
                }
            }
            continue;
        }
        if (r == 0xFFFD && w == 1) kz_utf8_append(dst, KZ_RUNE_ERROR); /* invalid byte */
        else kz_buf_append(dst, src + i, w);
        i += w;
    }
    if (dst->data == NULL) kz_buf_reserve(dst, 1);
    dst->data[dst->len] = '\0';
    return true;
}

/* ---- scalar analysis and style choice (go-yaml's rules) ---- */

/* The style go-yaml's encoder asks for, then what its emitter settles on. */
static kz_yaml_style choose_style(const char *s, size_t n, const kz_yaml_scalar_info *sc,
                                  bool simple_key) {
    kz_yaml_style style;
    if (memchr(s, '\n', n)) style = KZ_YAML_STYLE_LITERAL;
    else if (kz_yaml_plain_is_string(s, n)) style = KZ_YAML_STYLE_PLAIN;
    else style = KZ_YAML_STYLE_DOUBLE;
    return kz_yaml_select_style(sc, style, n, simple_key);
}

/* ---- scalar writers ---- */

/* v2's own: it folds (v3's write_plain does not, and skips the space for empty text). */
static void write_plain(emitter *e, const char *v, size_t n, const kz_yaml_scalar_info *sc,
                        bool allow_breaks) {
    if (!e->w.whitespace) kz_yaml_put(&e->w, ' ');
    /* Fast path: no space can fall past the fold column. */
    if (!allow_breaks || !sc->has_space || e->w.column + sc->chars <= BEST_WIDTH + 1) {
        kz_buf_append(e->w.out, v, n);
        e->w.column += sc->chars;
    } else {
        bool spaces = false;
        for (size_t i = 0; i < n;) {
            if (v[i] == ' ') {
                if (!spaces && e->w.column > BEST_WIDTH && i + 1 < n && v[i + 1] != ' ') {
                    kz_yaml_write_indent(&e->w);
                    i++;
                } else {
                    kz_yaml_write_char(&e->w, v, &i);
                }
                spaces = true;
            } else {
                kz_yaml_write_char(&e->w, v, &i);
                e->w.indention = false;
                spaces = false;
            }
        }
    }
    e->w.whitespace = false;
    e->w.indention = false;
}

/* A string scalar: s is already normalised. */
static void emit_string_scalar(emitter *e, const char *s, size_t n, bool simple_key) {
    kz_yaml_scalar_info sc;
    kz_yaml_analyze_scalar(s, n, false, &sc); /* v2: a tab is special */
    kz_yaml_style style = choose_style(s, n, &sc, simple_key);
    int saved = e->w.indent;
    kz_yaml_increase_indent(&e->w, true, false);
    switch (style) {
    case KZ_YAML_STYLE_PLAIN: write_plain(e, s, n, &sc, !simple_key); break;
    case KZ_YAML_STYLE_SINGLE: kz_yaml_write_single_quoted(&e->w, s, n, !simple_key); break;
    case KZ_YAML_STYLE_DOUBLE: kz_yaml_write_double_quoted(&e->w, s, n, !simple_key); break;
    case KZ_YAML_STYLE_LITERAL: kz_yaml_write_literal(&e->w, s, n); break;
    }
    e->w.indent = saved;
}

/* ---- numbers as go-yaml re-reads their JSON ---- */

/* Is t (an integral JSON number, optional '-') an int go-yaml accepts: int64, or
 * uint64 without a sign? */
static bool json_integer_fits(const char *t, size_t n) {
    bool neg = n > 0 && t[0] == '-';
    uint64_t mag = 0;
    for (size_t i = neg ? 1 : 0; i < n; i++) {
        unsigned d = (unsigned)(t[i] - '0');
        if (mag > (UINT64_MAX - d) / 10) return false;
        mag = mag * 10 + d;
    }
    return neg ? mag <= (uint64_t)INT64_MAX + 1 : true;
}

static void emit_float(emitter *e, double f) {
    if (isnan(f) || isinf(f)) {
        fail(e, isnan(f) ? "error marshaling into JSON: json: unsupported value: NaN"
                 : f > 0 ? "error marshaling into JSON: json: unsupported value: +Inf"
                         : "error marshaling into JSON: json: unsupported value: -Inf");
        return;
    }
    /* Integral and exact: JSON prints the integer, go-yaml reads an int. */
    if (f == trunc(f) && fabs(f) < 9007199254740992.0) {
        kz_yaml_write_int(&e->w, (int64_t)f);
        return;
    }
    kz_buf t = KZ_BUF_INIT;
    kz_format_json_float(&t, f);
    if (!strpbrk(t.data, ".eE") && json_integer_fits(t.data, t.len)) {
        kz_yaml_write_atom(&e->w, t.data, t.len); /* read back as int or uint64: printed as is */
    } else {
        kz_buf_clear(&t);
        kz_format_float(&t, f, 'g', -1); /* read back as float64: strconv 'g' */
        kz_yaml_write_atom(&e->w, t.data, t.len);
    }
    kz_buf_free(&t);
}

/* ---- keys ---- */

/* Decode s into runes the way Go's []rune(s) does. */
static size_t to_runes(const char *s, size_t n, uint32_t *out) {
    size_t k = 0;
    for (size_t i = 0, w; i < n; i += w) out[k++] = decode_go((const unsigned char *)s, n, i, &w);
    return k;
}

static int three_way(int64_t a, int64_t b) { return (a > b) - (a < b); }

/* go-yaml's keyList.Less as a three-way comparison over rune arrays; defined for
 * bytes (ASCII keys, the common case, need no decoding) and for decoded runes. */
#define DEFINE_COMPARE(name, T)                                                              \
    static int name(const T *a, size_t an, const T *b, size_t bn) {                          \
        for (size_t i = 0; i < an && i < bn; i++) {                                          \
            if (a[i] == b[i]) continue;                                                      \
            bool al = kz_go_is_letter(a[i]), bl = kz_go_is_letter(b[i]);                     \
            if (al && bl) return a[i] < b[i] ? -1 : 1;                                       \
            if (al || bl) return bl ? -1 : 1;                                                \
            /* Runs of digits compare as numbers; a run starting with '0' after a nonzero  \
             * digit of the common prefix keeps that magnitude (go-yaml's quirk). */         \
            uint64_t av = 0, bv = 0;                                                         \
            if (a[i] == '0' || b[i] == '0') {                                                \
                for (size_t j = i; j-- > 0 && kz_go_is_digit(a[j]);) {                       \
                    if (a[j] != '0') {                                                       \
                        av = bv = 1;                                                         \
                        break;                                                               \
                    }                                                                        \
                }                                                                            \
            }                                                                                \
            size_t ai = i, bi = i;                                                           \
            for (; ai < an && kz_go_is_digit(a[ai]); ai++)                                   \
                av = av * 10 + (uint64_t)((int64_t)a[ai] - '0');                             \
            for (; bi < bn && kz_go_is_digit(b[bi]); bi++)                                   \
                bv = bv * 10 + (uint64_t)((int64_t)b[bi] - '0');                             \
            if (av != bv) return three_way((int64_t)av, (int64_t)bv);                        \
            if (ai != bi) return ai < bi ? -1 : 1;                                           \
            return a[i] < b[i] ? -1 : 1;                                                     \
        }                                                                                    \
        return (an > bn) - (an < bn);                                                        \
    }

DEFINE_COMPARE(compare_bytes, unsigned char)
DEFINE_COMPARE(compare_runes, uint32_t)

static bool is_ascii(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80) return false;
    return true;
}

int kz_yaml_key_cmp(const char *a, size_t alen, const char *b, size_t blen) {
    if (alen == blen && memcmp(a, b, alen) == 0) return 0;
    if (is_ascii(a, alen) && is_ascii(b, blen))
        return compare_bytes((const unsigned char *)a, alen, (const unsigned char *)b, blen);
    uint32_t abuf[64], bbuf[64];
    uint32_t *ar = alen <= 64 ? abuf : kz_xmalloc(alen * sizeof *ar);
    uint32_t *br = blen <= 64 ? bbuf : kz_xmalloc(blen * sizeof *br);
    size_t an = to_runes(a, alen, ar), bn = to_runes(b, blen, br);
    int c = compare_runes(ar, an, br, bn);
    if (ar != abuf) free(ar);
    if (br != bbuf) free(br);
    return c;
}

static int entry_cmp(const key_entry *x, const key_entry *y) {
    return kz_yaml_key_cmp(x->s, x->n, y->s, y->n);
}

/* Stable merge sort of k[0..n) using tmp[0..n). */
static void sort_entries(key_entry *k, key_entry *tmp, size_t n) {
    if (n < 2) return;
    if (n <= 8) {
        for (size_t i = 1; i < n; i++) {
            key_entry x = k[i];
            size_t j = i;
            while (j > 0 && entry_cmp(&k[j - 1], &x) > 0) {
                k[j] = k[j - 1];
                j--;
            }
            k[j] = x;
        }
        return;
    }
    size_t half = n / 2;
    sort_entries(k, tmp, half);
    sort_entries(k + half, tmp, n - half);
    if (entry_cmp(&k[half - 1], &k[half]) <= 0) return;
    memcpy(tmp, k, n * sizeof *k);
    size_t i = 0, j = half, o = 0;
    while (i < half && j < n) k[o++] = entry_cmp(&tmp[j], &tmp[i]) < 0 ? tmp[j++] : tmp[i++];
    while (i < half) k[o++] = tmp[i++];
    while (j < n) k[o++] = tmp[j++];
}

/* Push the map's keys, normalised, onto the key stack in go-yaml's order.
 * Returns the segment's base offset (the stack may move: index it freshly). */
static size_t push_sorted_keys(emitter *e, const kz_value *map) {
    size_t n = kz_len(map);
    size_t base = e->nkeys;
    if (base + 2 * n > e->capkeys) {
        e->capkeys = kz_grow_cap(e->capkeys, base + 2 * n);
        e->keys = kz_xrealloc(e->keys, e->capkeys * sizeof *e->keys);
    }
    key_entry *k = e->keys + base;
    for (size_t i = 0; i < n; i++) {
        const kz_value *key = kz_map_key_at(map, i);
        k[i] = (key_entry){kz_str(key), kz_str_len(key), i, NULL};
        if (needs_normalizing(k[i].s, k[i].n)) {
            if (normalize_text(e, k[i].s, k[i].n, &e->scratch)) {
                k[i].owned = kz_xstrndup(e->scratch.data, e->scratch.len);
                k[i].s = k[i].owned;
                k[i].n = e->scratch.len;
            }
        }
    }
    sort_entries(k, k + n, n);
    e->nkeys = base + n;
    return base;
}

static void pop_keys(emitter *e, size_t base) {
    for (size_t i = base; i < e->nkeys; i++) free(e->keys[i].owned);
    e->nkeys = base;
}

/* ---- nodes ---- */

static void emit_node(emitter *e, const kz_value *v, bool mapping_context);

static void emit_string_value(emitter *e, const kz_value *v) {
    const char *s = kz_str(v);
    size_t n = kz_str_len(v);
    if (needs_normalizing(s, n)) {
        if (!normalize_text(e, s, n, &e->scratch)) return;
        s = e->scratch.data;
        n = e->scratch.len;
    }
    emit_string_scalar(e, s, n, false);
}

static void emit_block_sequence(emitter *e, const kz_value *seq, bool mapping_context) {
    int saved = e->w.indent;
    /* A sequence that is a mapping's value is not indented under its key. */
    kz_yaml_increase_indent(&e->w, false, mapping_context && !e->w.indention);
    size_t n = kz_len(seq);
    for (size_t i = 0; i < n && !e->failed; i++) {
        kz_yaml_write_indent(&e->w);
        kz_yaml_write_indicator(&e->w, "-", true, false, true);
        emit_node(e, kz_seq_at(seq, i), false);
    }
    e->w.indent = saved;
}

static void emit_block_mapping(emitter *e, const kz_value *map) {
    int saved = e->w.indent;
    kz_yaml_increase_indent(&e->w, false, false);
    size_t base = push_sorted_keys(e, map);
    size_t n = kz_len(map);
    for (size_t j = 0; j < n && !e->failed; j++) {
        key_entry k = e->keys[base + j];
        const kz_value *val = kz_map_value_at(map, k.idx);
        kz_yaml_write_indent(&e->w);
        bool multiline = false;
        for (size_t i = 0; i < k.n && !multiline; i++) {
            unsigned char c = (unsigned char)k.s[i];
            multiline = c == '\n' || c == '\r' || (c >= 0xC2 && kz_yaml_is_break_at((const unsigned char *)k.s, i));
        }
        if (!multiline && k.n <= SIMPLE_KEY_MAX) {
            emit_string_scalar(e, k.s, k.n, true);
            kz_yaml_write_indicator(&e->w, ":", false, false, false);
        } else {
            /* complex key: "? key" then ": value" on the next line */
            kz_yaml_write_indicator(&e->w, "?", true, false, true);
            emit_string_scalar(e, k.s, k.n, false);
            kz_yaml_write_indent(&e->w);
            kz_yaml_write_indicator(&e->w, ":", true, false, true);
        }
        emit_node(e, val, true);
    }
    pop_keys(e, base);
    e->w.indent = saved;
}

/* What encoding/json turns into a string before go-yaml sees it: []byte
 * (base64), time.Time and *semver.Version (their MarshalJSON). Returns false
 * for every other value. */
static bool emit_json_string_form(emitter *e, const kz_value *v) {
    kz_gotype t = kz_gotype_of(v);
    if (t == KZ_GOTYPE_NATURAL) return false;
    kz_buf text = KZ_BUF_INIT;
    bool handled = true;
    if (kz_kind_of(v) == KZ_STRING && t == KZ_GOTYPE_BYTES) {
        kz_base64_encode(kz_str(v), kz_str_len(v), &text);
    } else if (kz_gotime_is(v) && kz_gotime_marshal_error(v)) {
        if (!e->failed) {
            e->failed = true;
            e->err = kz_error("error marshaling into JSON: json: error calling MarshalJSON for type time.Time: %s",
                              kz_gotime_marshal_error(v));
        }
        kz_buf_free(&text);
        return true;
    } else {
        handled = kz_goobj_json_string(v, &text);
    }
    if (handled) {
        kz_value s = kz_string_n(text.data ? text.data : "", text.len);
        emit_string_value(e, &s);
        kz_free(s);
    }
    kz_buf_free(&text);
    return handled;
}

static void emit_node_here(emitter *e, const kz_value *v, bool mapping_context);

typedef struct deep_node {
    emitter *e;
    const kz_value *v;
    bool mapping_context;
} deep_node;

static void emit_node_hop(void *p) {
    deep_node *d = p;
    emit_node_here(d->e, d->v, d->mapping_context);
}

/* emit_node_here; a container every KZ_DEEP_HOP levels on a fresh stack
 * (core/parallel.h). */
static void emit_node(emitter *e, const kz_value *v, bool mapping_context) {
    if (!kz_is_seq(v) && !kz_is_map(v)) {
        emit_node_here(e, v, mapping_context);
        return;
    }
    if (kz_deep_hop_due(++e->depth)) {
        deep_node d = {e, v, mapping_context};
        if (!kz_call_with_stack(KZ_DEEP_STACK, emit_node_hop, &d)) emit_node_hop(&d); /* no thread: on this stack */
    } else {
        emit_node_here(e, v, mapping_context);
    }
    e->depth--;
}

static void emit_node_here(emitter *e, const kz_value *v, bool mapping_context) {
    if (emit_json_string_form(e, v)) return;
    size_t nfields; /* a Go struct: the mapping encoding/json makes of it */
    if (kz_goobj_struct_fields(v, &nfields)) {
        kz_value view = kz_goobj_json_view(v);
        emit_node(e, &view, mapping_context);
        kz_free(view);
        return;
    }
    if (kz_is_nil_container(v)) { /* Go's nil slice or map: JSON's null */
        kz_yaml_write_atom(&e->w, "null", 4);
        return;
    }
    switch (kz_kind_of(v)) {
    case KZ_NULL: kz_yaml_write_atom(&e->w, "null", 4); break;
    case KZ_BOOL: kz_bool_get(v) ? kz_yaml_write_atom(&e->w, "true", 4) : kz_yaml_write_atom(&e->w, "false", 5); break;
    case KZ_INT:
        if (kz_int_is_unsigned(v)) kz_yaml_write_decimal(&e->w, kz_uint_get(v), false);
        else kz_yaml_write_int(&e->w, kz_int_get(v));
        break;
    case KZ_FLOAT: emit_float(e, kz_float_get(v)); break;
    case KZ_STRING: emit_string_value(e, v); break;
    case KZ_SEQ:
        if (kz_len(v) == 0) {
            kz_yaml_write_indicator(&e->w, "[", true, true, false);
            kz_yaml_write_indicator(&e->w, "]", false, false, false);
        } else {
            emit_block_sequence(e, v, mapping_context);
        }
        break;
    case KZ_MAP:
        if (kz_len(v) == 0) {
            kz_yaml_write_indicator(&e->w, "{", true, true, false);
            kz_yaml_write_indicator(&e->w, "}", false, false, false);
        } else {
            emit_block_mapping(e, v);
        }
        break;
    default: {
        const char *msg = kz_error_message(v);
        if (e->failed) break;
        e->failed = true;
        e->err = kz_error("error marshaling into JSON: %s", msg ? msg : "invalid value");
        break;
    }
    }
}

int kz_yaml_emit_checked(kz_buf *out, const kz_value *doc, kz_value *err) {
    emitter e = {.w = kz_yaml_writer_init(out, BEST_INDENT)};
    kz_buf_init(&e.scratch);
    size_t start = out->len;
    emit_node(&e, doc, false);
    if (!e.failed) {
        /* document end: finish the last line */
        e.w.indent = -1;
        kz_yaml_write_indent(&e.w);
    }
    kz_buf_free(&e.scratch);
    free(e.keys);
    if (e.failed) {
        out->len = start;
        if (out->data) out->data[start] = '\0';
        if (err) *err = e.err;
        else kz_free(e.err);
        return -1;
    }
    return 0;
}

void kz_yaml_emit(kz_buf *out, const kz_value *doc) {
    kz_yaml_emit_checked(out, doc, NULL);
}
