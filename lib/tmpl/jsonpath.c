/*
 * Kubernetes JSONPath (see jsonpath.h). The parser and the evaluator follow
 * client-go's structure closely, quirks included (how {range} finds its
 * {end}, what a failed step hands back to a filter), because Helm's output
 * depends on them.
 */
#include "tmpl/jsonpath.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/unicode.h"
#include "core/utf8.h"
#include "json/json.h"
#include "tmpl/fmt.h"
#include "tmpl/fmt_internal.h"
#include "tmpl/lex.h"

/* ---- nodes ---- */

typedef enum jp_kind {
    JP_LIST,
    JP_TEXT,
    JP_FIELD,
    JP_IDENT,
    JP_ARRAY,
    JP_FILTER,
    JP_INT,
    JP_FLOAT,
    JP_BOOL,
    JP_WILDCARD,
    JP_RECURSIVE,
    JP_UNION,
} jp_kind;

typedef struct jp_param {
    long long value;
    bool known, derived;
} jp_param;

typedef struct jp_node jp_node;
struct jp_node {
    jp_kind kind;
    char *text; /* TEXT, FIELD, IDENT; FILTER: the operator ("exists" for none) */
    size_t len;
    long long ival;
    double fval;
    bool bval;
    jp_param params[3]; /* ARRAY */
    /* LIST: its nodes; UNION: one LIST per member; FILTER: left, right LIST */
    jp_node **kids;
    size_t n, cap;
};

struct kz_jsonpath {
    jp_node *root;
};

static jp_node *node_new(jp_kind kind) {
    jp_node *n = kz_xcalloc(1, sizeof *n);
    n->kind = kind;
    return n;
}

static jp_node *node_text(jp_kind kind, const char *s, size_t len) {
    jp_node *n = node_new(kind);
    n->text = kz_xstrndup(s, len);
    n->len = len;
    return n;
}

static void node_append(jp_node *list, jp_node *kid) {
    if (list->n == list->cap) {
        list->cap = kz_grow_cap(list->cap, list->n + 1);
        list->kids = kz_xrealloc(list->kids, list->cap * sizeof *list->kids);
    }
    list->kids[list->n++] = kid;
}

static void node_free(jp_node *n) {
    if (!n) return;
    for (size_t i = 0; i < n->n; i++) node_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n);
}

/* ---- parser (client-go's jsonpath/parser.go) ---- */

#define JP_EOF (-1)

typedef struct jp_parser {
    const char *in;
    size_t len, pos, start;
    size_t width; /* of the last rune next() read, for backup() */
    jp_node *root;
} jp_parser;

static int32_t p_next(jp_parser *p) {
    if (p->pos >= p->len) {
        p->width = 0;
        return JP_EOF;
    }
    int32_t r;
    p->width = kz_tmpl_decode_rune(p->in + p->pos, p->len - p->pos, &r);
    p->pos += p->width;
    return r;
}

static void p_backup(jp_parser *p) { p->pos -= p->width; }

static int32_t p_peek(jp_parser *p) {
    int32_t r = p_next(p);
    p_backup(p);
    return r;
}

static bool p_has_prefix(const jp_parser *p, const char *s) {
    size_t n = strlen(s);
    return p->len - p->pos >= n && memcmp(p->in + p->pos, s, n) == 0;
}

static void p_consume(jp_parser *p) { p->start = p->pos; }

static bool is_terminator(int32_t r) {
    return r == JP_EOF || r == ' ' || r == '.' || r == ',' || r == '[' || r == ']' || r == '$' ||
           r == '@' || r == '{' || r == '}';
}

static bool is_alnum(int32_t r) {
    return r == '_' || (r >= 0 && (kz_go_is_letter((uint32_t)r) || kz_go_is_digit((uint32_t)r)));
}

static kz_value parse_inside(jp_parser *p, jp_node *cur);
static kz_value parse_string(const char *s, size_t len, jp_node **root);

/* parseAction: text parsed as the inside of one action, its LIST returned. */
static kz_value parse_action(const char *s, size_t len, jp_node **list) {
    kz_buf b;
    kz_buf_init(&b);
    kz_buf_putc(&b, '{');
    kz_buf_append(&b, s, len);
    kz_buf_putc(&b, '}');
    jp_node *root = NULL;
    kz_value err = parse_string(b.data, b.len, &root);
    kz_buf_free(&b);
    if (kz_error_message(&err)) return err;
    /* the first node is the action's list; anything after it is dropped */
    *list = root->kids[0];
    root->kids[0] = NULL;
    node_free(root);
    return kz_null();
}

