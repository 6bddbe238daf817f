/*
 * User values (-f and --set*) and Helm's coalescing, see chart/values.h.
 *
 * Coalescing works on Go maps, which are references: Helm's coalesceGlobals
 * copies a global table one level deep and then merges into it, so the
 * tables below are shared between a parent's globals and its subcharts' and
 * a merge into one shows in the other. To reproduce that, everything here
 * mutates maps with kz_map_set_shared / kz_map_remove_shared (changes seen by
 * every holder of the block) and copies with kz_deep_copy exactly where Helm
 * deep-copies (copystructure.Copy); a plain kz_copy is Go's sharing.
 */
#include <string.h>

#include "json/json.h"
#include "chart/values.h"
#include "core/buf.h"
#include "core/file.h"
#include "tmpl/fmt.h"
#include "yaml/parse.h"

/* Lines of Helm v3.17.3's pkg/chartutil/coalesce.go that log each warning. */
enum {
    LINE_DEST_GLOBAL_NOT_TABLE = 138,
    LINE_SRC_GLOBAL_NOT_TABLE = 145,
    LINE_GLOBAL_CONFLICT = 161,
    LINE_GLOBAL_KEY_IS_TABLE = 175,
    LINE_SKIPPED_NOT_TABLE = 237,
    LINE_CANNOT_OVERWRITE_TABLE = 298,
    LINE_DEST_IS_TABLE = 301,
};

static const char GLOBAL_KEY[] = "global";

/* ---- user values ---- */

kz_value kz_values_merge_maps(const kz_value *a, const kz_value *b) {
    kz_value out = kz_copy(a);
    size_t n = kz_len(b);
    for (size_t i = 0; i < n; i++) {
        const kz_value *k = kz_map_key_at(b, i);
        const kz_value *v = kz_map_value_at(b, i);
        const kz_value *have = kz_map_get(&out, kz_str(k), kz_str_len(k));
        if (kz_is_map(v) && have && kz_is_map(have)) {
            kz_value merged = kz_values_merge_maps(have, v);
            kz_map_set(&out, kz_copy(k), merged);
        } else {
            kz_map_set(&out, kz_copy(k), kz_copy(v));
        }
    }
    return out;
}

int kz_values_read_file(void *ctx, const char *path, kz_buf *out, kz_value *err) {
    (void)ctx;
    return kz_file_read(path, out, err); /* its errors are in Go's words (core/file.h) */
}

static int read_file(const kz_values_options *o, const char *path, kz_buf *out, kz_value *err) {
    if (o->reader) return o->reader(o->reader_ctx, path, out, err);
    return kz_values_read_file(NULL, path, out, err);
}


/* One -f file as Helm reads it: sigs.k8s.io/yaml into a map, first document only. */
static kz_value load_values_file(const kz_values_options *o, const char *path) {
    kz_buf data = KZ_BUF_INIT;
    kz_value err = kz_invalid();
    if (read_file(o, path, &data, &err) != 0) {
        kz_buf_free(&data);
        return kz_error_message(&err) ? err : kz_error("read %s: error", path);
    }
    kz_yaml_parse_opts yo = {.schema = KZ_YAML_HELM, .source_name = path, .max_threads = 1, .go_errors = true};
    kz_value doc = kz_yaml_parse_one(data.data ? data.data : "", data.len, &yo);
    kz_buf_free(&data);
    if (!kz_is_valid(&doc)) {
        const char *m = kz_error_message(&doc);
        kz_value e = kz_error("failed to parse %s: error converting YAML to JSON: %s", path, m ? m : "yaml: error");
        kz_free(doc);
        return e;
    }
    if (kz_is_null(&doc)) return kz_map();
    if (!kz_is_map(&doc)) {
        kz_value e = kz_error("failed to parse %s: error unmarshaling JSON: while decoding JSON: json: "
                              "cannot unmarshal %s into Go value of type map[string]interface {}",
                              path, kz_json_kind(&doc));
        kz_free(doc);
        return e;
    }
    return doc;
}

static int reader_adapter(void *ctx, const char *path, kz_buf *out, kz_value *err) {
    return read_file(ctx, path, out, err);
}

/* Apply each line of one --set* flag; Helm's wording of the failure. */
static kz_value apply_lines(kz_value *base, const kz_values_options *o, const char *const *lines, size_t n,
                            kz_strvals_mode mode, const char *flag) {
    for (size_t i = 0; i < n; i++) {
        kz_value e = kz_strvals_parse(base, lines[i], strlen(lines[i]), mode, reader_adapter, (void *)o);
        if (kz_is_valid(&e)) continue;
        kz_value out = mode == KZ_STRVALS_JSON
                           ? kz_error("failed parsing %s data %s", flag, lines[i]) /* Helm drops the cause */
                           : kz_error("failed parsing %s data: %s", flag, kz_error_message(&e));
        kz_free(e);
        return out;
    }
    return kz_null();
}

