/*
 * The TOML encoder (toml.h): BurntSushi/toml v1.4's output for the values a
 * template can hold.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/gofloat.h"
#include "core/goobj.h"
#include "core/gotime.h"
#include "toml/toml.h"
#include "toml/toml_internal.h"

/* What BurntSushi's tomlTypeOfGo says of a value. */
typedef enum { TT_NIL, TT_HASH, TT_ARRAYHASH, TT_ARRAY, TT_OTHER } ttype;

typedef struct {
    const char *s;
    size_t n;
} part;

typedef struct {
    kz_buf *out;
    bool written;
    int fail; /* KZ_TOML_OK or the error code */
    const char *msg;
} enc;

static const char ERR_NIL_ELEM[] = "toml: cannot encode array with nil element";
static const char ERR_NO_KEY[] = "toml: top-level values must be Go maps or structs";

static void fail(enc *e, int code, const char *msg) {
    if (e->fail) return;
    e->fail = code;
    e->msg = msg;
}

static bool is_table_value(const kz_value *v) {
    if (kz_kind_of(v) != KZ_MAP) return false;
    kz_gotype g = kz_gotype_of(v);
    return g != KZ_GOTYPE_TIME && g != KZ_GOTYPE_SEMVER && g != KZ_GOTYPE_SEMVER_VALUE; /* certificates are structs: tables */
}

static ttype type_of(enc *e, const kz_value *v);

/* isTableArray: every element a table (any nil element is an error). */
static bool table_array(enc *e, const kz_value *seq) {
    size_t n = kz_len(seq);
    if (n == 0) return false;
    bool all = true;
    for (size_t i = 0; i < n; i++) {
        ttype t = type_of(e, kz_seq_at(seq, i));
        if (e->fail) return false;
        if (t == TT_NIL) {
            fail(e, KZ_TOML_ERR, ERR_NIL_ELEM);
            return false;
        }
        if (t != TT_HASH) all = false;
    }
    return all;
}

static ttype type_of(enc *e, const kz_value *v) {
    if (!v || !kz_is_valid(v) || kz_is_null(v)) return TT_NIL;
    if (kz_is_seq(v)) return table_array(e, v) ? TT_ARRAYHASH : TT_ARRAY;
    if (is_table_value(v)) return TT_HASH;
    return TT_OTHER;
}

static bool bare_key(const char *s, size_t n) {
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* BurntSushi's dblQuotedReplacer, byte by byte (toml_internal.h). */
void kz_toml_put_escaped(kz_buf *out, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': kz_buf_puts(out, "\\\""); break;
        case '\\': kz_buf_puts(out, "\\\\"); break;
        case '\b': kz_buf_puts(out, "\\b"); break;
        case '\t': kz_buf_puts(out, "\\t"); break;
        case '\n': kz_buf_puts(out, "\\n"); break;
        case '\f': kz_buf_puts(out, "\\f"); break;
        case '\r': kz_buf_puts(out, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f) kz_buf_printf(out, "\\u%04x", c);
            else kz_buf_putc(out, (char)c);
        }
    }
}

static void put_quoted(enc *e, const char *s, size_t n) {
    kz_buf_putc(e->out, '"');
    kz_toml_put_escaped(e->out, s, n);
    kz_buf_putc(e->out, '"');
    e->written = true;
}

static void put_key_part(kz_buf *out, part p) {
    if (bare_key(p.s, p.n)) {
        kz_buf_append(out, p.s, p.n);
    } else {
        kz_buf_putc(out, '"');
        kz_toml_put_escaped(out, p.s, p.n);
        kz_buf_putc(out, '"');
    }
}

static void put_key_path(kz_buf *out, const part *key, size_t depth) {
    for (size_t i = 0; i < depth; i++) {
        if (i) kz_buf_putc(out, '.');
        put_key_part(out, key[i]);
    }
}

static void put_indent(enc *e, size_t depth) {
    for (size_t i = 1; i < depth; i++) kz_buf_puts(e->out, "  ");
}

static void newline(enc *e) {
    if (e->written) kz_buf_putc(e->out, '\n');
}

static void put_float(kz_buf *out, double f) {
    if (isnan(f)) {
        if (signbit(f)) kz_buf_putc(out, '-');
        kz_buf_puts(out, "nan");
        return;
    }
    if (isinf(f)) {
        kz_buf_puts(out, f < 0 ? "-inf" : "inf");
        return;
    }
    size_t start = out->len;
    kz_format_float(out, f, 'f', -1);
    if (!memchr(out->data + start, '.', out->len - start)) kz_buf_puts(out, ".0");
}

static const char *str_field(const kz_value *m, const char *k, size_t *n) {
    const kz_value *v = kz_map_getz(m, k);
    if (!v) {
        *n = 0;
        return "";
    }
    *n = kz_str_len(v);
    return kz_str(v);
}