static kz_value parse_field(jp_parser *p, jp_node *cur) {
    p_consume(p); /* the '.' */
    for (;;) {
        int32_t r = p_next(p);
        if (r == '\\') {
            p_next(p);
        } else if (is_terminator(r)) {
            p_backup(p);
            break;
        }
    }
    const char *s = p->in + p->start;
    size_t n = p->pos - p->start;
    p_consume(p);
    if (n == 1 && s[0] == '*') {
        node_append(cur, node_new(JP_WILDCARD));
    } else {
        jp_node *f = node_text(JP_FIELD, "", 0);
        size_t k = 0;
        free(f->text);
        f->text = kz_xmalloc(n + 1);
        for (size_t i = 0; i < n; i++)
            if (s[i] != '\\') f->text[k++] = s[i];
        f->text[k] = '\0';
        f->len = k;
        node_append(cur, f);
    }
    return parse_inside(p, cur);
}

static kz_value parse_identifier(jp_parser *p, jp_node *cur) {
    while (!is_terminator(p_next(p))) {
    }
    p_backup(p);
    const char *s = p->in + p->start;
    size_t n = p->pos - p->start;
    p_consume(p);
    if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5))) {
        jp_node *b = node_new(JP_BOOL);
        b->bval = n == 4;
        node_append(cur, b);
    } else {
        node_append(cur, node_text(JP_IDENT, s, n));
    }
    return parse_inside(p, cur);
}