kz_value kz_values_user(const kz_values_options *opts) {
    kz_values_options none = {0};
    const kz_values_options *o = opts ? opts : &none;
    kz_value base = kz_map();
    for (size_t i = 0; i < o->n_value_files; i++) {
        kz_value cur = load_values_file(o, o->value_files[i]);
        if (!kz_is_valid(&cur)) {
            kz_free(base);
            return cur;
        }
        kz_value merged = kz_values_merge_maps(&base, &cur);
        kz_free(cur);
        kz_free(base);
        base = merged;
    }
    struct {
        const char *const *lines;
        size_t n;
        kz_strvals_mode mode;
        const char *flag;
    } steps[] = {
        {o->json_values, o->n_json_values, KZ_STRVALS_JSON, "--set-json"},
        {o->values, o->n_values, KZ_STRVALS_SET, "--set"},
        {o->string_values, o->n_string_values, KZ_STRVALS_STRING, "--set-string"},
        {o->file_values, o->n_file_values, KZ_STRVALS_FILE, "--set-file"},
        {o->literal_values, o->n_literal_values, KZ_STRVALS_LITERAL, "--set-literal"},
    };
    for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
        kz_value e = apply_lines(&base, o, steps[s].lines, steps[s].n, steps[s].mode, steps[s].flag);
        if (!kz_is_valid(&e)) {
            kz_free(base);
            return e;
        }
    }
    return base;
}

/* ---- coalescing ---- */

typedef struct coalescer {
    kz_values_warn_fn warn;
    void *ctx;
    const kz_values_chart_ops *ops;
} coalescer;

static void warnf(const coalescer *c, int line, const char *fmt, size_t argc, const kz_value *argv) {
    if (!c->warn) return;
    kz_buf b = KZ_BUF_INIT;
    kz_fmt_sprintf(&b, fmt, strlen(fmt), argc, argv);
    c->warn(c->ctx, line, kz_buf_cstr(&b));
    kz_buf_free(&b);
}

/* Go's concatPrefix. */
static kz_value prefixed(const char *prefix, const char *key, size_t keylen) {
    if (!prefix || !*prefix) return kz_string_n(key, keylen);
    kz_buf b = KZ_BUF_INIT;
    kz_buf_printf(&b, "%s.", prefix);
    kz_buf_append(&b, key, keylen);
    kz_value v = kz_string_n(b.data, b.len);
    kz_buf_free(&b);
    return v;
}

/* The keys of a map, copied: the loops below mutate maps while walking keys. */
static kz_value keys_of(const kz_value *map) {
    size_t n = kz_len(map);
    kz_value keys = kz_seq_sized(n);
    for (size_t i = 0; i < n; i++) kz_seq_push(&keys, kz_copy(kz_map_key_at(map, i)));
    return keys;
}

/* Go's coalesceTablesFullKey: src into dst (dst wins), both maps; dst is
 * changed in place (shared). */
static void coalesce_tables(const coalescer *c, kz_value *dst, const kz_value *src, const char *prefix,
                            bool merge) {
    kz_value keys = keys_of(src);
    for (size_t i = 0; i < kz_len(&keys); i++) {
        const kz_value *k = kz_seq_at(&keys, i);
        const char *ks = kz_str(k);
        size_t kn = kz_str_len(k);
        const kz_value *val = kz_map_get(src, ks, kn);
        if (!val) continue;
        kz_value fullkey = prefixed(prefix, ks, kn);
        const kz_value *dv = kz_map_get(dst, ks, kn);
        if (dv && !merge && kz_is_null(dv)) {
            kz_map_remove_shared(dst, ks, kn);
        } else if (!dv) {
            kz_map_set_shared(dst, kz_copy(k), kz_copy(val));
        } else if (kz_is_map(val)) {
            if (kz_is_map(dv)) {
                kz_value sub = kz_copy(dv); /* the same block: changes land in dst */
                kz_value srcsub = kz_copy(val);
                coalesce_tables(c, &sub, &srcsub, kz_str(&fullkey), merge);
                kz_free(srcsub);
                kz_free(sub);
            } else {
                kz_value args[2] = {fullkey, *val};
                warnf(c, LINE_CANNOT_OVERWRITE_TABLE, "warning: cannot overwrite table with non table for %s (%v)", 2,
                      args);
            }
        } else if (kz_is_map(dv) && !kz_is_null(val)) {
            kz_value args[2] = {fullkey, *val};
            warnf(c, LINE_DEST_IS_TABLE, "warning: destination for %s is a table. Ignoring non-table value (%v)", 2,
                  args);
        }
        kz_free(fullkey);
    }
    kz_free(keys);
}

