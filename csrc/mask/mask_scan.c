/*
 * mask_scan.c - the scanner: character classes, number runs and their candidates, e-mail
 * addresses, and the whole-string parsers the validators use.  See ccf_mask.h.
 *
 * One pass over the text.  A 64 Ki-entry class table (BMP; anything above U+FFFF is "other")
 * lets the loop skip every character that cannot start a match with one load and compare;
 * runs of digits are parsed into groups at their separators and the candidates (consecutive
 * whole groups, leftmost first, longest first) are checked with ccf_mask_*_ok.  An '@' is
 * expanded both ways into an address; a valid one replaces any number matches inside it.
 */
#include <stdlib.h>

#include "ccf_mask.h"

static uint8_t cls_tab[65536];
/* bit c set when U+c can start a match (class <= CCF_MC_AT): 8 KiB, stays in L1 while the
 * scan skips text; the class table is read only around candidates */
static uint64_t start_bits[65536 / 64];
static volatile int cls_ready;

/* see ccf_mask.h */
void ccf_mask_init(void)
{
    static const struct { uint32_t ch; uint8_t v; } cn[] = {
        { 0x3007, 0 }, { 0x96F6, 0 }, { 0x4E00, 1 }, { 0x5E7A, 1 }, { 0x4E8C, 2 }, { 0x4E09, 3 },
        { 0x56DB, 4 }, { 0x4E94, 5 }, { 0x516D, 6 }, { 0x4E03, 7 }, { 0x516B, 8 }, { 0x4E5D, 9 },
    };
    static const uint32_t seps[] = { ' ', 0xA0, 0x3000, '-', 0x2010, 0x2011, 0x2012, 0x2013, 0xFF0D };
    unsigned c;
    size_t k;
    if (cls_ready)
        return;
    memset(cls_tab, CCF_MC_OTHER, sizeof(cls_tab));
    for (c = 'A'; c <= 'Z'; c++)
        cls_tab[c] = cls_tab[c + 32] = CCF_MC_WORD;
    cls_tab['_'] = CCF_MC_WORD;
    for (c = 0; c < 10; c++) {
        cls_tab['0' + c] = (uint8_t)c;
        cls_tab[0xFF10 + c] = (uint8_t)c;
    }
    for (k = 0; k < sizeof(cn) / sizeof(cn[0]); k++)
        cls_tab[cn[k].ch] = cn[k].v;
    cls_tab['X'] = cls_tab['x'] = cls_tab[0xFF38] = cls_tab[0xFF58] = CCF_MC_X;
    for (k = 0; k < sizeof(seps) / sizeof(seps[0]); k++)
        cls_tab[seps[k]] = CCF_MC_SEP;
    cls_tab['+'] = cls_tab[0xFF0B] = CCF_MC_PLUS;
    cls_tab['@'] = CCF_MC_AT;
    cls_tab['.'] = cls_tab[','] = CCF_MC_POINT;
    for (c = 0; c < 65536; c++)
        if (cls_tab[c] <= CCF_MC_AT)
            start_bits[c >> 6] |= (uint64_t)1 << (c & 63);
    cls_ready = 1;
}

CCF_INLINE uint32_t ch_at(const void *t, unsigned cs, size_t i)
{
    if (cs == 1)
        return ((const uint8_t *)t)[i];
    if (cs == 2)
        return ((const uint16_t *)t)[i];
    return ((const uint32_t *)t)[i];
}

CCF_INLINE int cls_of(uint32_t c)
{
    return c < 65536 ? cls_tab[c] : CCF_MC_OTHER;
}

CCF_INLINE int cls_at(const void *t, unsigned cs, size_t i)
{
    return cls_of(ch_at(t, cs, i));
}

/* see ccf_mask.h */
int ccf_mask_class(uint32_t ch)
{
    return cls_of(ch);
}

/* ---- matches list ------------------------------------------------------------------------ */

static int push(ccf_mask_matches *out, size_t start, size_t end, uint32_t kind, uint32_t prefix)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? 2 * out->cap : 64;
        ccf_mask_match *m = (ccf_mask_match *)realloc(out->m, cap * sizeof(*m));
        if (!m)
            return CCF_ERR_NOMEM;
        out->m = m;
        out->cap = cap;
    }
    out->m[out->n].start = start;
    out->m[out->n].end = end;
    out->m[out->n].kind = kind;
    out->m[out->n].prefix = prefix;
    out->n++;
    return CCF_OK;
}

/* see ccf_mask.h */
void ccf_mask_matches_free(ccf_mask_matches *m)
{
    free(m->m);
    m->m = NULL;
    m->n = m->cap = 0;
}

/* ---- what a digit string is ------------------------------------------------------------------ */

