/*
 * test_mask.c - the scanner (csrc/mask): what is found where in UTF-32 test strings of every
 * kind (cards with separators, IDs with X, mobile numbers with +86, Chinese numerals, full-width
 * digits, e-mail addresses), what is refused (failed checksums, decimals, letters around
 * digits), the checks on their own (Luhn, GB 11643 samples) and the three character sizes.
 */
#include "ccf_test.h"
#include "ccf_mask.h"

/* UTF-8 -> UTF-32 (tests only; input is valid UTF-8) */
static size_t u32(const char *s, uint32_t *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        uint32_t c = *p++;
        if (c >= 0xF0) { c = (c & 7) << 18; c |= (uint32_t)(*p++ & 0x3F) << 12; c |= (uint32_t)(*p++ & 0x3F) << 6; c |= *p++ & 0x3F; }
        else if (c >= 0xE0) { c = (c & 15) << 12; c |= (uint32_t)(*p++ & 0x3F) << 6; c |= *p++ & 0x3F; }
        else if (c >= 0xC0) { c = (c & 31) << 6; c |= *p++ & 0x3F; }
        out[n++] = c;
    }
    return n;
}

/* "kind@start-end kind@start-end" of the matches */
static void describe(const uint32_t *t, size_t n, unsigned cs, char *buf, size_t cap)
{
    static const char *names[] = { "?", "card", "id", "phone", "email" };
    ccf_mask_matches m = { 0 };
    uint8_t b1[4096];
    uint16_t b2[4096];
    const void *text = t;
    size_t i, off = 0;
    if (cs == 1) { for (i = 0; i < n; i++) b1[i] = (uint8_t)t[i]; text = b1; }
    if (cs == 2) { for (i = 0; i < n; i++) b2[i] = (uint16_t)t[i]; text = b2; }
    buf[0] = 0;
    if (ccf_mask_scan(text, cs, n, &m) != CCF_OK) {
        snprintf(buf, cap, "NOMEM");
        return;
    }
    for (i = 0; i < m.n; i++)
        off += (size_t)snprintf(buf + off, cap - off, "%s%s@%zu-%zu", i ? " " : "", names[m.m[i].kind],
                                m.m[i].start, m.m[i].end);
    ccf_mask_matches_free(&m);
}

static void expect(const char *text, const char *want)
{
    uint32_t t[1024];
    char got[1024];
    size_t n = u32(text, t), i;
    uint32_t mx = 0;
    unsigned cs;
    for (i = 0; i < n; i++)
        if (t[i] > mx)
            mx = t[i];
    for (cs = 4; cs >= 1; cs /= 2) {
        if ((cs == 1 && mx > 0xFF) || (cs == 2 && mx > 0xFFFF))
            continue;
        describe(t, n, cs, got, sizeof(got));
        CCF_CHECK(strcmp(got, want) == 0, "[%u] %s\n  got:  %s\n  want: %s", cs, text, got, want);
        if (cs == 1)
            break;
    }
}

static void parse(const char *text, int kind, int want, size_t want_prefix)
{
    uint32_t t[256];
    uint8_t d[32];
    size_t pos[32], nd, prefix, n = u32(text, t);
    int got = ccf_mask_parse_number(t, 4, n, kind, d, pos, &nd, &prefix);
    CCF_CHECK(got == want && (!got || prefix == want_prefix), "parse %s kind %d: %d (prefix %zu)", text, kind, got, prefix);
}

static void email(const char *text, int want)
{
    uint32_t t[256];
    size_t n = u32(text, t);
    CCF_CHECK(ccf_mask_valid_email(t, 4, n) == want, "email %s", text);
}

