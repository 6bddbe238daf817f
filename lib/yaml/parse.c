/*
 * YAML -> kz_value, driven by libyaml's event API (never its document API, which
 * would build a second tree). Containers are built on an explicit stack; scalars
 * are resolved in place (parse_scalar.c). See parse.h for the rules of each mode.
 */
#include "yaml/parse.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "core/alloc.h"
#include "core/parallel.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/gofloat.h"
#include "core/utf8.h"
#include "yaml/parse_escape.h"
#include "yaml/parse_scalar.h"

/* Alias bombs: aliases share values, so parsing never copies; but consumers walk
 * the expanded tree. Refuse documents whose expansion exceeds this many nodes AND
 * this many times the nodes actually written. */
#define ALIAS_EXPANSION_MIN 1000000u
#define ALIAS_EXPANSION_RATIO 50u
/* Keys longer than the inline limit and up to this size are interned per parse. */
#define INTERN_MIN_INPUT (64 * 1024) /* bytes of input before keys are interned */
#define INTERN_KEY_MAX 64
#define INTERN_SLOTS 4096
/* Nesting limit (go-yaml v3 has the same): deeper input is hostile, and freeing or
 * emitting it recursively would exhaust the C stack. */
#define MAX_DEPTH 10000

/* An open container. Its entries wait on the parser's scratch stack until the
 * container ends, so every SEQ/MAP is allocated once at its exact size (small
 * maps dominate Kubernetes YAML; growth slack would double the memory). */
typedef struct frame {
    bool is_map;
    kz_pos pos;
    char *anchor;       /* registered when the node completes; owned */
    uint64_t nodes_at_start;
    size_t base;        /* first scratch entry of this container */
    /* flow style; a flow pair is the implicit map of `[a: b]` */
    bool flow;
    size_t start_index; /* libyaml's mark index (characters) */
    size_t start_line;  /* 0-based, as libyaml marks it */
    /* MAP only: the key waiting for its value */
    bool have_key;
    bool key_is_merge;
    kz_value key;
    kz_pos key_pos;
    uint8_t key_type; /* KEY_* */
} frame;

/* The type go-yaml v2 gives a map key decoded into interface{}. Keys of
 * different types are different keys there even when sigs.k8s.io/yaml's
 * conversion names them alike ('false' and false, 1 and 1.0): both are
 * converted, and a bad key inside either fails the document. */
enum {
    KEY_UNKNOWN, /* a merged entry's: its type is not kept */
    KEY_STRING,
    KEY_BOOL,
    KEY_INT,
    KEY_FLOAT,
    KEY_NULL,
    KEY_UINT,
};
#define ENTRY_MERGED 0x80 /* entry_meta: the entry came from a merge key */

typedef struct scratch_entry {
    kz_value key; /* INVALID for sequence items */
    kz_value val;
    kz_pos pos;
    bool merged;  /* came from a merge key: never a duplicate, explicit keys replace it */
    uint8_t key_type;
} scratch_entry;

typedef struct anchor {
    char *name;
    kz_value value;
    uint64_t nodes; /* size of the anchored subtree, aliases expanded */
} anchor;

typedef struct parser {
    kz_yaml_schema schema;
    const char *data;
    size_t len;
    kz_value source;  /* shared STRING: the source name */
    const char *source_name;
    yaml_parser_t yp;
    frame *stack;
    size_t depth, stack_cap;
    anchor *anchors;
    size_t nanchors, anchors_cap;
    uint64_t nodes;       /* nodes written */
    uint64_t expanded;    /* nodes including alias expansions */
    kz_value error;       /* first error, or INVALID without message */
    bool failed;
    kz_value doc;         /* the document's root once complete */
    bool have_doc;
    scratch_entry *scratch;
    size_t nscratch, scratch_cap;
    uint8_t *entry_meta; /* per built map entry, reused: ENTRY_MERGED | KEY_* */
    size_t entry_meta_cap;
    kz_buf tmp;
    kz_value *intern;     /* INTERN_SLOTS slots, lazily allocated */
    uint32_t line_base;   /* lines before this chunk of the stream (parallel parsing) */
    bool go_errors;       /* errors worded as go-yaml v2 and sigs.k8s.io/yaml word them */
    /* go_errors: Helm (sigs.k8s.io/yaml) decodes a whole document with go-yaml,
     * converts the result's keys to strings, then marshals it as JSON. So an
     * error of the decoding beats every error of the conversion, which beats
     * every NaN or infinity: the first error of each step (in document order)
     * is kept while the document is read on, and reported at its end. */
    kz_value decode_error; /* "yaml: ..." */
    kz_value convert_error;
    /* the error of a bad key inside a value whose key a differently typed
     * key of the same name replaced here, but not in go-yaml's map */
    kz_value displaced_error;
    bool saw_nonfinite;         /* a NaN or infinity was kept for the JSON step */
    bool keep_nonfinite;        /* ... and the caller checks them (no error) */
    bool int_values;            /* HELM: integers as go-yaml has them, not floats */
    bool alias_value;           /* the value being placed is an alias's */
    /* \' escapes (see parse_escape.h): offsets patched to \0 in data, sorted,
     * and the offset of one libyaml just refused (SIZE_MAX: none) */
    const size_t *patched;
    size_t npatched;
    size_t retry_at;
    size_t cur_chars, cur_bytes; /* byte_offset's cursor */
    size_t ascii_end;            /* data[0, ascii_end) is ASCII (after a byte order mark) */
    bool past_ascii;             /* ascii_end is at a byte >= 0x80 */
    size_t read_pos;             /* go_sized_read's */
} parser;

/* ------------------------------------------------------------- errors */

/* The error with its position; with go_errors, as Helm's yaml.Unmarshal
 * words it instead: go-yaml's decoding errors are "yaml: " and the message,
 * the JSON conversion's (conv) the bare message, neither with a position. */
static void vfail(parser *p, kz_pos pos, bool conv, const char *fmt, va_list ap) {
    if (p->failed) return;
    p->failed = true;
    kz_buf b = KZ_BUF_INIT;
    if (!p->go_errors) kz_buf_printf(&b, "%s:%u:%u: ", p->source_name, pos.line, pos.col);
    else if (!conv) kz_buf_puts(&b, "yaml: ");
    kz_buf_vprintf(&b, fmt, ap);
    p->error = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
}

