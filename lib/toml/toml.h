/*
 * TOML for Helm's toToml and fromToml: a decoder and an encoder that behave
 * as github.com/BurntSushi/toml v1.4 does when Helm v3.17 calls it (Helm's
 * fromToml decodes into a map[string]interface{}, toToml runs
 * toml.NewEncoder(b).Encode(v)).
 *
 * Decoding (kz_toml_parse). Types follow what BurntSushi stores in an
 * interface{}:
 *   integer            INT with Go type hint KZ_GOTYPE_INT64
 *   float              FLOAT (nan, +inf, -inf included)
 *   boolean            BOOL
 *   string (all four)  STRING
 *   offset date-time   a Go time.Time (core/gotime.h): "Z" gives loc UTC, an
 *                      offset equal to the local zone's gives loc Local,
 *                      any other offset a zone without a name (Go's
 *                      FixedZone("", off))
 *   local date-time,   time.Time at offset 0 in the zones BurntSushi names
 *   date, time         "datetime-local", "date-local", "time-local" (a local
 *                      time is on 0000-01-01)
 *   array              SEQ ([]interface {})
 *   table, inline tbl  MAP (map[string]interface {}), keys sorted bytewise
 *   array of tables    SEQ of MAPs (Go's []map[string]interface {}: there is
 *                      no Go type hint for it, so %T prints []interface {})
 * Errors carry BurntSushi's message, "toml: line N: MSG" or
 * "toml: line N (last key \"K\"): MSG", with its line numbering (0 for some
 * errors at the end of the input, as BurntSushi reports them).
 *
 * Encoding (kz_toml_emit). BurntSushi's rules: a top-level mapping becomes a
 * document (sorted keys, plain values first, then [tables] and [[arrays of
 * tables]], nested tables indented two spaces a level, an empty line before
 * each top-level table and each [[...]]); nil values in mappings are left
 * out; arrays are inline ([1, 2]), tables inside them inline ({a = 1});
 * floats print in Go's 'f' format with ".0" added when integral; strings are
 * double-quoted with BurntSushi's escapes; time.Time prints as RFC 3339 (or
 * as a local date/time for the three local zones above). A top-level scalar
 * or array prints as a bare value.
 *
 * MEMORY: text is borrowed. kz_toml_parse returns an owned value (a MAP, or
 * an error value whose kz_error_message is BurntSushi's text, in full in
 * err). kz_toml_emit
 * borrows v and appends to out (on failure out may hold partial output the
 * caller should drop) and writes the error text to err (appended; err may be
 * NULL).
 */
#ifndef KZ_TOML_TOML_H
#define KZ_TOML_TOML_H

#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* Decode text[0..len) as a TOML document. Returns a MAP or an error value.
 * On an error the whole message is also appended to err (when not NULL): some
 * of BurntSushi's messages hold a NUL byte (its %c of the end of input), which
 * the error value's C string cannot. */
kz_value kz_toml_parse(const char *text, size_t len, kz_buf *err);

/* Results of kz_toml_emit. */
enum {
    KZ_TOML_OK = 0,
    KZ_TOML_ERR = -1,   /* an encoding error (toml's error: Helm prints its text) */
    KZ_TOML_PANIC = -2, /* Go would panic (a top-level nil): Helm reports
                           "error calling toToml: MESSAGE" */
};

/* Encode v as BurntSushi's encoder does. Returns KZ_TOML_OK, or an error code
 * with the message in err. */
int kz_toml_emit(kz_buf *out, const kz_value *v, kz_buf *err);

#endif