int main(void)
{
    ccf_mask_init();
    /* cards: Luhn decides; separators inside; not next to letters or decimals */
    expect("card 4111111111111111 ok", "card@5-21");
    expect("card 4111111111111112 no", "");
    expect("卡号6222 0200 1234 5670谢谢", "");
    expect("卡号4111-1111-1111-1111谢谢", "card@2-21");
    expect("x4111111111111111", "");
    expect("4111111111111111y", "");
    expect("1.4111111111111111", "");
    expect("4111111111111111.5", "");
    expect("4111111111111111.", "card@0-16");
    expect("0000000000000000", "");
    expect("４１１１１１１１１１１１１１１１", "card@0-16");
    /* mobile numbers */
    expect("电话13812345678", "phone@2-13");
    expect("电话 138 1234 5678。", "phone@3-16");
    expect("+86 138 1234 5678", "phone@0-17");
    expect("+8613812345678", "phone@0-14");
    expect("0086 13812345678", "phone@0-16");
    expect("12812345678", "");
    expect("13812345678 13912345678", "phone@0-11 phone@12-23");
    expect("幺三八幺二三四五六七八", "phone@0-11");
    expect("一 三 八 一 二 三 四 五 六 七 八", "phone@0-21");
    expect("他说一三八零零一三八零零零吧", "phone@2-13");
    expect("一百二十三", "");
    /* ID numbers (GB 11643 example 11010519491231002X) */
    expect("身份证11010519491231002X。", "id@3-21");
    expect("身份证11010519491231002x", "id@3-21");
    expect("身份证110105194912310021", "");
    expect("110105 19491231 002X", "id@0-20");
    expect("11010519491331002X", "");
    expect("ID 11010519491231002XY", "");
    /* e-mail */
    expect("mail zhang.san@example.com.", "email@5-26");
    expect("13812345678@163.com", "email@0-19");
    expect("a@b", "");
    expect("a..b@example.com", "");
    expect("联系 li_4+x@mail.example.cn 或 13812345678", "email@3-25 phone@28-39");
    /* mixed */
    expect("pay 4111 1111 1111 1111 call +86 13912345678 id 11010519491231002X",
           "card@4-23 phone@29-44 id@48-66");

    /* checks */
    {
        static const uint8_t id[18] = { 1, 1, 0, 1, 0, 5, 1, 9, 4, 9, 1, 2, 3, 1, 0, 0, 2, 10 };
        static const uint8_t card[16] = { 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
        CCF_CHECK(ccf_mask_id_ok(id, 18), "GB 11643 example");
        CCF_CHECK(ccf_mask_id_check(id) == 10, "check X");
        CCF_CHECK(ccf_mask_luhn_ok(card, 16), "Luhn");
        CCF_CHECK(ccf_mask_date_ok(2000, 2, 29) && !ccf_mask_date_ok(1900, 2, 29) && !ccf_mask_date_ok(2100, 1, 1),
                  "dates");
        CCF_CHECK(ccf_mask_province_ok(11) && ccf_mask_province_ok(83) && !ccf_mask_province_ok(10) &&
                  !ccf_mask_province_ok(24), "provinces");
    }
    parse("6222 0200 1234 5670", CCF_MASK_CARD, 0, 0);
    parse("4111 1111 1111 1111", CCF_MASK_CARD, 1, 0);
    parse("4111  1111 1111 1111", CCF_MASK_CARD, 0, 0);
    parse(" 4111111111111111", CCF_MASK_CARD, 0, 0);
    parse("4111111111111111 ", CCF_MASK_CARD, 0, 0);
    parse("11010519491231002X", CCF_MASK_ID_CN, 1, 0);
    parse("11010519491231002X", CCF_MASK_CARD, 0, 0);
    parse("+86 138-1234-5678", CCF_MASK_PHONE_CN, 1, 2);
    parse("008613812345678", CCF_MASK_PHONE_CN, 1, 4);
    parse("13812345678", CCF_MASK_PHONE_CN, 1, 0);
    parse("+13812345678", CCF_MASK_PHONE_CN, 0, 0);
    email("a@example.com", 1);
    email("a@b@example.com", 0);
    email("a@example.c0m", 0);
    email("a@-example.com", 0);
    email(".a@example.com", 0);
    return ccf_test_finish("mask");
}
