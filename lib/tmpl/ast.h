/*
 * The parse tree of Go's text/template, as lib/tmpl/parse builds it and the
 * executor walks it.
 *
 * Shape. The node kinds and their fields follow Go's text/template/parse one to
 * one (ListNode, TextNode, ActionNode, IfNode, ...), so the executor can mirror
 * Go's exec.go and produce the same results and error messages. Two departures,
 * both for speed: children are plain arrays (no interface boxing), and constants
 * carry their execution value ready made (a kz_value), so evaluating a constant
 * is a copy, never a parse or an allocation beyond kz_copy.
 *
 * MEMORY. Every node, array, name and text of one parsed file lives in the file's
 * arena (kz_tmpl_file, parse.h) and is freed all at once by kz_tmpl_file_free.
 * Nothing in a tree is owned separately: never free a node, a name or an array.
 * Constant values (kz_tmpl_node.u.con.value) are owned by the file too; borrow
 * them (kz_copy to keep one beyond the file's life).
 *
 * Names. Identifiers, field names and variable names are interned per file: two
 * occurrences of the same name in one file share one kz_tmpl_name, so within a
 * file names compare by pointer (across files, compare bytes).
 *
 * Positions. Every node has `pos`, the byte offset in the file's text where Go's
 * parser would put it (for a field chain `.a.b` that is the position of `.b`, as
 * in Go). kz_tmpl_location turns it into Go's "NAME:LINE:COL" (COL is the 0-based
 * byte offset in the line, as Go's ErrorContext prints it).
 */
#ifndef KZ_TMPL_AST_H
#define KZ_TMPL_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/value.h"

typedef enum kz_tmpl_kind {
    /* statements (members of a list) */
    KZ_TN_LIST,     /* u.list: nodes in order */
    KZ_TN_TEXT,     /* u.text: literal text, after trim markers were applied */
    KZ_TN_ACTION,   /* u.action: {{pipeline}} (prints unless the pipeline declares) */
    KZ_TN_IF,       /* u.branch */
    KZ_TN_RANGE,    /* u.branch */
    KZ_TN_WITH,     /* u.branch */
    KZ_TN_TEMPLATE, /* u.tmpl: {{template "name" pipeline}} (also what {{block}} leaves) */
    KZ_TN_BREAK,    /* {{break}}: only inside a range (checked by the parser) */
    KZ_TN_CONTINUE, /* {{continue}} */
    /* expressions */
    KZ_TN_PIPE,       /* u.pipe: declarations, then commands joined by '|' */
    KZ_TN_COMMAND,    /* u.cmd: an operand followed by arguments */
    KZ_TN_FIELD,      /* u.field: .a.b.c (n >= 1 names) */
    KZ_TN_VARIABLE,   /* u.var: $x or $x.a.b (names[0] is "$x", then the fields) */
    KZ_TN_IDENTIFIER, /* u.ident: a function name (checked to exist at parse time) */
    KZ_TN_CHAIN,      /* u.chain: (pipeline).a.b: a term followed by fields */
    KZ_TN_DOT,        /* . */
    KZ_TN_NIL,        /* nil (u.con.value is NULL) */
    KZ_TN_BOOL,       /* u.con.value is a BOOL */
    KZ_TN_NUMBER,     /* u.con: see kz_tmpl_const */
    KZ_TN_STRING,     /* u.con.value is the decoded STRING */
    /* the parser's {{end}} and {{else}} markers: never in a finished tree */
    KZ_TN_END_,
    KZ_TN_ELSE_,
} kz_tmpl_kind;

/* An interned name: NUL-terminated bytes in the file's arena. */
typedef struct kz_tmpl_name {
    const char *s;
    uint32_t len;
} kz_tmpl_name;

typedef struct kz_tmpl_node kz_tmpl_node;

/* Number flags, as Go's NumberNode: which Go types can hold the constant. A
 * typed function parameter (int, float64, ...) takes the matching field below;
 * an interface{} parameter takes `value` (Go's "ideal constant"). */
enum {
    KZ_TNUM_INT = 1 << 0,     /* i64 is exact */
    KZ_TNUM_UINT = 1 << 1,    /* u64 is exact */
    KZ_TNUM_FLOAT = 1 << 2,   /* f64 is exact (or the nearest float) */
    KZ_TNUM_COMPLEX = 1 << 3, /* an imaginary/complex constant: re, im below */
    KZ_TNUM_RUNE = 1 << 4,    /* written as a character constant ('a') */
};

/* A number constant's readings (Go's NumberNode): which of int64, uint64,
 * float64 represent it exactly, and their values. */
typedef struct kz_tmpl_number {
    uint8_t flags; /* KZ_TNUM_* */
    int64_t i64;
    uint64_t u64;
    double f64;
    double re, im; /* KZ_TNUM_COMPLEX */
} kz_tmpl_number;

