/*
 * Tables as helm prints them (github.com/gosuri/uitable through helm's
 * output.EncodeTable): every cell is padded with spaces to its column's width
 * (the last column too), cells are joined by a tab, rows by "\n", and a final
 * "\n" ends the table. With a maximum column width, longer cells are cut:
 * runes are kept while their width stays under MAX-3, then "..." follows
 * (strutil.Resize). A cell holding "\n" spreads its row over several lines.
 * Widths are display widths (go-runewidth: wide East Asian runes count 2,
 * control and combining runes 0).
 *
 * MEMORY: the table owns copies of its cells; kz_table_free releases them.
 */
#ifndef KZ_REPO_TABLE_H
#define KZ_REPO_TABLE_H

#include <stddef.h>

#include "core/buf.h"

/* helm's --output formats (output.Format). */
typedef enum kz_repo_format { KZ_REPO_FORMAT_TABLE, KZ_REPO_FORMAT_JSON, KZ_REPO_FORMAT_YAML } kz_repo_format;

typedef struct kz_table {
    char **cells; /* rows * ncols, row-major */
    size_t ncols, nrows, cap;
    size_t max_col_width; /* 0: no limit (uitable's MaxColWidth) */
} kz_table;

void kz_table_init(kz_table *t, size_t ncols, size_t max_col_width);
/* One row of t->ncols cells (copied). */
void kz_table_add_row(kz_table *t, const char *const *cells);
/* The table's text plus the final "\n" (output.EncodeTable), appended to out. */
void kz_table_write(const kz_table *t, kz_buf *out);
void kz_table_free(kz_table *t);

/* go-runewidth's StringWidth of s[0..n). */
size_t kz_table_text_width(const char *s, size_t n);

#endif
