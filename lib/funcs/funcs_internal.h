/*
 * Shared by the function families of lib/funcs: registration entry points
 * and Go's conversion rules (conv.c).
 *
 * Conventions for a family file (strings.c, math.c, ...):
 *   - functions follow tmpl/funcs.h's calling convention: borrowed arguments
 *     (nil arrives as a NULL value), an owned result or an error value;
 *   - Sprig declares most parameters with Go types: register them with
 *     kz_tmpl_funcs_add_typed so the executor converts and rejects arguments
 *     with Go's messages; interface{} parameters are 'v';
 *   - results carry the Go type hint of what Sprig returns (core/value.h:
 *     int64 for the integer math, []string for splitList, ...), since typeOf,
 *     kindIs, printf %T and comparisons see them;
 *   - a Go panic in Sprig (helm reports "error calling X: ...") is an error
 *     value with the message helm printed.
 */
#ifndef KZ_FUNCS_INTERNAL_H
#define KZ_FUNCS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/value.h"
#include "funcs/funcs.h"
#include "tmpl/exec.h"
#include "tmpl/funcs.h"

/* ---- registration, one per family file ---- */
void kz_funcs_register_strings(kz_tmpl_funcs *t); /* strings.c */
void kz_funcs_register_regex(kz_tmpl_funcs *t);   /* regex.c */
void kz_funcs_register_paths(kz_tmpl_funcs *t);   /* paths.c: paths, os paths, URLs */
void kz_funcs_register_math(kz_tmpl_funcs *t);    /* math.c */
void kz_funcs_register_conv(kz_tmpl_funcs *t);    /* conv.c: int, int64, float64, atoi, toDecimal, toString, toStrings */
void kz_funcs_register_flow(kz_tmpl_funcs *t);    /* flow.c: default, empty, coalesce, all, any, ternary, fail */
void kz_funcs_register_types(kz_tmpl_funcs *t);   /* types.c: typeOf ... deepEqual */
void kz_funcs_register_semver(kz_tmpl_funcs *t);  /* semver.c */
void kz_funcs_register_lists(kz_tmpl_funcs *t);   /* lists.c */
void kz_funcs_register_dicts(kz_tmpl_funcs *t);   /* dicts.c */
void kz_funcs_register_dates(kz_tmpl_funcs *t);   /* dates.c */
void kz_funcs_register_crypto(kz_tmpl_funcs *t);  /* crypto.c: keys, certificates, hashes of passwords, AES */
void kz_funcs_register_random(kz_tmpl_funcs *t);  /* random.c: rand*, randInt, randBytes, uuidv4, shuffle */
void kz_funcs_register_encoding(kz_tmpl_funcs *t);/* encoding.c: base64/32, sums, JSON, YAML, TOML */
void kz_funcs_register_toml(kz_tmpl_funcs *t);    /* toml.c: toToml, fromToml */
void kz_funcs_register_yamlv3(kz_tmpl_funcs *t);  /* yamlv3.c: toYamlPretty (go-yaml v3's encoder) */
void kz_funcs_register_helm(kz_tmpl_funcs *t);    /* helm.c: include, tpl, required, lookup, getHostByName */

/* reflect.DeepEqual on template values (types.c), for deepEqual, has,
 * without, uniq and the like: nil equals only nil, the Go types must match
 * (int 1 is neither float64 1 nor int64 1), then the data; a map or list is
 * equal to itself without a look inside, as in Go. */
bool kz_funcs_deep_equal(const kz_value *a, const kz_value *b);

/* ---- Go's conversions (conv.c) ---- */

/* spf13/cast v1.7 (what Sprig's toInt64/toInt/toFloat64 call): numbers
 * convert (floats truncate toward zero, out of range as Go on amd64 does),
 * bools are 1/0, strings parse with strconv (ParseInt base 0 after dropping
 * a zero decimal part "1.0"; ParseFloat), nil and everything else is 0. */
int64_t kz_cast_to_int64(const kz_value *v);
double kz_cast_to_float64(const kz_value *v);

/* Sprig's strval: strings and []byte as they are, time/semver through String(),
 * everything else as fmt's %v. Appends to out. */
void kz_strval(const kz_value *v, kz_buf *out);
/* The same as an owned STRING value. */
kz_value kz_strval_value(const kz_value *v);
/* A String() method of a Go object kept as a kz_value (core/goobj.h):
 * time.Duration, Month, Weekday, *Location, semver.Version. */
kz_value kz_funcs_method_string(kz_tmpl_call *c, size_t argc, const kz_value *argv);

/* Sprig's empty(): nil, false, 0, 0.0, "" and empty lists/maps are empty;
 * Go objects (time, certificates, ...) are not. */
bool kz_go_empty(const kz_value *v);

/* n cryptographically random bytes (OpenSSL), for every random function. */
void kz_funcs_random_bytes(void *p, size_t n);

/* An INT value with a Go type hint (int64 for Sprig's math, int for len/atoi). */
static inline kz_value kz_go_int64(int64_t i) { return kz_with_gotype(kz_int(i), KZ_GOTYPE_INT64); }
static inline kz_value kz_go_int(int64_t i) { return kz_int(i); }

#endif
