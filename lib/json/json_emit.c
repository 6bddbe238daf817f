/*
 * JSON output, byte-compatible with Go's encoding/json (see json/json.h).
 *
 * The layout is written directly, element by element: compact form is what
 * json.Marshal prints; with an indent it is what json.MarshalIndent prints
 * (which Go produces by re-indenting the compact text: every element of a
 * non-empty container on its own line starting with prefix + indent * depth,
 * "": " between key and value, empty containers kept as "{}" / "[]").
 *
 * Strings are scanned with a byte-class table; runs of bytes that need no
 * escaping are appended to the buffer in one piece.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/goobj.h"
#include "core/parallel.h"
#include "core/gotime.h"
#include "core/gofloat.h"
#include "core/utf8.h"
#include "json/json.h"

typedef struct emitter {
    kz_buf *out;
    bool escape_html;
    bool pretty;
    const char *prefix;
    size_t prefix_len;
    const char *indent;
    size_t indent_len;
    kz_value *err;
} emitter;

/* ---- strings ---- */

enum byte_class {
    B_PLAIN = 0, /* printable ASCII written as is (DEL included, as Go does) */
    B_ESCAPE,    /* control characters, '"' and '\\' */
    B_HTML,      /* '<', '>', '&': escaped unless raw */
    B_UTF8,      /* first byte of a multi-byte sequence (or a stray byte) */
};

#define E_ B_ESCAPE
#define H_ B_HTML
#define U_ B_UTF8
#define ROW_U U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_
static const uint8_t byte_class[256] = {
    /* 0x00 */ E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_,
    /* 0x10 */ E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_, E_,
    /* 0x20 */ 0, 0, E_, 0, 0, 0, H_, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x30 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, H_, 0, H_, 0,
    /* 0x40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, E_, 0, 0, 0,
    /* 0x60 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x70 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ROW_U, ROW_U, ROW_U, ROW_U, ROW_U, ROW_U, ROW_U, ROW_U,
};
#undef E_
#undef H_
#undef U_
#undef ROW_U

static const char hex_digits[] = "0123456789abcdef";

/* The escape for one ASCII byte that can't be written as is. */
static void append_ascii_escape(kz_buf *out, unsigned char c) {
    char esc[6] = {'\\', 0, 0, 0, 0, 0};
    switch (c) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    case '\b': esc[1] = 'b'; break; /* Go >= 1.22 writes \b and \f short */
    case '\f': esc[1] = 'f'; break;
    default:
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex_digits[c >> 4];
        esc[5] = hex_digits[c & 0xF];
        kz_buf_append(out, esc, 6);
        return;
    }
    kz_buf_append(out, esc, 2);
}

static void append_json_string(const emitter *em, const char *str, size_t n) {
    kz_buf *out = em->out;
    const unsigned char *s = (const unsigned char *)str;
    kz_buf_reserve(out, n + 2);
    out->data[out->len++] = '"';
    size_t run = 0; /* start of the pending run of bytes written as is */
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        uint8_t cls = byte_class[c];
        if (cls == B_PLAIN || (cls == B_HTML && !em->escape_html)) {
            i++;
            continue;
        }
        if (cls == B_UTF8) {
            size_t len = kz_utf8_valid_len(s + i, n - i);
            /* U+2028 and U+2029 (E2 80 A8/A9) break JavaScript string literals:
             * Go escapes them even when HTML escaping is off. */
            bool line_sep = len == 3 && c == 0xE2 && s[i + 1] == 0x80 &&
                            (s[i + 2] == 0xA8 || s[i + 2] == 0xA9);
            if (len != 0 && !line_sep) {
                i += len;
                continue;
            }
            kz_buf_append(out, str + run, i - run);
            if (line_sep) {
                kz_buf_append(out, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
                i += 3;
            } else {
                /* One replacement per byte that starts no valid sequence, as Go. */
                kz_buf_append(out, "\\ufffd", 6);
                i++;
            }
            run = i;
            continue;
        }
        kz_buf_append(out, str + run, i - run);
        append_ascii_escape(out, c);
        i++;
        run = i;
    }
    kz_buf_append(out, str + run, n - run);
    kz_buf_putc(out, '"');
}

/* ---- scalars ---- */