typedef struct kz_tmpl_const {
    /* The value the constant evaluates to where Go's exec takes it as an
     * interface{} (idealConstant): STRING, BOOL, NULL, FLOAT (1.5, 1e3, 0x1p3),
     * INT with the natural Go type int (42, 0x10, 'a': Go gives a rune constant
     * the type int there, not int32: `printf "%T" 'a'` prints "int").
     * INVALID for a complex constant (kz_value has no complex kind) and for an
     * unsigned integer beyond int64, which Go rejects at execution with
     * "NUMBER overflows int". */
    kz_value value;
    /* The source text: `"a\n"` with its quotes for strings, the digits for
     * numbers (Go's Quoted / Text, printed back by kz_tmpl_tree_string). */
    const char *text;
    uint32_t text_len;
    /* Numbers only (NULL otherwise): kept apart because every node holds a
     * kz_tmpl_const and few nodes are numbers. */
    const struct kz_tmpl_number *num;
} kz_tmpl_const;

struct kz_tmpl_node {
    kz_tmpl_kind kind;
    uint32_t pos; /* byte offset in the file's text */
    union {
        struct {
            kz_tmpl_node **nodes;
            uint32_t len;
        } list;
        struct {
            const char *s; /* not NUL-terminated within the text; use len */
            uint32_t len;
        } text;
        struct {
            kz_tmpl_node *pipe; /* a KZ_TN_PIPE */
        } action;
        struct {
            kz_tmpl_node *pipe;      /* KZ_TN_PIPE */
            kz_tmpl_node *list;      /* KZ_TN_LIST: when the pipeline is true */
            kz_tmpl_node *else_list; /* KZ_TN_LIST or NULL. {{else if}} / {{else with}}
                                      * is an else list holding one IF / WITH node */
        } branch;
        struct {
            const kz_tmpl_name *name; /* the template called */
            kz_tmpl_node *pipe;       /* KZ_TN_PIPE, or NULL: dot is then nil */
        } tmpl;
        struct {
            const kz_tmpl_name **decl; /* variables declared or assigned ("$x") */
            uint32_t ndecl;
            bool is_assign;            /* `=` rather than `:=` */
            kz_tmpl_node **cmds;       /* KZ_TN_COMMANDs, at least one */
            uint32_t ncmds;
        } pipe;
        struct {
            kz_tmpl_node **args; /* at least one */
            uint32_t nargs;
        } cmd;
        struct {
            const kz_tmpl_name **names; /* without dots: .a.b is {"a", "b"} */
            uint32_t n;
        } field;
        struct {
            /* names[0] is the variable ("$", "$x"), then its fields without dots */
            const kz_tmpl_name **names;
            uint32_t n;
        } var;
        struct {
            const kz_tmpl_name *name;
        } ident;
        struct {
            kz_tmpl_node *node; /* the term: a PIPE (parenthesised), IDENTIFIER, ... */
            const kz_tmpl_name **fields;
            uint32_t n;
        } chain;
        kz_tmpl_const con; /* NIL, BOOL, NUMBER, STRING */
    } u;
};

/* One named template: a file's main template or one {{define}}/{{block}}. */
typedef struct kz_tmpl_tree {
    const kz_tmpl_name *name;     /* "mychart/templates/x.yaml" or the defined name */
    const char *parse_name;       /* the file's name, for error locations (Go's ParseName) */
    kz_tmpl_node *root;           /* a KZ_TN_LIST */
    const char *text;             /* the whole file's text (arena copy), for positions */
    size_t text_len;
} kz_tmpl_tree;

/* Whether a tree holds nothing but white space (and comments), Go's IsEmptyTree:
 * a template set doesn't let such a definition replace an existing one. */
bool kz_tmpl_tree_is_empty(const kz_tmpl_tree *t);

/* Line (1-based) and column (0-based byte offset in its line) of a position,
 * exactly as Go's ErrorContext computes them. */
void kz_tmpl_line_col(const kz_tmpl_tree *t, uint32_t pos, uint32_t *line, uint32_t *col);
/* Append "PARSENAME:LINE:COL" for node n of tree t (Go's ErrorContext location). */
void kz_tmpl_location(kz_buf *out, const kz_tmpl_tree *t, const kz_tmpl_node *n);

/* Append n printed back as template text, the way Go's Node.String() does (the
 * context in "executing ... at <.a.b>" errors, and the parser's test oracle):
 * {{if .a}}x{{else}}y{{end}}, {{$x := 1}}, (print 1).a, "quoted", ... */
void kz_tmpl_node_string(kz_buf *out, const kz_tmpl_node *n);
/* Append the whole tree printed back (Go's Tree.Root.String()). */
void kz_tmpl_tree_string(kz_buf *out, const kz_tmpl_tree *t);

#endif
