/*
 * Go's unicode.IsLetter (categories L*) and unicode.IsDigit (Nd), exactly for
 * ASCII and from generated tables beyond it. Both references decide things by
 * them: go-yaml's map key order, and which runes text/template accepts in
 * identifiers.
 *
 * The tables come from the Unicode Character Database 14.0.0; Go 1.23 uses
 * 15.0, so characters added in 15.0 are missing (see docs/compatibility.md).
 */
#ifndef KZ_CORE_UNICODE_H
#define KZ_CORE_UNICODE_H

#include <stdbool.h>
#include <stdint.h>

bool kz_go_is_letter(uint32_t c);
bool kz_go_is_digit(uint32_t c);
/* unicode.IsSpace: what strings.TrimSpace and strings.Fields take for space. */
bool kz_go_is_space(uint32_t c);

/* Go's unicode.ToUpper, ToLower and ToTitle, from glibc's C.UTF-8 locale,
 * whose simple case mappings agree with Go 1.23's for every code point
 * (checked against helm's upper, lower and title over U+0080..U+2FFFF).
 * Thread-safe; ASCII only if the locale is missing. */
uint32_t kz_go_to_upper(uint32_t c);
uint32_t kz_go_to_lower(uint32_t c);
uint32_t kz_go_to_title(uint32_t c);

/* Go's unicode.IsUpper (Lu) and IsLower (Ll): glibc's upper and lower
 * classes without the cased symbols and numbers Go leaves out (U+0345,
 * Roman numerals, circled letters). */
bool kz_go_is_upper(uint32_t c);
bool kz_go_is_lower(uint32_t c);
bool kz_go_is_title(uint32_t c); /* unicode.IsTitle: the 31 runes of category Lt */

#endif