static void fail_at(parser *p, kz_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail_at(parser *p, kz_pos pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfail(p, pos, false, fmt, ap);
    va_end(ap);
}

/* An error of the YAML-to-JSON step (sigs.k8s.io/yaml), not of go-yaml. */
static void fail_conv(parser *p, kz_pos pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail_conv(parser *p, kz_pos pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfail(p, pos, true, fmt, ap);
    va_end(ap);
}

static kz_pos mark_pos(const parser *p, yaml_mark_t m) {
    return (kz_pos){(uint32_t)m.line + 1 + p->line_base, (uint32_t)m.column + 1};
}

typedef enum { PHASE_DECODE, PHASE_CONVERT } go_phase;

/* The NaN or infinity encoding/json meets first: maps in the order of their
 * sorted keys. */
static const kz_value *first_nonfinite(const kz_value *v) {
    if (kz_kind_of(v) == KZ_FLOAT) return isfinite(kz_float_get(v)) ? NULL : v;
    if (kz_is_seq(v)) {
        for (size_t i = 0; i < kz_len(v); i++) {
            const kz_value *r = first_nonfinite(kz_seq_at(v, i));
            if (r) return r;
        }
        return NULL;
    }
    if (!kz_is_map(v)) return NULL;
    const kz_value *found = NULL, *found_key = NULL;
    for (size_t i = 0; i < kz_len(v); i++) {
        const kz_value *key = kz_map_key_at(v, i);
        if (found_key && strcmp(kz_str(key), kz_str(found_key)) > 0) continue;
        const kz_value *r = first_nonfinite(kz_map_value_at(v, i));
        if (r) found = r, found_key = key;
    }
    return found;
}

/* An error that stops Helm's reading of the document but not ours: without
 * go_errors it is fail_at's (false: stop); with go_errors it is kept as the
 * first of its phase (see parser) and the caller goes on with a placeholder
 * (true). */
static bool soft_fail(parser *p, kz_pos pos, go_phase phase, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool soft_fail(parser *p, kz_pos pos, go_phase phase, const char *fmt, ...) {
    kz_buf b = KZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (!p->go_errors) {
        fail_at(p, pos, "%s", kz_buf_cstr(&b));
        kz_buf_free(&b);
        return false;
    }
    kz_value *slot = phase == PHASE_DECODE ? &p->decode_error : &p->convert_error;
    if (!kz_error_message(slot))
        *slot = phase == PHASE_DECODE ? kz_error("yaml: %s", kz_buf_cstr(&b)) : kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return true;
}

static bool is_placeholder_key(const kz_value *k);
static void go_syntax(kz_buf *b, const kz_value *v, bool nested);

/* The first map entry with a key sigs.k8s.io/yaml rejects (a placeholder)
 * in v, walking entries in order, each key before its value. */
static bool find_bad_key(const kz_value *v, const kz_value **key, const kz_value **val) {
    if (kz_is_seq(v)) {
        for (size_t i = 0; i < kz_len(v); i++)
            if (find_bad_key(kz_seq_at(v, i), key, val)) return true;
    } else if (kz_is_map(v)) {
        for (size_t i = 0; i < kz_len(v); i++) {
            const kz_value *k = kz_map_key_at(v, i), *x = kz_map_value_at(v, i);
            if (is_placeholder_key(k)) {
                *key = k, *val = x;
                return true;
            }
            if (find_bad_key(x, key, val)) return true;
        }
    }
    return false;
}

/* sigs.k8s.io/yaml's error for the first bad key in v (INVALID: none). */
static kz_value bad_key_error(const kz_value *v) {
    const kz_value *key = NULL, *val = NULL;
    if (!find_bad_key(v, &key, &val)) return kz_invalid();
    const char *text = kz_str(key) + 4; /* after GO_KEY_MARK */
    kz_buf b = KZ_BUF_INIT;
    if (strcmp(text, "interface {}(nil)") == 0) kz_buf_puts(&b, "unsupported map key of type: %!s(<nil>), key: <nil>");
    else kz_buf_printf(&b, "unsupported map key of type: uint64, key: %s", text);
    kz_buf_puts(&b, ", value: ");
    go_syntax(&b, val, false);
    kz_value err = kz_error("%s", kz_buf_cstr(&b));
    kz_buf_free(&b);
    return err;
}

/* sigs.k8s.io/yaml converts the document go-yaml decoded, in which a later
 * duplicate key has replaced the earlier one's value: a bad key inside that
 * value is gone. So the conversion error is the one of the finished
 * document's first bad key, if any is left, else one inside a value only
 * this reader dropped (build_map). */
static void recheck_bad_keys(parser *p) {
    kz_free(p->convert_error);
    p->convert_error = p->have_doc ? bad_key_error(&p->doc) : kz_invalid();
    if (!kz_error_message(&p->convert_error)) {
        p->convert_error = p->displaced_error;
        p->displaced_error = kz_invalid();
    }
    kz_free(p->displaced_error);
    p->displaced_error = kz_invalid();
}

/* go_errors, at a document's end: its decoding error, else its conversion
 * error, else the JSON step's. */
static bool flush_soft_errors(parser *p) {
    if (p->failed) return false;
    if (!kz_error_message(&p->decode_error) && kz_error_message(&p->convert_error)) recheck_bad_keys(p);
    kz_value *e = kz_error_message(&p->decode_error) ? &p->decode_error : &p->convert_error;
    if (kz_error_message(e)) {
        p->failed = true;
        p->error = *e;
        *e = kz_invalid();
        return true;
    }
    const kz_value *bad = p->saw_nonfinite && p->have_doc && !p->keep_nonfinite ? first_nonfinite(&p->doc) : NULL;
    if (!bad) return false;
    double f = kz_float_get(bad);
    p->failed = true;
    p->error = kz_error("json: unsupported value: %s", isnan(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf");
    return true;
}

/* The key put in place of one sigs.k8s.io/yaml rejects (the document fails
 * anyway): its %#v after a mark no YAML text yields, so that go_syntax of an
 * enclosing key prints it as Go does (interface {}(nil), 0x...), not as "". */
#define GO_KEY_MARK "\0kz:"
static kz_value placeholder_key(const char *go_syntax_text) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_append(&b, GO_KEY_MARK, 4);
    kz_buf_puts(&b, go_syntax_text);
    kz_value k = kz_string_n(b.data, b.len);
    kz_buf_free(&b);
    return k;
}

static bool is_placeholder_key(const kz_value *k) {
    return kz_is_string(k) && kz_str_len(k) >= 4 && memcmp(kz_str(k), GO_KEY_MARK, 4) == 0;
}

/* strconv.Quote for Go's %#v of a string, in an error message: ASCII as Go
 * escapes it, other valid UTF-8 kept (Go would also escape the few runes it
 * deems unprintable), invalid bytes as \xNN. */
static void go_quote(kz_buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    kz_buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t r;
        size_t len = c < 0x80 ? 1 : kz_utf8_decode((const unsigned char *)s + i, n - i, &r);
        if (c >= 0x80 && !(len == 1 && r == KZ_RUNE_ERROR)) {
            if (r <= 0xA0 || r == 0xAD || (r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) ||
                (r >= 0x205F && r <= 0x206F) || r == 0x3000 || r == 0xFEFF)
                kz_buf_printf(b, "\\u%04x", (unsigned)r); /* the common runes Go's IsPrint refuses */
            else
                kz_buf_append(b, s + i, len);
            i += len;
            continue;
        }
        i++;
        const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\t' ? "\\t"
                        : c == '\r' ? "\\r" : c == '\a' ? "\\a" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                        : c == '\v' ? "\\v" : NULL;
        if (esc) {
            kz_buf_puts(b, esc);
        } else if (c < 0x20 || c >= 0x7F) {
            char x[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            kz_buf_append(b, x, 4);
        } else {
            kz_buf_putc(b, (char)c);
        }
    }
    kz_buf_putc(b, '"');
}

/* Go's %#v of what go-yaml v2 decodes into interface{}: []interface {}{...},
 * map[interface {}]interface {}{k:v, ...} (keys sorted, as fmt does), nil
 * as <nil> at the top and interface {}(nil) inside. Integers were read as
 * float64 (HELM): an integral one prints as the int go-yaml made of it. */
static void go_syntax(kz_buf *b, const kz_value *v, bool nested) {
    switch (kz_kind_of(v)) {
    case KZ_NULL: kz_buf_puts(b, nested ? "interface {}(nil)" : "<nil>"); return;
    case KZ_BOOL: kz_buf_puts(b, kz_bool_get(v) ? "true" : "false"); return;
    case KZ_INT:
        if (kz_int_is_unsigned(v)) kz_buf_printf(b, "0x%llx", (unsigned long long)kz_uint_get(v));
        else kz_buf_printf(b, "%lld", (long long)kz_int_get(v));
        return;
    case KZ_FLOAT: {
        double f = kz_float_get(v);
        if (f == floor(f) && fabs(f) < 9223372036854775808.0) kz_buf_printf(b, "%lld", (long long)f);
        else kz_format_float(b, f, 'g', -1);
        return;
    }
    case KZ_STRING:
        if (kz_str_len(v) > 4 && memcmp(kz_str(v), GO_KEY_MARK, 4) == 0) { /* placeholder_key's */
            kz_buf_puts(b, kz_str(v) + 4);
            return;
        }
        go_quote(b, kz_str(v), kz_str_len(v));
        return;
    case KZ_SEQ:
        kz_buf_puts(b, "[]interface {}{");
        for (size_t i = 0; i < kz_len(v); i++) {
            if (i) kz_buf_puts(b, ", ");
            go_syntax(b, kz_seq_at(v, i), true);
        }
        kz_buf_putc(b, '}');
        return;
    case KZ_MAP: {
        size_t n = kz_len(v);
        size_t *order = kz_xmalloc((n ? n : 1) * sizeof *order);
        for (size_t i = 0; i < n; i++) order[i] = i;
        for (size_t i = 1; i < n; i++) /* insertion sort: error messages, small maps */
            for (size_t j = i; j > 0 && strcmp(kz_str(kz_map_key_at(v, order[j - 1])),
                                                kz_str(kz_map_key_at(v, order[j]))) > 0; j--) {
                size_t t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
        kz_buf_puts(b, "map[interface {}]interface {}{");
        for (size_t i = 0; i < n; i++) {
            if (i) kz_buf_puts(b, ", ");
            go_syntax(b, kz_map_key_at(v, order[i]), true);
            kz_buf_putc(b, ':');
            go_syntax(b, kz_map_value_at(v, order[i]), true);
        }
        kz_buf_putc(b, '}');
        free(order);
        return;
    }
    default: kz_buf_puts(b, "<nil>"); return;
    }
}

/* sigs.k8s.io/yaml rejects a map key it can't turn into a string when it meets
 * it, naming the key and its value. Noted now; the message is made at the
 * document's end (recheck_bad_keys), from the key that is still there. */
static bool bad_json_key(parser *p, kz_pos pos, const char *what) {
    return soft_fail(p, pos, PHASE_CONVERT, "%s", what);
}

/* Position of a byte offset (reader errors only carry an offset). */
static kz_pos offset_pos(const parser *p, size_t off) {
    kz_pos pos = {1 + p->line_base, 1};
    for (size_t i = 0; i < off && i < p->len; i++) {
        if (p->data[i] == '\n') pos.line++, pos.col = 1;
        else if (((unsigned char)p->data[i] & 0xC0) != 0x80) pos.col++;
    }
    return pos;
}

/* The byte offset in data of libyaml's mark index, which counts characters
 * (after a UTF-8 byte order mark). SIZE_MAX for UTF-16 text, whose bytes
 * libyaml converts. Text is mostly ASCII, where characters are bytes: the
 * ASCII run at the start is extended as far as asked (each byte looked at
 * once); past it, marks mostly come in order, so a cursor keeps this linear. */
static size_t byte_offset(parser *p, size_t char_index) {
    const unsigned char *d = (const unsigned char *)p->data;
    if (p->len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF))) return SIZE_MAX;
    size_t bom = p->len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF ? 3 : 0;
    if (p->ascii_end < bom) p->ascii_end = bom;
    size_t want = bom + char_index;
    size_t stop = want < p->len ? want : p->len;
    while (!p->past_ascii && p->ascii_end + 8 <= stop) { /* eight bytes at a time */
        uint64_t w;
        memcpy(&w, d + p->ascii_end, 8);
        if (w & 0x8080808080808080u) break;
        p->ascii_end += 8;
    }
    while (!p->past_ascii && p->ascii_end < stop) {
        if (d[p->ascii_end] >= 0x80) p->past_ascii = true;
        else p->ascii_end++;
    }
    if (want <= p->ascii_end) return want;
    if (char_index < p->cur_chars || p->cur_bytes < p->ascii_end) { /* start from the ASCII run's end */
        p->cur_chars = p->ascii_end - bom;
        p->cur_bytes = p->ascii_end;
    }
    while (p->cur_chars < char_index && p->cur_bytes < p->len) {
        unsigned char c = d[p->cur_bytes];
        p->cur_bytes += c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        p->cur_chars++;
    }
    return p->cur_bytes < p->len ? p->cur_bytes : p->len;
}

/* What a ':' libyaml refuses in a flow collection is patched to (see
 * restore_flow_colon): plain scalar text everywhere, and the same length. */
#define FLOW_COLON_STAND_IN ';'

/* go-yaml v2 (a port of libyaml) reports the problem line, 0-based, plus one
 * for scanner errors; failing that the context line; and no line when both
 * are 0. */
static void fail_go_syntax(parser *p, const char *problem, size_t problem_line, size_t context_line, bool scanner) {
    size_t line = 0;
    if (problem_line != 0) line = problem_line + (scanner ? 1 : 0);
    else if (context_line != 0) line = context_line;
    p->failed = true;
    p->error = line ? kz_error("yaml: line %zu: %s", line + p->line_base, problem) : kz_error("yaml: %s", problem);
}

static void fail_libyaml(parser *p) {
    const char *problem = p->yp.problem ? p->yp.problem : "unknown error";
    size_t at = p->yp.error == YAML_SCANNER_ERROR ? byte_offset(p, p->yp.problem_mark.index) : SIZE_MAX;
    if (at != SIZE_MAX && strcmp(problem, "found unknown escape character") == 0 && at + 1 < p->len && p->data[at] == '\\' && p->data[at + 1] == '\'')
        p->retry_at = at; /* go-yaml reads \' (see parse_escape.h): run() patches it and parses again */
    if (at != SIZE_MAX && p->go_errors && p->schema == KZ_YAML_HELM && strcmp(problem, "found unexpected ':'") == 0 &&
        at + 1 < p->len && p->data[at] == ':' && p->data[at + 1] && strchr(",?[]{}", p->data[at + 1]))
        p->retry_at = at; /* go-yaml v2 reads "a:" in `[a:]`: run() patches it (see on_scalar) and parses again */
    if (p->go_errors && !p->failed) {
        fail_go_syntax(p, p->yp.problem ? problem : "unknown problem parsing YAML content", p->yp.problem_mark.line,
                       p->yp.context_mark.line, p->yp.error == YAML_SCANNER_ERROR);
        return;
    }
    if (p->yp.error == YAML_READER_ERROR) {
        fail_at(p, offset_pos(p, p->yp.problem_offset), "%s", problem);
        return;
    }
    fail_at(p, mark_pos(p, p->yp.problem_mark), "%s", problem);
}

/* ------------------------------------------------------------- interning */

/* Repeated long keys (containerPort, imagePullPolicy, ...) share one string. */
static kz_value make_key(parser *p, const char *s, size_t n) {
    /* small inputs (fromYaml of a snippet, in a loop) would pay more for the
     * table than they save */
    if (n <= KZ_INLINE_MAX || n > INTERN_KEY_MAX || p->len < INTERN_MIN_INPUT) return kz_string_n(s, n);
    if (!p->intern) p->intern = kz_xcalloc(INTERN_SLOTS, sizeof *p->intern);
    kz_value *slot = &p->intern[kz_hash_bytes(s, n) & (INTERN_SLOTS - 1)];
    if (kz_str_eq(slot, s, n)) return kz_copy(slot);
    kz_free(*slot);
    *slot = kz_string_n(s, n);
    return kz_copy(slot);
}

/* ------------------------------------------------------------- anchors */

static void anchor_define(parser *p, char *name, const kz_value *v, uint64_t nodes) {
    if (p->nanchors == p->anchors_cap) {
        p->anchors_cap = kz_grow_cap(p->anchors_cap, p->nanchors + 1);
        p->anchors = kz_xrealloc(p->anchors, p->anchors_cap * sizeof *p->anchors);
    }
    p->anchors[p->nanchors++] = (anchor){name, kz_copy(v), nodes};
}

static const anchor *anchor_find(const parser *p, const char *name) {
    for (size_t i = p->nanchors; i-- > 0;)
        if (strcmp(p->anchors[i].name, name) == 0) return &p->anchors[i];
    return NULL;
}

/* The open container that anchor `name` names, or NULL. */
static const frame *anchor_open_frame(const parser *p, const char *name) {
    for (size_t i = 0; i < p->depth; i++)
        if (p->stack[i].anchor && strcmp(p->stack[i].anchor, name) == 0) return &p->stack[i];
    return NULL;
}

/* ------------------------------------------------------------- keys */

/* kustomize decodes the document root into map[string]interface{} (a non-string
 * key becomes its text) but nested maps into map[interface{}]interface{}, which
 * its JSON step then rejects; a null key is rejected even at the root. */
static bool kyaml_key_allowed(parser *p, bool is_null, kz_pos pos, const char *text) {
    if (p->depth > 1) {
        fail_at(p, pos, "json: unsupported type: map[interface {}]interface {}");
        return false;
    }
    if (is_null) {
        fail_at(p, pos, "mapping key \"%s\" already defined at line %u", text, pos.line);
        return false;
    }
    return true;
}

/* sigs.k8s.io/yaml's name for a float key: float32 'g', go-yaml's spelling
 * for what float32 can't hold (1e300 is ".inf", as .inf itself is). */
static void float_key(kz_buf *b, double f) {
    size_t at = b->len;
    kz_yaml_format_float32_g(b, f);
    const char *s = b->data + at;
    const char *go = strcmp(s, "+Inf") == 0 ? ".inf"
                   : strcmp(s, "-Inf") == 0 ? "-.inf"
                   : strcmp(s, "NaN") == 0  ? ".nan"
                                             : NULL;
    if (!go) return;
    b->len = at;
    kz_buf_puts(b, go);
}

/* A float that most likely was an integer before Helm's JSON round trip. */
static bool likely_int(double f) { return fabs(f) < 9007199254740992.0 && (double)(int64_t)f == f; }

/* go-yaml's type of a key decoded as v (HELM: an integral float most likely
 * was an int, as key_from_value names it). */
static uint8_t key_type_of(const parser *p, const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_STRING: return KEY_STRING;
    case KZ_BOOL: return KEY_BOOL;
    case KZ_INT: return kz_int_is_unsigned(v) ? KEY_UINT : KEY_INT;
    case KZ_NULL: return KEY_NULL;
    case KZ_FLOAT: {
        double f = kz_float_get(v);
        return p->schema == KZ_YAML_HELM && likely_int(f) ? KEY_INT : KEY_FLOAT;
    }
    default: return KEY_UNKNOWN;
    }
}

/* Text of a non-container key value, per mode; false if it can't be a key. */
static bool key_from_value(parser *p, const kz_value *v, kz_pos pos, kz_value *out) {
    kz_buf *b = &p->tmp;
    kz_buf_clear(b);
    if (p->schema == KZ_YAML_KYAML && !kz_is_string(v) && !kyaml_key_allowed(p, kz_is_null(v), pos, "null"))
        return false;
    switch (kz_kind_of(v)) {
    case KZ_STRING: *out = kz_copy(v); return true;
    case KZ_BOOL: *out = kz_string(kz_bool_get(v) ? "true" : "false"); return true;
    case KZ_INT: *out = kz_string_fmt("%lld", (long long)kz_int_get(v)); return true;
    case KZ_FLOAT: {
        double f = kz_float_get(v);
        if (p->schema == KZ_YAML_HELM && likely_int(f))
            kz_buf_printf(b, "%lld", (long long)f); /* most likely an int before JSON */
        else
            float_key(b, f);
        *out = kz_string_n(b->data, b->len);
        return true;
    }
    case KZ_NULL: /* HELM only: KYAML was rejected above */
        if (!bad_json_key(p, pos, "unsupported map key of type: %!s(<nil>), key: <nil>")) return false;
        *out = placeholder_key("interface {}(nil)");
        return true;
    default:
        if (p->schema == KZ_YAML_HELM && p->go_errors) { /* go-yaml's %#v of the key */
            go_syntax(b, v, false);
            soft_fail(p, pos, PHASE_DECODE, "invalid map key: %s", kz_buf_cstr(b));
            *out = kz_string("");
            return true;
        }
        if (p->schema == KZ_YAML_HELM)
            fail_at(p, pos, "invalid map key: %s", kz_kind_name(kz_kind_of(v)));
        else
            fail_at(p, pos, "cannot unmarshal !!%s into string", kz_is_seq(v) ? "seq" : "map");
        return false;
    }
}

/* ------------------------------------------------------------- building */

static bool add_value(parser *p, kz_value v, kz_pos pos);

static void scratch_push(parser *p, kz_value key, kz_value val, kz_pos pos, bool merged, uint8_t key_type) {
    if (p->nscratch == p->scratch_cap) {
        p->scratch_cap = kz_grow_cap(p->scratch_cap, p->nscratch + 1);
        p->scratch = kz_xrealloc(p->scratch, p->scratch_cap * sizeof *p->scratch);
    }
    p->scratch[p->nscratch++] = (scratch_entry){key, val, pos, merged, key_type};
}

static void scratch_truncate(parser *p, size_t base) {
    while (p->nscratch > base) {
        scratch_entry *e = &p->scratch[--p->nscratch];
        kz_free(e->key);
        kz_free(e->val);
    }
}

static void merge_map(parser *p, const kz_value *src) {
    for (size_t i = 0; i < kz_len(src); i++)
        scratch_push(p, kz_copy(kz_map_key_at(src, i)), kz_copy(kz_map_value_at(src, i)),
                     kz_entry_pos(src, i), true, KEY_UNKNOWN);
}

/* Merged entries are applied at the end of the map (build_map): HELM lets later
 * entries override earlier ones, so a sequence is queued last map first (earlier
 * maps win); KYAML never lets a merged entry replace anything, so first map first. */
static bool apply_merge(parser *p, kz_value v, kz_pos pos, bool from_alias) {
    bool ok = true;
    if (from_alias && !kz_is_map(&v)) {
        ok = false; /* go-yaml: an alias must name a map, even a sequence of maps fails */
    } else if (kz_is_map(&v)) {
        merge_map(p, &v);
    } else if (kz_is_seq(&v)) {
        size_t n = kz_len(&v);
        for (size_t i = 0; i < n && ok; i++)
            if (!kz_is_map(kz_seq_at(&v, i))) ok = false;
        for (size_t k = 0; k < n && ok; k++)
            merge_map(p, kz_seq_at(&v, p->schema == KZ_YAML_HELM ? n - 1 - k : k));
    } else {
        ok = false;
    }
    if (!ok) ok = soft_fail(p, pos, PHASE_DECODE, "map merge requires map or sequence of maps as the value");
    kz_free(v);
    return ok;
}

/* Place a completed value: document root, sequence item, map key or map value. */
static bool add_value(parser *p, kz_value v, kz_pos pos) {
    if (p->depth == 0) {
        p->doc = v;
        p->have_doc = true;
        return true;
    }
    frame *f = &p->stack[p->depth - 1];
    if (!f->is_map) {
        scratch_push(p, kz_invalid(), v, pos, false, KEY_UNKNOWN);
        return true;
    }
    if (!f->have_key) { /* this value is a key (an alias) */
        kz_value key;
        bool ok = key_from_value(p, &v, pos, &key);
        f->key_type = key_type_of(p, &v);
        kz_free(v);
        if (!ok) return false;
        f->key = key;
        f->key_pos = pos;
        f->have_key = true;
        f->key_is_merge = false;
        return true;
    }
    f->have_key = false;
    if (f->key_is_merge) {
        f->key_is_merge = false;
        return apply_merge(p, v, pos, p->alias_value);
    }
    scratch_push(p, f->key, v, f->key_pos, false, f->key_type);
    f->key = kz_invalid();
    return true;
}

static void count_node(parser *p) {
    p->nodes++;
    p->expanded++;
}

static void push_frame(parser *p, bool is_map, kz_pos pos, yaml_char_t *anchor_name) {
    if (p->depth == p->stack_cap) {
        p->stack_cap = kz_grow_cap(p->stack_cap, p->depth + 1);
        p->stack = kz_xrealloc(p->stack, p->stack_cap * sizeof *p->stack);
    }
    frame *f = &p->stack[p->depth++];
    memset(f, 0, sizeof *f);
    f->is_map = is_map;
    f->pos = pos;
    f->anchor = anchor_name ? kz_xstrdup((const char *)anchor_name) : NULL;
    f->nodes_at_start = p->expanded;
    f->base = p->nscratch;
    f->key = kz_invalid();
    count_node(p);
}

/* Containers get their position data before they are filled: the block is then
 * allocated once at its final size (see core/value.c). */
static kz_value build_seq(parser *p, size_t base, kz_pos pos) {
    size_t n = p->nscratch - base;
    kz_value seq = kz_container_at(KZ_SEQ, n, &p->source, pos);
    for (size_t i = 0; i < n; i++) {
        scratch_entry *e = &p->scratch[base + i];
        kz_seq_push(&seq, e->val);
        e->val = kz_invalid();
        kz_set_entry_pos(&seq, i, e->pos);
    }
    return seq;
}

/* Entry `at` of map is about to be replaced by a key of type key_type. If
 * go-yaml kept both (their types differ) and a bad key was seen, the one
 * inside the replaced value still fails the document there. */
static void keep_displaced_bad_key(parser *p, const kz_value *map, size_t at, uint8_t key_type) {
    if (!p->go_errors || !kz_error_message(&p->convert_error) || kz_error_message(&p->displaced_error)) return;
    uint8_t old_type = p->entry_meta[at] & (uint8_t)~ENTRY_MERGED;
    if (key_type == KEY_UNKNOWN || old_type == KEY_UNKNOWN || key_type == old_type) return;
    p->displaced_error = bad_key_error(kz_map_value_at(map, at));
}

/* Insert the queued entries in order, applying each mode's duplicate rules. */
static bool build_map(parser *p, size_t base, kz_pos pos, kz_value *out) {
    size_t n = p->nscratch - base;
    kz_value map = kz_container_at(KZ_MAP, n, &p->source, pos);
    if (n > p->entry_meta_cap) {
        p->entry_meta_cap = kz_grow_cap(p->entry_meta_cap, n);
        p->entry_meta = kz_xrealloc(p->entry_meta, p->entry_meta_cap);
    }
    bool kyaml = p->schema == KZ_YAML_KYAML;
    for (size_t i = 0; i < n; i++) {
        scratch_entry *e = &p->scratch[base + i];
        ptrdiff_t at = kz_map_find(&map, kz_str(&e->key), kz_str_len(&e->key));
        if (at >= 0 && !kyaml) keep_displaced_bad_key(p, &map, (size_t)at, e->key_type);
        if (at >= 0 && kyaml) {
            if (e->merged) continue; /* explicit or earlier merged entries win */
            if (!(p->entry_meta[at] & ENTRY_MERGED)) {
                fail_at(p, e->pos, "mapping key \"%s\" already defined at line %u", kz_str(&e->key),
                        kz_entry_pos(&map, (size_t)at).line);
                kz_free(map);
                return false;
            }
        }
        size_t idx = at >= 0 ? (size_t)at : kz_len(&map);
        kz_map_set(&map, e->key, e->val);
        e->key = kz_invalid();
        e->val = kz_invalid();
        kz_set_entry_pos(&map, idx, e->pos);
        p->entry_meta[idx] = (uint8_t)((e->merged ? ENTRY_MERGED : 0) | e->key_type);
    }
    *out = map;
    return true;
}

static bool pop_frame(parser *p) {
    frame f = p->stack[--p->depth];
    kz_free(f.key);
    kz_value node;
    bool ok = true;
    if (f.is_map) ok = build_map(p, f.base, f.pos, &node);
    else node = build_seq(p, f.base, f.pos);
    scratch_truncate(p, f.base);
    if (!ok) {
        free(f.anchor);
        return false;
    }
    if (f.anchor) anchor_define(p, f.anchor, &node, p->expanded - f.nodes_at_start);
    return add_value(p, node, f.pos);
}

/* ------------------------------------------------------------- scalars */

static bool tag_is(const yaml_char_t *tag, const char *name) {
    static const char prefix[] = "tag:yaml.org,2002:";
    return tag && strncmp((const char *)tag, prefix, sizeof prefix - 1) == 0 &&
           strcmp((const char *)tag + sizeof prefix - 1, name) == 0;
}

static kz_value value_of_class(parser *p, const kz_scalar *r, const char *s, size_t n) {
    bool helm = p->schema == KZ_YAML_HELM;
    switch (r->cls) {
    case KZ_SC_NULL: return kz_null();
    case KZ_SC_BOOL: return kz_bool(r->b);
    case KZ_SC_INT: return helm && !p->int_values ? kz_float((double)r->i) : kz_int(r->i);
    /* Helm's JSON round trip makes it a float64; kustomize keeps the integer. */
    case KZ_SC_UINT: return helm && !p->int_values ? kz_float((double)r->u) : kz_uint(r->u);
    case KZ_SC_FLOAT: return kz_float(r->f);
    case KZ_SC_MERGE: case KZ_SC_STRING: break;
    }
    return kz_string_n(s, n);
}

/* Helm's values go through JSON, which has no NaN or infinities. With
 * go_errors the value is kept and the JSON step's error reported at the
 * document's end (flush_soft_errors), after any decoding or key error. */
static bool json_number_ok(parser *p, const kz_scalar *r, kz_pos pos) {
    if (r->cls != KZ_SC_FLOAT || p->schema != KZ_YAML_HELM || !(isinf(r->f) || isnan(r->f))) return true;
    if (p->go_errors) {
        p->saw_nonfinite = true;
        return true;
    }
    fail_conv(p, pos, "json: unsupported value: %s", isnan(r->f) ? "NaN" : r->f > 0 ? "+Inf" : "-Inf");
    return false;
}

/* !!timestamp under go-yaml v2 (Helm): the text must be one of the
 * timestamps it parses (it then stays a string, as Helm's JSON round trip
 * leaves it); anything else fails as what the text resolves to ("cannot
 * decode !!str `x` as a !!timestamp", "!!int `1`", "!!null ``"). */
static bool helm_timestamp(parser *p, const char *s, size_t n, kz_pos pos, kz_value *out) {
    kz_buf_clear(&p->tmp);
    if (kz_yaml_timestamp_rfc3339(s, n, &p->tmp)) {
        *out = kz_string_n(s, n);
        return true;
    }
    kz_scalar r = kz_yaml_resolve_plain(s, n, p->schema);
    *out = kz_null();
    return soft_fail(p, pos, PHASE_DECODE, "cannot decode !!%s `%.*s` as a !!timestamp", kz_yaml_class_tag(r.cls),
                     (int)n, s);
}

/* A scalar with an explicit !!tag: resolve the text, then check it fits the tag. */
static bool tagged_scalar(parser *p, const yaml_char_t *tag, const char *s, size_t n, kz_pos pos,
                          kz_value *out) {
    if (tag_is(tag, "str")) { *out = kz_string_n(s, n); return true; }
    if (tag_is(tag, "binary")) {
        kz_buf raw = KZ_BUF_INIT, clean = KZ_BUF_INIT;
        bool ok = kz_base64_decode(s, n, &raw);
        if (ok) {
            kz_utf8_sanitize(raw.data ? raw.data : "", raw.len, &clean);
            *out = kz_string_n(clean.data ? clean.data : "", clean.len);
        } else if (soft_fail(p, pos, PHASE_DECODE, "!!binary value contains invalid base64 data")) {
            *out = kz_null();
            ok = true;
        }
        kz_buf_free(&raw);
        kz_buf_free(&clean);
        return ok;
    }
    const char *want = tag_is(tag, "int") ? "int" : tag_is(tag, "float") ? "float"
                     : tag_is(tag, "bool") ? "bool" : tag_is(tag, "null") ? "null" : NULL;
    if (tag_is(tag, "timestamp") && p->schema == KZ_YAML_HELM) return helm_timestamp(p, s, n, pos, out);
    if (!want) { /* custom (!foo), !!timestamp, ...: the text stays a string */
        *out = kz_string_n(s, n);
        return true;
    }
    kz_scalar r = kz_yaml_resolve_plain(s, n, p->schema);
    const char *got = kz_yaml_class_tag(r.cls);
    if (strcmp(want, "float") == 0 && (r.cls == KZ_SC_INT || r.cls == KZ_SC_UINT)) {
        r.f = r.cls == KZ_SC_INT ? (double)r.i : (double)r.u;
        r.cls = KZ_SC_FLOAT;
        got = "float";
    }
    if (strcmp(want, got) != 0) {
        *out = kz_null();
        return soft_fail(p, pos, PHASE_DECODE, "cannot decode !!%s `%.*s` as a !!%s", got, (int)n, s, want);
    }
    if (!json_number_ok(p, &r, pos)) return false;
    *out = value_of_class(p, &r, s, n);
    return true;
}

static bool scalar_value(parser *p, const yaml_event_t *e, kz_pos pos, kz_value *out) {
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    const yaml_char_t *tag = e->data.scalar.tag;
    bool plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (tag && !(plain && strcmp((const char *)tag, "!") != 0 && e->data.scalar.plain_implicit))
        return tagged_scalar(p, tag, s, n, pos, out);
    if (!plain || (tag && strcmp((const char *)tag, "!") == 0)) {
        *out = kz_string_n(s, n);
        out->x.flags |= plain ? 0 : KZ_VF_QUOTED;
        return true;
    }
    kz_scalar r = kz_yaml_resolve_plain(s, n, p->schema);
    if (!json_number_ok(p, &r, pos)) return false;
    if (r.cls == KZ_SC_STRING && p->schema == KZ_YAML_KYAML && n >= 8 && s[4] == '-') {
        kz_buf_clear(&p->tmp);
        if (kz_yaml_timestamp_rfc3339(s, n, &p->tmp)) {
            *out = kz_string_n(p->tmp.data, p->tmp.len);
            return true;
        }
    }
    *out = value_of_class(p, &r, s, n);
    return true;
}

/* A scalar in key position: its text per mode, no intermediate value for strings. */
static bool scalar_key(parser *p, frame *f, const yaml_event_t *e, kz_pos pos) {
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    bool plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    f->key_pos = pos;
    f->key_is_merge = false;
    f->key_type = KEY_STRING;
    if (plain && !e->data.scalar.tag) {
        kz_scalar r = kz_yaml_resolve_plain(s, n, p->schema);
        if (r.cls == KZ_SC_MERGE) {
            f->key_is_merge = true;
            f->have_key = true;
            f->key = kz_invalid();
            return true;
        }
        if (r.cls == KZ_SC_STRING && p->schema == KZ_YAML_KYAML && n >= 8 && s[4] == '-') {
            kz_buf_clear(&p->tmp);
            if (kz_yaml_timestamp_rfc3339(s, n, &p->tmp)) r.cls = KZ_SC_FLOAT; /* a time.Time key */
        }
        if (r.cls != KZ_SC_STRING && p->schema == KZ_YAML_KYAML) {
            char text[64];
            snprintf(text, sizeof text, "%.*s", (int)(n < 60 ? n : 60), s);
            if (!kyaml_key_allowed(p, r.cls == KZ_SC_NULL, pos, text)) return false;
        }
        if (r.cls == KZ_SC_STRING || p->schema == KZ_YAML_KYAML) {
            f->key = make_key(p, s, n);
            f->have_key = true;
            return true;
        }
        if (r.cls == KZ_SC_UINT && p->schema == KZ_YAML_HELM) {
            char what[80];
            snprintf(what, sizeof what, "unsupported map key of type: uint64, key: 0x%llx", (unsigned long long)r.u);
            if (!bad_json_key(p, pos, what)) return false;
            f->key = placeholder_key(what + strlen("unsupported map key of type: uint64, key: "));
            f->key_type = KEY_UINT;
            f->have_key = true;
            return true;
        }
        if (r.cls == KZ_SC_INT) {
            f->key = kz_string_fmt("%lld", (long long)r.i);
            f->key_type = KEY_INT;
            f->have_key = true;
            return true;
        }
        if (r.cls == KZ_SC_FLOAT) {
            f->key_type = KEY_FLOAT;
            if (isinf(r.f) || isnan(r.f)) { /* sigs.k8s.io/yaml spells these keys as go-yaml does */
                f->key = kz_string(isnan(r.f) ? ".nan" : r.f > 0 ? ".inf" : "-.inf");
                f->have_key = true;
                return true;
            }
            kz_buf_clear(&p->tmp);
            float_key(&p->tmp, r.f);
            f->key = kz_string_n(p->tmp.data, p->tmp.len);
            f->have_key = true;
            return true;
        }
    }
    if (!plain && !e->data.scalar.tag) {
        f->key = make_key(p, s, n);
        f->have_key = true;
        return true;
    }
    kz_value v;
    if (!scalar_value(p, e, pos, &v)) return false;
    bool ok = key_from_value(p, &v, pos, &f->key);
    f->key_type = key_type_of(p, &v);
    kz_free(v);
    f->have_key = ok;
    return ok;
}

/* A double-quoted scalar's escapes where libyaml and go-yaml differ (see
 * parse_escape.h): \/ is go-yaml's syntax error (v2 and v3); \' patched to \0 is
 * turned back into a quote. */
static bool check_dq_escapes(parser *p, const yaml_event_t *e) {
    /* \/ reads as '/', a patched \' as a NUL: without either, nothing to do */
    if (!p->npatched && !memchr(e->data.scalar.value, '/', e->data.scalar.length)) return true;
    size_t start = byte_offset(p, e->start_mark.index), end = byte_offset(p, e->end_mark.index);
    if (start == SIZE_MAX || end == SIZE_MAX || end > p->len || start >= end) return true;
    const char *raw = p->data + start;
    size_t off = kz_yaml_dq_find_escape(raw, end - start, '/');
    if (off != SIZE_MAX) {
        kz_pos at = offset_pos(p, start + off);
        if (p->go_errors)
            fail_go_syntax(p, "found unknown escape character", at.line - 1 - p->line_base, e->start_mark.line, true);
        else
            fail_at(p, at, "found unknown escape character");
        return false;
    }
    if (p->npatched)
        kz_yaml_dq_restore_quotes(raw, end - start, start, p->patched, p->npatched, e->data.scalar.value,
                                  e->data.scalar.length);
    return true;
}

/* go-yaml v2 (an older libyaml) ends a plain scalar in a flow collection at
 * '?', which then starts a key where a ',' was due: `[a?b]` is its syntax
 * error, libyaml 0.2.5 reads "a?b". */
static bool check_flow_plain(parser *p, const yaml_event_t *e) {
    const frame *f = p->depth ? &p->stack[p->depth - 1] : NULL;
    if (!p->go_errors || p->schema != KZ_YAML_HELM || !f || !f->flow) return true;
    if (!memchr(e->data.scalar.value, '?', e->data.scalar.length)) return true; /* plain: no escapes */
    size_t start = byte_offset(p, e->start_mark.index), end = byte_offset(p, e->end_mark.index);
    if (start == SIZE_MAX || end == SIZE_MAX || end > p->len || start >= end) return true;
    const char *q = memchr(p->data + start, '?', end - start);
    if (!q) return true;
    kz_pos at = offset_pos(p, (size_t)(q - p->data));
    /* a flow pair (the implicit map of `[a: b]`) is in a sequence's text */
    size_t open = byte_offset(p, f->start_index);
    bool flow_pair = f->is_map && open != SIZE_MAX && open < p->len && p->data[open] != '{';
    bool in_map = f->is_map && !flow_pair;
    fail_go_syntax(p, in_map ? "did not find expected ',' or '}'" : "did not find expected ',' or ']'",
                   at.line - 1 - p->line_base, f->start_line, false);
    return false;
}

/* go-yaml v2 ends a plain scalar in a flow collection at ':' only before a
 * blank, so `[a:]` is the string "a:". libyaml 0.2.5 refuses a ':' followed
 * by one of ,?[]{} there ("found unexpected ':'"): each such ':' is patched to
 * this stand-in and the text parsed again (run()); the stand-in ends the
 * scalar that libyaml then reads, and is turned back here. */
static void restore_flow_colon(parser *p, const yaml_event_t *e) {
    size_t n = e->data.scalar.length;
    if (!p->npatched || n == 0 || e->data.scalar.value[n - 1] != FLOW_COLON_STAND_IN) return;
    size_t end = byte_offset(p, e->end_mark.index);
    if (end != SIZE_MAX && end > 0 && kz_yaml_is_patched(end - 1, p->patched, p->npatched))
        e->data.scalar.value[n - 1] = ':';
}

static bool on_scalar(parser *p, const yaml_event_t *e) {
    kz_pos pos = mark_pos(p, e->start_mark);
    count_node(p);
    if (e->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && !check_dq_escapes(p, e)) return false;
    if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) restore_flow_colon(p, e);
    if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !check_flow_plain(p, e)) return false;
    frame *f = p->depth ? &p->stack[p->depth - 1] : NULL;
    if (f && f->is_map && !f->have_key && !e->data.scalar.anchor)
        return scalar_key(p, f, e, pos);
    kz_value v;
    if (!scalar_value(p, e, pos, &v)) return false;
    if (e->data.scalar.anchor)
        anchor_define(p, kz_xstrdup((const char *)e->data.scalar.anchor), &v, 1);
    return add_value(p, v, pos);
}

