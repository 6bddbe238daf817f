/*
 * text/template's parser, written from Go 1.23's documented behaviour and its
 * observed messages (tests/golden/tmplparse). The structure mirrors Go's on
 * purpose: a recursive descent with a three-token lookahead per tree, because
 * Go's error messages name the line of the last token the current tree read,
 * and only the same lookahead reads the same tokens.
 *
 * A parse error unwinds with longjmp (Go panics). Everything allocated while
 * parsing is in the file's arena or on the parser's scratch stack, both freed
 * on every path, so the jump leaks nothing.
 */
#include "tmpl/parse.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/utf8.h"
#include "tmpl/lex.h"

/* Nesting limit of parenthesised pipelines, as Go's maxStackDepth. Go's stacks
 * grow; ours don't, so the C stack the recursion uses is capped too (deep enough
 * for any real template: hundreds of levels), with Go's message either way. */
#define MAX_STACK_DEPTH 10000
#define MAX_STACK_BYTES ((size_t)1 << 20)

/* ---- arena ---- */

typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
} arena_chunk;

struct kz_tmpl_arena {
    arena_chunk *head;
    kz_value *values; /* constants holding heap blocks, released with the arena */
    size_t nvalues, capvalues;
};

static void *arena_alloc(kz_tmpl_arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        arena_chunk *c = kz_xmalloc(sizeof *c + cap);
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

static void *arena_zalloc(kz_tmpl_arena *a, size_t n) { return memset(arena_alloc(a, n), 0, n); }

static char *arena_strndup(kz_tmpl_arena *a, const char *s, size_t n) {
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* Keep v alive as long as the arena; returns it for storing in a node. */
static kz_value arena_keep(kz_tmpl_arena *a, kz_value v) {
    if (a->nvalues == a->capvalues) {
        a->capvalues = kz_grow_cap(a->capvalues, a->nvalues + 1);
        a->values = kz_xrealloc(a->values, a->capvalues * sizeof *a->values);
    }
    a->values[a->nvalues++] = v;
    return v;
}

static void arena_free(kz_tmpl_arena *a) {
    if (!a) return;
    for (size_t i = 0; i < a->nvalues; i++) kz_free(a->values[i]);
    free(a->values);
    for (arena_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

/* ---- parser state ---- */

typedef struct intern_slot {
    const kz_tmpl_name *name;
    uint64_t hash;
} intern_slot;

/* State shared by every tree of the file (Go: the lexer and the tree set). */
typedef struct parser {
    kz_tmpl_lexer lex;
    kz_tmpl_file *file;
    kz_tmpl_arena *arena;
    const kz_tmpl_parse_opts *opts;
    intern_slot *names; /* open addressing */
    size_t nnames, capnames;
    void **scratch; /* stack of pointers for arrays being built */
    size_t nscratch, capscratch;
    kz_tmpl_tree **defs; /* the file's definitions so far (copied to the arena at the end) */
    size_t ndefs, capdefs;
    jmp_buf fail;
    kz_value err;
    uintptr_t stack_base; /* address of a local of kz_tmpl_parse */
} parser;

/* One tree being parsed (Go's Tree during parsing). */
typedef struct tree_parser {
    parser *p;
    kz_tmpl_tree *tree;
    kz_tok token[3];
    int peek_count;
    const kz_tmpl_name **vars; /* variables in scope, "$" first */
    size_t nvars, capvars;
    uint32_t action_line; /* line of the {{ that started the current action; 0 outside */
    int range_depth;
    int stack_depth;
} tree_parser;

/* ---- errors ---- */

__attribute__((noreturn, format(printf, 2, 3))) static void errorf(tree_parser *t, const char *fmt, ...) {
    kz_buf b = KZ_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kz_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    /* the message goes into an error value before the buffer is released */
    parser *p = t->p;
    p->err = kz_error("template: %s:%u: %s", p->file->name, t->token[0].line, kz_buf_cstr(&b));
    kz_buf_free(&b);
    longjmp(p->fail, 1);
}

static void quote_into(kz_buf *b, const char *s, size_t n) { kz_tmpl_quote(b, s, n, SIZE_MAX); }

/* errorf with one Go-%q-quoted argument: "undefined variable %q" and the like. */
__attribute__((noreturn)) static void errorf_quoted(tree_parser *t, const char *before, const char *s,
                                                    size_t n, const char *after) {
    kz_buf b = KZ_BUF_INIT;
    kz_buf_puts(&b, before);
    quote_into(&b, s, n);
    kz_buf_puts(&b, after);
    parser *p = t->p;
    p->err = kz_error("template: %s:%u: %s", p->file->name, t->token[0].line, kz_buf_cstr(&b));
    kz_buf_free(&b);
    longjmp(p->fail, 1);
}

/* ---- tokens (Go's next / backup / peek) ---- */

static kz_tok tok_next(tree_parser *t) {
    if (t->peek_count > 0) {
        t->peek_count--;
    } else {
        t->token[0] = kz_tmpl_lex_next(&t->p->lex);
    }
    return t->token[t->peek_count];
}

static void tok_backup(tree_parser *t) { t->peek_count++; }

static void tok_backup2(tree_parser *t, kz_tok t1) {
    t->token[1] = t1;
    t->peek_count = 2;
}

static void tok_backup3(tree_parser *t, kz_tok t2, kz_tok t1) {
    t->token[1] = t1;
    t->token[2] = t2;
    t->peek_count = 3;
}

static kz_tok tok_peek(tree_parser *t) {
    if (t->peek_count > 0) return t->token[t->peek_count - 1];
    t->peek_count = 1;
    t->token[0] = kz_tmpl_lex_next(&t->p->lex);
    return t->token[0];
}

static kz_tok next_non_space(tree_parser *t) {
    kz_tok tok;
    do {
        tok = tok_next(t);
    } while (tok.type == KZ_TOK_SPACE);
    return tok;
}

static kz_tok peek_non_space(tree_parser *t) {
    kz_tok tok = next_non_space(t);
    tok_backup(t);
    return tok;
}

static bool tok_is(const kz_tok *tok, const char *s) {
    size_t n = strlen(s);
    return tok->len == n && memcmp(tok->val, s, n) == 0;
}

/* Complain about an unexpected token; a lexer error is reported as itself,
 * with where its action started when that was on another line. */
__attribute__((noreturn)) static void unexpected(tree_parser *t, const kz_tok *tok, const char *context) {
    kz_buf b = KZ_BUF_INIT;
    if (tok->type == KZ_TOK_ERROR) {
        kz_buf_append(&b, tok->val, tok->len);
        if (t->action_line != 0 && t->action_line != tok->line) {
            bool ends_with_action = tok->len >= 7 && memcmp(tok->val + tok->len - 7, " action", 7) == 0;
            kz_buf_printf(&b, "%s started at %s:%u", ends_with_action ? "" : " in action",
                          t->p->file->name, t->action_line);
        }
    } else {
        kz_buf_puts(&b, "unexpected ");
        kz_tmpl_tok_describe(&b, tok);
        kz_buf_printf(&b, " in %s", context);
    }
    parser *p = t->p;
    p->err = kz_error("template: %s:%u: %s", p->file->name, t->token[0].line, kz_buf_cstr(&b));
    kz_buf_free(&b);
    longjmp(p->fail, 1);
}

static kz_tok expect(tree_parser *t, kz_tok_type type, const char *context) {
    kz_tok tok = next_non_space(t);
    if (tok.type != type) unexpected(t, &tok, context);
    return tok;
}

/* ---- names ---- */

static const kz_tmpl_name *intern(parser *p, const char *s, size_t n) {
    if (p->nnames * 2 >= p->capnames) {
        size_t cap = p->capnames ? p->capnames * 2 : 64;
        intern_slot *slots = kz_xcalloc(cap, sizeof *slots);
        for (size_t i = 0; i < p->capnames; i++) {
            if (!p->names[i].name) continue;
            size_t j = p->names[i].hash & (cap - 1);
            while (slots[j].name) j = (j + 1) & (cap - 1);
            slots[j] = p->names[i];
        }
        free(p->names);
        p->names = slots;
        p->capnames = cap;
    }
    uint64_t h = kz_hash_bytes(s, n);
    size_t j = h & (p->capnames - 1);
    while (p->names[j].name) {
        const kz_tmpl_name *e = p->names[j].name;
        if (p->names[j].hash == h && e->len == n && memcmp(e->s, s, n) == 0) return e;
        j = (j + 1) & (p->capnames - 1);
    }
    kz_tmpl_name *name = arena_alloc(p->arena, sizeof *name);
    name->s = arena_strndup(p->arena, s, n);
    name->len = (uint32_t)n;
    p->names[j] = (intern_slot){.name = name, .hash = h};
    p->nnames++;
    return name;
}

/* ---- arrays built on the scratch stack ---- */

static size_t scratch_mark(parser *p) { return p->nscratch; }

static void scratch_push(parser *p, void *item) {
    if (p->nscratch == p->capscratch) {
        p->capscratch = kz_grow_cap(p->capscratch, p->nscratch + 1);
        p->scratch = kz_xrealloc(p->scratch, p->capscratch * sizeof *p->scratch);
    }
    p->scratch[p->nscratch++] = item;
}

/* Move the items pushed since `mark` into an arena array. */
static void *scratch_take(parser *p, size_t mark, uint32_t *len) {
    size_t n = p->nscratch - mark;
    void **arr = n ? arena_alloc(p->arena, n * sizeof *arr) : NULL;
    if (n) memcpy(arr, p->scratch + mark, n * sizeof *arr);
    p->nscratch = mark;
    *len = (uint32_t)n;
    return arr;
}

/* ---- variables in scope ---- */

static void push_var(tree_parser *t, const kz_tmpl_name *name) {
    if (t->nvars == t->capvars) {
        size_t cap = t->capvars ? t->capvars * 2 : 8;
        const kz_tmpl_name **vars = arena_alloc(t->p->arena, cap * sizeof *vars);
        if (t->nvars) memcpy(vars, t->vars, t->nvars * sizeof *vars);
        t->vars = vars;
        t->capvars = cap;
    }
    t->vars[t->nvars++] = name;
}

static bool var_in_scope(const tree_parser *t, const kz_tmpl_name *name) {
    for (size_t i = 0; i < t->nvars; i++) {
        if (t->vars[i] == name) return true;
    }
    return false;
}

/* ---- nodes ---- */

static kz_tmpl_node *new_node(tree_parser *t, kz_tmpl_kind kind, uint32_t pos) {
    kz_tmpl_node *n = arena_zalloc(t->p->arena, sizeof *n);
    n->kind = kind;
    n->pos = pos;
    return n;
}

/* Split "a.b.c" (no leading dot) into interned names pushed on the scratch stack. */
static void push_dotted(parser *p, const char *s, size_t n) {
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            scratch_push(p, (void *)intern(p, s + start, i - start));
            start = i + 1;
        }
    }
}

/* A field node from ".a" or ".a.b.c". */
static kz_tmpl_node *new_field(tree_parser *t, uint32_t pos, const char *s, size_t n) {
    kz_tmpl_node *node = new_node(t, KZ_TN_FIELD, pos);
    size_t mark = scratch_mark(t->p);
    push_dotted(t->p, s + 1, n - 1);
    node->u.field.names = scratch_take(t->p, mark, &node->u.field.n);
    return node;
}

/* A variable node from "$x" or "$x.a.b". */
static kz_tmpl_node *new_variable(tree_parser *t, uint32_t pos, const char *s, size_t n) {
    kz_tmpl_node *node = new_node(t, KZ_TN_VARIABLE, pos);
    size_t mark = scratch_mark(t->p);
    push_dotted(t->p, s, n);
    node->u.var.names = scratch_take(t->p, mark, &node->u.var.n);
    return node;
}

static void set_const_text(kz_tmpl_node *n, const kz_tok *tok) {
    n->u.con.text = tok->val; /* points into the file's text copy */
    n->u.con.text_len = (uint32_t)tok->len;
}

/* ---- Go's strconv, as far as template constants need it ---- */

static int lower(int c) { return c | ('x' - 'X'); }

/* Underscores only between digits, or between a base prefix and a digit. */
static bool underscore_ok(const char *s, size_t n) {
    char saw = '^';
    size_t i = 0;
    if (n >= 1 && (s[0] == '-' || s[0] == '+')) s++, n--;
    bool hex = false;
    if (n >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
        i = 2;
        saw = '0';
        hex = lower(s[1]) == 'x';
    }
    for (; i < n; i++) {
        char c = s[i];
        if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
            saw = '0';
            continue;
        }
        if (c == '_') {
            if (saw != '0') return false;
            saw = '_';
            continue;
        }
        if (saw == '_') return false;
        saw = '!';
    }
    return saw != '_';
}

typedef enum { NUM_OK, NUM_SYNTAX, NUM_RANGE } num_status;

/* strconv.ParseUint(s, 0, 64). */
static num_status parse_uint(const char *s, size_t n, uint64_t *out) {
    if (n == 0) return NUM_SYNTAX;
    const char *s0 = s;
    size_t n0 = n;
    unsigned base = 10;
    if (s[0] == '0') {
        if (n >= 3 && lower(s[1]) == 'b') {
            base = 2, s += 2, n -= 2;
        } else if (n >= 3 && lower(s[1]) == 'o') {
            base = 8, s += 2, n -= 2;
        } else if (n >= 3 && lower(s[1]) == 'x') {
            base = 16, s += 2, n -= 2;
        } else {
            base = 8, s += 1, n -= 1;
        }
    }
    bool underscores = false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = (unsigned char)s[i], d;
        if (c == '_') {
            underscores = true;
            continue;
        } else if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (lower((int)c) >= 'a' && lower((int)c) <= 'z') {
            d = (unsigned)lower((int)c) - 'a' + 10;
        } else {
            return NUM_SYNTAX;
        }
        if (d >= base) return NUM_SYNTAX;
        if (v > (UINT64_MAX - d) / base) return NUM_RANGE;
        v = v * base + d;
    }
    if (underscores && !underscore_ok(s0, n0)) return NUM_SYNTAX;
    *out = v;
    return NUM_OK;
}