static int mobile_ok(const uint8_t *d)
{
    size_t i;
    if (d[0] != 1 || d[1] < 3 || d[1] > 9)
        return 0;
    for (i = 2; i < 11; i++)
        if (d[i] > 9)
            return 0;
    return 1;
}

/* Kind of the digit string d[0..L) (X = 10), or 0; plus: a '+' stands before it. */
static uint32_t classify(const uint8_t *d, size_t L, int plus, uint32_t *prefix)
{
    *prefix = 0;
    if (L == 18 && ccf_mask_id_ok(d, L))
        return CCF_MASK_ID_CN;
    if (L == 13 && d[0] == 8 && d[1] == 6 && mobile_ok(d + 2)) {
        *prefix = 2;
        return CCF_MASK_PHONE_CN;
    }
    if (L == 15 && d[0] == 0 && d[1] == 0 && d[2] == 8 && d[3] == 6 && mobile_ok(d + 4)) {
        *prefix = 4;
        return CCF_MASK_PHONE_CN;
    }
    if (plus)
        return 0;                        /* '+' then anything but a country code */
    if (L >= 12 && L <= 19 && d[0] != 0 && ccf_mask_luhn_ok(d, L))
        return CCF_MASK_CARD;
    if (L == 11 && mobile_ok(d))
        return CCF_MASK_PHONE_CN;
    return 0;
}

/* ---- number runs ----------------------------------------------------------------------------- */

#define MAX_GROUPS 64
#define MAX_CAND 19        /* digits in the longest candidate */

typedef struct group {
    size_t start, end;     /* characters */
    uint8_t d[MAX_CAND + 1];
    size_t nd;             /* digits (X counts), may exceed MAX_CAND: then d is partial */
} group;

/* The character before a number starting at p may not be a word character, nor a '.' or ','
 * with a digit before it. */
static int left_ok(const void *t, unsigned cs, size_t p)
{
    int c;
    if (p == 0)
        return 1;
    c = cls_at(t, cs, p - 1);
    if (c <= 9 || c == CCF_MC_WORD || c == CCF_MC_X)
        return 0;
    if (c == CCF_MC_POINT && p >= 2 && cls_at(t, cs, p - 2) <= 9)
        return 0;
    return 1;
}

static int right_ok(const void *t, unsigned cs, size_t n, size_t p)
{
    int c;
    if (p >= n)
        return 1;
    c = cls_at(t, cs, p);
    if (c <= 9 || c == CCF_MC_WORD || c == CCF_MC_X)
        return 0;
    if (c == CCF_MC_POINT && p + 1 < n && cls_at(t, cs, p + 1) <= 9)
        return 0;
    return 1;
}

/* Candidates of groups g[0..ng): emit matches.  lok/rok: the run's own boundaries;
 * plus_pos: index of a '+' right before g[0] (or SIZE_MAX). */
static int emit_candidates(const group *g, size_t ng, int lok, int rok, size_t plus_pos,
                           ccf_mask_matches *out)
{
    uint8_t d[MAX_CAND + 1];
    size_t gi = 0;
    while (gi < ng) {
        size_t gj, last = gi, total = 0;
        int found = 0;
        /* the longest run of whole groups from gi within MAX_CAND digits */
        while (last < ng && total + g[last].nd <= MAX_CAND) {
            total += g[last].nd;
            last++;
        }
        for (gj = last; gj > gi && !found; gj--) {            /* groups gi .. gj-1 */
            size_t L = 0, k;
            uint32_t kind, prefix;
            int plus = gi == 0 && plus_pos != (size_t)-1;
            if ((gi == 0 && !lok) || (gj == ng && !rok))
                continue;
            for (k = gi; k < gj; k++) {
                memcpy(d + L, g[k].d, g[k].nd);
                L += g[k].nd;
            }
            kind = classify(d, L, plus, &prefix);
            if (!kind)
                continue;
            if (push(out, plus && kind == CCF_MASK_PHONE_CN ? plus_pos : g[gi].start, g[gj - 1].end,
                     kind, prefix) != CCF_OK)
                return CCF_ERR_NOMEM;
            gi = gj;
            found = 1;
        }
        if (!found)
            gi++;
    }
    return CCF_OK;
}

