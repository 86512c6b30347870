/*
 * mask_redact.c - what a match becomes: its value (the digits in ASCII) and the default
 * display mask written over it in place.  See ccf_mask.h.
 *
 * Default masks (docs/mask.md): card keeps the first 6 and last 4 digits (PCI DSS), id_cn
 * the region code (first 6) and the check character, phone_cn the country code, the first 3
 * and the last 4 digits of the national number, email the first character of the local part.
 * Separators, '+' and the domain are kept.  Every masked character becomes the mask character.
 */
#include "ccf_mask.h"

CCF_INLINE uint32_t rd(const void *t, unsigned cs, size_t i)
{
    return cs == 1 ? ((const uint8_t *)t)[i] : cs == 2 ? ((const uint16_t *)t)[i] : ((const uint32_t *)t)[i];
}

CCF_INLINE void wr(void *t, unsigned cs, size_t i, uint32_t c)
{
    if (cs == 1)
        ((uint8_t *)t)[i] = (uint8_t)c;
    else if (cs == 2)
        ((uint16_t *)t)[i] = (uint16_t)c;
    else
        ((uint32_t *)t)[i] = c;
}

CCF_INLINE int is_digit_or_x(uint32_t c)
{
    int k = ccf_mask_class(c);
    return k <= 9 || k == CCF_MC_X;
}

/* see ccf_mask.h */
size_t ccf_mask_value(const void *t, unsigned cs, const ccf_mask_match *m, char *out, size_t cap)
{
    size_t i, k = 0, skip = m->kind == CCF_MASK_PHONE_CN ? m->prefix : 0;
    for (i = m->start; i < m->end; i++) {
        int c = ccf_mask_class(rd(t, cs, i));
        if (c > 9 && c != CCF_MC_X)
            continue;
        if (skip) {
            skip--;
            continue;
        }
        if (k < cap)
            out[k] = c <= 9 ? (char)('0' + c) : 'X';
        k++;
    }
    return k;
}

/* see ccf_mask.h */
int ccf_mask_apply(void *t, unsigned cs, const ccf_mask_match *m, uint32_t mask_char, uint32_t floor)
{
    size_t i, total = 0, k = 0, first, last, prefix = 0;
    int wide = 0;
    if (m->kind == CCF_MASK_EMAIL) {
        size_t at = m->end;
        while (at > m->start && rd(t, cs, at - 1) != '@')
            at--;
        for (i = m->start + 1; i + 1 < at; i++) {
            wide |= rd(t, cs, i) >= floor;
            wr(t, cs, i, mask_char);
        }
        return wide;
    }
    for (i = m->start; i < m->end; i++)
        total += is_digit_or_x(rd(t, cs, i));
    if (m->kind == CCF_MASK_CARD) {
        first = 6;
        last = 4;
    } else if (m->kind == CCF_MASK_ID_CN) {
        first = 6;
        last = 1;
    } else {
        prefix = m->prefix;
        first = 3;
        last = 4;
    }
    total -= prefix;
    for (i = m->start; i < m->end; i++) {
        uint32_t c = rd(t, cs, i);
        if (!is_digit_or_x(c))
            continue;
        if (k >= prefix + first && k < prefix + total - last) {
            wide |= c >= floor;
            wr(t, cs, i, mask_char);
        }
        k++;
    }
    return wide;
}
