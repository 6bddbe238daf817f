/*
 * kz_value: the one dynamic value type of kz.
 *
 * It holds YAML documents, template data and JSON alike: null, bool, int64,
 * float64, length-counted string, sequence and mapping. Errors travel as values
 * too: a failed parse returns an INVALID value carrying a message.
 *
 * Representation. A kz_value is a 16-byte struct passed by value. Null, bools,
 * numbers and strings of up to KZ_INLINE_MAX bytes live inside the struct; longer
 * strings, sequences and mappings live in a reference-counted heap block. Copying
 * a value is therefore a refcount increment, and containers are copy-on-write: a
 * mutation through a pointer first unshares the block if someone else holds it.
 * The refcount is not atomic: a value graph belongs to one thread at a time.
 *
 * THE OWNERSHIP RULE (the whole API follows it):
 *   - A kz_value passed BY VALUE is consumed: the callee owns it afterwards.
 *     Keep your own reference with kz_copy() first if you still need it.
 *   - A kz_value passed BY POINTER is borrowed: `const kz_value *` is only read,
 *     `kz_value *` is modified in place (its old contents released as needed).
 *   - A kz_value RETURNED BY VALUE is owned by the caller, who must kz_free() it.
 *   - A `const kz_value *` RETURNED (e.g. kz_map_get) points into a container and
 *     stays valid until that container is modified or freed. Don't free it.
 *   - `const char *` results (kz_str, kz_error_message) follow the same borrowing
 *     rule as the value they come from. For inline strings they point into the
 *     kz_value struct itself, so the struct must not move while they are used.
 *
 * Mappings keep insertion order; keys are strings (YAML keys of other types are
 * converted to their text by the parsers, as the references do). Lookup is a
 * linear scan for small maps and an open-addressing hash index from
 * KZ_MAP_INDEX_MIN entries on, so large maps stay O(1).
 *
 * Positions. Values made by the YAML parser remember where they came from: every
 * container knows its source name and start position, and the position of each
 * of its entries (for mappings: where the key starts; for sequences: where the
 * item starts). Values built in code have no positions (line 0).
 *
 * Out-of-memory aborts the process (see core/alloc.h): callers never check for it.
 */
#ifndef KZ_CORE_VALUE_H
#define KZ_CORE_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum kz_kind {
    KZ_INVALID = 0, /* an error, or "no value" (the zero-initialised struct) */
    KZ_NULL,
    KZ_BOOL,
    KZ_INT,    /* int64 */
    KZ_FLOAT,  /* float64 */
    KZ_STRING, /* bytes, length-counted; always NUL-terminated for convenience */
    KZ_SEQ,
    KZ_MAP,
} kz_kind;

/* Strings up to this many bytes are stored inside the struct (plus a NUL). */
#define KZ_INLINE_MAX 12
/* Maps with at least this many entries get a hash index. */
#define KZ_MAP_INDEX_MIN 9

/* Heap block headers. Internal: exposed only so that the hottest accessors below
 * can be inlined. Never touch these fields outside lib/core/value.c. */
typedef struct kz_heap {
    uint32_t refcnt;
    uint8_t kind;        /* KZ_STRING, KZ_SEQ, KZ_MAP, or KZ_INVALID for error messages */
    uint8_t pos_mode;    /* containers: what position data the block carries */
    uint8_t index_log2;  /* mappings with an index: log2 of its slot count */
    uint8_t fwd;         /* containers: moved; `index` points at the new block (kz_map_set_shared) */
} kz_heap;

typedef struct kz_str_heap_ {
    kz_heap h;
    size_t len;
    char data[];
} kz_str_heap_;

typedef struct kz_cont_heap_ {
    kz_heap h;
    uint32_t len, cap;
    uint32_t *index; /* mappings: open addressing, entry index + 1, 0 = empty */
} kz_cont_heap_;

typedef struct kz_value_inline_ {
    uint8_t kind;  /* kz_kind */
    uint8_t flags; /* KZ_VF_* below */
    uint8_t ilen;  /* inline string length */
    char ibuf[KZ_INLINE_MAX + 1]; /* inline string bytes (NUL-terminated) */
} kz_value_layout_; /* layout of an inline string; use kz_value below */

