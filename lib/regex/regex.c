/*
 * Go regexp on PCRE2: a translator from Go's RE2 syntax to a PCRE2 pattern (with
 * Go's parse errors), and Go's FindAll / ReplaceAll / Split loops on top of
 * pcre2_match. See regex.h for the contract.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "regex/regex.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/unicode.h"
#include "core/utf8.h"

struct kz_regex {
    pcre2_code *code;
    bool empty_source;  /* Split of "": [""] unless the pattern is empty too */
    uint32_t ngroups;
    char **names;       /* names[1..ngroups]: group name or NULL */
};

/* ------------------------------------------------------------------ UTF-8 */

/* Length of the valid UTF-8 sequence at s[0..n), 0 if invalid; *cp its rune. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
    size_t w = kz_utf8_valid_len(s, n);
    if (w) kz_utf8_decode(s, n, cp);
    return w;
}

/* Go steps over one rune when it must advance; an invalid byte is one rune. */
static size_t rune_width_at(const char *s, size_t n, size_t pos) {
    uint32_t cp;
    if (pos >= n) return 1;
    size_t w = utf8_decode((const unsigned char *)s + pos, n - pos, &cp);
    return w ? w : 1;
}

/* ------------------------------------------------------------ translator */

enum { FL_I = 1, FL_M = 2, FL_S = 4, FL_U = 8 };
typedef enum { PREV_NONE, PREV_ATOM, PREV_REPEAT } prev_kind;

typedef struct translator {
    const char *p;
    size_t n, i;
    kz_buf out;
    kz_value err;          /* INVALID without message while all is well */
    bool failed;
    unsigned flags;        /* the current i/m/s/U flags */
    unsigned *saved_flags; /* flags to restore at each open group's ')' */
    unsigned long *saved_weight; /* group_weight of each enclosing group */
    /* Go refuses counted repetitions nesting into more than 1000 copies: the
     * weight of an operand is the product of the counts inside it. */
    unsigned long group_weight; /* heaviest operand so far in the current group */
    unsigned long atom_weight;  /* weight of the operand a repetition would take */
    size_t depth, saved_cap;
    prev_kind prev;
    size_t repeat_start;   /* where the last repetition operator began */
    /* Go applies a repetition after (?flags) to the operand before it (and
     * forgets any repetition already there: a*(?i)* is valid). PCRE2 refuses
     * a quantifier after an option setting, so the operand is rewrapped. */
    size_t operand_out;    /* where the last operand begins in out */
    size_t flags_out;      /* where flag settings after it begin, or SIZE_MAX */
    unsigned operand_flags; /* the flags the operand was translated with */
    size_t *saved_out;     /* out offset of each open group's '(' */
    char **names;          /* names[1..ngroups] */
    uint32_t ngroups, names_cap;
} translator;

static void fail(translator *t, const char *code, const char *arg, size_t arg_len) {
    if (t->failed) return;
    t->failed = true;
    t->err = kz_error("error parsing regexp: %s: `%.*s`", code, (int)arg_len, arg);
}

static void emit(translator *t, const char *s) { kz_buf_puts(&t->out, s); }

/* A code point as a PCRE2 literal: alphanumerics as is, the rest as \x{...}, so
 * no character can be taken for PCRE2 syntax Go doesn't have (like a{,2}). */
static void emit_rune(translator *t, uint32_t cp) {
    if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
        kz_buf_putc(&t->out, (char)cp);
    else
        kz_buf_printf(&t->out, "\\x{%x}", (unsigned)cp);
}

static bool at_end(const translator *t) { return t->i >= t->n; }
static char peek(const translator *t, size_t k) { return t->i + k < t->n ? t->p[t->i + k] : '\0'; }

/* Read one rune of the pattern (Go rejects invalid UTF-8 in patterns). */
static bool next_rune(translator *t, uint32_t *cp) {
    size_t w = utf8_decode((const unsigned char *)t->p + t->i, t->n - t->i, cp);
    if (w == 0) {
        fail(t, "invalid UTF-8", t->p + t->i, t->n - t->i);
        return false;
    }
    t->i += w;
    return true;
}

static bool is_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void fail_escape(translator *t, size_t start) {
    fail(t, "invalid escape sequence", t->p + start, t->i - start);
}

/* \x41 or \x{3b1}; t->i is just after the 'x'. */
static bool parse_hex_escape(translator *t, size_t start, uint32_t *cp) {
    uint32_t v = 0;
    if (peek(t, 0) == '{') {
        t->i++;
        size_t digits = 0;
        while (!at_end(t) && hex_value(peek(t, 0)) >= 0) {
            if (v <= 0x10FFFF) v = v * 16 + (uint32_t)hex_value(peek(t, 0));
            t->i++;
            digits++;
        }
        if (v > 0x10FFFF) {
            fail_escape(t, start);
            return false;
        }
        if (digits == 0 || peek(t, 0) != '}') {
            if (!at_end(t)) t->i++;
            fail_escape(t, start);
            return false;
        }
        t->i++;
    } else {
        for (int k = 0; k < 2; k++) {
            int h = hex_value(peek(t, 0));
            if (h < 0) {
                if (!at_end(t)) t->i++;
                fail_escape(t, start);
                return false;
            }
            v = v * 16 + (uint32_t)h;
            t->i++;
        }
    }
    *cp = v;
    return true;
}

/* A character escape (t->i at the backslash): Go's \a \f \t \n \r \v, octal,
 * hex, and backslash + ASCII punctuation. Anything else is an error. */