/* strconv.ParseInt(s, 0, 64). */
static num_status parse_int(const char *s, size_t n, int64_t *out) {
    if (n == 0) return NUM_SYNTAX;
    bool neg = false;
    if (s[0] == '+') {
        s++, n--;
    } else if (s[0] == '-') {
        neg = true, s++, n--;
    }
    uint64_t u;
    num_status st = parse_uint(s, n, &u);
    if (st != NUM_OK) return st;
    if (!neg && u > (uint64_t)INT64_MAX) return NUM_RANGE;
    if (neg && u > (uint64_t)INT64_MAX + 1) return NUM_RANGE;
    *out = neg ? (int64_t)(0 - u) : (int64_t)u;
    return NUM_OK;
}

/* Whether s is a float literal by Go's syntax (strconv's readFloat, no inf/nan,
 * which a template number cannot spell). */
static bool float_syntax_ok(const char *s, size_t n) {
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    bool hex = false, underscores = false, saw_dot = false, saw_digits = false;
    if (i + 2 < n && s[i] == '0' && lower(s[i + 1]) == 'x') {
        hex = true;
        i += 2;
    }
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_') {
            underscores = true;
        } else if (c == '.') {
            if (saw_dot) break;
            saw_dot = true;
        } else if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
            saw_digits = true;
        } else {
            break;
        }
    }
    if (!saw_digits) return false;
    if (i < n && lower(s[i]) == (hex ? 'p' : 'e')) {
        i++;
        if (i >= n) return false;
        if (s[i] == '+' || s[i] == '-') i++;
        if (i >= n || s[i] < '0' || s[i] > '9') return false;
        for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++) {
            if (s[i] == '_') underscores = true;
        }
    } else if (hex) {
        return false; /* a hexadecimal mantissa needs a 'p' exponent */
    }
    if (underscores && !underscore_ok(s, i)) return false;
    return i == n;
}