typedef struct kz_value {
    union {
        kz_value_layout_ s; /* inline strings */
        struct {
            uint8_t kind;
            uint8_t flags;
            uint8_t pad_[6];
            union {
                bool b;
                int64_t i;
                double f;
                struct kz_heap *h; /* long strings, sequences, mappings, errors */
            } u;
        } x;
    };
} kz_value;

/* Flags: hints that don't change the value's meaning as data. */
enum {
    KZ_VF_HEAP = 1 << 0,   /* u.h is valid and refcounted (internal) */
    KZ_VF_QUOTED = 1 << 1, /* YAML scalar was quoted or block (parser hint) */
    /* The same bit on an empty SEQ or MAP: Go's nil slice or map (an absent
     * list of Chart.yaml, a regexFindAll without match), which encoding/json
     * writes as null where an empty one is [] or {}. Ignored once not empty. */
    KZ_VF_NIL = 1 << 1,
    KZ_VF_UNSIGNED = 1 << 2, /* INT holding a uint64 above INT64_MAX (kz_uint) */
};

/*
 * Go type hints. Helm's templates see Go values, and some output depends on the
 * Go type, not just the data: `printf "%T"`, `typeOf`, `kindIs`, `%v` of a
 * []string versus a []interface{}. Bits 4..7 of the flags name the Go type;
 * zero means the kind's natural type:
 *   NULL -> nil (<nil>), BOOL -> bool, INT -> int (template constants, len),
 *   FLOAT -> float64, STRING -> string, SEQ -> []interface {},
 *   MAP -> map[string]interface {}.
 * The hint travels with the kz_value struct (a copy keeps it); it never changes
 * the data, so kz_equal ignores it. lib/tmpl names the types.
 */
#define KZ_VF_GOTYPE_SHIFT 3
#define KZ_VF_GOTYPE_MASK 0xF8 /* 5 bits: 32 Go types */
typedef enum kz_gotype {
    KZ_GOTYPE_NATURAL = 0,
    KZ_GOTYPE_INT64,        /* INT: int64 (Sprig's math results) */
    KZ_GOTYPE_INT32,        /* INT: int32 (a rune from Go code; template constants like 'a' are int) */
    KZ_GOTYPE_UINT8,        /* INT: uint8 (a byte: index of a string) */
    KZ_GOTYPE_UINT64,       /* INT: uint64 */
    KZ_GOTYPE_STRING_SLICE, /* SEQ of STRING: []string (splitList, keys) */
    KZ_GOTYPE_BYTES,        /* STRING: []uint8 (b64dec of bytes, .Files.GetBytes) */
    KZ_GOTYPE_STRING_MAP,   /* MAP of STRING: map[string]string */
    KZ_GOTYPE_INT_SLICE,    /* SEQ of INT: []int (until, untilStep) */
    /* Go objects of the function library, kept as MAPs (see core/gotime.h and
     * lib/funcs): fmt prints them with their String method or as a struct. */
    KZ_GOTYPE_TIME,         /* MAP: time.Time (now, toDate), core/gotime.h */
    KZ_GOTYPE_SEMVER,       /* MAP: *semver.Version {major minor patch pre metadata original} */
    KZ_GOTYPE_SEMVER_VALUE, /* MAP: semver.Version (IncMinor, SetPrerelease, ...), as SEMVER */
    KZ_GOTYPE_MONTH,        /* INT: time.Month (Time.Month): prints as "March" */
    KZ_GOTYPE_WEEKDAY,      /* INT: time.Weekday (Time.Weekday): prints as "Tuesday" */
    KZ_GOTYPE_DURATION,     /* INT: time.Duration in nanoseconds (Time.Sub): prints as "1h2m3s" */
    KZ_GOTYPE_LOCATION,     /* MAP: *time.Location (Time.Location) {loc zone offset}, core/gotime.h */
    KZ_GOTYPE_CERT,         /* MAP: sprig.certificate {Cert Key} (genCA, ...) */
    KZ_GOTYPE_SLICE_OF_SLICES, /* SEQ of SEQ: [][]interface {} (chunk) */
    KZ_GOTYPE_CHART_VALUES, /* MAP: chartutil.Values (a chart's top-level .Values) */
    KZ_GOTYPE_MAP_SLICE,    /* SEQ of MAP: []map[string]interface {} (TOML arrays of tables) */
    /* Helm's objects in a chart's templates (lib/chart): their methods are
     * registered in the function table (tmpl/funcs.h kz_tmpl_funcs_add_method) */
    KZ_GOTYPE_FILES,        /* MAP of BYTES: engine.files (.Files: Get, Glob, AsConfig, ...) */
    KZ_GOTYPE_CAPABILITIES, /* MAP: *chartutil.Capabilities (.Capabilities) */
    KZ_GOTYPE_KUBE_VERSION, /* MAP: chartutil.KubeVersion {Version Major Minor} */
    KZ_GOTYPE_VERSION_SET,  /* SEQ of STRING: chartutil.VersionSet (.Capabilities.APIVersions: Has) */
    KZ_GOTYPE_HELM_VERSION, /* MAP: version.BuildInfo (.Capabilities.HelmVersion) */
    KZ_GOTYPE_CHART_METADATA, /* MAP: struct { chart.Metadata; IsRoot bool } (.Chart) */
    KZ_GOTYPE_METADATA,     /* MAP: chart.Metadata (.Chart.Metadata) */
    KZ_GOTYPE_MAINTAINER,   /* MAP: *chart.Maintainer {Name Email URL} */
    KZ_GOTYPE_MAINTAINERS,  /* SEQ of MAINTAINER: []*chart.Maintainer */
    KZ_GOTYPE_DEPENDENCY,   /* MAP: *chart.Dependency */
    KZ_GOTYPE_DEPENDENCIES, /* SEQ of DEPENDENCY: []*chart.Dependency */
    KZ_GOTYPE_COUNT_        /* at most 32 (5 bits) */
} kz_gotype;

