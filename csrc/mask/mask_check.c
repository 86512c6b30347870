/*
 * mask_check.c - the checks that tell a card, ID or mobile number from other digits: Luhn
 * (ISO/IEC 7812-1 Annex B), GB 11643-1999 (ISO 7064 MOD 11-2, GB/T 2260 province codes,
 * birth date) and the mainland mobile prefix.  See ccf_mask.h.
 *
 * These run on candidate numbers found in text (public to whoever holds the text); they are
 * not written to be constant time.
 */
#include "ccf_mask.h"

/* see ccf_mask.h */
int ccf_mask_luhn_ok(const uint8_t *d, size_t n)
{
    unsigned sum = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned v = d[n - 1 - i];
        if (v > 9)
            return 0;
        if (i & 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

/* see ccf_mask.h */
uint8_t ccf_mask_id_check(const uint8_t d[17])
{
    /* W_i = 2^(17-i) mod 11; check = (12 - sum mod 11) mod 11, 10 written X */
    static const uint8_t w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
    unsigned sum = 0, i;
    for (i = 0; i < 17; i++)
        sum += (unsigned)d[i] * w[i];
    return (uint8_t)((12 - sum % 11) % 11);
}

/* see ccf_mask.h */
int ccf_mask_province_ok(unsigned code)
{
    return (code >= 11 && code <= 15) || (code >= 21 && code <= 23) || (code >= 31 && code <= 37) ||
           (code >= 41 && code <= 46) || (code >= 50 && code <= 54) || (code >= 61 && code <= 65) ||
           code == 71 || (code >= 81 && code <= 83);
}

/* see ccf_mask.h */
int ccf_mask_date_ok(unsigned y, unsigned m, unsigned d)
{
    static const uint8_t mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    unsigned lim;
    if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1)
        return 0;
    lim = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        lim = 29;
    return d <= lim;
}

/* see ccf_mask.h */
int ccf_mask_id_ok(const uint8_t *d, size_t n)
{
    size_t i;
    if (n != 18)
        return 0;
    for (i = 0; i < 17; i++)
        if (d[i] > 9)
            return 0;
    if (!ccf_mask_province_ok(10u * d[0] + d[1]))
        return 0;
    if (!ccf_mask_date_ok(1000u * d[6] + 100u * d[7] + 10u * d[8] + d[9], 10u * d[10] + d[11], 10u * d[12] + d[13]))
        return 0;
    return ccf_mask_id_check(d) == d[17];
}