/* strconv.Atoi: optional sign, decimal digits, fits in int64. */
static bool go_atoi(const char *s, size_t n, long long *out) {
    size_t i = (n > 0 && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    if (i == n) return false;
    for (size_t j = i; j < n; j++)
        if (s[j] < '0' || s[j] > '9') return false;
    char tmp[32];
    if (n >= sizeof tmp) return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    errno = 0;
    *out = strtoll(tmp, NULL, 10);
    return errno == 0;
}

static kz_value parse_number(jp_parser *p, jp_node *cur) {
    int32_t r = p_peek(p);
    if (r == '+' || r == '-') p_next(p);
    for (;;) {
        r = p_next(p);
        if (r != '.' && !(r >= '0' && r <= '9')) {
            p_backup(p);
            break;
        }
    }
    const char *s = p->in + p->start;
    size_t n = p->pos - p->start;
    p_consume(p);
    long long i;
    if (go_atoi(s, n, &i)) {
        jp_node *in = node_new(JP_INT);
        in->ival = i;
        node_append(cur, in);
        return parse_inside(p, cur);
    }
    /* strconv.ParseFloat over signs, digits and dots: strtod agrees when it
     * takes the whole text */
    char *tmp = kz_xstrndup(s, n), *end;
    double d = strtod(tmp, &end);
    bool ok = n > 0 && *end == '\0' && end != tmp;
    free(tmp);
    if (!ok) return kz_error("cannot parse number %.*s", (int)n, s);
    jp_node *f = node_new(JP_FLOAT);
    f->fval = d;
    node_append(cur, f);
    return parse_inside(p, cur);
}

/* UnquoteExtend: a "..." or '...' literal with Go's escapes. */
static bool unquote_extend(const char *s, size_t n, kz_buf *out) {
    if (n < 2 || s[0] != s[n - 1] || (s[0] != '"' && s[0] != '\'')) return false;
    return kz_tmpl_unquote_body(s + 1, n - 2, s[0], out);
}

static kz_value parse_quote(jp_parser *p, jp_node *cur, int32_t end) {
    for (;;) {
        int32_t r = p_next(p);
        if (r == JP_EOF || r == '\n') return kz_error("unterminated quoted string");
        if (r == '\\') {
            r = p_next(p);
            if (r != JP_EOF && r != '\n') continue;
            break;
        }
        if (r == end) break;
    }
    const char *s = p->in + p->start;
    size_t n = p->pos - p->start;
    p_consume(p);
    kz_buf b;
    kz_buf_init(&b);
    if (!unquote_extend(s, n, &b)) {
        kz_buf_free(&b);
        return kz_error("unquote string %.*s error invalid syntax", (int)n, s);
    }
    node_append(cur, node_text(JP_TEXT, b.data ? b.data : "", b.len));
    kz_buf_free(&b);
    return parse_inside(p, cur);
}

/* One part of `^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$` starting at s[*i]: the
 * span matched (colon included for parts 2 and 3). */
static bool slice_part(const char *s, size_t n, size_t *i, bool colon, size_t *from, size_t *to) {
    *from = *i;
    if (colon) {
        if (*i >= n || s[*i] != ':') {
            *to = *i;
            return false;
        }
        (*i)++;
    }
    if (*i < n && s[*i] == '-') (*i)++;
    while (*i < n && s[*i] >= '0' && s[*i] <= '9') (*i)++;
    *to = *i;
    return true;
}

static kz_value parse_slice(const char *s, size_t n, jp_node *cur) {
    size_t i = 0, from[3], to[3];
    bool present[3];
    present[0] = slice_part(s, n, &i, false, &from[0], &to[0]);
    present[1] = slice_part(s, n, &i, true, &from[1], &to[1]);
    present[2] = present[1] && slice_part(s, n, &i, true, &from[2], &to[2]);
    if (!present[2]) from[2] = to[2] = i;
    if (i != n) return kz_error("invalid array index %.*s", (int)n, s);
    jp_node *a = node_new(JP_ARRAY);
    for (int k = 0; k < 3; k++) {
        const char *v = s + from[k];
        size_t vn = to[k] - from[k];
        jp_param *pm = &a->params[k];
        if (vn == 0) {
            if (k == 1) *pm = (jp_param){.value = a->params[0].value + 1, .known = true, .derived = true};
            continue;
        }
        if (k > 0) v++, vn--;
        if (k > 0 && vn == 0) continue; /* a bare ':' */
        if (!go_atoi(v, vn, &pm->value)) {
            node_free(a);
            return kz_error("array index %.*s is not a number", (int)vn, v);
        }
        pm->known = true;
    }
    node_append(cur, a);
    return kz_null();
}

static kz_value parse_union(const char *s, size_t n, jp_node *cur) {
    jp_node *u = node_new(JP_UNION);
    size_t b = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != ',') continue;
        size_t lo = b, hi = i;
        while (lo < hi && s[lo] == ' ') lo++;
        while (hi > lo && s[hi - 1] == ' ') hi--;
        kz_buf m;
        kz_buf_init(&m);
        kz_buf_putc(&m, '[');
        kz_buf_append(&m, s + lo, hi - lo);
        kz_buf_putc(&m, ']');
        jp_node *list = NULL;
        kz_value err = parse_action(m.data, m.len, &list);
        kz_buf_free(&m);
        if (kz_error_message(&err)) {
            node_free(u);
            return err;
        }
        node_append(u, list);
        b = i + 1;
    }
    node_append(cur, u);
    return kz_null();
}

static kz_value parse_array(jp_parser *p, jp_node *cur) {
    for (;;) {
        int32_t r = p_next(p);
        if (r == JP_EOF || r == '\n') return kz_error("unterminated array");
        if (r == ']') break;
    }
    const char *s = p->in + p->start + 1;
    size_t n = p->pos - p->start - 2;
    p_consume(p);
    if (n == 1 && s[0] == '*') s = ":";
    kz_value err;
    if (memchr(s, ',', n)) {
        err = parse_union(s, n, cur);
    } else if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'' && !memchr(s + 1, '\'', n - 2)) {
        /* ['key']: parsed as .key */
        kz_buf m;
        kz_buf_init(&m);
        kz_buf_putc(&m, '.');
        kz_buf_append(&m, s + 1, n - 2);
        jp_node *list = NULL;
        err = parse_action(m.data, m.len, &list);
        kz_buf_free(&m);
        if (!kz_error_message(&err)) node_append(cur, list);
    } else {
        err = parse_slice(s, n, cur);
    }
    if (kz_error_message(&err)) return err;
    return parse_inside(p, cur);
}

static bool is_op(char c) { return c == '!' || c == '<' || c == '>' || c == '='; }

/* `^([^!<>=]+)([!<>=]+)(.+?)$` over s[0..n): the operator's span. */
static bool split_filter(const char *s, size_t n, size_t *op, size_t *op_end) {
    size_t i = 0;
    while (i < n && !is_op(s[i])) i++;
    if (i == 0 || i == n) return false;
    size_t j = i;
    while (j < n && is_op(s[j])) j++;
    if (j == n) j--; /* the last operator character becomes the right side */
    if (j == i) return false;
    *op = i;
    *op_end = j;
    return true;
}