static bool parse_char_escape(translator *t, uint32_t *cp) {
    size_t start = t->i;
    t->i++;
    if (at_end(t)) {
        fail(t, "trailing backslash at end of expression", "", 0);
        return false;
    }
    char c = peek(t, 0);
    if (c >= '1' && c <= '7' && !(peek(t, 1) >= '0' && peek(t, 1) <= '7')) {
        t->i++;
        fail_escape(t, start); /* a backreference */
        return false;
    }
    if (c >= '0' && c <= '7') {
        uint32_t v = (uint32_t)(c - '0');
        t->i++;
        for (int k = 0; k < 2 && peek(t, 0) >= '0' && peek(t, 0) <= '7'; k++, t->i++)
            v = v * 8 + (uint32_t)(peek(t, 0) - '0');
        *cp = v;
        return true;
    }
    if (c == 'x') {
        t->i++;
        return parse_hex_escape(t, start, cp);
    }
    static const char controls[] = "a\af\ft\tn\nr\rv\v";
    for (const char *k = controls; *k; k += 2)
        if (c == k[0]) { t->i++; *cp = (unsigned char)k[1]; return true; }
    if ((unsigned char)c < 0x80 && !is_alnum(c)) {
        t->i++;
        *cp = (unsigned char)c;
        return true;
    }
    uint32_t ignored;
    if (!next_rune(t, &ignored)) return false;
    fail_escape(t, start);
    return false;
}

static bool is_go_category(const char *name, size_t len) {
    static const char *const cats[] = {
        "Any", "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc",
        "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps",
        "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs"};
    for (size_t k = 0; k < sizeof cats / sizeof cats[0]; k++)
        if (strlen(cats[k]) == len && memcmp(cats[k], name, len) == 0) return true;
    return false;
}

/* Go 1.23's unicode.Scripts (Unicode 15.0). PCRE2 knows these names too, and
 * looser spellings (greek, Grek) that Go rejects. */
static const char *const go_scripts[] = {
    "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", 
    "Bamum", "Bassa_Vah", "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", 
    "Buginese", "Buhid", "Canadian_Aboriginal", "Carian", "Caucasian_Albanian", "Chakma", 
    "Cham", "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform", "Cypriot", 
    "Cypro_Minoan", "Cyrillic", "Deseret", "Devanagari", "Dives_Akuru", "Dogra", "Duployan", 
    "Egyptian_Hieroglyphs", "Elbasan", "Elymaic", "Ethiopic", "Georgian", "Glagolitic", 
    "Gothic", "Grantha", "Greek", "Gujarati", "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul", 
    "Hanifi_Rohingya", "Hanunoo", "Hatran", "Hebrew", "Hiragana", "Imperial_Aramaic", 
    "Inherited", "Inscriptional_Pahlavi", "Inscriptional_Parthian", "Javanese", "Kaithi", 
    "Kannada", "Katakana", "Kawi", "Kayah_Li", "Kharoshthi", "Khitan_Small_Script", "Khmer", 
    "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha", "Limbu", "Linear_A", "Linear_B", "Lisu", 
    "Lycian", "Lydian", "Mahajani", "Makasar", "Malayalam", "Mandaic", "Manichaean", "Marchen", 
    "Masaram_Gondi", "Medefaidrin", "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive", 
    "Meroitic_Hieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Multani", "Myanmar", 
    "Nabataean", "Nag_Mundari", "Nandinagari", "New_Tai_Lue", "Newa", "Nko", "Nushu", 
    "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian", "Old_Italic", 
    "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian", 
    "Old_Turkic", "Old_Uyghur", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong", "Palmyrene", 
    "Pau_Cin_Hau", "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan", 
    "Saurashtra", "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian", 
    "Sora_Sompeng", "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", 
    "Tai_Le", "Tai_Tham", "Tai_Viet", "Takri", "Tamil", "Tangsa", "Tangut", "Telugu", "Thaana", 
    "Thai", "Tibetan", "Tifinagh", "Tirhuta", "Toto", "Ugaritic", "Vai", "Vithkuqi", "Wancho", 
    "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square"
};

static bool is_go_script(const char *name, size_t len) {
    for (size_t k = 0; k < sizeof go_scripts / sizeof go_scripts[0]; k++)
        if (strlen(go_scripts[k]) == len && memcmp(go_scripts[k], name, len) == 0) return true;
    return false;
}

/* \pL, \p{Greek}, \P{Lu}, \p{^Lu} (t->i at the backslash): emitted as PCRE2's
 * \p{...} / \P{...}, which mean the same sets. */
static bool parse_unicode_class(translator *t) {
    size_t start = t->i;
    bool negate = peek(t, 1) == 'P';
    t->i += 2;
    const char *name;
    size_t len;
    if (peek(t, 0) == '{') {
        const char *close = memchr(t->p + t->i, '}', t->n - t->i);
        if (!close) {
            t->i = t->n;
            fail(t, "invalid character class range", t->p + start, t->i - start);
            return false;
        }
        name = t->p + t->i + 1;
        len = (size_t)(close - name);
        t->i = (size_t)(close - t->p) + 1;
    } else {
        uint32_t cp;
        name = t->p + t->i;
        if (at_end(t)) {
            fail(t, "invalid character class range", t->p + start, t->i - start);
            return false;
        }
        if (!next_rune(t, &cp)) return false;
        len = (size_t)(t->p + t->i - name);
    }
    if (len > 0 && name[0] == '^') {
        negate = !negate;
        name++;
        len--;
    }
    if (!is_go_category(name, len) && !is_go_script(name, len)) {
        fail(t, "invalid character class range", t->p + start, t->i - start);
        return false;
    }
    /* Go folds a class under (?i): the cased-letter categories then all mean
     * "any cased letter", PCRE2's L&. */
    bool cased = len == 2 && name[0] == 'L' && (name[1] == 'u' || name[1] == 'l' || name[1] == 't');
    if ((t->flags & FL_I) && cased) {
        emit(t, negate ? "\\P{L&}" : "\\p{L&}");
        return true;
    }
    kz_buf_printf(&t->out, "\\%c{%.*s}", negate ? 'P' : 'p', (int)len, name);
    return true;
}