/* strconv.ParseFloat(s, 64): NUM_SYNTAX, NUM_RANGE (overflow to infinity) or NUM_OK. */
static num_status parse_float_status(const char *s, size_t n, double *out) {
    if (!float_syntax_ok(s, n)) return NUM_SYNTAX;
    char small[64];
    char *buf = n < sizeof small ? small : kz_xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '_') buf[k++] = s[i];
    }
    buf[k] = 0;
    errno = 0;
    double f = strtod(buf, NULL); /* correctly rounded, hex floats included */
    if (buf != small) free(buf);
    if (isinf(f)) return NUM_RANGE;
    *out = f;
    return NUM_OK;
}

static bool parse_float(const char *s, size_t n, double *out) { return parse_float_status(s, n, out) == NUM_OK; }

static bool contains_any(const char *s, size_t n, const char *set) {
    for (size_t i = 0; i < n; i++) {
        if (strchr(set, s[i])) return true;
    }
    return false;
}

/* Integral float flags of Go's NumberNode (float64(int64(f)) == f, for uint64 too). */
static void integral_flags(kz_tmpl_number *c, double f) {
    if (f == floor(f) && f >= -9223372036854775808.0 && f < 9223372036854775808.0) {
        c->flags |= KZ_TNUM_INT;
        c->i64 = (int64_t)f;
    }
    if (f == floor(f) && f >= 0 && f < 18446744073709551616.0) {
        c->flags |= KZ_TNUM_UINT;
        c->u64 = (uint64_t)f;
    }
}

/* fmt's floatToken: the longest prefix of s[i..n) that looks like a float. */
static size_t float_token(const char *s, size_t n, size_t i) {
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    /* fmt tries "Inf" here and keeps what it accepted of it: "+i" is a token */
    if (i < n && lower(s[i]) == 'i') {
        i++;
        if (i < n && lower(s[i]) == 'n') {
            i++;
            if (i < n && lower(s[i]) == 'f') return i + 1;
        }
    }
    const char *digits = "0123456789_", *exp = "eE";
    if (i + 1 < n && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
        digits = "0123456789abcdefABCDEF_", exp = "pP";
        i += 2;
    } else if (i < n && s[i] == '0') {
        i++;
    }
    while (i < n && strchr(digits, s[i])) i++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && strchr(digits, s[i])) i++;
    }
    if (i < n && strchr(exp, s[i])) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        while (i < n && strchr("0123456789_", s[i])) i++;
    }
    return i;
}

/* fmt.Sscan of a complex constant "1+2i" (Go's parser lets fmt read it).
 * Returns NULL, or the error message (static or in *msg). */
static const char *scan_complex(const char *s, size_t n, double *re, double *im, kz_buf *msg) {
    static const char *err_complex = "syntax error scanning complex number";
    size_t real_end = float_token(s, n, 0);
    if (real_end >= n || (s[real_end] != '+' && s[real_end] != '-')) return err_complex;
    size_t imag_end = float_token(s, n, real_end);
    if (imag_end >= n || s[imag_end] != 'i') return err_complex;
    struct {
        const char *p;
        size_t len;
        double *out;
    } parts[2] = {{s, real_end, re}, {s + real_end, imag_end - real_end, im}};
    for (int k = 0; k < 2; k++) {
        num_status st = parse_float_status(parts[k].p, parts[k].len, parts[k].out);
        if (st == NUM_OK) continue;
        kz_buf_puts(msg, "strconv.ParseFloat: parsing ");
        kz_tmpl_quote(msg, parts[k].p, parts[k].len, SIZE_MAX);
        kz_buf_puts(msg, st == NUM_RANGE ? ": value out of range" : ": invalid syntax");
        return kz_buf_cstr(msg);
    }
    return NULL;
}

/* ---- Go's strconv.UnquoteChar / Unquote ---- */

static int unhex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (lower(c) >= 'a' && lower(c) <= 'f') return lower(c) - 'a' + 10;
    return -1;
}

/* One character of a quoted literal at s[0..n) (Go's strconv.UnquoteChar):
 * its value, whether it is a rune to encode as UTF-8 (rather than a single
 * byte), and its length. Returns false on bad syntax. */
