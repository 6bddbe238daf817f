/*
 * Scalar resolution for the YAML parser (internal to lib/yaml/parse*.c).
 *
 * Plain scalars are classified without allocation or regex: a first-byte switch
 * sends most strings straight to "string"; candidates for null/bool/number are
 * checked by hand-written scanners that follow go-yaml's rules (see parse.h).
 */
#ifndef KZ_YAML_PARSE_SCALAR_H
#define KZ_YAML_PARSE_SCALAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "yaml/parse.h"

typedef enum kz_scalar_class {
    KZ_SC_STRING,
    KZ_SC_NULL,
    KZ_SC_BOOL,
    KZ_SC_INT,   /* fits int64: .i */
    KZ_SC_UINT,  /* above INT64_MAX, fits uint64: .u */
    KZ_SC_FLOAT, /* .f (may be inf/nan) */
    KZ_SC_MERGE, /* "<<" */
} kz_scalar_class;

typedef struct kz_scalar {
    kz_scalar_class cls;
    bool b;
    int64_t i;
    uint64_t u;
    double f;
} kz_scalar;

/* Resolve the text of a PLAIN scalar under the schema's implicit rules. */
kz_scalar kz_yaml_resolve_plain(const char *s, size_t n, kz_yaml_schema schema);

/* go-yaml's short tag name of a class ("str", "int", ...), for error messages. */
const char *kz_yaml_class_tag(kz_scalar_class cls);

/* KYAML: if s is a YAML timestamp go-yaml v3 accepts, append its RFC 3339
 * (RFC3339Nano) form to out and return true. */
bool kz_yaml_timestamp_rfc3339(const char *s, size_t n, kz_buf *out);



/* Go's strconv.FormatFloat(f, 'g', -1, 32): how sigs.k8s.io/yaml names float keys. */
void kz_yaml_format_float32_g(kz_buf *out, double f);

#endif
