/*
 * Go objects kept as KZ_MAPs with a type hint (core/value.h).
 *
 * Objects Go prints through a method: time.Time (core/gotime.h),
 * *semver.Version and semver.Version (KZ_GOTYPE_SEMVER, _SEMVER_VALUE: Go's
 * own unexported fields major minor patch (INT, uint64) pre metadata original
 * (STRING); templates reach them through methods only), and the integers
 * time.Month, time.Weekday and time.Duration (INT). fmt uses their String
 * method; encoding/json their MarshalJSON (the integers are numbers there).
 *
 * Keys of these objects that start with a lower-case letter are internal:
 * a template never sees them as fields (kz_goobj_internal_key).
 *
 * Go structs of Helm's template objects (lib/chart/objects.h): .Capabilities
 * (*chartutil.Capabilities), its KubeVersion and HelmVersion, .Chart and its
 * Maintainers and Dependencies. Their MAP holds every field under its Go name;
 * the field table below gives Go's field order and encoding/json's names and
 * omitempty, which toJson and toYaml follow (not the sorted keys of a map).
 */
#ifndef KZ_CORE_GOOBJ_H
#define KZ_CORE_GOOBJ_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/value.h"

/* Append the object's String() to out. For Helm's structs: what a template
 * action prints for them (`{{ .Capabilities.KubeVersion }}` calls its
 * pointer-receiver String(); the others print as Go's %v of the struct,
 * pointers inside shown as &{...} where Go shows an address). */
bool kz_goobj_string(const kz_value *v, kz_buf *out);

/* Append fmt's %#v of the object where Go has its own form: time.Time's
 * GoString ("time.Date(2024, time.March, 5, 0, 0, 0, 0, time.UTC)") and the
 * semver structs ("&semver.Version{major:0x1, ..., original:\"v1.2.3\"}").
 * False (nothing appended) for other values. */
bool kz_goobj_go_syntax(const kz_value *v, kz_buf *out);

/* Whether name[0..len) is an unexported field of the object's Go struct
 * ("original" of a semver.Version, "loc" of a time.Time): Go's evalField
 * then fails with "NAME is an unexported field of struct type T". */
bool kz_goobj_unexported_field(const kz_value *v, const char *name, size_t len);

/* Whether name[0..len) would be one of kz's internal keys of a struct-like
 * object (one starting with a lower-case letter), which a template must not
 * see: "can't evaluate field NAME" as for any other missing field. */
bool kz_goobj_internal_key(const kz_value *v, const char *name, size_t len);

/* Append the string encoding/json writes for the object (unquoted: the
 * caller quotes it as a JSON string). */
bool kz_goobj_json_string(const kz_value *v, kz_buf *out);

/* One field of a Go struct. */
typedef struct kz_goobj_field {
    const char *name; /* Go field name: the key in the MAP */
    const char *json; /* encoding/json's name for it */
    bool omitempty;   /* `json:",omitempty"`: left out when empty (kz_goobj_is_empty) */
} kz_goobj_field;

/* The fields of a struct-like object in Go's order (an embedded struct's
 * fields promoted in its place, as encoding/json inlines them), *n set; NULL
 * for every other value. */
const kz_goobj_field *kz_goobj_struct_fields(const kz_value *v, size_t *n);

/* encoding/json's emptiness for omitempty: false, 0, "", nil, and empty
 * slices and maps. */
bool kz_goobj_is_empty(const kz_value *v);

/* What encoding/json makes of a struct-like object, as a natural MAP: JSON
 * name -> field value in field order, omitempty fields that are empty left
 * out. Values are shared (nested objects keep their type hints: convert them
 * in turn). INVALID for a value without a field table. */
kz_value kz_goobj_json_view(const kz_value *v);

#endif