/* Go's Perl classes: \d \w as PCRE2 without UCP (ASCII); \s is [\t\n\f\r ] in
 * Go but also \v in PCRE2, so it is spelled out. in_class: inside [...]. */
static bool emit_perl_class(translator *t, char c, bool in_class) {
    switch (c) {
    case 'd': case 'D': case 'w': case 'W':
        kz_buf_printf(&t->out, "\\%c", c);
        return true;
    case 's':
        emit(t, in_class ? "\\t\\n\\f\\r\\x{20}" : "[\\t\\n\\f\\r\\x{20}]");
        return true;
    case 'S':
        emit(t, in_class ? "\\x{0}-\\x{8}\\x{b}\\x{e}-\\x{1f}\\x{21}-\\x{10ffff}"
                         : "[^\\t\\n\\f\\r\\x{20}]");
        return true;
    default:
        return false;
    }
}

static bool is_posix_name(const char *name, size_t len) {
    static const char *const names[] = {"alnum", "alpha", "ascii", "blank", "cntrl", "digit",
                                        "graph", "lower", "print", "punct", "space", "upper",
                                        "word", "xdigit"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strlen(names[k]) == len && memcmp(names[k], name, len) == 0) return true;
    return false;
}

/* [:alpha:] or [:^alpha:] at t->i inside a class: 1 if emitted, 0 if this is
 * no POSIX class (then '[' is a literal), -1 on error. */
static int parse_posix_class(translator *t) {
    if (peek(t, 0) != '[' || peek(t, 1) != ':') return 0;
    const char *from = t->p + t->i + 2;
    const char *end = t->p + t->n;
    const char *close = NULL;
    for (const char *q = from; q + 1 < end; q++)
        if (q[0] == ':' && q[1] == ']') { close = q; break; }
    if (!close) return 0;
    size_t whole = (size_t)(close + 2 - (t->p + t->i));
    const char *name = from;
    size_t len = (size_t)(close - from);
    bool negate = len > 0 && name[0] == '^';
    if (negate) { name++; len--; }
    if (!is_posix_name(name, len)) {
        fail(t, "invalid character class range", t->p + t->i, whole);
        return -1;
    }
    if (negate) {
        kz_buf_printf(&t->out, "[:^%.*s:]", (int)len, name);
    } else {
        /* Spelled out as ranges, which PCRE2 case-folds as Go does under (?i)
         * (its [:upper:] would not take in the long s or the Kelvin sign). */
        static const char *const ranges[][2] = {
            {"alnum", "0-9A-Za-z"}, {"alpha", "A-Za-z"}, {"ascii", "\\x{0}-\\x{7f}"},
            {"blank", "\\t\\x{20}"}, {"cntrl", "\\x{0}-\\x{1f}\\x{7f}"}, {"digit", "0-9"},
            {"graph", "!-~"}, {"lower", "a-z"}, {"print", "\\x{20}-~"},
            {"punct", "!-/:-@\\[-`{-~"}, {"space", "\\t\\n\\x{b}\\f\\r\\x{20}"},
            {"upper", "A-Z"}, {"word", "0-9A-Za-z_"}, {"xdigit", "0-9A-Fa-f"}};
        for (size_t k = 0; k < sizeof ranges / sizeof ranges[0]; k++)
            if (strlen(ranges[k][0]) == len && memcmp(ranges[k][0], name, len) == 0)
                emit(t, ranges[k][1]);
    }
    t->i += whole;
    return 1;
}

/* One class character: a rune or a character escape. */
static bool parse_class_char(translator *t, uint32_t *cp) {
    if (peek(t, 0) == '\\') return parse_char_escape(t, cp);
    return next_rune(t, cp);
}

/* [...] at t->i. */
static bool parse_class(translator *t) {
    size_t start = t->i;
    t->i++;
    emit(t, "[");
    if (peek(t, 0) == '^') { emit(t, "^"); t->i++; }
    bool first = true;
    for (;;) {
        if (at_end(t)) {
            fail(t, "missing closing ]", t->p + start, t->n - start);
            return false;
        }
        if (peek(t, 0) == ']' && !first) break;
        first = false;
        int posix = parse_posix_class(t);
        if (posix < 0) return false;
        if (posix > 0) continue;
        if (peek(t, 0) == '\\' && (peek(t, 1) == 'p' || peek(t, 1) == 'P')) {
            if (!parse_unicode_class(t)) return false;
            continue;
        }
        if (peek(t, 0) == '\\' && emit_perl_class(t, peek(t, 1), true)) {
            t->i += 2;
            continue;
        }
        size_t range_start = t->i;
        uint32_t lo, hi;
        if (!parse_class_char(t, &lo)) return false;
        hi = lo;
        if (peek(t, 0) == '-' && t->i + 1 < t->n && peek(t, 1) != ']') {
            t->i++;
            if (!parse_class_char(t, &hi)) return false;
            if (hi < lo) {
                fail(t, "invalid character class range", t->p + range_start, t->i - range_start);
                return false;
            }
        }
        kz_buf_printf(&t->out, "\\x{%x}", (unsigned)lo);
        if (hi != lo) kz_buf_printf(&t->out, "-\\x{%x}", (unsigned)hi);
    }
    t->i++;
    emit(t, "]");
    return true;
}