static bool unquote_char(const char *s, size_t n, char quote, int32_t *value, bool *multibyte, size_t *used) {
    if (n == 0) return false;
    unsigned char c = (unsigned char)s[0];
    if (c == (unsigned char)quote && (quote == '\'' || quote == '"')) return false;
    if (c >= 0x80) {
        *used = kz_tmpl_decode_rune(s, n, value);
        *multibyte = true;
        return true;
    }
    *multibyte = false;
    if (c != '\\') {
        *value = c;
        *used = 1;
        return true;
    }
    if (n <= 1) return false;
    char e = s[1];
    size_t i = 2;
    switch (e) {
    case 'a': *value = '\a'; break;
    case 'b': *value = '\b'; break;
    case 'f': *value = '\f'; break;
    case 'n': *value = '\n'; break;
    case 'r': *value = '\r'; break;
    case 't': *value = '\t'; break;
    case 'v': *value = '\v'; break;
    case 'x':
    case 'u':
    case 'U': {
        size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (n - i < digits) return false;
        uint32_t v = 0;
        for (size_t j = 0; j < digits; j++) {
            int d = unhex(s[i + j]);
            if (d < 0) return false;
            v = (v << 4) | (uint32_t)d;
        }
        i += digits;
        if (e != 'x') {
            if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
            *multibyte = true;
        }
        *value = (int32_t)v;
        break;
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        uint32_t v = (uint32_t)(e - '0');
        if (n - i < 2) return false;
        for (size_t j = 0; j < 2; j++) {
            int d = s[i + j] - '0';
            if (d < 0 || d > 7) return false;
            v = (v << 3) | (uint32_t)d;
        }
        i += 2;
        if (v > 255) return false;
        *value = (int32_t)v;
        break;
    }
    case '\\': *value = '\\'; break;
    case '\'':
    case '"':
        if (e != quote) return false;
        *value = e;
        break;
    default: return false;
    }
    *used = i;
    return true;
}

/* The text of a quoted token that needs no decoding: ASCII without
 * escapes, quotes or line breaks inside, nearly every string a chart has.
 * Then its content is s[1..n-1) as it stands; false: take unquote(). */
static bool unquote_is_verbatim(const char *s, size_t n) {
    if (n < 2 || s[n - 1] != s[0] || (s[0] != '"' && s[0] != '`')) return false;
    for (size_t i = 1; i + 1 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || c == '\\' || c == '\n' || c == '\r' || c == '"' || c == '`') return false;
    }
    return true;
}

/* strconv.Unquote of a "..." or `...` token into *out. */
static bool unquote(const char *s, size_t n, kz_buf *out) {
    if (n < 2 || s[n - 1] != s[0]) return false;
    if (s[0] == '`') {
        for (size_t i = 1; i + 1 < n; i++) {
            if (s[i] == '`') return false;
            if (s[i] != '\r') kz_buf_putc(out, s[i]); /* raw strings drop carriage returns */
        }
        return true;
    }
    if (memchr(s, '\n', n)) return false; /* strconv.Unquote: not in a quoted string */
    return kz_tmpl_unquote_body(s + 1, n - 2, s[0], out);
}

bool kz_tmpl_unquote_body(const char *s, size_t n, char quote, kz_buf *out) {
    for (size_t i = 0; i < n;) {
        int32_t r;
        bool multibyte;
        size_t used;
        if (!unquote_char(s + i, n - i, quote, &r, &multibyte, &used)) return false;
        i += used;
        if (r < 0x80 || !multibyte) {
            kz_buf_putc(out, (char)r);
        } else {
            kz_utf8_append(out, (uint32_t)r);
        }
    }
    return true;
}

/* ---- constants ---- */

static const char *syntax_error = "invalid syntax";

/* Go's newNumber, then the value Go's exec gives the constant (idealConstant). */
static kz_tmpl_node *new_number(tree_parser *t, const kz_tok *tok) {
    kz_tmpl_node *node = new_node(t, KZ_TN_NUMBER, tok->pos);
    kz_tmpl_const *con = &node->u.con;
    kz_tmpl_number *c = arena_zalloc(t->p->arena, sizeof *c);
    con->num = c;
    set_const_text(node, tok);
    const char *s = tok->val;
    size_t n = tok->len;
    if (tok->type == KZ_TOK_CHAR_CONST) {
        int32_t r;
        bool multibyte;
        size_t used;
        if (n < 2 || !unquote_char(s + 1, n - 1, '\'', &r, &multibyte, &used)) {
            errorf(t, "%s", syntax_error);
        }
        if (1 + used != n - 1 || s[n - 1] != '\'') {
            errorf(t, "malformed character constant: %.*s", (int)n, s);
        }
        c->flags = KZ_TNUM_INT | KZ_TNUM_UINT | KZ_TNUM_FLOAT | KZ_TNUM_RUNE;
        c->i64 = r, c->u64 = (uint64_t)r, c->f64 = r;
        con->value = kz_int(r); /* Go's exec: a rune constant is an int */
        return node;
    }
    if (tok->type == KZ_TOK_COMPLEX || (n > 0 && s[n - 1] == 'i')) {
        double re = 0, im = 0;
        bool ok;
        if (tok->type == KZ_TOK_COMPLEX) {
            kz_buf msg = KZ_BUF_INIT;
            const char *e = scan_complex(s, n, &re, &im, &msg);
            if (e) {
                kz_value err = kz_error("template: %s:%u: %s", t->p->file->name, t->token[0].line, e);
                kz_buf_free(&msg);
                t->p->err = err;
                longjmp(t->p->fail, 1);
            }
            ok = true;
        } else {
            ok = parse_float(s, n - 1, &im);
        }
        if (ok) {
            c->flags = KZ_TNUM_COMPLEX;
            c->re = re, c->im = im;
            if (im == 0) { /* simplifyComplex */
                c->flags |= KZ_TNUM_FLOAT;
                c->f64 = re;
                integral_flags(c, re);
            }
            con->value = kz_invalid();
            return node;
        }
    }
    uint64_t u;
    if (parse_uint(s, n, &u) == NUM_OK) {
        c->flags |= KZ_TNUM_UINT;
        c->u64 = u;
    }
    int64_t i;
    if (parse_int(s, n, &i) == NUM_OK) {
        c->flags |= KZ_TNUM_INT;
        c->i64 = i;
        if (i == 0) c->flags |= KZ_TNUM_UINT; /* "-0" */
    }
    if (c->flags & KZ_TNUM_INT) {
        c->flags |= KZ_TNUM_FLOAT;
        c->f64 = (double)c->i64;
    } else if (c->flags & KZ_TNUM_UINT) {
        c->flags |= KZ_TNUM_FLOAT;
        c->f64 = (double)c->u64;
    } else {
        double f;
        if (parse_float(s, n, &f)) {
            if (!contains_any(s, n, ".eEpP")) errorf_quoted(t, "integer overflow: ", s, n, "");
            c->flags |= KZ_TNUM_FLOAT;
            c->f64 = f;
            integral_flags(c, f);
        }
    }
    if (!c->flags) errorf_quoted(t, "illegal number syntax: ", s, n, "");
    /* idealConstant: a float when written as one (hex integers excepted) */
    bool hex_int = n > 2 && s[0] == '0' && lower(s[1]) == 'x' && !contains_any(s, n, "pP");
    if ((c->flags & KZ_TNUM_FLOAT) && !hex_int && contains_any(s, n, ".eEpP")) {
        con->value = kz_float(c->f64);
    } else if (c->flags & KZ_TNUM_INT) {
        con->value = kz_int(c->i64);
    } else {
        con->value = kz_invalid(); /* beyond int64: exec says "N overflows int" */
    }
    return node;
}