_Static_assert(KZ_GOTYPE_COUNT_ <= 32, "Go type hints have 5 bits");

static inline kz_gotype kz_gotype_of(const kz_value *v) {
    return (kz_gotype)((v->x.flags & KZ_VF_GOTYPE_MASK) >> KZ_VF_GOTYPE_SHIFT);
}
/* v with its Go type hint set (consumes v, returns it). */
static inline kz_value kz_with_gotype(kz_value v, kz_gotype t) {
    v.x.flags = (uint8_t)((v.x.flags & ~KZ_VF_GOTYPE_MASK) | ((unsigned)t << KZ_VF_GOTYPE_SHIFT));
    return v;
}

/* A MAP that is a Go map (map[string]interface{}, map[string]string,
 * chartutil.Values, engine.files), not a Go struct or pointer kept as a MAP
 * (time, semver, certificate, Helm's .Chart and .Capabilities). */
static inline bool kz_is_go_map(const kz_value *v) {
    if (v->x.kind != KZ_MAP) return false;
    kz_gotype t = kz_gotype_of(v);
    return t == KZ_GOTYPE_NATURAL || t == KZ_GOTYPE_STRING_MAP || t == KZ_GOTYPE_CHART_VALUES || t == KZ_GOTYPE_FILES;
}

typedef struct kz_pos {
    uint32_t line; /* 1-based; 0 = unknown */
    uint32_t col;  /* 1-based */
} kz_pos;

/* ---- constructors (all return owned values) ---- */
kz_value kz_null(void);
kz_value kz_bool(bool b);
kz_value kz_int(int64_t i);
/* An INT beyond int64, as kustomize keeps it (18446744073709551615). Values up to
 * INT64_MAX give a plain kz_int, so each number has one representation. */
kz_value kz_uint(uint64_t u);
kz_value kz_float(double f);
kz_value kz_string(const char *s);              /* NUL-terminated input */
kz_value kz_string_n(const char *s, size_t n);  /* n bytes, may contain NUL */
kz_value kz_string_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
kz_value kz_seq(void);
kz_value kz_seq_sized(size_t capacity);
kz_value kz_map(void);
kz_value kz_map_sized(size_t capacity);

/* Errors as values: an INVALID value, optionally with a message. */
kz_value kz_invalid(void);
kz_value kz_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The message of an error value, or NULL for a plain INVALID or a valid value. */
const char *kz_error_message(const kz_value *v);

/* ---- lifetime ---- */
kz_value kz_copy(const kz_value *v); /* another reference: O(1) */
void kz_free(kz_value v);            /* consumes; freeing INVALID/NULL is a no-op */
/* Deep copy: every map and list block is new, so that kz_map_set_shared on
 * the copy never reaches the original (Go's copystructure). Strings, which
 * never change in place, are shared by reference. Positions are kept. */