static void push_flags(translator *t) {
    if (t->depth == t->saved_cap) {
        t->saved_cap = t->saved_cap ? t->saved_cap * 2 : 8;
        t->saved_flags = kz_xrealloc(t->saved_flags, t->saved_cap * sizeof *t->saved_flags);
        t->saved_weight = kz_xrealloc(t->saved_weight, t->saved_cap * sizeof *t->saved_weight);
        t->saved_out = kz_xrealloc(t->saved_out, t->saved_cap * sizeof *t->saved_out);
    }
    t->saved_out[t->depth] = t->out.len;
    t->saved_weight[t->depth] = t->group_weight;
    t->group_weight = 1;
    t->saved_flags[t->depth++] = t->flags;
}

static void add_group(translator *t, const char *name, size_t len) {
    if (t->ngroups + 1 >= t->names_cap) {
        t->names_cap = t->names_cap ? t->names_cap * 2 : 8;
        t->names = kz_xrealloc(t->names, t->names_cap * sizeof *t->names);
    }
    t->names[++t->ngroups] = name ? kz_xstrndup(name, len) : NULL;
}

static bool is_word_char(char c) { return is_alnum(c) || c == '_'; }

/* (?P<name>re) or (?<name>re); t->i at '(' and name_at where the name starts. */
static bool parse_named_group(translator *t, size_t name_at) {
    size_t start = t->i;
    const char *close = memchr(t->p + name_at, '>', t->n - name_at);
    if (!close) {
        fail(t, "invalid named capture", t->p + start, t->n - start);
        return false;
    }
    const char *name = t->p + name_at;
    size_t len = (size_t)(close - name);
    bool valid = len > 0;
    for (size_t k = 0; k < len; k++)
        if (!is_word_char(name[k])) valid = false;
    t->i = (size_t)(close - t->p) + 1;
    if (!valid) {
        fail(t, "invalid named capture", t->p + start, t->i - start);
        return false;
    }
    push_flags(t);
    add_group(t, name, len);
    /* PCRE2 names must not start with a digit; Go's may, and names are only
     * looked up by kz (expansion), so the group stays unnamed for PCRE2. */
    emit(t, "(");
    return true;
}

/* (?flags) or (?flags:re); t->i at '('. */
static bool parse_flag_group(translator *t) {
    size_t start = t->i;
    t->i += 2;
    unsigned flags = t->flags;
    bool negated = false, saw_flag = false;
    while (!at_end(t)) {
        char c = peek(t, 0);
        t->i++;
        unsigned bit = c == 'i' ? FL_I : c == 'm' ? FL_M : c == 's' ? FL_S : c == 'U' ? FL_U : 0;
        if (bit) {
            flags = negated ? flags & ~bit : flags | bit;
            saw_flag = true;
            continue;
        }
        if (c == '-' && !negated) {
            negated = true;
            saw_flag = false;
            continue;
        }
        if ((c == ':' || c == ')') && !(negated && !saw_flag)) {
            if (c == ':') {
                push_flags(t);
                emit(t, "(?:");
            }
            t->flags = flags;
            return true;
        }
        /* Go names the whole rune (the pattern is valid UTF-8 by now) */
        while ((unsigned char)c >= 0xC0 && !at_end(t) && ((unsigned char)peek(t, 0) & 0xC0) == 0x80) t->i++;
        break;
    }
    fail(t, "invalid or unsupported Perl syntax", t->p + start, t->i - start);
    return false;
}

/* The flags PCRE2 must know about: i and U (anchors and dot are spelled out). */
static void emit_pcre_flags(translator *t) {
    kz_buf_printf(&t->out, "(?%s%s-%s%s)", t->flags & FL_I ? "i" : "", t->flags & FL_U ? "U" : "",
                  t->flags & FL_I ? "" : "i", t->flags & FL_U ? "" : "U");
}

static bool is_flag_group(const translator *t) {
    return peek(t, 1) == '?' && !(peek(t, 2) == 'P' && peek(t, 3) == '<') && peek(t, 2) != '<';
}

/* A capturing group: (re), (?P<name>re) or (?<name>re). */
static bool parse_capture_open(translator *t) {
    if (peek(t, 1) != '?') {
        t->i++;
        push_flags(t);
        add_group(t, NULL, 0);
        emit(t, "(");
        return true;
    }
    return parse_named_group(t, t->i + (peek(t, 2) == 'P' ? 4 : 3));
}

/* Before a repetition that follows (?flags): OPERAND FLAGS becomes
 * FLAGS (?:OLDFLAGS OPERAND), so the quantifier follows a group (and is read
 * with the new flags, as Go reads it) while the operand keeps its own. */
static void rewrap_operand(translator *t) {
    kz_buf tail = KZ_BUF_INIT;
    kz_buf_append(&tail, t->out.data + t->operand_out, t->flags_out - t->operand_out);
    kz_buf_append(&tail, ")", 1);
    kz_buf flags = KZ_BUF_INIT;
    kz_buf_append(&flags, t->out.data + t->flags_out, t->out.len - t->flags_out);
    t->out.len = t->operand_out;
    kz_buf_append(&t->out, flags.data, flags.len);
    unsigned now = t->flags;
    t->flags = t->operand_flags;
    emit(t, "(?:");
    emit_pcre_flags(t);
    t->flags = now;
    kz_buf_append(&t->out, tail.data, tail.len);
    kz_buf_free(&tail);
    kz_buf_free(&flags);
    t->flags_out = SIZE_MAX;
}