/* Parse the run starting at i (a digit, or a '+' before one); returns the index after it. */
static size_t scan_run(const void *t, unsigned cs, size_t n, size_t i, ccf_mask_matches *out, int *rc)
{
    group g[MAX_GROUPS];
    size_t ng = 0, plus_pos = (size_t)-1, start = i, p;
    int lok, rok, ended = 0;
    if (cls_at(t, cs, i) == CCF_MC_PLUS) {
        size_t j = i + 1;
        if (j < n && cls_at(t, cs, j) == CCF_MC_SEP)
            j++;
        if (j >= n || cls_at(t, cs, j) > 9)
            return i + 1;
        plus_pos = i;
        i = j;
    }
    lok = left_ok(t, cs, start);
    p = i;
    for (;;) {
        group *gr = &g[ng];
        int c;
        gr->start = p;
        gr->nd = 0;
        while (p < n && (c = cls_at(t, cs, p)) <= 9) {
            if (gr->nd < MAX_CAND + 1)
                gr->d[gr->nd] = (uint8_t)c;
            gr->nd++;
            p++;
        }
        if (p < n && cls_at(t, cs, p) == CCF_MC_X) {           /* a check character ends the run */
            if (gr->nd < MAX_CAND + 1)
                gr->d[gr->nd] = 10;
            gr->nd++;
            p++;
            ended = 1;
        }
        gr->end = p;
        if (gr->nd > MAX_CAND)
            gr->nd = MAX_CAND + 1;                             /* too long for any candidate */
        ng++;
        if (ended || ng == MAX_GROUPS)
            break;
        if (p + 1 < n && cls_at(t, cs, p) == CCF_MC_SEP && cls_at(t, cs, p + 1) <= 9) {
            p++;
            continue;
        }
        break;
    }
    if (ng == MAX_GROUPS && !ended && p + 1 < n && cls_at(t, cs, p) == CCF_MC_SEP && cls_at(t, cs, p + 1) <= 9)
        rok = 1;                    /* the run goes on past 64 groups: the rest is read as a new run */
    else
        rok = right_ok(t, cs, n, p);
    *rc = emit_candidates(g, ng, lok, rok, plus_pos, out);
    return p;
}

/* ---- e-mail -------------------------------------------------------------------------------- */

static int atext(uint32_t c)
{
    if (c >= 128)
        return 0;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return 1;
    return c != 0 && strchr("!#$%&'*+/=?^_`{|}~-", (int)c) != NULL;
}