static void put_time(enc *e, const kz_value *t) {
    size_t ln;
    const char *loc = str_field(t, "loc", &ln);
    kz_buf b = KZ_BUF_INIT;
    kz_gotime_rfc3339nano(t, &b);
    const char *s = kz_buf_cstr(&b);
    if (ln == 14 && memcmp(loc, "datetime-local", 14) == 0) {
        /* up to the fraction: drop the zone ("Z", the offset is 0) */
        kz_buf_append(e->out, s, b.len - 1);
    } else if (ln == 10 && memcmp(loc, "date-local", 10) == 0) {
        kz_buf_append(e->out, s, 10);
    } else if (ln == 10 && memcmp(loc, "time-local", 10) == 0) {
        kz_buf_append(e->out, s + 11, b.len - 12);
    } else {
        kz_buf_append(e->out, s, b.len);
    }
    kz_buf_free(&b);
    e->written = true;
}

static void emit_map(enc *e, part *key, size_t depth, const kz_value *m, bool inl);
static void emit_struct_cert(enc *e, part *key, size_t depth, const kz_value *m, bool inl);

/* eElement: a value where a value goes (after "k = ", in arrays). */
static void element(enc *e, const kz_value *v) {
    if (e->fail) return;
    kz_buf *out = e->out;
    e->written = true;
    switch (kz_kind_of(v)) {
    case KZ_BOOL: kz_buf_puts(out, kz_bool_get(v) ? "true" : "false"); return;
    case KZ_INT:
        if (kz_gotype_of(v) == KZ_GOTYPE_DURATION) { /* BurntSushi writes a time.Duration as its String */
            kz_buf d = KZ_BUF_INIT;
            kz_goduration_string(kz_int_get(v), &d);
            put_quoted(e, d.data, d.len);
            kz_buf_free(&d);
        } else if (kz_int_is_unsigned(v)) kz_buf_printf(out, "%llu", (unsigned long long)kz_uint_get(v));
        else kz_buf_printf(out, "%lld", (long long)kz_int_get(v));
        return;
    case KZ_FLOAT: put_float(out, kz_float_get(v)); return;
    case KZ_STRING:
        if (kz_gotype_of(v) == KZ_GOTYPE_BYTES) { /* []uint8: an array of numbers */
            const unsigned char *s = (const unsigned char *)kz_str(v);
            kz_buf_putc(out, '[');
            for (size_t i = 0; i < kz_str_len(v); i++) kz_buf_printf(out, i ? ", %u" : "%u", s[i]);
            kz_buf_putc(out, ']');
            return;
        }
        put_quoted(e, kz_str(v), kz_str_len(v));
        return;
    case KZ_SEQ: {
        size_t n = kz_len(v);
        kz_buf_putc(out, '[');
        for (size_t i = 0; i < n && !e->fail; i++) {
            const kz_value *it = kz_seq_at(v, i);
            if (!kz_is_valid(it) || kz_is_null(it)) {
                fail(e, KZ_TOML_ERR, ERR_NIL_ELEM);
                return;
            }
            element(e, it);
            if (i != n - 1) kz_buf_puts(out, ", ");
        }
        kz_buf_putc(out, ']');
        return;
    }
    case KZ_MAP:
        switch (kz_gotype_of(v)) {
        case KZ_GOTYPE_TIME: put_time(e, v); return;
        case KZ_GOTYPE_SEMVER:
        case KZ_GOTYPE_SEMVER_VALUE: {
            kz_buf b = KZ_BUF_INIT;
            kz_goobj_json_string(v, &b);
            put_quoted(e, b.data ? b.data : "", b.len);
            kz_buf_free(&b);
            return;
        }
        case KZ_GOTYPE_CERT: emit_struct_cert(e, NULL, 0, v, true); return;
        default: emit_map(e, NULL, 0, v, true); return;
        }
    default: fail(e, KZ_TOML_ERR, ERR_NIL_ELEM); return;
    }
}

/* writeKeyValue */
static void key_value(enc *e, part *key, size_t depth, const kz_value *v, bool inl) {
    if (depth == 0) {
        element(e, v);
        return;
    }
    put_indent(e, depth);
    put_key_part(e->out, key[depth - 1]);
    kz_buf_puts(e->out, " = ");
    e->written = true;
    element(e, v);
    if (!inl) newline(e);
}

static void emit_table(enc *e, part *key, size_t depth, const kz_value *m) {
    if (depth == 1) newline(e);
    if (depth > 0) {
        put_indent(e, depth);
        kz_buf_putc(e->out, '[');
        put_key_path(e->out, key, depth);
        kz_buf_putc(e->out, ']');
        e->written = true;
        newline(e);
    }
    if (kz_gotype_of(m) == KZ_GOTYPE_CERT) emit_struct_cert(e, key, depth, m, false);
    else emit_map(e, key, depth, m, false);
}

static void encode(enc *e, part *key, size_t depth, const kz_value *v);

static void array_of_tables(enc *e, part *key, size_t depth, const kz_value *seq) {
    if (depth == 0) {
        fail(e, KZ_TOML_ERR, ERR_NO_KEY);
        return;
    }
    for (size_t i = 0; i < kz_len(seq) && !e->fail; i++) {
        const kz_value *t = kz_seq_at(seq, i);
        newline(e);
        put_indent(e, depth);
        kz_buf_puts(e->out, "[[");
        put_key_path(e->out, key, depth);
        kz_buf_puts(e->out, "]]");
        e->written = true;
        newline(e);
        if (kz_gotype_of(t) == KZ_GOTYPE_CERT) emit_struct_cert(e, key, depth, t, false);
        else emit_map(e, key, depth, t, false);
    }
}