static kz_tmpl_node *new_string(tree_parser *t, const kz_tok *tok) {
    if (unquote_is_verbatim(tok->val, tok->len)) {
        kz_tmpl_node *node = new_node(t, KZ_TN_STRING, tok->pos);
        set_const_text(node, tok);
        node->u.con.value = arena_keep(t->p->arena, kz_string_n(tok->val + 1, tok->len - 2));
        return node;
    }
    kz_buf b = KZ_BUF_INIT;
    if (!unquote(tok->val, tok->len, &b)) {
        kz_buf_free(&b);
        errorf(t, "%s", syntax_error);
    }
    kz_tmpl_node *node = new_node(t, KZ_TN_STRING, tok->pos);
    set_const_text(node, tok);
    node->u.con.value = arena_keep(t->p->arena, kz_string_n(b.data ? b.data : "", b.len));
    kz_buf_free(&b);
    return node;
}

/* The name of {{template "name"}}, {{block "name"}}, {{define "name"}}. */
static const kz_tmpl_name *template_name(tree_parser *t, const kz_tok *tok, const char *context) {
    if (tok->type != KZ_TOK_STRING && tok->type != KZ_TOK_RAW_STRING) unexpected(t, tok, context);
    if (unquote_is_verbatim(tok->val, tok->len)) return intern(t->p, tok->val + 1, tok->len - 2);
    kz_buf b = KZ_BUF_INIT;
    if (!unquote(tok->val, tok->len, &b)) {
        kz_buf_free(&b);
        errorf(t, "%s", syntax_error);
    }
    const kz_tmpl_name *name = intern(t->p, b.data ? b.data : "", b.len);
    kz_buf_free(&b);
    return name;
}

/* ---- grammar ---- */

static kz_tmpl_node *pipeline(tree_parser *t, const char *context, kz_tok_type end);
static kz_tmpl_node *item_list(tree_parser *t, kz_tmpl_node **end);
static kz_tmpl_node *if_control(tree_parser *t);
static kz_tmpl_node *with_control(tree_parser *t);

static bool has_function(tree_parser *t, const char *name, size_t len) {
    const kz_tmpl_parse_opts *o = t->p->opts;
    return o && o->func_exists && o->func_exists(o->func_ctx, name, len);
}

static kz_tmpl_node *use_var(tree_parser *t, const kz_tok *tok) {
    kz_tmpl_node *v = new_variable(t, tok->pos, tok->val, tok->len);
    if (!var_in_scope(t, v->u.var.names[0])) {
        errorf_quoted(t, "undefined variable ", v->u.var.names[0]->s, v->u.var.names[0]->len, "");
    }
    return v;
}

/* term: a literal, a function name, ., .Field, $x, or ( pipeline ). NULL when
 * the next token starts none of them. */
static kz_tmpl_node *term(tree_parser *t) {
    kz_tok tok = next_non_space(t);
    switch (tok.type) {
    case KZ_TOK_IDENTIFIER: {
        const kz_tmpl_parse_opts *o = t->p->opts;
        if (o && o->func_exists && !has_function(t, tok.val, tok.len)) {
            errorf_quoted(t, "function ", tok.val, tok.len, " not defined");
        }
        kz_tmpl_node *n = new_node(t, KZ_TN_IDENTIFIER, tok.pos);
        n->u.ident.name = intern(t->p, tok.val, tok.len);
        return n;
    }
    case KZ_TOK_DOT: return new_node(t, KZ_TN_DOT, tok.pos);
    case KZ_TOK_NIL: {
        kz_tmpl_node *n = new_node(t, KZ_TN_NIL, tok.pos);
        set_const_text(n, &tok);
        n->u.con.value = kz_null();
        return n;
    }
    case KZ_TOK_VARIABLE: return use_var(t, &tok);
    case KZ_TOK_FIELD: return new_field(t, tok.pos, tok.val, tok.len);
    case KZ_TOK_BOOL: {
        kz_tmpl_node *n = new_node(t, KZ_TN_BOOL, tok.pos);
        set_const_text(n, &tok);
        n->u.con.value = kz_bool(tok_is(&tok, "true"));
        return n;
    }
    case KZ_TOK_CHAR_CONST:
    case KZ_TOK_COMPLEX:
    case KZ_TOK_NUMBER: return new_number(t, &tok);
    case KZ_TOK_LEFT_PAREN: {
        char here;
        uintptr_t at = (uintptr_t)&here, base = t->p->stack_base;
        size_t used = at < base ? base - at : at - base;
        if (t->stack_depth >= MAX_STACK_DEPTH || used > MAX_STACK_BYTES) {
            errorf(t, "max expression depth exceeded");
        }
        t->stack_depth++;
        kz_tmpl_node *pipe = pipeline(t, "parenthesized pipeline", KZ_TOK_RIGHT_PAREN);
        t->stack_depth--;
        return pipe;
    }
    case KZ_TOK_STRING:
    case KZ_TOK_RAW_STRING: return new_string(t, &tok);
    default:
        tok_backup(t);
        return NULL;
    }
}

/* operand: a term followed by .Field accesses. */
static kz_tmpl_node *operand(tree_parser *t) {
    kz_tmpl_node *node = term(t);
    if (!node || tok_peek(t).type != KZ_TOK_FIELD) return node;
    parser *p = t->p;
    uint32_t chain_pos = tok_peek(t).pos;
    size_t mark = scratch_mark(p);
    while (tok_peek(t).type == KZ_TOK_FIELD) {
        kz_tok f = tok_next(t);
        scratch_push(p, (void *)intern(p, f.val + 1, f.len - 1));
    }
    uint32_t nfields;
    const kz_tmpl_name **fields = scratch_take(p, mark, &nfields);
    switch (node->kind) {
    case KZ_TN_FIELD:
    case KZ_TN_VARIABLE: {
        /* .a.b and $x.a.b stay one node, positioned where Go puts the chain */
        const kz_tmpl_name **old = node->kind == KZ_TN_FIELD ? node->u.field.names : node->u.var.names;
        uint32_t nold = node->kind == KZ_TN_FIELD ? node->u.field.n : node->u.var.n;
        const kz_tmpl_name **all = arena_alloc(p->arena, (nold + nfields) * sizeof *all);
        memcpy(all, old, nold * sizeof *all);
        memcpy(all + nold, fields, nfields * sizeof *all);
        node->pos = chain_pos;
        if (node->kind == KZ_TN_FIELD) {
            node->u.field.names = all, node->u.field.n = nold + nfields;
        } else {
            node->u.var.names = all, node->u.var.n = nold + nfields;
        }
        return node;
    }
    case KZ_TN_BOOL:
    case KZ_TN_STRING:
    case KZ_TN_NUMBER:
    case KZ_TN_NIL:
    case KZ_TN_DOT: {
        kz_buf b = KZ_BUF_INIT;
        kz_tmpl_node_string(&b, node);
        kz_buf s = KZ_BUF_INIT;
        quote_into(&s, b.data ? b.data : "", b.len);
        kz_buf_free(&b);
        parser *pp = t->p;
        pp->err = kz_error("template: %s:%u: unexpected . after term %s", pp->file->name, t->token[0].line,
                           kz_buf_cstr(&s));
        kz_buf_free(&s);
        longjmp(pp->fail, 1);
    }
    default: {
        kz_tmpl_node *chain = new_node(t, KZ_TN_CHAIN, chain_pos);
        chain->u.chain.node = node;
        chain->u.chain.fields = fields;
        chain->u.chain.n = nfields;
        return chain;
    }
    }
}

