/*
 * Internals of the YAML emitters, shared by emit*.c and the unit tests.
 *
 * - The resolver (emit_resolve.c): how go-yaml v2 (as used by sigs.k8s.io/yaml)
 *   treats a string; none of it allocates or keeps pointers.
 * - The writer layer (emit_writer.c): go-yaml's low-level emitter state and
 *   writers, used by both the v2 emitter (emit.c, toYaml) and the v3 emitter
 *   (emit_v3.c, toYamlPretty). Where v2 and v3 differ the caller says so through
 *   a parameter (folding at KZ_YAML_BEST_WIDTH is v2's only).
 */
#ifndef KZ_YAML_EMIT_INTERNAL_H
#define KZ_YAML_EMIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "core/unicode.h" /* kz_go_is_letter / kz_go_is_digit for the key order */

/* Would go-yaml v2 print s unquoted? True when its resolver reads the plain
 * scalar s as a string (not null, bool, int, float, timestamp) and s is not a
 * YAML 1.1 base-60 number ("1:20"), which go-yaml quotes for old parsers.
 * This only decides plain-vs-double-quoted; indicator characters are checked by
 * the scalar analysis. (emit_resolve.c) */
bool kz_yaml_plain_is_string(const char *s, size_t n);

/* go-yaml's timestamp test (the date/time forms time.Parse accepts there). */
bool kz_yaml_is_timestamp(const char *s, size_t n);

/* ==== the writer layer (emit_writer.c) ==== */

/* go-yaml v2's best_width: plain and quoted text folds at spaces past this
 * column. v3's Encoder has an unlimited width, so emit_v3.c never folds. */
#define KZ_YAML_BEST_WIDTH 80

typedef enum {
    KZ_YAML_STYLE_PLAIN,
    KZ_YAML_STYLE_SINGLE,
    KZ_YAML_STYLE_DOUBLE,
    KZ_YAML_STYLE_LITERAL
} kz_yaml_style;

/* The state go-yaml's emitter keeps for writing, with its names. */
typedef struct kz_yaml_writer {
    kz_buf *out;
    int indent;      /* go-yaml's emitter.indent; -1 before the root node */
    int best_indent; /* the indentation step (2 for both emitters) */
    size_t column;   /* characters (not bytes) on the current line */
    bool whitespace; /* the last thing written was whitespace or an indentation */
    bool indention;  /* only indentation (and indicators like "- ") on this line */
} kz_yaml_writer;

/* A writer at the start of a document. */
static inline kz_yaml_writer kz_yaml_writer_init(kz_buf *out, int best_indent) {
    return (kz_yaml_writer){
        .out = out, .indent = -1, .best_indent = best_indent, .column = 0,
        .whitespace = true, .indention = true,
    };
}

/* ---- character classes of go-yaml's emitter (valid UTF-8, NUL-terminated) ----
 * Inline: they sit in the emitters' per-character loops. */

static inline size_t kz_yaml_utf8_width(unsigned char c) {
    if (c < 0x80) return 1;
    if ((c & 0xE0) == 0xC0) return 2;
    if ((c & 0xF0) == 0xE0) return 3;
    return 4;
}

static inline bool kz_yaml_is_break_at(const unsigned char *v, size_t i) {
    unsigned char c = v[i];
    return c == '\n' || c == '\r' || (c == 0xC2 && v[i + 1] == 0x85) ||
           (c == 0xE2 && v[i + 1] == 0x80 && (v[i + 2] == 0xA8 || v[i + 2] == 0xA9));
}

static inline bool kz_yaml_is_printable_at(const unsigned char *v, size_t i) {
    unsigned char c = v[i];
    return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && v[i + 1] >= 0xA0) ||
           (c > 0xC2 && c < 0xED) || (c == 0xED && v[i + 1] < 0xA0) || c == 0xEE ||
           (c == 0xEF && !(v[i + 1] == 0xBB && v[i + 2] == 0xBF) &&
            !(v[i + 1] == 0xBF && (v[i + 2] == 0xBE || v[i + 2] == 0xBF)));
}

static inline bool kz_yaml_is_blank_at(const unsigned char *v, size_t n, size_t i) {
    return i < n && (v[i] == ' ' || v[i] == '\t');
}

/* ---- scalar analysis and style (go-yaml's analyze_scalar and
 * select_scalar_style, block context) ---- */

typedef struct kz_yaml_scalar_info {
    size_t chars;   /* UTF-8 characters */
    bool has_space;
    bool multiline;
    bool plain_allowed;
    bool single_allowed;
    bool block_allowed;
} kz_yaml_scalar_info;

/* Analyse s[0..n) (valid UTF-8, NUL-terminated). tab_in_block: a tab rules out
 * plain and single-quoted text but still allows a literal block (v3); when
 * false a tab is special like any unprintable character and forces double
 * quotes (v2). */
void kz_yaml_analyze_scalar(const char *s, size_t n, bool tab_in_block, kz_yaml_scalar_info *sc);

/* The style the emitter settles on for the requested one (same in v2 and v3). */
kz_yaml_style kz_yaml_select_style(const kz_yaml_scalar_info *sc, kz_yaml_style style, size_t n,
                                   bool simple_key);

/* ---- writing, tracking the column like go-yaml ---- */

void kz_yaml_put(kz_yaml_writer *w, char c);
/* A '\n'; a new line starts in indentation. */
void kz_yaml_put_break(kz_yaml_writer *w);
/* Copy the character at s[*i] (valid UTF-8), advance *i, count one column. */
void kz_yaml_write_char(kz_yaml_writer *w, const char *s, size_t *i);
/* A line break inside a scalar at v[*i]: '\n' is written, NEL/LS/PS copied. */
void kz_yaml_write_break(kz_yaml_writer *w, const char *v, size_t *i);
void kz_yaml_write_indent(kz_yaml_writer *w);
void kz_yaml_write_indicator_n(kz_yaml_writer *w, const char *ind, size_t n,
                               bool need_whitespace, bool is_whitespace, bool is_indention);
/* Indicators are string literals (or 1-char arrays): their length is known. */
#define kz_yaml_write_indicator(w, lit, ws_before, is_ws, is_ind) \
    kz_yaml_write_indicator_n((w), (lit), strlen(lit), (ws_before), (is_ws), (is_ind))
/* indentless: v2 does not indent a sequence that is a mapping's value; v3
 * always passes false. */
void kz_yaml_increase_indent(kz_yaml_writer *w, bool flow, bool indentless);
/* A plain scalar with no spaces or special characters (numbers, bools, null,
 * a tag): n bytes are n columns. */
void kz_yaml_write_atom(kz_yaml_writer *w, const char *s, size_t n);
void kz_yaml_write_decimal(kz_yaml_writer *w, uint64_t m, bool negative);
void kz_yaml_write_int(kz_yaml_writer *w, int64_t i);

/* The scalar writers. fold: break lines at spaces past KZ_YAML_BEST_WIDTH
 * (v2 outside simple keys; never in v3). */
void kz_yaml_write_single_quoted(kz_yaml_writer *w, const char *v, size_t n, bool fold);
void kz_yaml_write_double_quoted(kz_yaml_writer *w, const char *v, size_t n, bool fold);
void kz_yaml_write_literal(kz_yaml_writer *w, const char *v, size_t n);

#endif