static void encode(enc *e, part *key, size_t depth, const kz_value *v) {
    if (e->fail) return;
    if (!v || kz_is_null(v) || !kz_is_valid(v)) return;
    if (kz_is_seq(v)) {
        ttype t = type_of(e, v);
        if (e->fail) return;
        if (t == TT_ARRAYHASH) array_of_tables(e, key, depth, v);
        else key_value(e, key, depth, v, false);
        return;
    }
    if (is_table_value(v)) {
        emit_table(e, key, depth, v);
        return;
    }
    key_value(e, key, depth, v, false);
}

typedef struct {
    const char *s;
    size_t n;
    const kz_value *v;
} entry;

static int entry_cmp(const void *a, const void *b) {
    const entry *x = a, *y = b;
    return kz_key_cmp_bytes(x->s, x->n, y->s, y->n);
}

static void write_entries(enc *e, part *key, size_t depth, entry *list, size_t n, bool inl, bool trail) {
    qsort(list, n, sizeof *list, entry_cmp);
    for (size_t i = 0; i < n && !e->fail; i++) {
        const kz_value *v = list[i].v;
        if (!kz_is_valid(v) || kz_is_null(v)) continue;
        part p = {list[i].s, list[i].n};
        if (inl) {
            key_value(e, &p, 1, v, true);
            if (trail || i != n - 1) kz_buf_puts(e->out, ", ");
        } else {
            key[depth] = p;
            encode(e, key, depth + 1, v);
        }
    }
}

static part *grow_key(part *key, size_t depth, part **own) {
    /* a key path one longer than depth: the caller's array may be shorter */
    part *k = kz_xmalloc((depth + 1) * sizeof *k);
    if (depth) memcpy(k, key, depth * sizeof *k);
    *own = k;
    return k;
}

static void emit_map(enc *e, part *key, size_t depth, const kz_value *m, bool inl) {
    /* a *time.Location has no exported field: an empty table */
    size_t n = kz_gotype_of(m) == KZ_GOTYPE_LOCATION ? 0 : kz_len(m);
    entry *direct = kz_xmalloc((n + 1) * sizeof *direct), *sub = kz_xmalloc((n + 1) * sizeof *sub);
    size_t nd = 0, ns = 0;
    for (size_t i = 0; i < n && !e->fail; i++) {
        const kz_value *k = kz_map_key_at(m, i), *v = kz_map_value_at(m, i);
        entry en = {kz_str(k), kz_str_len(k), v};
        ttype t = type_of(e, v);
        if (t == TT_HASH || t == TT_ARRAYHASH) sub[ns++] = en;
        else direct[nd++] = en;
    }
    part *own = NULL;
    part *k = inl ? key : grow_key(key, depth, &own);
    if (!e->fail) {
        if (inl) kz_buf_putc(e->out, '{');
        write_entries(e, k, depth, direct, nd, inl, ns > 0);
        write_entries(e, k, depth, sub, ns, inl, false);
        if (inl) {
            kz_buf_putc(e->out, '}');
            e->written = true;
        }
    }
    free(own);
    free(direct);
    free(sub);
}

/* Sprig's certificate struct {Cert, Key string}: fields in declaration order. */
static void emit_struct_cert(enc *e, part *key, size_t depth, const kz_value *m, bool inl) {
    static const char *fields[] = {"Cert", "Key"};
    part *own = NULL;
    part *k = inl ? key : grow_key(key, depth, &own);
    if (inl) kz_buf_putc(e->out, '{');
    for (size_t i = 0; i < 2 && !e->fail; i++) {
        const kz_value *v = kz_map_getz(m, fields[i]);
        kz_value empty = kz_string("");
        if (!v) v = &empty;
        part p = {fields[i], strlen(fields[i])};
        if (inl) {
            key_value(e, &p, 1, v, true);
            if (i != 1) kz_buf_puts(e->out, ", ");
        } else {
            k[depth] = p;
            encode(e, k, depth + 1, v);
        }
        kz_free(empty);
    }
    if (inl) {
        kz_buf_putc(e->out, '}');
        e->written = true;
    }
    free(own);
}

int kz_toml_emit(kz_buf *out, const kz_value *v, kz_buf *err) {
    enc e = {.out = out};
    if (!v || !kz_is_valid(v) || kz_is_null(v)) {
        /* reflect.ValueOf(nil) is the zero Value: BurntSushi calls Type() on it */
        if (err) kz_buf_puts(err, "reflect: call of reflect.Value.Type on zero Value");
        return KZ_TOML_PANIC;
    }
    encode(&e, NULL, 0, v);
    if (e.fail) {
        if (err) kz_buf_puts(err, e.msg);
        return e.fail;
    }
    return KZ_TOML_OK;
}