/* command: operands separated by spaces, up to '|', ')' or the right delimiter. */
static kz_tmpl_node *command(tree_parser *t) {
    kz_tmpl_node *cmd = new_node(t, KZ_TN_COMMAND, peek_non_space(t).pos);
    parser *p = t->p;
    size_t mark = scratch_mark(p);
    for (;;) {
        peek_non_space(t);
        kz_tmpl_node *arg = operand(t);
        if (arg) scratch_push(p, arg);
        kz_tok tok = tok_next(t);
        if (tok.type == KZ_TOK_SPACE) continue;
        if (tok.type == KZ_TOK_RIGHT_DELIM || tok.type == KZ_TOK_RIGHT_PAREN) {
            tok_backup(t);
        } else if (tok.type != KZ_TOK_PIPE) {
            unexpected(t, &tok, "operand");
        }
        break;
    }
    cmd->u.cmd.args = scratch_take(p, mark, &cmd->u.cmd.nargs);
    if (cmd->u.cmd.nargs == 0) errorf(t, "empty command");
    return cmd;
}

static bool starts_operand(kz_tok_type type) {
    switch (type) {
    case KZ_TOK_BOOL: case KZ_TOK_CHAR_CONST: case KZ_TOK_COMPLEX: case KZ_TOK_DOT:
    case KZ_TOK_FIELD: case KZ_TOK_IDENTIFIER: case KZ_TOK_NUMBER: case KZ_TOK_NIL:
    case KZ_TOK_RAW_STRING: case KZ_TOK_STRING: case KZ_TOK_VARIABLE: case KZ_TOK_LEFT_PAREN:
        return true;
    default:
        return false;
    }
}

static void check_pipeline(tree_parser *t, const kz_tmpl_node *pipe, const char *context) {
    if (pipe->u.pipe.ncmds == 0) errorf(t, "missing value for %s", context);
    for (uint32_t i = 1; i < pipe->u.pipe.ncmds; i++) {
        switch (pipe->u.pipe.cmds[i]->u.cmd.args[0]->kind) {
        case KZ_TN_BOOL: case KZ_TN_DOT: case KZ_TN_NIL: case KZ_TN_NUMBER: case KZ_TN_STRING:
            errorf(t, "non executable command in pipeline stage %u", i + 1);
        default: break;
        }
    }
}

/* Declarations ($x := / $x = / $i, $v :=) at the start of a pipeline. */
static void declarations(tree_parser *t, kz_tmpl_node *pipe, const char *context) {
    parser *p = t->p;
    size_t mark = scratch_mark(p);
    for (;;) {
        kz_tok v = peek_non_space(t);
        if (v.type != KZ_TOK_VARIABLE) break;
        tok_next(t);
        kz_tok after = tok_peek(t); /* the token right after the variable */
        kz_tok next = peek_non_space(t);
        if (next.type == KZ_TOK_ASSIGN || next.type == KZ_TOK_DECLARE) {
            pipe->u.pipe.is_assign = next.type == KZ_TOK_ASSIGN;
            next_non_space(t);
            const kz_tmpl_name *name = intern(p, v.val, v.len);
            scratch_push(p, (void *)name);
            push_var(t, name);
            break;
        }
        if (next.type == KZ_TOK_CHAR && tok_is(&next, ",")) {
            next_non_space(t);
            const kz_tmpl_name *name = intern(p, v.val, v.len);
            scratch_push(p, (void *)name);
            push_var(t, name);
            if (strcmp(context, "range") == 0 && p->nscratch - mark < 2) {
                kz_tok_type nt = peek_non_space(t).type;
                if (nt == KZ_TOK_VARIABLE || nt == KZ_TOK_RIGHT_DELIM || nt == KZ_TOK_RIGHT_PAREN) continue;
                errorf(t, "range can only initialize variables");
            }
            errorf(t, "too many declarations in %s", context);
        }
        if (after.type == KZ_TOK_SPACE) {
            tok_backup3(t, v, after);
        } else {
            tok_backup2(t, v);
        }
        break;
    }
    pipe->u.pipe.decl = scratch_take(p, mark, &pipe->u.pipe.ndecl);
}

static kz_tmpl_node *pipeline(tree_parser *t, const char *context, kz_tok_type end) {
    kz_tmpl_node *pipe = new_node(t, KZ_TN_PIPE, peek_non_space(t).pos);
    declarations(t, pipe, context);
    parser *p = t->p;
    size_t mark = scratch_mark(p);
    for (;;) {
        kz_tok tok = next_non_space(t);
        if (tok.type == end) {
            pipe->u.pipe.cmds = scratch_take(p, mark, &pipe->u.pipe.ncmds);
            check_pipeline(t, pipe, context);
            return pipe;
        }
        if (!starts_operand(tok.type)) unexpected(t, &tok, context);
        tok_backup(t);
        scratch_push(p, command(t));
    }
}

/* if / range / with: pipeline, list, optional else (or else-if / else-with). */
static kz_tmpl_node *control(tree_parser *t, kz_tmpl_kind kind, const char *context) {
    size_t saved_vars = t->nvars;
    kz_tmpl_node *pipe = pipeline(t, context, KZ_TOK_RIGHT_DELIM);
    kz_tmpl_node *node = new_node(t, kind, pipe->pos);
    node->u.branch.pipe = pipe;
    kz_tmpl_node *next;
    if (kind == KZ_TN_RANGE) t->range_depth++;
    node->u.branch.list = item_list(t, &next);
    if (kind == KZ_TN_RANGE) t->range_depth--;
    if (next->kind == KZ_TN_ELSE_) {
        kz_tok_type chained = tok_peek(t).type;
        if ((kind == KZ_TN_IF && chained == KZ_TOK_IF) || (kind == KZ_TN_WITH && chained == KZ_TOK_WITH)) {
            /* {{else if b}} is {{else}}{{if b}}...{{end}} sharing the one {{end}} */
            tok_next(t);
            kz_tmpl_node *list = new_node(t, KZ_TN_LIST, next->pos);
            kz_tmpl_node **one = arena_alloc(t->p->arena, sizeof *one);
            one[0] = kind == KZ_TN_IF ? if_control(t) : with_control(t);
            list->u.list.nodes = one;
            list->u.list.len = 1;
            node->u.branch.else_list = list;
        } else {
            node->u.branch.else_list = item_list(t, &next);
            if (next->kind != KZ_TN_END_) errorf(t, "expected end; found {{else}}");
        }
    }
    t->nvars = saved_vars;
    return node;
}