static kz_value parse_filter(jp_parser *p, jp_node *cur) {
    p->pos += 3;
    p_consume(p);
    bool begin = false, end = false;
    int32_t pair = 0;
    for (;;) {
        int32_t r = p_next(p);
        if (r == JP_EOF || r == '\n') return kz_error("unterminated filter");
        if (r == '"' || r == '\'') {
            if (!begin) {
                begin = true;
                pair = r;
                continue;
            }
            if (p->in[p->pos - 2] != '\\' && r == pair) end = true;
        } else if (r == ')' && begin == end) {
            break;
        }
    }
    if (p_next(p) != ']') return kz_error("unclosed array expect ]");
    const char *s = p->in + p->start;
    size_t n = p->pos - p->start - 2;
    p_consume(p);
    jp_node *f = node_new(JP_FILTER);
    jp_node *left = NULL, *right = NULL;
    size_t op, op_end;
    kz_value err;
    if (!split_filter(s, n, &op, &op_end)) {
        err = parse_action(s, n, &left);
        right = node_new(JP_LIST);
        f->text = kz_xstrdup("exists");
    } else {
        err = parse_action(s, op, &left);
        if (!kz_error_message(&err)) err = parse_action(s + op_end, n - op_end, &right);
        f->text = kz_xstrndup(s + op, op_end - op);
    }
    if (left) node_append(f, left);
    if (right) node_append(f, right);
    if (kz_error_message(&err)) {
        node_free(f);
        return err;
    }
    node_append(cur, f);
    return parse_inside(p, cur);
}

static kz_value parse_recursive(jp_parser *p, jp_node *cur) {
    if (cur->n > 0 && cur->kids[cur->n - 1]->kind == JP_RECURSIVE)
        return kz_error("invalid multiple recursive descent");
    p->pos += 2;
    p_consume(p);
    node_append(cur, node_new(JP_RECURSIVE));
    if (is_alnum(p_peek(p))) return parse_field(p, cur);
    return parse_inside(p, cur);
}

static kz_value parse_text(jp_parser *p);

/* %#U of a rune: U+0041 'A' (without the quoted form when not printable). */
static kz_value unrecognized(int32_t r) {
    kz_buf b;
    kz_buf_init(&b);
    kz_buf_printf(&b, "U+%04X", (unsigned)r);
    if (kz_fmt_isprint((uint32_t)r)) {
        kz_buf_puts(&b, " '");
        kz_utf8_append(&b, (uint32_t)r);
        kz_buf_putc(&b, '\'');
    }
    kz_value e = kz_error("unrecognized character in action: %s", b.data);
    kz_buf_free(&b);
    return e;
}

/* parseInsideAction: client-go recurses once per token; this loops over the
 * tokens that just move on. */
static kz_value parse_inside(jp_parser *p, jp_node *cur) {
    for (;;) {
        if (p_has_prefix(p, "}")) {
            p->pos++;
            p_consume(p);
            return parse_text(p);
        }
        if (p_has_prefix(p, "[?(")) return parse_filter(p, cur);
        if (p_has_prefix(p, "..")) return parse_recursive(p, cur);
        int32_t r = p_next(p);
        if (r == JP_EOF || r == '\r' || r == '\n') return kz_error("unclosed action");
        if (r == ' ' || r == '@' || r == '$') {
            p_consume(p);
            continue;
        }
        if (r == '[') return parse_array(p, cur);
        if (r == '"' || r == '\'') return parse_quote(p, cur, r);
        if (r == '.') return parse_field(p, cur);
        if (r == '+' || r == '-' || (r >= 0 && kz_go_is_digit((uint32_t)r))) {
            p_backup(p);
            return parse_number(p, cur);
        }
        if (is_alnum(r)) {
            p_backup(p);
            return parse_identifier(p, cur);
        }
        return unrecognized(r);
    }
}

static kz_value parse_text(jp_parser *p) {
    for (;;) {
        if (p_has_prefix(p, "{")) {
            if (p->pos > p->start) node_append(p->root, node_text(JP_TEXT, p->in + p->start, p->pos - p->start));
            p->pos++;
            p_consume(p);
            jp_node *list = node_new(JP_LIST);
            node_append(p->root, list);
            return parse_inside(p, list);
        }
        if (p_next(p) == JP_EOF) break;
    }
    if (p->pos > p->start) node_append(p->root, node_text(JP_TEXT, p->in + p->start, p->pos - p->start));
    return kz_null();
}

