/*
 * Tree helpers: Go's IsEmptyTree, ErrorContext positions, and Node.String().
 */
#include "tmpl/ast.h"

#include <stdint.h>

#include "tmpl/lex.h"

/* bytes.TrimSpace's white space, as far as template text goes. */
static bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool node_is_empty(const kz_tmpl_node *n) {
    if (!n) return true;
    switch (n->kind) {
    case KZ_TN_LIST:
        for (uint32_t i = 0; i < n->u.list.len; i++) {
            if (!node_is_empty(n->u.list.nodes[i])) return false;
        }
        return true;
    case KZ_TN_TEXT:
        for (uint32_t i = 0; i < n->u.text.len; i++) {
            if (!is_blank(n->u.text.s[i])) return false;
        }
        return true;
    default:
        return false;
    }
}

bool kz_tmpl_tree_is_empty(const kz_tmpl_tree *t) { return !t || node_is_empty(t->root); }

void kz_tmpl_line_col(const kz_tmpl_tree *t, uint32_t pos, uint32_t *line, uint32_t *col) {
    uint32_t ln = 1, line_start = 0;
    bool newline_seen = false;
    for (uint32_t i = 0; i < pos && i < t->text_len; i++) {
        if (t->text[i] == '\n') {
            ln++;
            line_start = i + 1;
            newline_seen = true;
        }
    }
    *line = ln;
    *col = newline_seen ? pos - line_start : pos;
}

void kz_tmpl_location(kz_buf *out, const kz_tmpl_tree *t, const kz_tmpl_node *n) {
    uint32_t line, col;
    kz_tmpl_line_col(t, n->pos, &line, &col);
    kz_buf_printf(out, "%s:%u:%u", t->parse_name, line, col);
}

/* ---- Node.String() ---- */

static void put_name(kz_buf *out, const kz_tmpl_name *name) { kz_buf_append(out, name->s, name->len); }

static void put_fields(kz_buf *out, const kz_tmpl_name *const *names, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        kz_buf_putc(out, '.');
        put_name(out, names[i]);
    }
}

/* An argument: parenthesised when it is a pipeline. */
static void put_arg(kz_buf *out, const kz_tmpl_node *arg) {
    if (arg->kind == KZ_TN_PIPE) {
        kz_buf_putc(out, '(');
        kz_tmpl_node_string(out, arg);
        kz_buf_putc(out, ')');
    } else {
        kz_tmpl_node_string(out, arg);
    }
}

static void put_pipe(kz_buf *out, const kz_tmpl_node *p) {
    for (uint32_t i = 0; i < p->u.pipe.ndecl; i++) {
        if (i > 0) kz_buf_puts(out, ", ");
        put_name(out, p->u.pipe.decl[i]);
    }
    if (p->u.pipe.ndecl > 0) kz_buf_puts(out, p->u.pipe.is_assign ? " = " : " := ");
    for (uint32_t i = 0; i < p->u.pipe.ncmds; i++) {
        if (i > 0) kz_buf_puts(out, " | ");
        kz_tmpl_node_string(out, p->u.pipe.cmds[i]);
    }
}

static void put_branch(kz_buf *out, const char *keyword, const kz_tmpl_node *n) {
    kz_buf_printf(out, "{{%s ", keyword);
    put_pipe(out, n->u.branch.pipe);
    kz_buf_puts(out, "}}");
    kz_tmpl_node_string(out, n->u.branch.list);
    if (n->u.branch.else_list) {
        kz_buf_puts(out, "{{else}}");
        kz_tmpl_node_string(out, n->u.branch.else_list);
    }
    kz_buf_puts(out, "{{end}}");
}

void kz_tmpl_node_string(kz_buf *out, const kz_tmpl_node *n) {
    switch (n->kind) {
    case KZ_TN_LIST:
        for (uint32_t i = 0; i < n->u.list.len; i++) kz_tmpl_node_string(out, n->u.list.nodes[i]);
        break;
    case KZ_TN_TEXT: kz_buf_append(out, n->u.text.s, n->u.text.len); break;
    case KZ_TN_ACTION:
        kz_buf_puts(out, "{{");
        put_pipe(out, n->u.action.pipe);
        kz_buf_puts(out, "}}");
        break;
    case KZ_TN_IF: put_branch(out, "if", n); break;
    case KZ_TN_RANGE: put_branch(out, "range", n); break;
    case KZ_TN_WITH: put_branch(out, "with", n); break;
    case KZ_TN_TEMPLATE:
        kz_buf_puts(out, "{{template ");
        kz_tmpl_quote(out, n->u.tmpl.name->s, n->u.tmpl.name->len, SIZE_MAX);
        if (n->u.tmpl.pipe) {
            kz_buf_putc(out, ' ');
            put_pipe(out, n->u.tmpl.pipe);
        }
        kz_buf_puts(out, "}}");
        break;
    case KZ_TN_BREAK: kz_buf_puts(out, "{{break}}"); break;
    case KZ_TN_CONTINUE: kz_buf_puts(out, "{{continue}}"); break;
    case KZ_TN_PIPE: put_pipe(out, n); break;
    case KZ_TN_COMMAND:
        for (uint32_t i = 0; i < n->u.cmd.nargs; i++) {
            if (i > 0) kz_buf_putc(out, ' ');
            put_arg(out, n->u.cmd.args[i]);
        }
        break;
    case KZ_TN_FIELD: put_fields(out, n->u.field.names, n->u.field.n); break;
    case KZ_TN_VARIABLE:
        put_name(out, n->u.var.names[0]);
        put_fields(out, n->u.var.names + 1, n->u.var.n - 1);
        break;
    case KZ_TN_IDENTIFIER: put_name(out, n->u.ident.name); break;
    case KZ_TN_CHAIN:
        put_arg(out, n->u.chain.node);
        put_fields(out, n->u.chain.fields, n->u.chain.n);
        break;
    case KZ_TN_DOT: kz_buf_putc(out, '.'); break;
    case KZ_TN_NIL: kz_buf_puts(out, "nil"); break;
    case KZ_TN_BOOL: kz_buf_puts(out, kz_bool_get(&n->u.con.value) ? "true" : "false"); break;
    case KZ_TN_NUMBER:
    case KZ_TN_STRING: kz_buf_append(out, n->u.con.text, n->u.con.text_len); break;
    case KZ_TN_END_: kz_buf_puts(out, "{{end}}"); break;
    case KZ_TN_ELSE_: kz_buf_puts(out, "{{else}}"); break;
    }
}

void kz_tmpl_tree_string(kz_buf *out, const kz_tmpl_tree *t) {
    if (t && t->root) kz_tmpl_node_string(out, t->root);
}
