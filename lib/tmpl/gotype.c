/* Go type names of template values (see gotype.h). */
#include "tmpl/gotype.h"

bool kz_gotype_is_unsigned(const kz_value *v) {
    if (kz_kind_of(v) != KZ_INT) return false;
    kz_gotype t = kz_gotype_of(v);
    return t == KZ_GOTYPE_UINT8 || t == KZ_GOTYPE_UINT64 || kz_int_is_unsigned(v);
}

/* INT types share names between %T and reflect.Kind. */
static const char *int_type_name(const kz_value *v) {
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_INT64: return "int64";
    case KZ_GOTYPE_INT32: return "int32";
    case KZ_GOTYPE_UINT8: return "uint8";
    case KZ_GOTYPE_UINT64: return "uint64";
    default: return kz_int_is_unsigned(v) ? "uint64" : "int";
    }
}

/* %T of an INT: time's named integer types, else the integer type. */
static const char *int_named_type(const kz_value *v) {
    switch (kz_gotype_of(v)) {
    case KZ_GOTYPE_MONTH: return "time.Month";
    case KZ_GOTYPE_WEEKDAY: return "time.Weekday";
    case KZ_GOTYPE_DURATION: return "time.Duration";
    default: return int_type_name(v);
    }
}

/* reflect.Kind of an INT: Duration is an int64, Month and Weekday ints. */
static const char *int_kind_name(const kz_value *v) {
    return kz_gotype_of(v) == KZ_GOTYPE_DURATION ? "int64" : int_type_name(v);
}

const char *kz_gotype_name(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: return "bool";
    case KZ_INT: return int_named_type(v);
    case KZ_FLOAT: return "float64";
    case KZ_STRING: return kz_gotype_of(v) == KZ_GOTYPE_BYTES ? "[]uint8" : "string";
    case KZ_SEQ:
        switch (kz_gotype_of(v)) {
        case KZ_GOTYPE_STRING_SLICE: return "[]string";
        case KZ_GOTYPE_INT_SLICE: return "[]int";
        case KZ_GOTYPE_SLICE_OF_SLICES: return "[][]interface {}";
        case KZ_GOTYPE_MAP_SLICE: return "[]map[string]interface {}";
        case KZ_GOTYPE_VERSION_SET: return "chartutil.VersionSet";
        case KZ_GOTYPE_MAINTAINERS: return "[]*chart.Maintainer";
        case KZ_GOTYPE_DEPENDENCIES: return "[]*chart.Dependency";
        default: return "[]interface {}";
        }
    case KZ_MAP:
        switch (kz_gotype_of(v)) {
        case KZ_GOTYPE_STRING_MAP: return "map[string]string";
        case KZ_GOTYPE_TIME: return "time.Time";
        case KZ_GOTYPE_SEMVER: return "*semver.Version";
        case KZ_GOTYPE_SEMVER_VALUE: return "semver.Version";
        case KZ_GOTYPE_LOCATION: return "*time.Location";
        case KZ_GOTYPE_CERT: return "sprig.certificate";
        case KZ_GOTYPE_CHART_VALUES: return "chartutil.Values";
        case KZ_GOTYPE_FILES: return "engine.files";
        case KZ_GOTYPE_CAPABILITIES: return "*chartutil.Capabilities";
        case KZ_GOTYPE_KUBE_VERSION: return "chartutil.KubeVersion";
        case KZ_GOTYPE_HELM_VERSION: return "version.BuildInfo";
        case KZ_GOTYPE_CHART_METADATA: return "struct { chart.Metadata; IsRoot bool }";
        case KZ_GOTYPE_METADATA: return "chart.Metadata";
        case KZ_GOTYPE_MAINTAINER: return "*chart.Maintainer";
        case KZ_GOTYPE_DEPENDENCY: return "*chart.Dependency";
        default: return "map[string]interface {}";
        }
    default: return "<nil>";
    }
}

const char *kz_gokind_name(const kz_value *v) {
    switch (kz_kind_of(v)) {
    case KZ_BOOL: return "bool";
    case KZ_INT: return int_kind_name(v);
    case KZ_FLOAT: return "float64";
    case KZ_STRING: return kz_gotype_of(v) == KZ_GOTYPE_BYTES ? "slice" : "string";
    case KZ_SEQ: return "slice";
    case KZ_MAP:
        switch (kz_gotype_of(v)) {
        case KZ_GOTYPE_TIME:
        case KZ_GOTYPE_SEMVER_VALUE:
        case KZ_GOTYPE_CERT:
        case KZ_GOTYPE_KUBE_VERSION:
        case KZ_GOTYPE_HELM_VERSION:
        case KZ_GOTYPE_CHART_METADATA:
        case KZ_GOTYPE_METADATA: return "struct";
        case KZ_GOTYPE_SEMVER:
        case KZ_GOTYPE_LOCATION:
        case KZ_GOTYPE_MAINTAINER:
        case KZ_GOTYPE_DEPENDENCY:
        case KZ_GOTYPE_CAPABILITIES: return "ptr";
        default: return "map";
        }
    default: return "invalid";
    }
}