/* A count at k starting with 0 then a digit, which Go's parseInt refuses. */
static bool leading_zero(const translator *t, size_t k) {
    return k + 1 < t->n && t->p[k] == '0' && t->p[k + 1] >= '0' && t->p[k + 1] <= '9';
}

/* A repetition operator at t->i (*, +, ?, {n,m}, each maybe followed by '?').
 * Returns false when t->i starts no repetition ('{' then is a literal). */
static bool parse_repeat(translator *t, bool *ok) {
    size_t start = t->i;
    char c = peek(t, 0);
    *ok = true;
    if (c == '{') {
        size_t k = t->i + 1;
        long lo = 0, hi = -1;
        size_t digits = 0;
        if (leading_zero(t, k)) return false; /* Go: {02} is literal text */
        for (; k < t->n && t->p[k] >= '0' && t->p[k] <= '9'; k++, digits++)
            lo = lo > 100000 ? lo : lo * 10 + (t->p[k] - '0');
        if (digits == 0) return false;
        hi = lo;
        if (k < t->n && t->p[k] == ',') {
            k++;
            hi = -1;
            if (leading_zero(t, k)) return false;
            size_t hd = 0;
            for (long v = 0; k < t->n && t->p[k] >= '0' && t->p[k] <= '9'; k++, hd++)
                hi = v = v > 100000 ? v : v * 10 + (t->p[k] - '0');
        }
        if (k >= t->n || t->p[k] != '}') return false;
        t->i = k + 1;
        unsigned long copies = (unsigned long)(hi < 0 ? lo : hi);
        if (lo > 1000 || hi > 1000 || (hi >= 0 && lo > hi)) {
            fail(t, "invalid repeat count", t->p + start, t->i - start);
            *ok = false;
            return true;
        }
        if (t->prev == PREV_ATOM && (lo >= 2 || hi >= 2) && copies * t->atom_weight > 1000) {
            /* Go finds this one after reading a non-greedy '?', and names it too */
            size_t end = t->i < t->n && t->p[t->i] == '?' ? t->i + 1 : t->i;
            fail(t, "invalid repeat count", t->p + start, end - start);
            *ok = false;
            return true;
        }
        if (t->prev == PREV_ATOM && copies > 0) {
            t->atom_weight *= copies;
            if (t->atom_weight > t->group_weight) t->group_weight = t->atom_weight;
        }
    } else if (c == '*' || c == '+' || c == '?') {
        t->i++;
    } else {
        return false;
    }
    if (peek(t, 0) == '?') t->i++;
    if (t->prev == PREV_NONE) {
        fail(t, "missing argument to repetition operator", t->p + start, t->i - start);
        *ok = false;
    } else if (t->prev == PREV_REPEAT) {
        fail(t, "invalid nested repetition operator", t->p + t->repeat_start,
             t->i - t->repeat_start);
        *ok = false;
    } else {
        if (t->flags_out != SIZE_MAX) rewrap_operand(t);
        kz_buf_append(&t->out, t->p + start, t->i - start);
        t->prev = PREV_REPEAT;
        t->repeat_start = start;
    }
    return true;
}

/* \Q...\E (or to the end): literal runes, each its own atom as Go pushes
 * them, so that a repetition after \E repeats the last one. *last: where the
 * last one's text starts in the output, SIZE_MAX if there is none. */
static bool parse_quote(translator *t, size_t *last) {
    t->i += 2;
    while (!at_end(t) && !(peek(t, 0) == '\\' && peek(t, 1) == 'E')) {
        uint32_t cp;
        if (!next_rune(t, &cp)) return false;
        *last = t->out.len;
        emit_rune(t, cp);
    }
    if (!at_end(t)) t->i += 2;
    return true;
}

/* A backslash sequence outside a class (t->i at the backslash). */
static bool parse_escape_atom(translator *t) {
    char c = peek(t, 1);
    const char *assertion = c == 'A' ? "(?:\\A)" : c == 'z' ? "(?:\\z)" : c == 'b' ? "(?:\\b)"
                          : c == 'B' ? "(?:\\B)" : NULL;
    if (assertion) {
        emit(t, assertion);
        t->i += 2;
        return true;
    }
    if (c == 'p' || c == 'P') return parse_unicode_class(t);
    if (emit_perl_class(t, c, false)) {
        t->i += 2;
        return true;
    }
    uint32_t cp;
    if (!parse_char_escape(t, &cp)) return false;
    emit_rune(t, cp);
    return true;
}