static kz_tmpl_node *if_control(tree_parser *t) { return control(t, KZ_TN_IF, "if"); }
static kz_tmpl_node *with_control(tree_parser *t) { return control(t, KZ_TN_WITH, "with"); }

static kz_tmpl_node *loop_control(tree_parser *t, const kz_tok *kw, kz_tmpl_kind kind) {
    const char *what = kind == KZ_TN_BREAK ? "{{break}}" : "{{continue}}";
    kz_tok tok = next_non_space(t);
    if (tok.type != KZ_TOK_RIGHT_DELIM) unexpected(t, &tok, what);
    if (t->range_depth == 0) errorf(t, "%s outside {{range}}", what);
    return new_node(t, kind, kw->pos);
}

static kz_tmpl_node *else_control(tree_parser *t) {
    kz_tok peek = peek_non_space(t);
    if (peek.type == KZ_TOK_IF || peek.type == KZ_TOK_WITH) return new_node(t, KZ_TN_ELSE_, peek.pos);
    kz_tok tok = expect(t, KZ_TOK_RIGHT_DELIM, "else");
    return new_node(t, KZ_TN_ELSE_, tok.pos);
}

static kz_tmpl_node *end_control(tree_parser *t) {
    kz_tok tok = expect(t, KZ_TOK_RIGHT_DELIM, "end");
    return new_node(t, KZ_TN_END_, tok.pos);
}

static kz_tmpl_node *template_control(tree_parser *t) {
    const char *context = "template clause";
    kz_tok tok = next_non_space(t);
    const kz_tmpl_name *name = template_name(t, &tok, context);
    kz_tmpl_node *pipe = NULL;
    if (next_non_space(t).type != KZ_TOK_RIGHT_DELIM) {
        tok_backup(t);
        pipe = pipeline(t, context, KZ_TOK_RIGHT_DELIM);
    }
    kz_tmpl_node *node = new_node(t, KZ_TN_TEMPLATE, tok.pos);
    node->u.tmpl.name = name;
    node->u.tmpl.pipe = pipe;
    return node;
}

static void tree_parser_start(tree_parser *t, parser *p, const kz_tmpl_name *name);
static void add_tree(tree_parser *t);

static kz_tmpl_node *block_control(tree_parser *t) {
    const char *context = "block clause";
    kz_tok tok = next_non_space(t);
    const kz_tmpl_name *name = template_name(t, &tok, context);
    kz_tmpl_node *pipe = pipeline(t, context, KZ_TOK_RIGHT_DELIM);
    tree_parser block;
    tree_parser_start(&block, t->p, name);
    kz_tmpl_node *end;
    block.tree->root = item_list(&block, &end);
    if (end->kind != KZ_TN_END_) errorf(t, "unexpected {{else}} in %s", context);
    add_tree(&block);
    kz_tmpl_node *node = new_node(t, KZ_TN_TEMPLATE, tok.pos);
    node->u.tmpl.name = name;
    node->u.tmpl.pipe = pipe;
    return node;
}

static kz_tmpl_node *action(tree_parser *t) {
    kz_tok tok = next_non_space(t);
    switch (tok.type) {
    case KZ_TOK_BLOCK: return block_control(t);
    case KZ_TOK_BREAK: return loop_control(t, &tok, KZ_TN_BREAK);
    case KZ_TOK_CONTINUE: return loop_control(t, &tok, KZ_TN_CONTINUE);
    case KZ_TOK_ELSE: return else_control(t);
    case KZ_TOK_END: return end_control(t);
    case KZ_TOK_IF: return if_control(t);
    case KZ_TOK_RANGE: return control(t, KZ_TN_RANGE, "range");
    case KZ_TOK_TEMPLATE: return template_control(t);
    case KZ_TOK_WITH: return with_control(t);
    default: break;
    }
    tok_backup(t);
    kz_tmpl_node *node = new_node(t, KZ_TN_ACTION, tok_peek(t).pos);
    node->u.action.pipe = pipeline(t, "command", KZ_TOK_RIGHT_DELIM);
    return node;
}

static kz_tmpl_node *text_or_action(tree_parser *t) {
    kz_tok tok = next_non_space(t);
    switch (tok.type) {
    case KZ_TOK_TEXT: {
        kz_tmpl_node *n = new_node(t, KZ_TN_TEXT, tok.pos);
        n->u.text.s = tok.val;
        n->u.text.len = (uint32_t)tok.len;
        return n;
    }
    case KZ_TOK_LEFT_DELIM: {
        t->action_line = tok.line;
        kz_tmpl_node *n = action(t);
        t->action_line = 0;
        return n;
    }
    default: unexpected(t, &tok, "input");
    }
}

/* Nodes up to {{end}} or {{else}}, which is returned in *end. */
static kz_tmpl_node *item_list(tree_parser *t, kz_tmpl_node **end) {
    kz_tmpl_node *list = new_node(t, KZ_TN_LIST, peek_non_space(t).pos);
    parser *p = t->p;
    size_t mark = scratch_mark(p);
    while (peek_non_space(t).type != KZ_TOK_EOF) {
        kz_tmpl_node *n = text_or_action(t);
        if (n->kind == KZ_TN_END_ || n->kind == KZ_TN_ELSE_) {
            list->u.list.nodes = scratch_take(p, mark, &list->u.list.len);
            *end = n;
            return list;
        }
        scratch_push(p, n);
    }
    errorf(t, "unexpected EOF");
}

/* ---- trees and the file's set ---- */

static void tree_parser_start(tree_parser *t, parser *p, const kz_tmpl_name *name) {
    memset(t, 0, sizeof *t);
    t->p = p;
    t->tree = arena_zalloc(p->arena, sizeof *t->tree);
    t->tree->name = name;
    t->tree->parse_name = p->file->name;
    t->tree->text = p->file->text;
    t->tree->text_len = p->file->text_len;
    push_var(t, intern(p, "$", 1));
}

static kz_tmpl_tree **find_def(parser *p, const kz_tmpl_name *name) {
    for (size_t i = 0; i < p->ndefs; i++) {
        if (p->defs[i]->name == name) return &p->defs[i];
    }
    return NULL;
}

static void remove_def(parser *p, kz_tmpl_tree **def) {
    size_t i = (size_t)(def - p->defs);
    memmove(p->defs + i, p->defs + i + 1, (p->ndefs - i - 1) * sizeof *p->defs);
    p->ndefs--;
}

/* The tree set's rule for a name seen again: an empty tree gives way. The main
 * tree is added last, by the caller. */