static bool on_alias(parser *p, const yaml_event_t *e) {
    kz_pos pos = mark_pos(p, e->start_mark);
    const char *name = (const char *)e->data.alias.anchor;
    const frame *open = anchor_open_frame(p, name);
    if (open) {
        /* go-yaml checks a merged alias's kind before it decodes the alias */
        const frame *f = &p->stack[p->depth - 1];
        bool bad_merge = f->is_map && f->have_key && f->key_is_merge && !open->is_map;
        bool ok = bad_merge ? soft_fail(p, pos, PHASE_DECODE, "map merge requires map or sequence of maps as the value")
                            : soft_fail(p, pos, PHASE_DECODE, "anchor '%s' value contains itself", name);
        if (!ok) return false;
        return add_value(p, kz_null(), pos);
    }
    const anchor *a = anchor_find(p, name);
    if (!a) {
        fail_at(p, pos, "unknown anchor '%s' referenced", name);
        return false;
    }
    p->expanded += a->nodes;
    if (p->expanded > ALIAS_EXPANSION_MIN && p->expanded / ALIAS_EXPANSION_RATIO > p->nodes) {
        fail_at(p, pos, "document contains excessive aliasing");
        return false;
    }
    p->alias_value = true;
    bool ok = add_value(p, kz_copy(&a->value), pos);
    p->alias_value = false;
    return ok;
}

