/*
 * ccf_mask.h - finding bank card numbers, Chinese resident ID numbers, mainland mobile numbers
 * and e-mail addresses in text, and the checks that decide what counts as one.
 *
 * Text is a code-point array of 1, 2 or 4 bytes per character (the layouts of CPython's str:
 * Latin-1, UCS-2, UCS-4), so no decoding happens.  Positions are character indices.
 *
 * Characters (ccf_mask_class):
 *   digits      ASCII 0-9, full-width U+FF10..U+FF19, and the numerals speech recognisers
 *               write: 〇 零 (0), 一 幺 (1), 二 三 四 五 六 七 八 九 (2..9)
 *   X           X x U+FF38 U+FF58: an ID number's check character (value 10), last only
 *   separator   space, U+00A0, U+3000, '-', U+2010..U+2013, U+FF0D: at most one between two
 *               characters of a number
 *   plus        '+' U+FF0B before a mobile number's country code
 * A number is a run of digits with single separators; it must not touch an ASCII letter,
 * digit or '_' on either side, nor a '.' or ',' that has a digit beyond it (decimals,
 * thousands).  A run is cut into groups at its separators; candidates are whole consecutive
 * groups, tried from the left, longest first, in this order:
 *   id_cn     18 characters: a GB/T 2260 province code (11-15 21-23 31-37 41-46 50-54 61-65
 *             71 81-83), a birth date YYYYMMDD from 1900-01-01 to 2099-12-31, three digits,
 *             and the ISO 7064 MOD 11-2 check character (0-9 or X) of GB 11643
 *   phone_cn  with a country code: '+' then 86 and a mobile number, or 0086 / 86 and one
 *   card      12 to 19 digits, first digit not 0, Luhn check passes
 *   phone_cn  11 digits 1[3-9]xxxxxxxxx
 * E-mail: local@domain, ASCII: local part of RFC 5322 atext and single inner dots (1..64),
 * domain of at least two LDH labels (1..63, no '-' at either end), the last alphabetic and at
 * least 2 long, at most 253 in all; a trailing '.' is left out.  An e-mail wins over numbers
 * inside it.
 */
#ifndef CCF_MASK_H
#define CCF_MASK_H

#include "ccf_common.h"

enum { CCF_MASK_CARD = 1, CCF_MASK_ID_CN = 2, CCF_MASK_PHONE_CN = 3, CCF_MASK_EMAIL = 4 };

/* Character classes (ccf_mask_class): 0..9 are the digits' values; the classes that can
 * start something (digits, plus, at) come first so one comparison finds them. */
enum {
    CCF_MC_PLUS = 10,
    CCF_MC_AT = 11,
    CCF_MC_X = 12,          /* an ID number's check character, value 10 */
    CCF_MC_SEP = 13,
    CCF_MC_WORD = 14,       /* other ASCII letter, '_' (digits and X are word characters too) */
    CCF_MC_POINT = 15,      /* '.' or ',' */
    CCF_MC_OTHER = 16
};

typedef struct ccf_mask_match {
    size_t start, end;      /* [start, end) in characters */
    uint32_t kind;          /* CCF_MASK_* */
    uint32_t prefix;        /* phone_cn: digits of the country code (0, 2 for 86, 4 for 0086) */
} ccf_mask_match;

typedef struct ccf_mask_matches {
    ccf_mask_match *m;
    size_t n, cap;
} ccf_mask_matches;

/* Fill the class table (once, before any other call; idempotent). */
void ccf_mask_init(void);

/* Class of one code point. */
int ccf_mask_class(uint32_t ch);

/* Every match in text[0..n), in order, not overlapping, appended to out (out->m grown with
 * realloc; free with ccf_mask_matches_free).  char_size 1, 2 or 4.  CCF_OK or CCF_ERR_NOMEM. */
int ccf_mask_scan(const void *text, unsigned char_size, size_t n, ccf_mask_matches *out);
void ccf_mask_matches_free(ccf_mask_matches *m);

/* The digits of a number match in ASCII ('X' for a check character; a phone number without its
 * country code) into out[0..cap); returns how many there are (may exceed cap). */
size_t ccf_mask_value(const void *text, unsigned char_size, const ccf_mask_match *m, char *out, size_t cap);

/* Write the default mask of match m over text (in place) with mask_char, which must fit the
 * character size.  Returns 1 if a replaced character was >= floor (the caller's check that the
 * result still needs its storage size). */
int ccf_mask_apply(void *text, unsigned char_size, const ccf_mask_match *m, uint32_t mask_char, uint32_t floor);

/* The whole of text[0..n) read as one number of the given kind (CCF_MASK_CARD, _ID_CN,
 * _PHONE_CN) by the rules above, without the boundary rules.  Returns 1 when valid; then
 * digits[0..*nd) holds its digit values (10 for X), pos[] their character positions and
 * *prefix the country-code digits of a phone number.  digits and pos hold at least 32. */
int ccf_mask_parse_number(const void *text, unsigned char_size, size_t n, int kind,
                          uint8_t *digits, size_t *pos, size_t *nd, size_t *prefix);

/* 1 if the whole of text[0..n) is one e-mail address by the rules above. */
int ccf_mask_valid_email(const void *text, unsigned char_size, size_t n);

/* The checks on digit values (d[i] 0..9, 10 for X), for the Python layer and the tests. */
int ccf_mask_luhn_ok(const uint8_t *d, size_t n);
int ccf_mask_id_ok(const uint8_t *d, size_t n);          /* n == 18, all GB 11643 fields */
uint8_t ccf_mask_id_check(const uint8_t d[17]);          /* 0..10 (10 = X) */
int ccf_mask_date_ok(unsigned y, unsigned m, unsigned d); /* 1900-01-01 .. 2099-12-31 */
int ccf_mask_province_ok(unsigned code);                 /* two-digit GB/T 2260 province */

#endif /* CCF_MASK_H */