static void append_decimal(kz_buf *out, uint64_t magnitude, bool negative) {
    char tmp[24];
    char *p = tmp + sizeof tmp;
    do {
        *--p = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (negative) *--p = '-';
    kz_buf_append(out, p, (size_t)(tmp + sizeof tmp - p));
}

static void append_int(kz_buf *out, int64_t v) {
    /* Negate in unsigned arithmetic so INT64_MIN has no overflow. */
    append_decimal(out, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0);
}

/* An INT value: int64, or a uint64 beyond it (kz_uint). */
static void append_int_value(kz_buf *out, const kz_value *v) {
    if (kz_int_is_unsigned(v)) append_decimal(out, kz_uint_get(v), false);
    else append_int(out, kz_int_get(v));
}

/* *err is an out-parameter: overwritten, never read (it may be uninitialised). */
static int fail(const emitter *em, kz_value error) {
    if (em->err) {
        *em->err = error;
    } else {
        kz_free(error);
    }
    return -1;
}

/* 2^53: below it every integer is a float64 of its own, so the shortest digits
 * of an integral float are exactly its integer digits. */
#define EXACT_INT_LIMIT 9007199254740992.0

static int append_float(const emitter *em, double f) {
    /* Fast path for the common case (Helm's values hold every number as float64,
     * and most are integers): no digit search needed. */
    if (f > -EXACT_INT_LIMIT && f < EXACT_INT_LIMIT && f == (double)(int64_t)f) {
        if (f == 0 && signbit(f))
            kz_buf_append(em->out, "-0", 2);
        else
            append_int(em->out, (int64_t)f);
        return 0;
    }
    if (kz_format_json_float(em->out, f)) return 0;
    /* Go: UnsupportedValueError with strconv.FormatFloat(f, 'g', -1, 64). */
    kz_buf text = KZ_BUF_INIT;
    kz_format_float(&text, f, 'g', -1);
    int rc = fail(em, kz_error("json: unsupported value: %s", kz_buf_cstr(&text)));
    kz_buf_free(&text);
    return rc;
}

/* ---- containers ---- */

/* Line break before an element (or a closing bracket) at `depth`. */
static void newline(const emitter *em, size_t depth) {
    kz_buf *out = em->out;
    kz_buf_reserve(out, 1 + em->prefix_len + depth * em->indent_len);
    out->data[out->len++] = '\n';
    memcpy(out->data + out->len, em->prefix, em->prefix_len);
    out->len += em->prefix_len;
    for (size_t d = 0; d < depth; d++) {
        memcpy(out->data + out->len, em->indent, em->indent_len);
        out->len += em->indent_len;
    }
    out->data[out->len] = '\0';
}

static int emit_value(const emitter *em, const kz_value *v, size_t depth);

static int emit_seq(const emitter *em, const kz_value *seq, size_t depth) {
    size_t n = kz_len(seq);
    if (n == 0) {
        kz_buf_append(em->out, "[]", 2);
        return 0;
    }
    kz_buf_putc(em->out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i > 0) kz_buf_putc(em->out, ',');
        if (em->pretty) newline(em, depth + 1);
        if (emit_value(em, kz_seq_at(seq, i), depth + 1) != 0) return -1;
    }
    if (em->pretty) newline(em, depth);
    kz_buf_putc(em->out, ']');
    return 0;
}

typedef struct sorted_key {
    const char *s;
    size_t len;
    size_t index; /* entry index in the map */
} sorted_key;

static int sorted_key_cmp(const void *a, const void *b) {
    const sorted_key *x = a, *y = b;
    return kz_key_cmp_bytes(x->s, x->len, y->s, y->len);
}

/* Go writes map entries in byte order of their keys, whatever the insertion order. */
static int emit_map(const emitter *em, const kz_value *map, size_t depth) {
    size_t n = kz_len(map);
    if (n == 0) {
        kz_buf_append(em->out, "{}", 2);
        return 0;
    }
    sorted_key small[16];
    sorted_key *keys = n <= 16 ? small : kz_xmalloc(n * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        const kz_value *k = kz_map_key_at(map, i);
        keys[i] = (sorted_key){kz_str(k), kz_str_len(k), i};
    }
    qsort(keys, n, sizeof *keys, sorted_key_cmp);
    int rc = 0;
    kz_buf_putc(em->out, '{');
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i > 0) kz_buf_putc(em->out, ',');
        if (em->pretty) newline(em, depth + 1);
        append_json_string(em, keys[i].s, keys[i].len);
        if (em->pretty)
            kz_buf_append(em->out, ": ", 2);
        else
            kz_buf_putc(em->out, ':');
        rc = emit_value(em, kz_map_value_at(map, keys[i].index), depth + 1);
    }
    if (keys != small) free(keys);
    if (rc != 0) return rc;
    if (em->pretty) newline(em, depth);
    kz_buf_putc(em->out, '}');
    return 0;
}

/* A Go struct (core/goobj.h): its fields in declaration order under their
 * JSON names, omitempty ones left out when empty. */