static int ldh(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

/* The address around the '@' at index a: [*s, *e) if valid. */
static int email_at(const void *t, unsigned cs, size_t n, size_t a, size_t *s, size_t *e)
{
    size_t b = a, f = a + 1, k, label = 0, labels = 0, last_label = 0;
    int alpha_tld = 1;
    while (b > 0 && (atext(ch_at(t, cs, b - 1)) || ch_at(t, cs, b - 1) == '.'))
        b--;
    while (b < a && ch_at(t, cs, b) == '.')
        b++;                                                   /* no leading dot */
    if (b == a || a - b > 64 || ch_at(t, cs, a - 1) == '.')
        return 0;
    for (k = b + 1; k < a; k++)
        if (ch_at(t, cs, k) == '.' && ch_at(t, cs, k - 1) == '.')
            return 0;
    while (f < n && (ldh(ch_at(t, cs, f)) || ch_at(t, cs, f) == '.'))
        f++;
    while (f > a + 1 && ch_at(t, cs, f - 1) == '.')
        f--;                                                   /* a sentence's full stop */
    if (f - (a + 1) > 253 || f == a + 1)
        return 0;
    for (k = a + 1; k <= f; k++) {
        uint32_t c = k < f ? ch_at(t, cs, k) : '.';
        if (c == '.') {
            if (label == 0 || label > 63 || ch_at(t, cs, k - 1) == '-' || ch_at(t, cs, k - label) == '-')
                return 0;
            labels++;
            last_label = label;
            label = 0;
            alpha_tld = 1;
            continue;
        }
        label++;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            alpha_tld = 0;
    }
    /* alpha_tld was reset at the final '.', recompute for the last label */
    alpha_tld = 1;
    for (k = f - last_label; k < f; k++) {
        uint32_t c = ch_at(t, cs, k);
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            alpha_tld = 0;
    }
    if (labels < 2 || last_label < 2 || !alpha_tld)
        return 0;
    *s = b;
    *e = f;
    return 1;
}

/* ---- the scan ------------------------------------------------------------------------------- */

/* Index of the next character at or after i that can start a match (class <= CCF_MC_AT). */
#define STARTS(c) ((start_bits[(c) >> 6] >> ((c) & 63)) & 1)

static size_t skip(const void *t, unsigned cs, size_t n, size_t i)
{
    if (cs == 1) {
        const uint8_t *p = (const uint8_t *)t;
        while (i < n && !STARTS(p[i]))
            i++;
    } else if (cs == 2) {
        const uint16_t *p = (const uint16_t *)t;
        while (i + 4 <= n && !(STARTS(p[i]) | STARTS(p[i + 1]) | STARTS(p[i + 2]) | STARTS(p[i + 3])))
            i += 4;
        while (i < n && !STARTS(p[i]))
            i++;
    } else {
        const uint32_t *p = (const uint32_t *)t;
        while (i < n && (p[i] >= 65536 || !STARTS(p[i])))
            i++;
    }
    return i;
}

/* From a digit at i: the index after the run if it cannot hold a candidate (fewer than 11
 * digits, the shortest candidate), else 0.  Cheap enough for the numerals of ordinary text. */
static size_t short_run(const void *t, unsigned cs, size_t n, size_t i)
{
    unsigned nd = 0;
    for (;;) {
        while (i < n && cls_at(t, cs, i) <= 9) {
            if (++nd >= 11)
                return 0;
            i++;
        }
        if (i + 1 < n && cls_at(t, cs, i) == CCF_MC_SEP && cls_at(t, cs, i + 1) <= 9) {
            i++;
            continue;
        }
        return i;      /* an X here ends a run of fewer than 18 characters: no ID either */
    }
}

/* see ccf_mask.h */
int ccf_mask_scan(const void *text, unsigned cs, size_t n, ccf_mask_matches *out)
{
    size_t i = 0;
    int rc = CCF_OK;
    while (i < n) {
        int c;
        i = skip(text, cs, n, i);
        if (i >= n)
            break;
        c = cls_at(text, cs, i);
        if (c == CCF_MC_AT) {
            size_t s, e;
            if (email_at(text, cs, n, i, &s, &e)) {
                while (out->n && out->m[out->n - 1].end > s)
                    out->n--;                                  /* the address wins */
                if (push(out, s, e, CCF_MASK_EMAIL, 0) != CCF_OK)
                    return CCF_ERR_NOMEM;
                i = e;
            } else {
                i++;
            }
            continue;
        }
        if (c <= 9) {
            size_t e = short_run(text, cs, n, i);
            if (e) {
                i = e;
                continue;
            }
        }
        i = scan_run(text, cs, n, i, out, &rc);
        if (rc != CCF_OK)
            return rc;
    }
    return CCF_OK;
}

/* ---- whole strings -------------------------------------------------------------------------- */

/* see ccf_mask.h */
int ccf_mask_parse_number(const void *t, unsigned cs, size_t n, int kind,
                          uint8_t *digits, size_t *pos, size_t *nd, size_t *prefix)
{
    size_t i = 0, k = 0;
    uint32_t got, pre;
    int plus = 0, c;
    *nd = 0;
    *prefix = 0;
    if (n == 0)
        return 0;
    if (kind == CCF_MASK_PHONE_CN && cls_at(t, cs, 0) == CCF_MC_PLUS) {
        plus = 1;
        i = 1;
        if (i < n && cls_at(t, cs, i) == CCF_MC_SEP)
            i++;
    }
    while (i < n) {
        c = cls_at(t, cs, i);
        if (c <= 9 || (c == CCF_MC_X && kind == CCF_MASK_ID_CN && i == n - 1)) {
            if (k == 32)
                return 0;
            digits[k] = (uint8_t)(c <= 9 ? c : 10);
            pos[k++] = i++;
            continue;
        }
        /* a single separator between two characters of the number */
        if (c == CCF_MC_SEP && k > 0 && i + 1 < n && cls_at(t, cs, i + 1) != CCF_MC_SEP) {
            i++;
            continue;
        }
        return 0;
    }
    if (k == 0)
        return 0;
    *nd = k;
    if (kind == CCF_MASK_CARD)
        return k >= 12 && k <= 19 && digits[0] != 0 && ccf_mask_luhn_ok(digits, k);
    if (kind == CCF_MASK_ID_CN)
        return ccf_mask_id_ok(digits, k);
    if (kind == CCF_MASK_PHONE_CN) {
        got = classify(digits, k, plus, &pre);
        /* classify prefers an ID or a card; for a phone only the phone rules matter */
        if (got != CCF_MASK_PHONE_CN) {
            if (k == 11 && !plus && mobile_ok(digits))
                pre = 0;
            else if (k == 13 && digits[0] == 8 && digits[1] == 6 && mobile_ok(digits + 2))
                pre = 2;
            else if (k == 15 && digits[0] == 0 && digits[1] == 0 && digits[2] == 8 && digits[3] == 6 &&
                     mobile_ok(digits + 4))
                pre = 4;
            else
                return 0;
        }
        *prefix = pre;
        return 1;
    }
    return 0;
}

/* see ccf_mask.h */
int ccf_mask_valid_email(const void *t, unsigned cs, size_t n)
{
    size_t i, at = (size_t)-1, s, e;
    for (i = 0; i < n; i++) {
        if (ch_at(t, cs, i) == '@') {
            if (at != (size_t)-1)
                return 0;
            at = i;
        }
    }
    if (at == (size_t)-1 || !email_at(t, cs, n, at, &s, &e))
        return 0;
    return s == 0 && e == n;
}