static kz_value parse_string(const char *s, size_t len, jp_node **root) {
    jp_parser p = {.in = s, .len = len, .root = node_new(JP_LIST)};
    kz_value err = parse_text(&p);
    if (kz_error_message(&err)) {
        node_free(p.root);
        return err;
    }
    *root = p.root;
    return kz_null();
}

kz_value kz_jsonpath_parse(const char *tmpl, size_t len, kz_jsonpath **out) {
    jp_node *root = NULL;
    kz_value err = parse_string(tmpl, len, &root);
    if (kz_error_message(&err)) return err;
    *out = kz_xcalloc(1, sizeof **out);
    (*out)->root = root;
    return kz_null();
}

void kz_jsonpath_free(kz_jsonpath *jp) {
    if (!jp) return;
    node_free(jp->root);
    free(jp);
}

/* ---- evaluation (client-go's jsonpath/jsonpath.go) ---- */

/* A list of reflect.Values: KZ_INVALID stands for reflect.ValueOf(nil),
 * KZ_NULL for a nil interface in the data, KZ_INT for literals and bytes. */
typedef struct jp_vals {
    kz_value *v;
    size_t n, cap;
} jp_vals;

static void vals_push(jp_vals *a, kz_value v) {
    if (a->n == a->cap) {
        a->cap = kz_grow_cap(a->cap, a->n + 1);
        a->v = kz_xrealloc(a->v, a->cap * sizeof *a->v);
    }
    a->v[a->n++] = v;
}

static void vals_clear(jp_vals *a) {
    for (size_t i = 0; i < a->n; i++) kz_free(a->v[i]);
    a->n = 0;
}

static void vals_free(jp_vals *a) {
    vals_clear(a);
    free(a->v);
    *a = (jp_vals){0};
}

static void vals_add_all(jp_vals *dst, const jp_vals *src) {
    for (size_t i = 0; i < src->n; i++) vals_push(dst, kz_copy(&src->v[i]));
}

typedef struct jp_eval {
    int begin_range, in_range, end_range;
    const jp_node *last_end;
} jp_eval;

static bool walk(jp_eval *ev, const jp_vals *in, const jp_node *node, jp_vals *out);