static void add_tree(tree_parser *t) {
    parser *p = t->p;
    kz_tmpl_tree **old = find_def(p, t->tree->name);
    if (!old) {
        if (p->ndefs == p->capdefs) {
            p->capdefs = kz_grow_cap(p->capdefs, p->ndefs + 1);
            p->defs = kz_xrealloc(p->defs, p->capdefs * sizeof *p->defs);
        }
        p->defs[p->ndefs++] = t->tree;
        return;
    }
    if (kz_tmpl_tree_is_empty(*old)) {
        *old = t->tree;
        return;
    }
    if (!kz_tmpl_tree_is_empty(t->tree)) {
        errorf_quoted(t, "template: multiple definition of template ", t->tree->name->s, t->tree->name->len,
                      "");
    }
}

static void parse_definition(tree_parser *t) {
    const char *context = "define clause";
    kz_tok tok = next_non_space(t);
    if (tok.type != KZ_TOK_STRING && tok.type != KZ_TOK_RAW_STRING) unexpected(t, &tok, context);
    t->tree->name = template_name(t, &tok, context);
    expect(t, KZ_TOK_RIGHT_DELIM, context);
    kz_tmpl_node *end;
    t->tree->root = item_list(t, &end);
    if (end->kind != KZ_TN_END_) errorf(t, "unexpected {{else}} in %s", context);
    add_tree(t);
}

/* The top level: like item_list, but {{define}} is allowed and EOF ends it. */
static void parse_top(tree_parser *t) {
    parser *p = t->p;
    kz_tmpl_node *root = new_node(t, KZ_TN_LIST, tok_peek(t).pos);
    t->tree->root = root;
    size_t mark = scratch_mark(p);
    while (tok_peek(t).type != KZ_TOK_EOF) {
        if (tok_peek(t).type == KZ_TOK_LEFT_DELIM) {
            kz_tok delim = tok_next(t);
            if (next_non_space(t).type == KZ_TOK_DEFINE) {
                tree_parser def;
                tree_parser_start(&def, p, intern(p, "definition", 10));
                parse_definition(&def);
                continue;
            }
            tok_backup2(t, delim);
        }
        kz_tmpl_node *node = text_or_action(t);
        if (node->kind == KZ_TN_END_ || node->kind == KZ_TN_ELSE_) {
            errorf(t, "unexpected %s", node->kind == KZ_TN_END_ ? "{{end}}" : "{{else}}");
        }
        scratch_push(p, node);
    }
    root->u.list.nodes = scratch_take(p, mark, &root->u.list.len);
}

/* setjmp's caller may not keep modified locals in registers: the state lives
 * in the parser struct, and this function only reads it after the jump. */
static bool run_parse(parser *p, tree_parser *main_tree) {
    if (setjmp(p->fail)) return false;
    parse_top(main_tree);
    /* Go adds the main tree last, under the file's name. */
    kz_tmpl_file *f = p->file;
    kz_tmpl_tree **same = find_def(p, main_tree->tree->name);
    f->defines_own_name_ = same != NULL;
    if (!same) {
        f->main = main_tree->tree;
    } else if (kz_tmpl_tree_is_empty(*same)) {
        f->main = main_tree->tree; /* the main tree takes the name over */
        remove_def(p, same);
    } else if (kz_tmpl_tree_is_empty(main_tree->tree)) {
        f->main = *same; /* Go keeps the definition under the file's name */
        remove_def(p, same);
    } else {
        errorf_quoted(main_tree, "template: multiple definition of template ", f->name, strlen(f->name), "");
    }
    return true;
}

kz_value kz_tmpl_parse(const char *name, const char *text, size_t len, const kz_tmpl_parse_opts *opts,
                       kz_tmpl_file **out) {
    *out = NULL;
    kz_tmpl_arena *arena = kz_xcalloc(1, sizeof *arena);
    kz_tmpl_file *f = arena_zalloc(arena, sizeof *f);
    f->arena_ = arena;
    f->name = arena_strndup(arena, name ? name : "", name ? strlen(name) : 0);
    bool borrow = opts && opts->borrow_text && text;
    f->text = borrow ? text : arena_strndup(arena, text ? text : "", text ? len : 0);
    f->text_len = text ? len : 0;

    parser *p = kz_xcalloc(1, sizeof *p);
    char stack_mark;
    p->stack_base = (uintptr_t)&stack_mark;
    p->file = f;
    p->arena = arena;
    p->opts = opts;
    kz_tmpl_lex_init(&p->lex, f->text, f->text_len, opts ? opts->left_delim : NULL,
                     opts ? opts->right_delim : NULL);
    if (opts && opts->func_exists) {
        p->lex.break_ok = !opts->func_exists(opts->func_ctx, "break", 5);
        p->lex.continue_ok = !opts->func_exists(opts->func_ctx, "continue", 8);
    }
    tree_parser main_tree;
    tree_parser_start(&main_tree, p, intern(p, f->name, strlen(f->name)));

    bool ok = run_parse(p, &main_tree);
    kz_value result = kz_null();
    if (ok) {
        f->ndefs = p->ndefs;
        f->defs = p->ndefs ? arena_alloc(arena, p->ndefs * sizeof *f->defs) : NULL;
        if (p->ndefs) memcpy(f->defs, p->defs, p->ndefs * sizeof *f->defs);
        *out = f;
    } else {
        result = p->err;
        arena_free(arena);
    }
    free(p->names);
    free(p->scratch);
    free(p->defs);
    free(p);
    return result;
}

const kz_tmpl_tree *kz_tmpl_file_lookup(const kz_tmpl_file *f, const char *name, size_t len) {
    if (!f) return NULL;
    if (f->main && f->main->name->len == len && memcmp(f->main->name->s, name, len) == 0) return f->main;
    for (size_t i = 0; i < f->ndefs; i++) {
        const kz_tmpl_name *n = f->defs[i]->name;
        if (n->len == len && memcmp(n->s, name, len) == 0) return f->defs[i];
    }
    return NULL;
}

static bool defines(const kz_tmpl_file *f, const char *name, size_t len) {
    for (size_t i = 0; i < f->ndefs; i++) {
        const kz_tmpl_name *n = f->defs[i]->name;
        if (n->len == len && memcmp(n->s, name, len) == 0) return true;
    }
    return false;
}

bool kz_tmpl_file_rename(kz_tmpl_file *f, const char *name) {
    size_t len = strlen(name);
    if (!f->main || f->defines_own_name_ || len > UINT32_MAX) return false;
    if (defines(f, f->name, strlen(f->name)) || defines(f, name, len)) return false;
    const char *old = f->name;
    kz_tmpl_name *renamed = arena_alloc(f->arena_, sizeof *renamed);
    renamed->s = arena_strndup(f->arena_, name, len);
    renamed->len = (uint32_t)len;
    f->name = renamed->s;
    f->main->name = renamed; /* a new name: nodes naming the old one keep it */
    if (f->main->parse_name == old) f->main->parse_name = f->name;
    for (size_t i = 0; i < f->ndefs; i++)
        if (f->defs[i]->parse_name == old) f->defs[i]->parse_name = f->name;
    return true;
}

void kz_tmpl_file_free(kz_tmpl_file *f) {
    if (f) arena_free(f->arena_);
}