/* One step of the main loop: an atom, an operator or a group boundary. */
static bool translate_step(translator *t) {
    char c = peek(t, 0);
    bool ok;
    if (c == '*' || c == '+' || c == '?' || c == '{') {
        if (parse_repeat(t, &ok)) return ok;
    }
    size_t out_before = t->out.len;
    prev_kind next = PREV_ATOM;
    switch (c) {
    case '(':
        if (is_flag_group(t)) {
            unsigned before = t->flags;
            size_t depth = t->depth;
            if (!parse_flag_group(t)) return false;
            if (t->depth == depth) { /* (?flags): no group, the operand stays */
                if (t->prev != PREV_NONE && t->flags_out == SIZE_MAX) {
                    t->flags_out = t->out.len;
                    t->operand_flags = before;
                }
                if (t->prev == PREV_REPEAT) t->prev = PREV_ATOM;
                if (before != t->flags) emit_pcre_flags(t);
                return true;
            }
            emit_pcre_flags(t);
            next = PREV_NONE;
            break;
        }
        if (!parse_capture_open(t)) return false;
        next = PREV_NONE;
        break;
    case ')':
        if (t->depth == 0) {
            fail(t, "unexpected )", t->p, t->n);
            return false;
        }
        t->flags = t->saved_flags[--t->depth];
        out_before = t->saved_out[t->depth];
        t->atom_weight = t->group_weight;
        t->group_weight = t->saved_weight[t->depth];
        t->i++;
        emit(t, ")");
        break;
    case '|':
        t->i++;
        emit(t, "|");
        next = PREV_NONE;
        break;
    case '^':
        t->i++;
        emit(t, t->flags & FL_M ? "(?:\\A|(?<=\\n))" : "(?:\\A)");
        break;
    case '$':
        t->i++;
        emit(t, t->flags & FL_M ? "(?:\\z|(?=\\n))" : "(?:\\z)");
        break;
    case '.':
        t->i++;
        emit(t, t->flags & FL_S ? "(?s:.)" : "[^\\n]");
        break;
    case '[':
        if (!parse_class(t)) return false;
        break;
    case '\\':
        if (peek(t, 1) == 'Q') {
            size_t last = SIZE_MAX;
            if (!parse_quote(t, &last)) return false;
            if (last == SIZE_MAX) return true; /* \Q\E: no atom, what came before stays the operand */
            out_before = last;
            break;
        }
        if (!parse_escape_atom(t)) return false;
        break;
    default: {
        uint32_t cp;
        if (!next_rune(t, &cp)) return false;
        emit_rune(t, cp);
    }
    }
    t->flags_out = SIZE_MAX;
    t->operand_out = out_before;
    t->operand_flags = t->flags;
    if (next == PREV_ATOM) {
        if (c != ')') t->atom_weight = 1;
        if (t->atom_weight > t->group_weight) t->group_weight = t->atom_weight;
    }
    t->prev = next;
    return true;
}

static void translator_free(translator *t) {
    kz_buf_free(&t->out);
    free(t->saved_flags);
    free(t->saved_out);
    free(t->saved_weight);
    for (uint32_t k = 1; k <= t->ngroups; k++) free(t->names[k]);
    free(t->names);
}

kz_value kz_regex_compile(const char *pattern, size_t n, kz_regex **out) {
    *out = NULL;
    translator t = {.p = pattern, .n = n, .out = KZ_BUF_INIT, .prev = PREV_NONE, .flags_out = SIZE_MAX,
                    .group_weight = 1, .atom_weight = 1};
    emit(&t, "(?-iU)");
    while (!t.failed && !at_end(&t)) translate_step(&t);
    if (!t.failed && t.depth > 0) fail(&t, "missing closing )", pattern, n);
    if (t.failed) {
        kz_value err = t.err;
        translator_free(&t);
        return err;
    }
    int errcode;
    PCRE2_SIZE erroff;
    /* Go accepts groups nested 1000 deep; PCRE2 stops at 250 by default, and the
     * translation adds a level of its own. */
    pcre2_compile_context *ctx = pcre2_compile_context_create(NULL);
    if (!ctx) kz_xmalloc((size_t)-1);
    pcre2_set_parens_nest_limit(ctx, 2100);
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)kz_buf_cstr(&t.out), t.out.len,
                                     PCRE2_UTF, &errcode, &erroff, ctx);
    pcre2_compile_context_free(ctx);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof msg);
        kz_value err = kz_error("error parsing regexp: %s: `%.*s`", (const char *)msg, (int)n, pattern);
        translator_free(&t);
        return err;
    }
    kz_regex *re = kz_xcalloc(1, sizeof *re);
    re->code = code;
    re->empty_source = n == 0;
    re->ngroups = t.ngroups;
    re->names = t.names;
    t.names = NULL;
    t.ngroups = 0;
    translator_free(&t);
    *out = re;
    return kz_null();
}

void kz_regex_free(kz_regex *re) {
    if (!re) return;
    pcre2_code_free(re->code);
    for (uint32_t k = 1; k <= re->ngroups; k++) free(re->names[k]);
    free(re->names);
    free(re);
}

/* ---------------------------------------------------------------- matching */

/* What PCRE2 searches. Go reads each byte of invalid UTF-8 as one rune U+FFFD
 * (which `.`, [^a] or \x{fffd} then match); PCRE2 in UTF mode needs valid
 * input. So a subject with invalid bytes is searched as a copy where each such
 * byte is U+FFFD, and offsets are mapped back to the input's. */
typedef struct subject {
    const char *s;    /* the input, or its repaired copy */
    size_t n;
    const char *orig; /* the input */
    size_t *orig_at;  /* orig_at[k]: input offset of copy offset k; NULL: same */
    char *copy;
} subject;

static void subject_init(subject *sub, const char *s, size_t n) {
    *sub = (subject){.s = s, .n = n, .orig = s};
    uint32_t cp;
    size_t i = 0;
    while (i < n) {
        size_t w = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        if (w == 0) break;
        i += w;
    }
    if (i == n) return;
    kz_buf copy = KZ_BUF_INIT;
    size_t *map = kz_xmalloc((3 * n + 1) * sizeof *map);
    for (i = 0; i < n;) {
        size_t w = utf8_decode((const unsigned char *)s + i, n - i, &cp);
        const char *bytes = w ? s + i : "\xEF\xBF\xBD";
        size_t len = w ? w : 3;
        for (size_t k = 0; k < len; k++) map[copy.len + k] = i;
        kz_buf_append(&copy, bytes, len);
        i += w ? w : 1;
    }
    map[copy.len] = n;
    sub->orig_at = map;
    sub->n = copy.len;
    sub->copy = kz_buf_detach(&copy, NULL);
    sub->s = sub->copy;
}