/* A map's entry indexes in key order (Go visits them at random). */
static size_t *sorted_keys(const kz_value *m) {
    size_t n = kz_len(m);
    size_t *idx = kz_xmalloc((n ? n : 1) * sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = i;
    for (size_t i = 1; i < n; i++) {
        size_t t = idx[i], j = i;
        const kz_value *kt = kz_map_key_at(m, t);
        while (j > 0) {
            const kz_value *kj = kz_map_key_at(m, idx[j - 1]);
            if (kz_key_cmp_bytes(kz_str(kj), kz_str_len(kj), kz_str(kt), kz_str_len(kt)) <= 0) break;
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = t;
    }
    return idx;
}

/* The children .* and .. visit: a map's values, a list's items, a string's
 * bytes. */
static void children(const kz_value *v, jp_vals *out) {
    if (kz_is_map(v)) {
        size_t *idx = sorted_keys(v);
        for (size_t i = 0; i < kz_len(v); i++) vals_push(out, kz_copy(kz_map_value_at(v, idx[i])));
        free(idx);
    } else if (kz_is_seq(v)) {
        for (size_t i = 0; i < kz_len(v); i++) vals_push(out, kz_copy(kz_seq_at(v, i)));
    } else if (kz_is_string(v)) {
        const unsigned char *s = (const unsigned char *)kz_str(v);
        for (size_t i = 0; i < kz_str_len(v); i++) vals_push(out, kz_int(s[i]));
    }
}

static bool eval_list(jp_eval *ev, const jp_vals *in, const jp_node *list, jp_vals *out) {
    jp_vals cur = {0};
    vals_add_all(&cur, in);
    for (size_t i = 0; i < list->n; i++) {
        jp_vals next = {0};
        bool ok = walk(ev, &cur, list->kids[i], &next);
        vals_free(&cur);
        cur = next;
        if (!ok) {
            *out = cur;
            return false;
        }
    }
    *out = cur;
    return true;
}

static bool eval_field(const jp_vals *in, const jp_node *node, jp_vals *out) {
    if (in->n == 0) return true;
    for (size_t i = 0; i < in->n; i++) {
        const kz_value *v = &in->v[i];
        if (!kz_is_map(v)) continue;
        const kz_value *hit = kz_map_get(v, node->text, node->len);
        if (hit) vals_push(out, kz_copy(hit));
    }
    return out->n > 0; /* "NAME is not found" */
}

/* One list sliced by [start:end:step] as client-go bounds it; false (with
 * *stop unset) on an error, *stop when the request is for no elements,
 * which ends the whole step. */
static bool slice_one(const jp_node *node, const kz_value *seq, jp_vals *out, bool *stop) {
    jp_param pm[3];
    memcpy(pm, node->params, sizeof pm);
    long long len = (long long)kz_len(seq);
    if (!pm[0].known) pm[0].value = 0;
    if (pm[0].value < 0) pm[0].value += len;
    if (!pm[1].known) pm[1].value = len;
    if (pm[1].value < 0 || (pm[1].value == 0 && pm[1].derived)) pm[1].value += len;
    if (pm[1].value == pm[0].value) {
        *stop = true;
        return true;
    }
    if (pm[0].value >= len || pm[0].value < 0) return false;
    if (pm[1].value > len || pm[1].value < 0) return false;
    if (pm[0].value > pm[1].value) return false;
    long long step = 1;
    if (pm[2].known) {
        if (pm[2].value <= 0) return false;
        step = pm[2].value;
    }
    for (long long i = pm[0].value; i < pm[1].value; i += step)
        vals_push(out, kz_copy(kz_seq_at(seq, (size_t)i)));
    return true;
}

static bool eval_array(const jp_vals *in, const jp_node *node, jp_vals *out) {
    for (size_t i = 0; i < in->n; i++) {
        const kz_value *v = &in->v[i];
        if (kz_is_null(v)) continue;
        bool stop = false;
        if (!kz_is_seq(v) || !slice_one(node, v, out, &stop)) {
            vals_clear(out);
            vals_add_all(out, in);
            return false;
        }
        if (stop) return true;
    }
    return true;
}

/* text/template's basicKind, for comparisons: 'b'ool, 'i'nt, 'f'loat,
 * 's'tring, or 0 (not comparable). */
static char basic_kind(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: return 'b';
    case KZ_INT: return 'i';
    case KZ_FLOAT: return 'f';
    case KZ_STRING: return 's';
    default: return 0;
    }
}

/* -1, 0, 1 for a < b, a == b, a > b; false when Go's template.Less or
 * Equal would fail (kinds differ, or bools ordered). */
static bool compare(const kz_value *a, const kz_value *b, bool ordered, int *cmp) {
    char ka = basic_kind(a), kb = basic_kind(b);
    if (!ka || !kb || ka != kb) return false;
    if (ka == 'b') {
        if (ordered) return false;
        *cmp = kz_bool_get(a) == kz_bool_get(b) ? 0 : 1;
    } else if (ka == 'i') {
        int64_t x = kz_int_get(a), y = kz_int_get(b);
        *cmp = x < y ? -1 : x > y;
    } else if (ka == 'f') {
        double x = kz_float_get(a), y = kz_float_get(b);
        *cmp = x < y ? -1 : x > y ? 1 : x == y ? 0 : 2; /* NaN: unequal, unordered */
    } else {
        *cmp = kz_key_cmp_bytes(kz_str(a), kz_str_len(a), kz_str(b), kz_str_len(b));
        *cmp = *cmp < 0 ? -1 : *cmp > 0;
    }
    return true;
}

static bool filter_pass(const char *op, const kz_value *l, const kz_value *r, bool *pass) {
    bool ordered = strcmp(op, "==") && strcmp(op, "!=");
    int c;
    if (!compare(l, r, ordered, &c)) return false;
    if (!strcmp(op, "==")) *pass = c == 0;
    else if (!strcmp(op, "!=")) *pass = c != 0;
    else if (!strcmp(op, "<")) *pass = c == -1;
    else if (!strcmp(op, "<=")) *pass = c == -1 || c == 0;
    else if (!strcmp(op, ">")) *pass = c == 1;
    else if (!strcmp(op, ">=")) *pass = c == 1 || c == 0;
    else return false; /* "unrecognized filter operator" */
    return true;
}

/* One side of a comparison for item: its single value (NULL when it has
 * none: the item is skipped), or false on an error. */
static bool filter_side(jp_eval *ev, const kz_value *item, const jp_node *list, kz_value *side,
                        bool *none) {
    jp_vals one = {0}, res = {0};
    vals_push(&one, kz_copy(item));
    bool ok = eval_list(ev, &one, list, &res);
    vals_free(&one);
    *none = ok && res.n == 0;
    if (ok && res.n == 1) *side = kz_copy(&res.v[0]);
    ok = ok && res.n <= 1;
    vals_free(&res);
    return ok;
}

static bool filter_item(jp_eval *ev, const kz_value *item, const jp_node *node, bool *pass) {
    const char *op = node->text;
    *pass = false;
    if (!strcmp(op, "exists")) {
        jp_vals one = {0}, res = {0};
        vals_push(&one, kz_copy(item));
        eval_list(ev, &one, node->kids[0], &res); /* an error still counts what it returned */
        *pass = res.n > 0;
        vals_free(&one);
        vals_free(&res);
        return true;
    }
    kz_value l = kz_invalid(), r = kz_invalid();
    bool none = false, ok = filter_side(ev, item, node->kids[0], &l, &none);
    if (ok && !none) ok = filter_side(ev, item, node->kids[1], &r, &none);
    if (ok && !none) ok = filter_pass(op, &l, &r, pass);
    kz_free(l);
    kz_free(r);
    return ok;
}

static bool eval_filter(jp_eval *ev, const jp_vals *in, const jp_node *node, jp_vals *out) {
    for (size_t i = 0; i < in->n; i++) {
        const kz_value *v = &in->v[i];
        if (!kz_is_seq(v)) {
            vals_clear(out);
            vals_add_all(out, in);
            return false;
        }
        for (size_t k = 0; k < kz_len(v); k++) {
            bool pass;
            if (!filter_item(ev, kz_seq_at(v, k), node, &pass)) return false;
            if (pass) vals_push(out, kz_copy(kz_seq_at(v, k)));
        }
    }
    return true;
}

static void eval_recursive(const jp_vals *in, jp_vals *out) {
    for (size_t i = 0; i < in->n; i++) {
        jp_vals kids = {0};
        children(&in->v[i], &kids);
        if (kids.n) {
            vals_push(out, kz_copy(&in->v[i]));
            eval_recursive(&kids, out);
        }
        vals_free(&kids);
    }
}

static bool eval_union(jp_eval *ev, const jp_vals *in, const jp_node *node, jp_vals *out) {
    for (size_t i = 0; i < node->n; i++) {
        jp_vals res = {0};
        bool ok = eval_list(ev, in, node->kids[i], &res);
        if (ok) vals_add_all(out, &res);
        vals_free(&res);
        if (!ok) {
            vals_clear(out);
            vals_add_all(out, in);
            return false;
        }
    }
    return true;
}

static bool eval_identifier(jp_eval *ev, const jp_vals *in, const jp_node *node, jp_vals *out) {
    if (!strcmp(node->text, "range")) {
        ev->begin_range++;
        vals_add_all(out, in);
        return true;
    }
    if (!strcmp(node->text, "end")) {
        if (ev->in_range == 0) return false; /* "not in range, nothing to end" */
        ev->end_range++;
        return true;
    }
    vals_add_all(out, in); /* "unrecognized identifier" */
    return false;
}

/* One literal per input value, as client-go's evalInt/evalFloat/evalBool. */
static void eval_literal(const jp_vals *in, const jp_node *node, jp_vals *out) {
    for (size_t i = 0; i < in->n; i++) {
        if (node->kind == JP_INT) vals_push(out, kz_int(node->ival));
        else if (node->kind == JP_FLOAT) vals_push(out, kz_float(node->fval));
        else vals_push(out, kz_bool(node->bval));
    }
}

static bool walk(jp_eval *ev, const jp_vals *in, const jp_node *node, jp_vals *out) {
    switch (node->kind) {
    case JP_LIST: return eval_list(ev, in, node, out);
    case JP_TEXT: vals_push(out, kz_string_n(node->text, node->len)); return true;
    case JP_FIELD: return eval_field(in, node, out);
    case JP_ARRAY: return eval_array(in, node, out);
    case JP_FILTER: return eval_filter(ev, in, node, out);
    case JP_INT:
    case JP_FLOAT:
    case JP_BOOL: eval_literal(in, node, out); return true;
    case JP_WILDCARD:
        for (size_t i = 0; i < in->n; i++) children(&in->v[i], out);
        return true;
    case JP_RECURSIVE: eval_recursive(in, out); return true;
    case JP_UNION: return eval_union(ev, in, node, out);
    case JP_IDENT: return eval_identifier(ev, in, node, out);
    }
    return false;
}

typedef struct jp_full {
    jp_vals *lists;
    size_t n, cap;
} jp_full;

static void full_push(jp_full *f, jp_vals v) {
    if (f->n == f->cap) {
        f->cap = kz_grow_cap(f->cap, f->n + 1);
        f->lists = kz_xrealloc(f->lists, f->cap * sizeof *f->lists);
    }
    f->lists[f->n++] = v;
}

static void full_free(jp_full *f) {
    for (size_t i = 0; i < f->n; i++) vals_free(&f->lists[i]);
    free(f->lists);
}

static bool find_results(jp_eval *ev, jp_node *const *nodes, size_t count, const kz_value *data,
                         jp_full *full);

/* The body of a {range}: run once per result, or once over nothing so that
 * the nested {end} is seen. */
static bool run_range(jp_eval *ev, jp_node *const *nodes, size_t count, const jp_vals *results,
                      jp_full *full) {
    if (results->n == 0) {
        jp_full skipped = {0};
        kz_value none = kz_invalid();
        bool ok = find_results(ev, nodes, count, &none, &skipped);
        full_free(&skipped);
        return ok;
    }
    for (size_t k = 0; k < results->n; k++) {
        /* value.Interface() of a nil interface is reflect.ValueOf(nil) */
        kz_value item = kz_is_null(&results->v[k]) ? kz_invalid() : kz_copy(&results->v[k]);
        bool ok = find_results(ev, nodes, count, &item, full);
        kz_free(item);
        if (!ok) return false;
    }
    return true;
}

static bool find_results(jp_eval *ev, jp_node *const *nodes, size_t count, const kz_value *data,
                         jp_full *full) {
    jp_vals cur = {0};
    vals_push(&cur, kz_copy(data));
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        jp_vals results = {0};
        ok = walk(ev, &cur, nodes[i], &results);
        if (!ok) {
            vals_free(&results);
            break;
        }
        if (ev->end_range > 0 && ev->end_range <= ev->in_range) {
            ev->end_range--;
            ev->last_end = nodes[i];
            vals_free(&results);
            break;
        }
        if (ev->begin_range > 0) {
            ev->begin_range--;
            ev->in_range++;
            ok = run_range(ev, nodes + i + 1, count - i - 1, &results, full);
            ev->in_range--;
            vals_free(&results);
            /* resume after the {end} the body stopped at, if it is ahead */
            for (size_t k = i + 1; k < count; k++) {
                if (nodes[k] == ev->last_end) {
                    i = k;
                    break;
                }
            }
            continue;
        }
        full_push(full, results);
    }
    vals_free(&cur);
    return ok;
}

