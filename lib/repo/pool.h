/*
 * The compact storage of a loaded index (lib/repo internal).
 *
 * POOL. One arena per index (or per parsing thread, merged afterwards):
 * strings are copied in NUL-terminated and interned (one copy of "v2", of a
 * chart's name, of each maintainer...), blobs likewise. Strings and blobs
 * fill chunks of their own (kz_repo_pool_chunks), which the sidecar writes
 * out whole; raw memory comes from other chunks. Nothing in a pool is freed
 * before the pool; other blocks (a sidecar file's bytes) can be handed to it
 * to live as long.
 *
 * ENCODED VALUES. A version's `extra` is a list of fields
 *   [u8 field id + 1][value] ... [0]
 * (field ids: repo_field_* below, Metadata's fields then ChartVersion's),
 * each value encoded as
 *   'n' | 't' | 'f' | 'i' int64 | 'd' double | 's' varint-len bytes NUL |
 *   'q' u32-count values | 'm' u32-count (varint-len key NUL, value) pairs
 * (integers little-endian). Maps keep their order.
 */
#ifndef KZ_REPO_POOL_H
#define KZ_REPO_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/value.h"
#include "repo/index.h"

kz_repo_pool *kz_repo_pool_new(void);
void kz_repo_pool_free(kz_repo_pool *p);
/* An interned copy of s[0..n) (NUL-terminated). */
const char *kz_repo_pool_str(kz_repo_pool *p, const char *s, size_t n);
static inline const char *kz_repo_pool_strz(kz_repo_pool *p, const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return kz_repo_pool_str(p, s, n);
}
/* An interned copy of an encoded blob (self-delimiting, len bytes). */
const unsigned char *kz_repo_pool_blob(kz_repo_pool *p, const unsigned char *b, size_t len);
/* s[0..n) copied into the pool and NUL-terminated, not interned: for strings
 * that are unique anyway (digests, URLs, times), where hashing them into the
 * table only costs. */
const char *kz_repo_pool_copy(kz_repo_pool *p, const char *s, size_t n);
/* Raw memory (8-byte aligned), freed with the pool. */
void *kz_repo_pool_alloc(kz_repo_pool *p, size_t n);
/* block (malloc'd) is freed with the pool. */
void kz_repo_pool_adopt(kz_repo_pool *p, void *block);
/* Everything src holds now lives (and dies) with dst; src is freed. */
void kz_repo_pool_absorb(kz_repo_pool *dst, kz_repo_pool *src);
/* The string chunks: every string and blob of the pool (NUL-terminated,
 * unaligned, nothing else in between) lies in one of them, within its first
 * len bytes, all initialised. The sidecar writes them whole, so that a
 * string's place in the file is its chunk's place plus its offset in it.
 * Borrowed; valid until the pool next changes. */
typedef struct kz_repo_pool_chunk {
    const char *base;
    size_t len;
} kz_repo_pool_chunk;
const kz_repo_pool_chunk *kz_repo_pool_chunks(const kz_repo_pool *p, size_t *n);
/* Bytes held (for the benchmark). */
size_t kz_repo_pool_bytes(const kz_repo_pool *p);

/* Field ids (ChartVersion's JSON fields: Metadata's then its own). */
enum {
    RF_NAME, RF_HOME, RF_SOURCES, RF_VERSION, RF_DESCRIPTION, RF_KEYWORDS, RF_MAINTAINERS,
    RF_ICON, RF_API_VERSION, RF_CONDITION, RF_TAGS, RF_APP_VERSION, RF_DEPRECATED,
    RF_ANNOTATIONS, RF_KUBE_VERSION, RF_DEPENDENCIES, RF_TYPE, RF_URLS, RF_CREATED,
    RF_REMOVED, RF_DIGEST, RF_CHECKSUM, RF_ENGINE, RF_TILLER_VERSION, RF_URL, RF_COUNT
};
#define RF_FIRST_OWN RF_URLS
extern const char *const kz_repo_version_fields[RF_COUNT];

/* ---- encoding ---- */
void kz_repo_enc_u32(kz_buf *b, uint32_t v);
void kz_repo_enc_str(kz_buf *b, const char *s, size_t n); /* 's' value */
void kz_repo_enc_raw_str(kz_buf *b, const char *s, size_t n); /* varint-len bytes */
/* 'q'/'m' with a count patched later: returns the count's offset */
size_t kz_repo_enc_open(kz_buf *b, char tag);
void kz_repo_enc_close(kz_buf *b, size_t at, uint32_t count);
void kz_repo_enc_value(kz_buf *b, const kz_value *v);
/* Decode one value at *p (advanced past it). */
kz_value kz_repo_dec_value(const unsigned char **p);
/* Skip one value. */
void kz_repo_dec_skip(const unsigned char **p);
/* The encoded value of field `fid` in an extra list, or NULL. */
const unsigned char *kz_repo_extra_find(const unsigned char *extra, int fid);
/* Length in bytes of an encoded extra list (terminator included). */
size_t kz_repo_extra_len(const unsigned char *extra);
uint32_t kz_repo_get_u32(const unsigned char *p);
uint64_t kz_repo_get_varint(const unsigned char **p);

/* ---- versions ---- */

/* Fill v (zeroed first) from a normalized metadata MAP and the other fields
 * (borrowed: urls SEQ or NULL, created STRING or other, digest STRING or
 * other, deprecated MAP or other), all strings copied into the pool. */
void kz_repo_version_set(kz_repo_pool *p, kz_repo_chart_version *v, const kz_value *md, const kz_value *urls,
                         const kz_value *created, bool removed, const kz_value *digest,
                         const kz_value *deprecated);
/* v's semver from its version string (strings into the pool). */
void kz_repo_version_parse_semver(kz_repo_pool *p, kz_repo_chart_version *v);
/* Copy src (of another pool) into dst, in p. */
void kz_repo_version_copy(kz_repo_pool *p, kz_repo_chart_version *dst, const kz_repo_chart_version *src);

#endif