static int emit_struct(const emitter *em, const kz_value *v, size_t depth) {
    kz_value view = kz_goobj_json_view(v);
    size_t n = kz_len(&view);
    int rc = 0;
    kz_buf_putc(em->out, '{');
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i > 0) kz_buf_putc(em->out, ',');
        if (em->pretty) newline(em, depth + 1);
        const kz_value *k = kz_map_key_at(&view, i);
        append_json_string(em, kz_str(k), kz_str_len(k));
        if (em->pretty)
            kz_buf_append(em->out, ": ", 2);
        else
            kz_buf_putc(em->out, ':');
        rc = emit_value(em, kz_map_value_at(&view, i), depth + 1);
    }
    kz_free(view);
    if (rc != 0) return rc;
    if (em->pretty && n > 0) newline(em, depth);
    kz_buf_putc(em->out, '}');
    return 0;
}

static int emit_value_here(const emitter *em, const kz_value *v, size_t depth);

typedef struct deep_emit {
    const emitter *em;
    const kz_value *v;
    size_t depth;
    int rc;
} deep_emit;

static void emit_value_hop(void *p) {
    deep_emit *d = p;
    d->rc = emit_value_here(d->em, d->v, d->depth);
}

/* emit_value_here; a container every KZ_DEEP_HOP levels on a fresh stack
 * (core/parallel.h). */
static int emit_value(const emitter *em, const kz_value *v, size_t depth) {
    if (!kz_deep_hop_due(depth) || !(kz_is_seq(v) || kz_is_map(v))) return emit_value_here(em, v, depth);
    deep_emit d = {em, v, depth, -1};
    if (!kz_call_with_stack(KZ_DEEP_STACK, emit_value_hop, &d)) emit_value_hop(&d); /* no thread: on this stack */
    return d.rc;
}

static int emit_value_here(const emitter *em, const kz_value *v, size_t depth) {
    switch (kz_kind_of(v)) {
    case KZ_NULL: kz_buf_append(em->out, "null", 4); return 0;
    case KZ_BOOL:
        if (kz_bool_get(v))
            kz_buf_append(em->out, "true", 4);
        else
            kz_buf_append(em->out, "false", 5);
        return 0;
    case KZ_INT: append_int_value(em->out, v); return 0;
    case KZ_FLOAT: return append_float(em, kz_float_get(v));
    case KZ_STRING:
        if (kz_gotype_of(v) == KZ_GOTYPE_BYTES) { /* Go marshals []byte as base64 */
            kz_buf b64 = KZ_BUF_INIT;
            kz_base64_encode(kz_str(v), kz_str_len(v), &b64);
            append_json_string(em, b64.data ? b64.data : "", b64.len);
            kz_buf_free(&b64);
            return 0;
        }
        append_json_string(em, kz_str(v), kz_str_len(v));
        return 0;
    case KZ_SEQ:
        if (kz_is_nil_container(v)) break; /* Go's nil slice: null, below */
        return emit_seq(em, v, depth);
    case KZ_MAP: {
        if (kz_is_nil_container(v)) break;
        if (kz_gotime_is(v) && kz_gotime_marshal_error(v))
            return fail(em, kz_error("json: error calling MarshalJSON for type time.Time: %s",
                                     kz_gotime_marshal_error(v)));
        kz_buf text = KZ_BUF_INIT; /* time.Time and *semver.Version marshal as strings */
        if (kz_gotype_of(v) != KZ_GOTYPE_NATURAL && kz_goobj_json_string(v, &text)) {
            append_json_string(em, text.data, text.len);
            kz_buf_free(&text);
            return 0;
        }
        kz_buf_free(&text);
        size_t nfields;
        if (kz_goobj_struct_fields(v, &nfields)) return emit_struct(em, v, depth);
        return emit_map(em, v, depth);
    }
    case KZ_INVALID: break;
    }
    if (kz_is_nil_container(v)) {
        kz_buf_append(em->out, "null", 4);
        return 0;
    }
    /* An error value carries its own message: pass it on rather than hide it. */
    const char *msg = kz_error_message(v);
    if (msg) return fail(em, kz_error("%s", msg));
    return fail(em, kz_error("json: unsupported value: invalid value"));
}

int kz_json_emit(kz_buf *out, const kz_value *v, const kz_json_emit_opts *opts, kz_value *err) {
    emitter em = {
        .out = out,
        .escape_html = !(opts && opts->raw),
        .pretty = opts && opts->indent && opts->indent[0] != '\0',
        .prefix = "",
        .indent = "",
        .err = err,
    };
    if (em.pretty) {
        em.indent = opts->indent;
        em.indent_len = strlen(opts->indent);
        if (opts->prefix) {
            em.prefix = opts->prefix;
            em.prefix_len = strlen(opts->prefix);
        }
    }
    size_t start = out->len;
    if (emit_value(&em, v, 0) == 0) return 0;
    /* Leave no half-written value behind. */
    out->len = start;
    if (out->data) out->data[start] = '\0';
    return -1;
}