static void subject_free(subject *sub) {
    free(sub->orig_at);
    free(sub->copy);
}

static size_t orig_offset(const subject *sub, size_t k) { return sub->orig_at ? sub->orig_at[k] : k; }

/* The input bytes of copy offsets [start, end). */
static void append_orig(kz_buf *out, const subject *sub, size_t start, size_t end) {
    size_t a = orig_offset(sub, start), b = orig_offset(sub, end);
    kz_buf_append(out, sub->orig + a, b - a);
}

/* The leftmost match at or after `from`; ovector of 2*(ngroups+1) offsets. */
static const PCRE2_SIZE *search(const kz_regex *re, pcre2_match_data *md, const subject *sub,
                                size_t from) {
    if (from > sub->n) return NULL;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)sub->s, sub->n, from, PCRE2_NO_UTF_CHECK, md, NULL);
    return rc > 0 ? pcre2_get_ovector_pointer(md) : NULL;
}

static pcre2_match_data *new_match_data(const kz_regex *re) {
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    if (!md) kz_xmalloc((size_t)-1); /* out of memory: abort like the rest of kz */
    return md;
}

bool kz_regex_match(const kz_regex *re, const char *s, size_t n) {
    subject sub;
    subject_init(&sub, s, n);
    pcre2_match_data *md = new_match_data(re);
    bool found = search(re, md, &sub, 0) != NULL;
    pcre2_match_data_free(md);
    subject_free(&sub);
    return found;
}

kz_value kz_regex_find(const kz_regex *re, const char *s, size_t n) {
    subject sub;
    subject_init(&sub, s, n);
    pcre2_match_data *md = new_match_data(re);
    const PCRE2_SIZE *ov = search(re, md, &sub, 0);
    kz_value v = kz_string("");
    if (ov) {
        size_t a = orig_offset(&sub, ov[0]), b = orig_offset(&sub, ov[1]);
        kz_free(v);
        v = kz_string_n(s + a, b - a);
    }
    pcre2_match_data_free(md);
    subject_free(&sub);
    return v;
}

bool kz_regex_find_index(const kz_regex *re, const char *s, size_t n, size_t *start, size_t *end) {
    subject sub;
    subject_init(&sub, s, n);
    pcre2_match_data *md = new_match_data(re);
    const PCRE2_SIZE *ov = search(re, md, &sub, 0);
    if (ov) {
        *start = orig_offset(&sub, ov[0]);
        *end = orig_offset(&sub, ov[1]);
    }
    pcre2_match_data_free(md);
    subject_free(&sub);
    return ov != NULL;
}

/* Go's walk over successive matches: after an empty match step one rune; an
 * empty match right where the previous match ended doesn't count. Calls
 * visit(ctx, start, end) with input offsets for each of at most `limit` matches
 * (all if < 0). */
typedef void (*match_visitor)(void *ctx, size_t start, size_t end);

static void each_match(const kz_regex *re, const char *s, size_t n, long limit,
                       match_visitor visit, void *ctx) {
    subject sub;
    subject_init(&sub, s, n);
    pcre2_match_data *md = new_match_data(re);
    size_t pos = 0, prev_end = 0;
    bool have_prev = false;
    for (long count = 0; (limit < 0 || count < limit) && pos <= sub.n;) {
        const PCRE2_SIZE *ov = search(re, md, &sub, pos);
        if (!ov) break;
        size_t start = ov[0], end = ov[1];
        bool accept = true;
        if (end == pos) {
            if (have_prev && start == prev_end) accept = false;
            pos += rune_width_at(sub.s, sub.n, pos);
        } else {
            pos = end;
        }
        prev_end = end;
        have_prev = true;
        if (accept) {
            visit(ctx, orig_offset(&sub, start), orig_offset(&sub, end));
            count++;
        }
    }
    pcre2_match_data_free(md);
    subject_free(&sub);
}

typedef struct {
    const char *s;
    kz_value list;
    size_t count;
    /* for split */
    long limit;
    size_t beg, end;
    bool stopped;
} collect_ctx;

static void collect_match(void *ctx, size_t start, size_t end) {
    collect_ctx *c = ctx;
    kz_seq_push(&c->list, kz_string_n(c->s + start, end - start));
    c->count++;
}

static kz_value string_slice(void) { return kz_with_gotype(kz_seq(), KZ_GOTYPE_STRING_SLICE); }

kz_value kz_regex_find_all(const kz_regex *re, const char *s, size_t n, long limit, bool *is_nil) {
    collect_ctx c = {.s = s, .list = string_slice()};
    if (limit != 0) each_match(re, s, n, limit, collect_match, &c);
    if (is_nil) *is_nil = c.count == 0;
    return c.list;
}

/* Split: each match ends a piece, except an empty match at the very start. */
static void split_at_match(void *ctx, size_t start, size_t end) {
    collect_ctx *c = ctx;
    if (c->stopped || (c->limit > 0 && c->count == (size_t)(c->limit - 1))) {
        c->stopped = true;
        return;
    }
    c->end = start;
    if (end != 0) {
        kz_seq_push(&c->list, kz_string_n(c->s + c->beg, c->end - c->beg));
        c->count++;
    }
    c->beg = end;
}