static bool on_container_start(parser *p, const yaml_event_t *e, bool is_map) {
    kz_pos pos = mark_pos(p, e->start_mark);
    frame *f = p->depth ? &p->stack[p->depth - 1] : NULL;
    if (f && f->is_map && !f->have_key && !(p->go_errors && p->schema == KZ_YAML_HELM)) {
        /* (go_errors: key_from_value names the whole key, as go-yaml does) */
        if (p->schema == KZ_YAML_HELM)
            fail_at(p, pos, "invalid map key: %s", is_map ? "map" : "seq");
        else
            fail_at(p, pos, "cannot unmarshal !!%s into string", is_map ? "map" : "seq");
        return false;
    }
    if (p->depth >= MAX_DEPTH) {
        fail_at(p, pos, "exceeded max depth of %d", MAX_DEPTH);
        return false;
    }
    yaml_char_t *anchor_name = is_map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
    push_frame(p, is_map, pos, anchor_name);
    frame *nf = &p->stack[p->depth - 1];
    nf->flow = is_map ? e->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                      : e->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
    nf->start_index = e->start_mark.index;
    nf->start_line = e->start_mark.line;
    return true;
}

/* ------------------------------------------------------------- driver */

static void parser_reset_document(parser *p) {
    while (p->depth) {
        frame f = p->stack[--p->depth];
        free(f.anchor);
        kz_free(f.key);
    }
    scratch_truncate(p, 0);
    for (size_t i = 0; i < p->nanchors; i++) {
        free(p->anchors[i].name);
        kz_free(p->anchors[i].value);
    }
    p->nanchors = 0;
    p->nodes = p->expanded = 0;
}