static bool is_dependency(const coalescer *c, const void *chart, const char *key, size_t keylen) {
    if (!c->ops || !chart) return false;
    size_t n = c->ops->n_deps(chart);
    for (size_t i = 0; i < n; i++) {
        const char *name = c->ops->name(c->ops->dep(chart, i));
        if (strlen(name) == keylen && memcmp(name, key, keylen) == 0) return true;
    }
    return false;
}

/* Go's coalesceValues: a chart's defaults (deep-copied) under the values v. */
static void coalesce_values(const coalescer *c, const void *chart, const char *name, const kz_value *defaults,
                            kz_value *v, const char *prefix, bool merge) {
    kz_value sub_prefix = prefixed(prefix, name, strlen(name));
    kz_value vc = defaults && kz_is_map(defaults) ? kz_deep_copy(defaults) : kz_map();
    size_t n = kz_len(&vc);
    for (size_t i = 0; i < n; i++) {
        const kz_value *k = kz_map_key_at(&vc, i);
        const char *ks = kz_str(k);
        size_t kn = kz_str_len(k);
        const kz_value *val = kz_map_value_at(&vc, i);
        const kz_value *value = kz_map_get(v, ks, kn);
        if (!value) {
            kz_map_set_shared(v, kz_copy(k), kz_copy(val));
        } else if (kz_is_null(value) && !merge) {
            kz_map_remove_shared(v, ks, kn);
        } else if (kz_is_map(value)) {
            if (!kz_is_map(val)) {
                if (!kz_is_null(val)) {
                    kz_value args[2] = {sub_prefix, *k};
                    warnf(c, LINE_SKIPPED_NOT_TABLE, "warning: skipped value for %s.%s: Not a table.", 2, args);
                }
            } else {
                /* a subchart's section keeps its nils for the subchart's own pass */
                bool m = merge || is_dependency(c, chart, ks, kn);
                kz_value fullkey = prefixed(kz_str(&sub_prefix), ks, kn);
                kz_value dest = kz_copy(value);
                coalesce_tables(c, &dest, val, kz_str(&fullkey), m);
                kz_free(dest);
                kz_free(fullkey);
            }
        }
    }
    kz_free(vc);
    kz_free(sub_prefix);
}

/* Go's coalesceGlobals: src's globals into dest's. */
static void coalesce_globals(const coalescer *c, kz_value *dest, const kz_value *src, const char *prefix) {
    const kz_value *dgv = kz_map_getz(dest, GLOBAL_KEY);
    const kz_value *sgv = kz_map_getz(src, GLOBAL_KEY);
    kz_value dg, sg;
    if (!dgv) dg = kz_map();
    else if (!kz_is_map(dgv)) {
        kz_value arg = kz_string(GLOBAL_KEY);
        warnf(c, LINE_DEST_GLOBAL_NOT_TABLE, "warning: skipping globals because destination %s is not a table.", 1,
              &arg);
        kz_free(arg);
        return;
    } else dg = kz_copy(dgv);
    if (!sgv) sg = kz_map();
    else if (!kz_is_map(sgv)) {
        kz_value arg = kz_string(GLOBAL_KEY);
        warnf(c, LINE_SRC_GLOBAL_NOT_TABLE, "warning: skipping globals because source %s is not a table.", 1, &arg);
        kz_free(arg);
        kz_free(dg);
        return;
    } else sg = kz_copy(sgv);

    kz_value keys = keys_of(&sg);
    for (size_t i = 0; i < kz_len(&keys); i++) {
        const kz_value *k = kz_seq_at(&keys, i);
        const char *ks = kz_str(k);
        size_t kn = kz_str_len(k);
        const kz_value *val = kz_map_get(&sg, ks, kn);
        if (!val) continue;
        const kz_value *destv = kz_map_get(&dg, ks, kn);
        if (kz_is_map(val)) {
            /* copyMap: a new top level over the same tables */
            size_t vn = kz_len(val);
            kz_value vv = kz_map_sized(vn);
            for (size_t j = 0; j < vn; j++) {
                kz_map_set_shared(&vv, kz_copy(kz_map_key_at(val, j)), kz_copy(kz_map_value_at(val, j)));
            }
            if (!destv) {
                kz_map_set_shared(&dg, kz_copy(k), vv);
            } else if (!kz_is_map(destv)) {
                warnf(c, LINE_GLOBAL_CONFLICT, "Conflict: cannot merge map onto non-map for %q. Skipping.", 1, k);
                kz_free(vv);
            } else {
                kz_value sub_prefix = prefixed(prefix, ks, kn);
                kz_value destmap = kz_copy(destv);
                coalesce_tables(c, &vv, &destmap, kz_str(&sub_prefix), true);
                kz_free(destmap);
                kz_free(sub_prefix);
                kz_map_set_shared(&dg, kz_copy(k), vv);
            }
        } else if (destv && kz_is_map(destv)) {
            warnf(c, LINE_GLOBAL_KEY_IS_TABLE, "key %s is table. Skipping", 1, k);
        } else {
            kz_map_set_shared(&dg, kz_copy(k), kz_copy(val));
        }
    }
    kz_free(keys);
    kz_map_set_shared(dest, kz_string(GLOBAL_KEY), dg);
    kz_free(sg);
}