kz_value kz_regex_split(const kz_regex *re, const char *s, size_t n, long limit, bool *is_nil) {
    if (is_nil) *is_nil = limit == 0;
    kz_value list = string_slice();
    if (limit == 0) return list;
    if (!re->empty_source && n == 0) {
        kz_seq_push(&list, kz_string(""));
        return list;
    }
    collect_ctx c = {.s = s, .list = list, .limit = limit};
    each_match(re, s, n, limit, split_at_match, &c);
    if (c.end != n) kz_seq_push(&c.list, kz_string_n(s + c.beg, n - c.beg));
    return c.list;
}

/* ------------------------------------------------------------ replacement */

/* Go's $-template: the group name after '$' at repl[i] ($name, ${name}); its
 * length consumed (from i) in *used, 0 if this '$' starts no valid reference. */
static size_t group_reference(const char *repl, size_t n, size_t i, const char **name,
                              size_t *used) {
    *used = 0;
    size_t k = i + 1;
    bool braced = k < n && repl[k] == '{';
    if (braced) k++;
    size_t from = k;
    while (k < n) { /* Go's Expand: a name is letters, digits and '_', in Unicode */
        uint32_t cp = 0;
        size_t w = utf8_decode((const unsigned char *)repl + k, n - k, &cp);
        if (w == 0 || !(cp == '_' || kz_go_is_letter(cp) || kz_go_is_digit(cp))) break;
        k += w;
    }
    size_t len = k - from;
    if (len == 0) return 0;
    if (braced) {
        if (k >= n || repl[k] != '}') return 0;
        k++;
    }
    *name = repl + from;
    *used = k - i;
    return len;
}

/* The text of the group a reference names: a number (below 1e8, as Go parses
 * it), or else the first group of that name that took part in the match
 * (names may repeat). Unknown or unmatched groups give nothing. */
static void append_group(kz_buf *out, const kz_regex *re, const subject *sub,
                         const PCRE2_SIZE *ov, const char *name, size_t len) {
    long num = 0;
    for (size_t k = 0; k < len && num >= 0; k++) {
        if (name[k] < '0' || name[k] > '9' || num >= 100000000) num = -1;
        else num = num * 10 + (name[k] - '0');
    }
    for (uint32_t g = 0; g <= re->ngroups; g++) {
        bool named = num < 0 && g > 0 && re->names[g] && strlen(re->names[g]) == len &&
                     memcmp(re->names[g], name, len) == 0;
        if ((num >= 0 && g == num) || named) {
            if (ov[2 * g] == PCRE2_UNSET) {
                if (named) continue;
                return;
            }
            append_orig(out, sub, ov[2 * g], ov[2 * g + 1]);
            return;
        }
    }
}

static void expand(kz_buf *out, const kz_regex *re, const char *repl, size_t repl_n,
                   const subject *sub, const PCRE2_SIZE *ov) {
    for (size_t i = 0; i < repl_n;) {
        if (repl[i] != '$') {
            kz_buf_putc(out, repl[i++]);
            continue;
        }
        if (i + 1 < repl_n && repl[i + 1] == '$') {
            kz_buf_putc(out, '$');
            i += 2;
            continue;
        }
        const char *name;
        size_t used;
        size_t len = group_reference(repl, repl_n, i, &name, &used);
        if (len == 0) {
            kz_buf_putc(out, repl[i++]);
            continue;
        }
        append_group(out, re, sub, ov, name, len);
        i += used;
    }
}

/* Go's replace loop: text between matches is copied; an empty match right
 * after a previous match is not replaced; the search steps at least a rune. */
static kz_value replace_all(const kz_regex *re, const char *s, size_t n, const char *repl,
                            size_t repl_n, bool literal) {
    kz_buf out = KZ_BUF_INIT;
    subject sub;
    subject_init(&sub, s, n);
    pcre2_match_data *md = new_match_data(re);
    size_t last_end = 0, pos = 0;
    while (pos <= sub.n) {
        const PCRE2_SIZE *ov = search(re, md, &sub, pos);
        if (!ov) break;
        append_orig(&out, &sub, last_end, ov[0]);
        if (ov[1] > last_end || ov[0] == 0) {
            if (literal) kz_buf_append(&out, repl, repl_n);
            else expand(&out, re, repl, repl_n, &sub, ov);
        }
        last_end = ov[1];
        size_t width = rune_width_at(sub.s, sub.n, pos);
        if (pos + width > ov[1]) pos += width;
        else if (pos + 1 > ov[1]) pos++;
        else pos = ov[1];
    }
    pcre2_match_data_free(md);
    append_orig(&out, &sub, last_end, sub.n);
    subject_free(&sub);
    kz_value v = kz_string_n(kz_buf_cstr(&out), out.len);
    kz_buf_free(&out);
    return v;
}

kz_value kz_regex_replace_all(const kz_regex *re, const char *s, size_t n, const char *repl,
                              size_t repl_n) {
    return replace_all(re, s, n, repl, repl_n, false);
}

kz_value kz_regex_replace_all_literal(const kz_regex *re, const char *s, size_t n,
                                      const char *repl, size_t repl_n) {
    return replace_all(re, s, n, repl, repl_n, true);
}

kz_value kz_regex_quote_meta(const char *s, size_t n) {
    kz_buf out = KZ_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\0' && strchr("\\.+*?()|[]{}^$", s[i])) kz_buf_putc(&out, '\\');
        kz_buf_putc(&out, s[i]);
    }
    kz_value v = kz_string_n(out.data ? out.data : "", out.len);
    kz_buf_free(&out);
    return v;
}
