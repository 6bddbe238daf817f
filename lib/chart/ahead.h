/*
 * A chart's templates and values.yaml parsed ahead: on the other cores,
 * while the loader goes on with the chart's files and the caller with
 * dependencies and values.
 *
 * Why: parsing the templates is a quarter of `hm template` on a big chart,
 * and nothing before rendering needs it; values.yaml, a sixth, is needed
 * only once every file is read. A worker started as soon as the chart
 * folder is opened also has time to get a CPU (on a virtual machine that
 * can take a millisecond) before anyone waits for it.
 *
 * A template is parsed under its path in the chart folder ("templates/
 * x.yaml", "charts/sub/templates/y.yaml") because its Helm name ("mychart/
 * templates/x.yaml", with the chart's name and a dependency's alias) is not
 * known yet; kz_chart_ahead_take renames the parse. Whatever can't be used
 * as it is (a parse error, whose message names the file; a file defining a
 * template of either name; a text copied since) is left to the renderer to
 * parse again: the outcome is always that of parsing the text under its
 * Helm name. values.yaml is parsed exactly as the loader would.
 *
 * MEMORY: texts and paths are borrowed and must stay unchanged, in place,
 * until kz_chart_ahead_free (the chart's raw files: kz_chart_free frees the
 * ahead first). The function table is borrowed too and must not change
 * until the parses are finished (kz_chart_ahead_wait, the first take of a
 * template, or the free). What is taken is the taker's.
 */
#ifndef KZ_CHART_AHEAD_H
#define KZ_CHART_AHEAD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/value.h"
#include "tmpl/funcs.h"
#include "tmpl/parse.h"

typedef struct kz_chart_ahead kz_chart_ahead;

struct kz_chart_file; /* chart.h */

/* Start parsing the template files among files[0..n) (names relative to the
 * chart root; templates of subchart folders included) with funcs' names as
 * the function check. NULL when there are none. */
kz_chart_ahead *kz_chart_ahead_start(const struct kz_chart_file *files, size_t n, const kz_tmpl_funcs *funcs);

/* Parse the template files among files[0..n) (an archive subchart's, names
 * relative to its own root) on a's worker, with a's other parses: true, or
 * false when a can't take them (NULL, parses already finished, another
 * function table), and the caller starts its own. A parse is found by its
 * text, so the renderer takes it from an ancestor's ahead (render.c). The
 * files must outlive a, as a's own do. */
bool kz_chart_ahead_join(kz_chart_ahead *a, const struct kz_chart_file *files, size_t n, const kz_tmpl_funcs *funcs);

/* Before files[0..n) that joined a are freed (a subchart dropped, or freed
 * before its ancestor): waits for the parses still running and drops those
 * of these texts, so that nothing reads them or takes their parses later. */
void kz_chart_ahead_forget(kz_chart_ahead *a, const struct kz_chart_file *files, size_t n);

/* A worker waiting for files as a folder's walk reads them. With no idle
 * core (kz_cpu_idle) there is no worker: the parses are then made when
 * taken, on the caller's thread, as they would be without an ahead. _add starts parsing a file if it is a
 * template (path relative to the chart root); _add_values starts parsing
 * values.yaml, whose parse is named `source` (copied). */
kz_chart_ahead *kz_chart_ahead_open(const kz_tmpl_funcs *funcs);
void kz_chart_ahead_add(kz_chart_ahead *a, const char *path, const char *text, size_t len);
void kz_chart_ahead_add_values(kz_chart_ahead *a, const char *text, size_t len, const char *source);

/* The parse of values.yaml started for this text (same address) under that
 * source name: true and *out set (the value, or the parse's error value,
 * now the caller's), waiting for it while helping with the templates; false
 * when there is none (the caller parses it). */
bool kz_chart_ahead_take_values(kz_chart_ahead *a, const char *text, size_t len, const char *source,
                                kz_value *out);

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