static kz_value coalesce(const coalescer *c, const void *chart, const char *name, const kz_value *defaults,
                         kz_value *dest, const char *prefix, bool merge);

/* Go's coalesceDeps. Returns NULL or an error value. */
static kz_value coalesce_deps(const coalescer *c, const void *chart, const char *name, kz_value *dest,
                              const char *prefix, bool merge) {
    size_t n = c->ops && chart ? c->ops->n_deps(chart) : 0;
    for (size_t i = 0; i < n; i++) {
        const void *sub = c->ops->dep(chart, i);
        const char *sub_name = c->ops->name(sub);
        const kz_value *have = kz_map_getz(dest, sub_name);
        if (!have) {
            kz_map_set_shared(dest, kz_string(sub_name), kz_map());
        } else if (!kz_is_map(have)) {
            kz_buf b = KZ_BUF_INIT;
            kz_fmt_sprintf(&b, "%t", 2, 1, have);
            kz_value e = kz_error("type mismatch on %s: %s", sub_name, kz_buf_cstr(&b));
            kz_buf_free(&b);
            return e;
        }
        kz_value dvmap = kz_copy(kz_map_getz(dest, sub_name));
        kz_value sub_prefix = prefixed(prefix, name, strlen(name));
        coalesce_globals(c, &dvmap, dest, kz_str(&sub_prefix));
        kz_value e = coalesce(c, sub, sub_name, c->ops->values(sub), &dvmap, kz_str(&sub_prefix), merge);
        kz_free(sub_prefix);
        kz_free(dvmap);
        if (!kz_is_valid(&e)) return e;
    }
    return kz_null();
}

static kz_value coalesce(const coalescer *c, const void *chart, const char *name, const kz_value *defaults,
                         kz_value *dest, const char *prefix, bool merge) {
    coalesce_values(c, chart, name, defaults, dest, prefix, merge);
    return coalesce_deps(c, chart, name, dest, prefix, merge);
}

/* The result as the caller's own graph: blocks still shared inside it are
 * fine (holders see one Go map), but nothing may be shared with callers'
 * inputs; those were deep-copied on the way in. */
static kz_value run(const coalescer *c, const void *chart, const char *name, const kz_value *defaults,
                    const kz_value *user, bool merge) {
    kz_value dest = user && kz_is_map(user) ? kz_deep_copy(user) : kz_map();
    kz_value e = coalesce(c, chart, name ? name : "", defaults, &dest, "", merge);
    if (!kz_is_valid(&e)) {
        kz_free(dest);
        return e;
    }
    return kz_with_gotype(dest, KZ_GOTYPE_CHART_VALUES);
}

kz_value kz_values_coalesce_tree(const void *chart, const kz_values_chart_ops *ops, const kz_value *user,
                                 bool merge, kz_values_warn_fn warn, void *warn_ctx) {
    coalescer c = {.warn = warn, .ctx = warn_ctx, .ops = ops};
    return run(&c, chart, ops->name(chart), ops->values(chart), user, merge);
}

kz_value kz_values_coalesce(const kz_value *defaults, const kz_value *user, const char *name,
                            kz_values_warn_fn warn, void *warn_ctx) {
    coalescer c = {.warn = warn, .ctx = warn_ctx, .ops = NULL};
    return run(&c, NULL, name, defaults, user, false);
}

void kz_values_coalesce_tables(kz_value *dst, const kz_value *src, bool merge, kz_values_warn_fn warn,
                               void *warn_ctx) {
    if (!kz_is_map(dst) || !kz_is_map(src)) return;
    coalescer c = {.warn = warn, .ctx = warn_ctx, .ops = NULL};
    coalesce_tables(&c, dst, src, "", merge);
}

kz_value kz_values_subchart(const kz_value *parent_values, const char *name) {
    /* chartutil.Values.Table: walk the dot-separated path; a miss or a
     * non-map anywhere gives an empty table */
    const kz_value *cur = parent_values;
    const char *p = name;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        cur = cur && kz_is_map(cur) ? kz_map_get(cur, p, n) : NULL;
        if (!cur || !kz_is_map(cur)) return kz_with_gotype(kz_map(), KZ_GOTYPE_CHART_VALUES);
        if (!dot) break;
        p = dot + 1;
    }
    return kz_with_gotype(kz_copy(cur), KZ_GOTYPE_CHART_VALUES);
}