static bool handle_event(parser *p, const yaml_event_t *e) {
    switch (e->type) {
    case YAML_SCALAR_EVENT: return on_scalar(p, e);
    case YAML_ALIAS_EVENT: return on_alias(p, e);
    case YAML_SEQUENCE_START_EVENT: return on_container_start(p, e, false);
    case YAML_MAPPING_START_EVENT: return on_container_start(p, e, true);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: return pop_frame(p);
    default: return true;
    }
}

/* go-yaml's raw input buffer. Its reader checks a whole piece for control
 * characters (and bad UTF-8) when it decodes it, while libyaml reads 16 KiB
 * pieces: fed pieces of go-yaml's size, libyaml reports such an error when
 * go-yaml does, after any syntax error earlier in the text, not first. */
#define GO_YAML_RAW_BUFFER 512

static int go_sized_read(void *data, unsigned char *buffer, size_t size, size_t *size_read) {
    parser *p = data;
    size_t held = (size_t)(buffer - p->yp.raw_buffer.start); /* bytes libyaml kept from the last piece */
    size_t want = held < GO_YAML_RAW_BUFFER ? GO_YAML_RAW_BUFFER - held : 1;
    if (want > size) want = size;
    if (want > p->len - p->read_pos) want = p->len - p->read_pos;
    if (want) memcpy(buffer, p->data + p->read_pos, want);
    p->read_pos += want;
    *size_read = want;
    return 1;
}

