/*
 * A chart's templates parsed ahead: on the other cores, while the loader
 * goes on with values.yaml and the caller with dependencies and values.
 *
 * Why: parsing the templates is a quarter of `hm template` on a big chart,
 * and nothing before rendering needs it; a worker thread started as soon as
 * the files are read also has time to get a CPU (on a virtual machine that
 * can take a millisecond) before anyone waits for it.
 *
 * A text is parsed under its path in the chart folder ("templates/x.yaml",
 * "charts/sub/templates/y.yaml") because its Helm name ("mychart/templates/
 * x.yaml", with the chart's name and a dependency's alias) is not known yet;
 * kz_chart_ahead_take renames the parse. Whatever can't be used as it is (a
 * parse error, whose message names the file; a file defining a template of
 * either name; a text copied since) is left to the renderer to parse again:
 * the outcome is always that of parsing the text under its Helm name.
 *
 * MEMORY: the texts are borrowed and must stay unchanged, in place, until
 * kz_chart_ahead_free (the chart's raw files: kz_chart_free frees the ahead
 * first). The function table is borrowed too and must not change until the
 * parses are finished (the first take, or the free). A file taken is the
 * taker's.
 */
#ifndef KZ_CHART_AHEAD_H
#define KZ_CHART_AHEAD_H

#include <stddef.h>

#include "tmpl/funcs.h"
#include "tmpl/parse.h"

typedef struct kz_chart_ahead kz_chart_ahead;

struct kz_chart_file; /* chart.h */

/* Start parsing the template files among files[0..n) (names relative to the
 * chart root; templates of subchart folders included) with funcs' names as
 * the function check. NULL when there are none. */
kz_chart_ahead *kz_chart_ahead_start(const struct kz_chart_file *files, size_t n, const kz_tmpl_funcs *funcs);

/* The function table the parses check names against. */
const kz_tmpl_funcs *kz_chart_ahead_funcs(const kz_chart_ahead *a);

/* The parse of text (the same bytes, at the same address, as was loaded)
 * renamed `name`, now the caller's; NULL when there is none to use (the
 * caller parses the text itself). Waits for the parses still running. */
kz_tmpl_file *kz_chart_ahead_take(kz_chart_ahead *a, const char *text, size_t len, const char *name);

/* Waits for the parses still running (then the function table may change).
 * NULL is fine. */
void kz_chart_ahead_wait(kz_chart_ahead *a);

/* Waits for the parses still running and frees those not taken. NULL is fine. */
void kz_chart_ahead_free(kz_chart_ahead *a);

#endif