/* What client-go prints for one value: JSON for maps and lists, Go's %v
 * text for the rest. */
static bool print_value(const kz_value *v, kz_buf *out) {
    if (kz_is_map(v) || kz_is_seq(v)) {
        kz_value err = kz_invalid();
        if (kz_json_emit(out, v, NULL, &err) == 0) return true;
        kz_free(err);
        return false;
    }
    if (kz_is_null(v)) kz_buf_puts(out, "null");
    else if (!kz_is_valid(v)) kz_buf_puts(out, "<no value>");
    else kz_fmt_value(out, v);
    return true;
}

void kz_jsonpath_print(const kz_jsonpath *jp, const kz_value *data, kz_buf *out) {
    jp_eval ev = {0};
    jp_full full = {0};
    bool ok = find_results(&ev, jp->root->kids, jp->root->n, data, &full);
    kz_buf text;
    kz_buf_init(&text);
    for (size_t i = 0; ok && i < full.n; i++) {
        for (size_t k = 0; ok && k < full.lists[i].n; k++) {
            ok = print_value(&full.lists[i].v[k], &text);
            if (k + 1 < full.lists[i].n) kz_buf_putc(&text, ' ');
        }
    }
    if (ok && text.len) kz_buf_append(out, text.data, text.len);
    kz_buf_free(&text);
    full_free(&full);
}
