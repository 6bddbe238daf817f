/* uitable's layout (see table.h). */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/utf8.h"
#include "repo/table.h"

void kz_table_init(kz_table *t, size_t ncols, size_t max_col_width) {
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->max_col_width = max_col_width;
}

void kz_table_add_row(kz_table *t, const char *const *cells) {
    size_t need = (t->nrows + 1) * t->ncols;
    if (need > t->cap) {
        t->cap = kz_grow_cap(t->cap, need);
        t->cells = kz_xrealloc(t->cells, t->cap * sizeof *t->cells);
    }
    for (size_t i = 0; i < t->ncols; i++)
        t->cells[t->nrows * t->ncols + i] = kz_xstrdup(cells[i] ? cells[i] : "");
    t->nrows++;
}

void kz_table_free(kz_table *t) {
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

/* go-runewidth's RuneWidth, for the common ranges: controls and combining
 * marks take no column, East Asian wide and fullwidth runes and emoji two. */
static size_t rune_width(uint32_t r) {
    if (r < 0x20 || (r >= 0x7F && r < 0xA0)) return 0;
    if ((r >= 0x300 && r <= 0x36F) || r == 0x200B || r == 0x200C || r == 0x200D ||
        (r >= 0xFE00 && r <= 0xFE0F))
        return 0;
    if ((r >= 0x1100 && r <= 0x115F) || (r >= 0x2E80 && r <= 0x303E) || (r >= 0x3041 && r <= 0x33FF) ||
        (r >= 0x3400 && r <= 0x4DBF) || (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0xA000 && r <= 0xA4CF) ||
        (r >= 0xAC00 && r <= 0xD7A3) || (r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFE30 && r <= 0xFE4F) ||
        (r >= 0xFF00 && r <= 0xFF60) || (r >= 0xFFE0 && r <= 0xFFE6) || (r >= 0x1F300 && r <= 0x1F64F) ||
        (r >= 0x1F900 && r <= 0x1F9FF) || (r >= 0x20000 && r <= 0x3FFFD))
        return 2;
    return 1;
}

size_t kz_table_text_width(const char *s, size_t n) {
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        uint32_t r;
        i += kz_utf8_decode((const unsigned char *)s + i, n - i, &r);
        w += rune_width(r);
    }
    return w;
}

/* strutil.Resize(s, width, false): pad to width, or cut with "...". */
static void resize(kz_buf *out, const char *s, size_t n, size_t width) {
    size_t w = kz_table_text_width(s, n);
    if (w == width) {
        kz_buf_append(out, s, n);
        return;
    }
    if (w < width) {
        kz_buf_append(out, s, n);
        kz_buf_repeat(out, ' ', width - w);
        return;
    }
    long limit = (long)width - 3;
    long acc = 0;
    for (size_t i = 0; i < n;) {
        uint32_t r;
        size_t k = kz_utf8_decode((const unsigned char *)s + i, n - i, &r);
        kz_buf_append(out, s + i, k);
        i += k;
        long rw = (long)rune_width(r);
        if (acc + rw >= limit) break;
        acc += rw;
    }
    kz_buf_puts(out, "...");
}

/* Cell.String(): resized when the column has a width. */
static void cell_text(kz_buf *out, const char *s, size_t n, size_t width) {
    if (width > 0) resize(out, s, n, width);
    else kz_buf_append(out, s, n);
}

/* Cell.LineWidth(): the widest line of the cell as printed unresized. */
static size_t line_width(const char *s) {
    size_t best = 0;
    for (;;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        size_t w = kz_table_text_width(s, n);
        if (w > best) best = w;
        if (!nl) return best;
        s = nl + 1;
    }
}

static size_t count_lines(const char *s, size_t n) {
    size_t c = 1;
    for (size_t i = 0; i < n; i++) c += s[i] == '\n';
    return c;
}

/* The n-th '\n'-separated line of s (n from 0), or NULL past the end. */
static const char *nth_line(const char *s, size_t len, size_t nth, size_t *n) {
    const char *p = s, *end = s + len;
    for (size_t i = 0; i < nth; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return NULL;
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *n = nl ? (size_t)(nl - p) : (size_t)(end - p);
    return p;
}

/* Row.String(): each cell resized, then split into lines; line x of the row
 * joins line x of every cell (a missing line is an empty cell: spaces). */
static void write_row(const kz_table *t, size_t row, const size_t *widths, kz_buf *out) {
    kz_buf *cells = kz_xcalloc(t->ncols, sizeof *cells);
    size_t lc = 0;
    for (size_t c = 0; c < t->ncols; c++) {
        const char *s = t->cells[row * t->ncols + c];
        cell_text(&cells[c], s, strlen(s), widths[c]);
        size_t k = count_lines(kz_buf_cstr(&cells[c]), cells[c].len);
        if (k > lc) lc = k;
    }
    for (size_t x = 0; x < lc; x++) {
        if (x) kz_buf_putc(out, '\n');
        for (size_t c = 0; c < t->ncols; c++) {
            if (c) kz_buf_putc(out, '\t');
            size_t n = 0;
            const char *line = nth_line(kz_buf_cstr(&cells[c]), cells[c].len, x, &n);
            if (line) {
                cell_text(out, line, n, widths[c]);
            } else {
                /* a nil cell: strutil.PadLeft(" ", width) */
                kz_buf_putc(out, ' ');
                if (widths[c] > 1) kz_buf_repeat(out, ' ', widths[c] - 1);
            }
        }
    }
    for (size_t c = 0; c < t->ncols; c++) kz_buf_free(&cells[c]);
    free(cells);
}

void kz_table_write(const kz_table *t, kz_buf *out) {
    size_t *widths = kz_xcalloc(t->ncols ? t->ncols : 1, sizeof *widths);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            size_t w = line_width(t->cells[r * t->ncols + c]);
            if (t->max_col_width && w > t->max_col_width) w = t->max_col_width;
            if (w > widths[c]) widths[c] = w;
        }
    }
    for (size_t r = 0; r < t->nrows; r++) {
        if (r) kz_buf_putc(out, '\n');
        write_row(t, r, widths, out);
    }
    kz_buf_putc(out, '\n');
    free(widths);
}