kz_value kz_deep_copy(const kz_value *v);
/* Whether target's container block is `from` itself or lies inside `from`:
 * storing `from` into target in place (kz_map_set_shared) would make a value
 * that contains itself, which no walker over values (printing, copying,
 * comparing, emitting) could finish. False when either is not a container.
 * Blocks shared by several holders are visited once. */
bool kz_reaches(const kz_value *from, const kz_value *target);

/* ---- inspection (borrowing) ---- */
static inline kz_kind kz_kind_of(const kz_value *v) { return (kz_kind)v->x.kind; }
static inline bool kz_is_valid(const kz_value *v) { return v->x.kind != KZ_INVALID; }
static inline bool kz_is_null(const kz_value *v) { return v->x.kind == KZ_NULL; }
static inline bool kz_is_string(const kz_value *v) { return v->x.kind == KZ_STRING; }
static inline bool kz_is_seq(const kz_value *v) { return v->x.kind == KZ_SEQ; }
static inline bool kz_is_map(const kz_value *v) { return v->x.kind == KZ_MAP; }
static inline bool kz_is_number(const kz_value *v) {
    return v->x.kind == KZ_INT || v->x.kind == KZ_FLOAT;
}
const char *kz_kind_name(kz_kind k); /* "null", "bool", "int", ... */

bool kz_bool_get(const kz_value *v);   /* false unless BOOL */
int64_t kz_int_get(const kz_value *v); /* INT (saturated), or FLOAT truncated; else 0 */
/* Whether v is an INT above INT64_MAX, and its value as uint64 (kz_uint). */
static inline bool kz_int_is_unsigned(const kz_value *v) {
    return v->x.kind == KZ_INT && (v->x.flags & KZ_VF_UNSIGNED);
}
static inline uint64_t kz_uint_get(const kz_value *v) { return (uint64_t)v->x.u.i; }
double kz_float_get(const kz_value *v);/* FLOAT, or INT converted; else 0 */
/* STRING bytes ("" for other kinds) and length (0 for other kinds). */
static inline const char *kz_str(const kz_value *v) {
    if (v->x.kind != KZ_STRING) return "";
    if (!(v->x.flags & KZ_VF_HEAP)) return v->s.ibuf;
    return ((const kz_str_heap_ *)v->x.u.h)->data;
}
static inline size_t kz_str_len(const kz_value *v) {
    if (v->x.kind != KZ_STRING) return 0;
    if (!(v->x.flags & KZ_VF_HEAP)) return v->s.ilen;
    return ((const kz_str_heap_ *)v->x.u.h)->len;
}
bool kz_str_eq(const kz_value *v, const char *s, size_t n); /* STRING equal to s[0..n) */
bool kz_str_eqz(const kz_value *v, const char *s);

/* Length of a sequence, mapping or string (bytes); 0 for scalars. */
static inline size_t kz_len(const kz_value *v) {
    if (v->x.kind == KZ_SEQ || v->x.kind == KZ_MAP) {
        const kz_cont_heap_ *c = (const kz_cont_heap_ *)v->x.u.h;
        while (c->h.fwd) c = (const kz_cont_heap_ *)(const void *)c->index;
        return c->len;
    }
    return kz_str_len(v);
}

/* An empty SEQ or MAP marked as Go's nil slice or map (consumes v, returns it). */
static inline kz_value kz_with_nil(kz_value v) {
    v.x.flags |= KZ_VF_NIL;
    return v;
}
/* Whether v is an empty SEQ or MAP that is Go's nil slice or map. */
static inline bool kz_is_nil_container(const kz_value *v) {
    return (v->x.kind == KZ_SEQ || v->x.kind == KZ_MAP) && (v->x.flags & KZ_VF_NIL) && kz_len(v) == 0;
}

/* ---- sequences ---- */
const kz_value *kz_seq_at(const kz_value *seq, size_t i); /* NULL if out of range */
/* The following modify *seq in place (copy-on-write) and consume `item`. */
void kz_seq_push(kz_value *seq, kz_value item);
void kz_seq_set(kz_value *seq, size_t i, kz_value item); /* i < len */
void kz_seq_insert(kz_value *seq, size_t i, kz_value item); /* i <= len */
void kz_seq_remove(kz_value *seq, size_t i);
void kz_seq_truncate(kz_value *seq, size_t len);
/* Pointer to item i for in-place modification; unshares *seq first. */
kz_value *kz_seq_at_mut(kz_value *seq, size_t i);