/* Parse documents into a SEQ; stop after `max_docs`. `line_base` is the number
 * of lines before `data` in the whole stream, for positions. */
static kz_value run_once(const char *data, size_t len, const kz_yaml_parse_opts *opts, size_t max_docs,
                         uint32_t line_base, const size_t *patched, size_t npatched, size_t *retry_at) {
    parser p;
    memset(&p, 0, sizeof p);
    p.patched = patched;
    p.npatched = npatched;
    p.retry_at = SIZE_MAX;
    p.line_base = line_base;
    p.schema = opts ? opts->schema : KZ_YAML_HELM;
    p.data = data;
    p.len = len;
    p.source_name = opts && opts->source_name ? opts->source_name : "<input>";
    p.go_errors = opts && opts->go_errors;
    p.keep_nonfinite = opts && opts->keep_nonfinite;
    p.int_values = opts && opts->int_values;
    p.source = kz_source(p.source_name);
    p.error = kz_invalid();
    p.decode_error = kz_invalid();
    p.convert_error = kz_invalid();
    p.displaced_error = kz_invalid();
    p.doc = kz_invalid();
    yaml_parser_initialize(&p.yp);
    if (p.go_errors && data) yaml_parser_set_input(&p.yp, go_sized_read, &p);
    else yaml_parser_set_input_string(&p.yp, (const unsigned char *)(data ? data : ""), data ? len : 0);
    kz_value docs = kz_seq();
    size_t ndocs = 0;
    bool done = false;
    while (!done && !p.failed) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p.yp, &e)) {
            fail_libyaml(&p);
            break;
        }
        if (e.type == YAML_STREAM_END_EVENT) done = true;
        else if (e.type == YAML_DOCUMENT_START_EVENT) p.have_doc = false;
        else if (e.type == YAML_DOCUMENT_END_EVENT) {
            if (flush_soft_errors(&p)) {
                yaml_event_delete(&e);
                break;
            }
            kz_seq_push(&docs, p.have_doc ? p.doc : kz_null());
            p.doc = kz_invalid();
            p.have_doc = false;
            parser_reset_document(&p); /* anchors don't cross documents */
            if (++ndocs >= max_docs) done = true;
        } else {
            handle_event(&p, &e);
        }
        yaml_event_delete(&e);
    }
    parser_reset_document(&p);
    kz_free(p.doc);
    free(p.anchors);
    free(p.stack);
    free(p.scratch);
    free(p.entry_meta);
    if (p.intern) {
        for (size_t i = 0; i < INTERN_SLOTS; i++) kz_free(p.intern[i]);
        free(p.intern);
    }
    kz_buf_free(&p.tmp);
    kz_free(p.source);
    kz_free(p.decode_error);
    kz_free(p.convert_error);
    kz_free(p.displaced_error);
    yaml_parser_delete(&p.yp);
    *retry_at = p.retry_at;
    if (p.failed) {
        kz_free(docs);
        return p.error;
    }
    return docs;
}

