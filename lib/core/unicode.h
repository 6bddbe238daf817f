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

#endif
