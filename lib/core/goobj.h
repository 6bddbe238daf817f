/*
 * Go objects of the function library that Go prints through a method:
 * time.Time (core/gotime.h) and *semver.Version (a KZ_MAP with type hint
 * KZ_GOTYPE_SEMVER: Major Minor Patch (INT, uint64) Prerelease Metadata Original
 * (STRING)). fmt uses their String method; encoding/json their MarshalJSON.
 * Other values: both functions return false and append nothing.
 */
#ifndef KZ_CORE_GOOBJ_H
#define KZ_CORE_GOOBJ_H

#include <stdbool.h>

#include "core/buf.h"
#include "core/value.h"

/* Append the object's String() to out. */
bool kz_goobj_string(const kz_value *v, kz_buf *out);

/* Append the string encoding/json writes for the object (unquoted: the
 * caller quotes it as a JSON string). */
bool kz_goobj_json_string(const kz_value *v, kz_buf *out);

#endif