/* Bytes re-read for \' escapes before libyaml's error is let through: the
 * text is parsed again for each, so hostile input could make it quadratic. */
#define PATCH_REPARSE_BUDGET (64u << 20)

/* Parse; each \' escape libyaml refuses is patched to \0 in a copy of the
 * text, and the copy parsed again (see parse_escape.h); so is each ':' that
 * libyaml refuses at the end of a plain scalar in a flow collection (see
 * on_scalar). */
static kz_value run(const char *data, size_t len, const kz_yaml_parse_opts *opts, size_t max_docs,
                    uint32_t line_base) {
    size_t retry_at;
    kz_value v = run_once(data, len, opts, max_docs, line_base, NULL, 0, &retry_at);
    if (retry_at == SIZE_MAX) return v;
    char *copy = kz_xmalloc(len ? len : 1);
    memcpy(copy, data, len);
    size_t *patched = NULL, npatched = 0, cap = 0, reread = 0;
    while (retry_at != SIZE_MAX && (reread += len) <= PATCH_REPARSE_BUDGET) {
        if (npatched == cap) {
            cap = kz_grow_cap(cap, npatched + 1);
            patched = kz_xrealloc(patched, cap * sizeof *patched);
        }
        size_t k = npatched++; /* libyaml fails at the first one left: offsets come sorted */
        patched[k] = retry_at;
        if (copy[retry_at] == ':') copy[retry_at] = FLOW_COLON_STAND_IN;
        else copy[retry_at + 1] = '0';
        kz_free(v);
        v = run_once(copy, len, opts, max_docs, line_base, patched, npatched, &retry_at);
    }
    free(patched);
    free(copy);
    return v;
}

