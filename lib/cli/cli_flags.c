/*
 * Flag sets and flag values: which flags a command accepts, and how the text a
 * user typed becomes a typed value (with strconv-worded errors, since the
 * reference tools show Go's messages verbatim).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "core/alloc.h"

/* ---- flag sets ---- */

static const kz_flag_def help_flag = {
    .name = "help", .shorthand = 'h', .type = KZ_FLAG_BOOL, .usage = NULL};
/* When a command already uses -h for something else, help keeps only --help. */
static const kz_flag_def help_flag_long_only = {
    .name = "help", .shorthand = 0, .type = KZ_FLAG_BOOL, .usage = NULL};

static void flagset_add(cli_flagset *fs, const kz_flag_def *def, bool inherited, bool is_help) {
    if (cli_flagset_find(fs, def->name, strlen(def->name)) != NULL) {
        return; /* shadowed by a flag of the same name closer to the command */
    }
    if (fs->len == fs->cap) {
        fs->cap = kz_grow_cap(fs->cap, fs->len + 1);
        fs->items = kz_xrealloc(fs->items, fs->cap * sizeof *fs->items);
    }
    fs->items[fs->len++] = (cli_flag){.def = def, .inherited = inherited, .is_help = is_help};
}

static void flagset_add_list(cli_flagset *fs, const kz_flag_def *list, bool inherited) {
    for (const kz_flag_def *d = list; d != NULL && d->name != NULL; d++) {
        flagset_add(fs, d, inherited, false);
    }
}

void cli_flagset_build(cli_flagset *fs, const kz_cmd *const *path, size_t depth,
                       bool with_help) {
    *fs = (cli_flagset){0};
    const kz_cmd *cmd = path[depth - 1];
    flagset_add_list(fs, cmd->flags, false);
    flagset_add_list(fs, cmd->persistent_flags, false);
    for (size_t i = depth - 1; i-- > 0;) { /* nearest ancestor first */
        flagset_add_list(fs, path[i]->persistent_flags, true);
    }
    if (with_help) {
        bool h_taken = cli_flagset_find_short(fs, 'h') != NULL;
        flagset_add(fs, h_taken ? &help_flag_long_only : &help_flag, false, true);
    }
}

void cli_flagset_free(cli_flagset *fs) {
    free(fs->items);
    *fs = (cli_flagset){0};
}

const cli_flag *cli_flagset_find(const cli_flagset *fs, const char *name, size_t len) {
    for (size_t i = 0; i < fs->len; i++) {
        const char *n = fs->items[i].def->name;
        if (strlen(n) == len && memcmp(n, name, len) == 0) {
            return &fs->items[i];
        }
    }
    return NULL;
}

const cli_flag *cli_flagset_find_short(const cli_flagset *fs, char c) {
    for (size_t i = 0; i < fs->len; i++) {
        if (fs->items[i].def->shorthand == c && c != 0) {
            return &fs->items[i];
        }
    }
    return NULL;
}

bool cli_flag_takes_no_value(const kz_flag_def *def) {
    return def->type == KZ_FLAG_BOOL || def->no_opt_default != NULL;
}

const char *cli_flag_bare_value(const kz_flag_def *def) {
    return def->type == KZ_FLAG_BOOL ? "true" : def->no_opt_default;
}

/* ---- values ---- */

kz_value cli_flag_zero(kz_flag_type type) {
    switch (type) {
    case KZ_FLAG_BOOL: return kz_bool(false);
    case KZ_FLAG_INT: return kz_int(0);
    case KZ_FLAG_STRING: return kz_string("");
    case KZ_FLAG_STRING_ARRAY:
    case KZ_FLAG_STRING_SLICE: return kz_seq();
    }
    return kz_null();
}