/* ---- mappings ---- */
const kz_value *kz_map_get(const kz_value *map, const char *key, size_t keylen);
const kz_value *kz_map_getz(const kz_value *map, const char *key);
/* Index of key, or -1. Entries are numbered in insertion order. */
ptrdiff_t kz_map_find(const kz_value *map, const char *key, size_t keylen);
const kz_value *kz_map_key_at(const kz_value *map, size_t i);   /* a STRING */
const kz_value *kz_map_value_at(const kz_value *map, size_t i);
/* Set key to val (both consumed; key must be a STRING). An existing key keeps its
 * place in the order; a new key is appended. */
void kz_map_set(kz_value *map, kz_value key, kz_value val);
void kz_map_setz(kz_value *map, const char *key, kz_value val);
/* Go's reference semantics, for Sprig's set, unset and merge: the mapping is
 * changed in place, so every holder of it sees the change (a template's
 * `set $d "k" v` changes $d wherever it is referenced). Everything else in
 * the API is copy-on-write. A non-mapping is left alone (key and val are
 * still consumed). */
void kz_map_set_shared(kz_value *map, kz_value key, kz_value val);
bool kz_map_remove_shared(kz_value *map, const char *key, size_t keylen);
/* Remove key; returns whether it was present. Later entries keep their order. */
bool kz_map_remove(kz_value *map, const char *key, size_t keylen);
/* Pointer to the value for in-place modification (unshares first); NULL if absent. */
kz_value *kz_map_get_mut(kz_value *map, const char *key, size_t keylen);
kz_value *kz_map_value_at_mut(kz_value *map, size_t i);
/* Sort entries by key with cmp (stable). Not recursive. */
typedef int (*kz_key_cmp_fn)(const char *a, size_t alen, const char *b, size_t blen);
void kz_map_sort(kz_value *map, kz_key_cmp_fn cmp);
/* Byte-wise key order (memcmp, shorter first on a tie), as Go sorts map keys. */
int kz_key_cmp_bytes(const char *a, size_t alen, const char *b, size_t blen);

/* ---- positions ---- */
/* A source name (a file name) for kz_set_node_pos that all the containers of a
 * parse share: a STRING kept in a heap block, so containers hold it by
 * reference. A short STRING made by kz_string works too, but is then copied
 * into each container. */
kz_value kz_source(const char *name);
/* Source name of a container made by a parser, or NULL. */
const char *kz_source_name(const kz_value *container);
kz_pos kz_node_pos(const kz_value *container); /* where the container starts */
kz_pos kz_entry_pos(const kz_value *container, size_t i); /* entry i of seq/map */
/* An empty SEQ or MAP (kind) with room for cap entries, already holding its
 * source and position: what kz_seq_sized + kz_set_node_pos give, in one
 * allocation instead of two (parsers make one per mapping and sequence). */
kz_value kz_container_at(kz_kind kind, size_t cap, const kz_value *source, kz_pos pos);
/* Record positions (used by parsers). `source` is borrowed and copied. */
void kz_set_node_pos(kz_value *container, const kz_value *source, kz_pos pos);
void kz_set_entry_pos(kz_value *container, size_t i, kz_pos pos);

/* ---- comparison and merging ---- */
/* Deep equality as data: kinds must match (INT 1 != FLOAT 1.0; INT compares
 * uint64 values too), strings by bytes,
 * sequences in order, mappings as sets of key/value pairs (order ignored).
 * Floats compare with ==, so NaN != NaN. */
bool kz_equal(const kz_value *a, const kz_value *b);
/* Like kz_equal, but mappings must also have the same key order. */
bool kz_identical(const kz_value *a, const kz_value *b);
/* Whether a and b are the same list or mapping (one shared block, as two Go
 * references to one map or slice), not merely equal. */
bool kz_same_block(const kz_value *a, const kz_value *b);

/* Deep merge of src into *dst, both mappings: keys of src missing from dst are
 * added; where both hold mappings they are merged recursively; otherwise the
 * value from src replaces dst's when `src_wins`, and is ignored when not.
 * Non-mapping dst or src: *dst becomes src when src_wins. src is borrowed. */
void kz_merge(kz_value *dst, const kz_value *src, bool src_wins);

/* ---- hashing (64-bit, in-process only: never stored; used by map indexes,
 * exposed for other tables) ---- */
uint64_t kz_hash_bytes(const char *s, size_t n);

#endif