/* ------------------------------------------------------- parallel streams */

/*
 * libyaml parses at 30-40 MB/s on one core, short of what CI jobs rendering
 * thousands of manifests need. Documents of a stream are independent (anchors
 * don't cross them), and a line starting with "---" followed by a blank or the
 * end is always a document marker: YAML forbids that text at column 0 inside
 * any scalar. So a large stream is cut at such lines into chunks that are
 * parsed on separate threads, each with its own parser and source string
 * (refcounts are not atomic), and the documents are joined in order. Streams
 * with directives (%YAML, %TAG) apply them to the next document, so they are
 * parsed in one piece.
 */
#define PARALLEL_MIN_CHUNK (4u << 20)
#define PARALLEL_MAX_THREADS 8

typedef struct {
    const char *data;
    size_t len;
    uint32_t line_base;
    const kz_yaml_parse_opts *opts;
    kz_value result;
} stream_chunk;

/* Offset of the first document-marker line at or after `from`, or len. */
static size_t next_doc_marker(const char *data, size_t len, size_t from) {
    for (size_t i = from; i + 3 <= len;) {
        const char *nl = memchr(data + i, '\n', len - i);
        if (!nl) break;
        size_t at = (size_t)(nl - data) + 1;
        if (at + 3 <= len && memcmp(data + at, "---", 3) == 0 &&
            (at + 3 == len || strchr(" \t\r\n", data[at + 3]) != NULL))
            return at;
        i = at;
    }
    return len;
}

static bool has_directives(const char *data, size_t len) {
    if (len && data[0] == '%') return true;
    for (const char *p = data; (p = memchr(p, '\n', len - (size_t)(p - data))) != NULL; p++)
        if ((size_t)(p - data) + 1 < len && p[1] == '%') return true;
    return false;
}

static uint32_t count_lines(const char *data, size_t len) {
    uint32_t n = 0;
    for (const char *p = data; (p = memchr(p, '\n', len - (size_t)(p - data))) != NULL; p++) n++;
    return n;
}

static void *chunk_worker(void *arg) {
    stream_chunk *c = arg;
    c->result = run(c->data, c->len, c->opts, SIZE_MAX, c->line_base);
    return NULL;
}

/* Cut the stream into up to `want` chunks at document markers. Returns the count. */
static size_t split_stream(const char *data, size_t len, size_t want, stream_chunk *out,
                           const kz_yaml_parse_opts *opts) {
    size_t n = 0, start = 0;
    uint32_t lines = 0;
    for (size_t k = 1; k <= want && start < len; k++) {
        size_t end = k == want ? len : next_doc_marker(data, len, len / want * k);
        if (end <= start) continue;
        out[n] = (stream_chunk){data + start, end - start, lines, opts, kz_invalid()};
        lines += count_lines(data + start, end - start);
        n++;
        start = end;
    }
    return n;
}

/* The documents of all chunks in order, or the error of the first failing chunk. */
static kz_value join_chunks(stream_chunk *chunks, size_t n) {
    kz_value all = chunks[0].result;
    for (size_t i = 1; i < n; i++) {
        kz_value r = chunks[i].result;
        if (kz_is_valid(&all) && !kz_is_valid(&r)) {
            kz_free(all);
            all = r;
            continue;
        }
        if (kz_is_valid(&all))
            for (size_t d = 0; d < kz_len(&r); d++) kz_seq_push(&all, kz_copy(kz_seq_at(&r, d)));
        kz_free(r);
    }
    return all;
}

static size_t worker_count(size_t len, const kz_yaml_parse_opts *opts) {
    size_t n = kz_cpu_count();
    if (opts && opts->max_threads) n = opts->max_threads;
    if (n > PARALLEL_MAX_THREADS) n = PARALLEL_MAX_THREADS;
    if (n > len / PARALLEL_MIN_CHUNK) n = len / PARALLEL_MIN_CHUNK;
    return n ? n : 1;
}

kz_value kz_yaml_parse_stream(const char *data, size_t len, const kz_yaml_parse_opts *opts) {
    size_t want = data ? worker_count(len, opts) : 1;
    if (want < 2 || has_directives(data, len)) return run(data, len, opts, SIZE_MAX, 0);
    stream_chunk chunks[PARALLEL_MAX_THREADS];
    size_t n = split_stream(data, len, want, chunks, opts);
    pthread_t threads[PARALLEL_MAX_THREADS];
    bool started[PARALLEL_MAX_THREADS] = {false};
    /* Chunk 0 runs on this thread; a thread that can't start runs here too. */
    for (size_t i = 1; i < n; i++) started[i] = pthread_create(&threads[i], NULL, chunk_worker, &chunks[i]) == 0;
    chunk_worker(&chunks[0]);
    for (size_t i = 1; i < n; i++) {
        if (started[i]) pthread_join(threads[i], NULL);
        else chunk_worker(&chunks[i]);
    }
    return join_chunks(chunks, n);
}

kz_value kz_yaml_parse_one(const char *data, size_t len, const kz_yaml_parse_opts *opts) {
    kz_value docs = run(data, len, opts, 1, 0);
    if (!kz_is_seq(&docs)) return docs;
    kz_value first = kz_len(&docs) ? kz_copy(kz_seq_at(&docs, 0)) : kz_null();
    kz_free(docs);
    return first;
}

kz_value kz_yaml_parse_file(const char *path, const kz_yaml_parse_opts *opts) {
    kz_buf b = KZ_BUF_INIT;
    kz_value err;
    if (kz_file_read(path, &b, &err) != 0) {
        kz_buf_free(&b);
        return err;
    }
    bool is_stdin = strcmp(path, "-") == 0;
    kz_yaml_parse_opts o = opts ? *opts : (kz_yaml_parse_opts){.schema = KZ_YAML_HELM};
    if (!o.source_name) o.source_name = is_stdin ? "<stdin>" : path;
    kz_value v = kz_yaml_parse_stream(b.data ? b.data : "", b.len, &o);
    kz_buf_free(&b);
    return v;
}