/* strconv.ParseBool's accepted spellings. */
static bool parse_go_bool(const char *s, bool *out) {
    static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

/* Go's rule for '_' in base-0 literals: only between digits, or between the base
 * prefix and a digit. `s` is the unsigned part. */
static bool underscores_ok(const char *s) {
    bool saw_digit_or_prefix = false; /* previous char was a digit or the prefix */
    bool last_underscore = false;
    const char *p = s;
    if (p[0] == '0' && p[1] != 0 && strchr("xXoObB", p[1]) != NULL) {
        p += 2;
        saw_digit_or_prefix = true;
    }
    for (; *p; p++) {
        if (*p == '_') {
            if (!saw_digit_or_prefix) return false;
            saw_digit_or_prefix = false;
            last_underscore = true;
        } else {
            saw_digit_or_prefix = true;
            last_underscore = false;
        }
    }
    return !last_underscore;
}

typedef enum { INT_OK, INT_SYNTAX, INT_RANGE } int_status;

/* strconv.ParseInt(s, 0, 64): optional sign, 0x/0o/0b/0 prefixes, underscores. */
static int_status parse_go_int(const char *s, int64_t *out) {
    const char *p = s;
    bool neg = false;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (*p == 0) return INT_SYNTAX;
    const char *body = p;
    int base = 10;
    if (p[0] == '0' && p[1] != 0) {
        switch (p[1]) {
        case 'x': case 'X': base = 16; p += 2; break;
        case 'o': case 'O': base = 8; p += 2; break;
        case 'b': case 'B': base = 2; p += 2; break;
        default: base = 8; p += 1; break;
        }
        if (base != 8 || p != body + 1) {
            if (*p == 0) return INT_SYNTAX; /* "0x" alone */
        }
    }
    bool any_underscore = false;
    uint64_t acc = 0;
    bool overflow = false;
    for (; *p; p++) {
        if (*p == '_') {
            any_underscore = true;
            continue;
        }
        int d = digit_value(*p);
        if (d >= base) return INT_SYNTAX;
        if (acc > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
            overflow = true;
        } else {
            acc = acc * (uint64_t)base + (uint64_t)d;
        }
    }
    if (any_underscore && !underscores_ok(body)) return INT_SYNTAX;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (overflow || acc > limit) return INT_RANGE;
    *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return INT_OK;
}

/* Split one --values style argument as a CSV record (encoding/csv rules:
 * fields separated by commas, a field may be "quoted" with "" for a quote). */
static bool split_csv(const char *s, kz_value *seq, kz_buf *why) {
    if (*s == 0) return true; /* an empty argument adds nothing */
    kz_buf field = KZ_BUF_INIT;
    const char *p = s;
    for (;;) {
        kz_buf_clear(&field);
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == 0) {
                    size_t c = (size_t)(p - s) + 1;
                    kz_buf_printf(why, "parse error on line 1, column %zu: extraneous or missing \" in quoted-field", c);
                    kz_buf_free(&field);
                    return false;
                }
                if (*p == '"' && p[1] == '"') {
                    kz_buf_putc(&field, '"');
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    kz_buf_putc(&field, *p++);
                }
            }
            if (*p != ',' && *p != 0) {
                size_t c = (size_t)(p - s) + 1;
                kz_buf_printf(why, "parse error on line 1, column %zu: extraneous or missing \" in quoted-field", c);
                kz_buf_free(&field);
                return false;
            }
        } else {
            while (*p != ',' && *p != 0) {
                if (*p == '"') {
                    size_t c = (size_t)(p - s) + 1;
                    kz_buf_printf(why, "parse error on line 1, column %zu: bare \" in non-quoted-field", c);
                    kz_buf_free(&field);
                    return false;
                }
                kz_buf_putc(&field, *p++);
            }
        }
        kz_seq_push(seq, kz_string_n(field.data ? field.data : "", field.len));
        if (*p == 0) break;
        p++; /* the comma */
    }
    kz_buf_free(&field);
    return true;
}

bool cli_flag_set(const kz_flag_def *def, kz_value *slot, const char *text, kz_buf *why) {
    switch (def->type) {
    case KZ_FLAG_BOOL: {
        bool b;
        if (!parse_go_bool(text, &b)) {
            kz_buf_puts(why, "strconv.ParseBool: parsing ");
            cli_go_quote(why, text);
            kz_buf_puts(why, ": invalid syntax");
            return false;
        }
        kz_free(*slot);
        *slot = kz_bool(b);
        return true;
    }
    case KZ_FLAG_INT: {
        int64_t i = 0;
        int_status st = parse_go_int(text, &i);
        if (st != INT_OK) {
            kz_buf_puts(why, "strconv.ParseInt: parsing ");
            cli_go_quote(why, text);
            kz_buf_puts(why, st == INT_RANGE ? ": value out of range" : ": invalid syntax");
            return false;
        }
        kz_free(*slot);
        *slot = kz_int(i);
        return true;
    }
    case KZ_FLAG_STRING:
        kz_free(*slot);
        *slot = kz_string(text);
        return true;
    case KZ_FLAG_STRING_ARRAY:
        kz_seq_push(slot, kz_string(text));
        return true;
    case KZ_FLAG_STRING_SLICE: {
        /* Parse into a scratch list first so a bad argument adds nothing. */
        kz_value items = kz_seq();
        bool ok = split_csv(text, &items, why);
        if (ok) {
            for (size_t i = 0; i < kz_len(&items); i++) {
                kz_seq_push(slot, kz_copy(kz_seq_at(&items, i)));
            }
        }
        kz_free(items);
        return ok;
    }
    }
    return false;
}

kz_value cli_flag_default(const kz_flag_def *def) {
    kz_value v = cli_flag_zero(def->type);
    if (def->def != NULL && def->type != KZ_FLAG_STRING_ARRAY &&
        def->type != KZ_FLAG_STRING_SLICE) {
        kz_buf ignored = KZ_BUF_INIT; /* a bad static default is a bug the tests catch */
        cli_flag_set(def, &v, def->def, &ignored);
        kz_buf_free(&ignored);
    }
    return v;
}

void cli_go_quote(kz_buf *b, const char *s) {
    kz_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': kz_buf_puts(b, "\\\""); break;
        case '\\': kz_buf_puts(b, "\\\\"); break;
        case '\a': kz_buf_puts(b, "\\a"); break;
        case '\b': kz_buf_puts(b, "\\b"); break;
        case '\f': kz_buf_puts(b, "\\f"); break;
        case '\n': kz_buf_puts(b, "\\n"); break;
        case '\r': kz_buf_puts(b, "\\r"); break;
        case '\t': kz_buf_puts(b, "\\t"); break;
        case '\v': kz_buf_puts(b, "\\v"); break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                kz_buf_printf(b, "\\x%02x", *p);
            } else {
                kz_buf_putc(b, (char)*p); /* UTF-8 passes through, as Go prints it */
            }
        }
    }
    kz_buf_putc(b, '"');
}
