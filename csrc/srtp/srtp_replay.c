/* SRTP packet-index estimation and replay windows (RFC 3711 3.3.1, 3.3.2, Appendix A).
 * See ccf_srtp.h.  Indexes are public: no constant-time requirement here. */
#include "ccf_srtp.h"

static int bit_get(const ccf_srtp_replay *r, uint64_t i)
{
    uint64_t b = i & (64 * (uint64_t)r->words - 1);
    return (int)((r->bits[b / 64] >> (b % 64)) & 1);
}

static void bit_set(ccf_srtp_replay *r, uint64_t i)
{
    uint64_t b = i & (64 * (uint64_t)r->words - 1);
    r->bits[b / 64] |= (uint64_t)1 << (b % 64);
}

static void bit_clear(ccf_srtp_replay *r, uint64_t i)
{
    uint64_t b = i & (64 * (uint64_t)r->words - 1);
    r->bits[b / 64] &= ~((uint64_t)1 << (b % 64));
}

/* see ccf_srtp.h */
int ccf_srtp_replay_check(const ccf_srtp_replay *r, uint64_t index)
{
    if (!r->started || index > r->top)
        return CCF_OK;
    if (r->top - index >= r->window)
        return CCF_ERR_REPLAY;            /* older than the window */
    return bit_get(r, index) ? CCF_ERR_REPLAY : CCF_OK;
}

/* see ccf_srtp.h */
void ccf_srtp_replay_add(ccf_srtp_replay *r, uint64_t index)
{
    if (!r->started) {
        memset(r->bits, 0, 8 * (size_t)r->words);
        r->top = index;
        r->started = 1;
    } else if (index > r->top) {
        /* the slots of top+1 .. index-1 last held indexes that have now left the window */
        if (index - r->top >= 64 * (uint64_t)r->words) {
            memset(r->bits, 0, 8 * (size_t)r->words);
        } else {
            uint64_t i;
            for (i = r->top + 1; i < index; i++)
                bit_clear(r, i);
        }
        r->top = index;
    }
    bit_set(r, index);
}

/* see ccf_srtp.h */
int64_t ccf_srtp_guess_index(const ccf_srtp_replay *r, uint16_t seq)
{
    int64_t roc, v;
    uint32_t s_l;
    if (!r->started)
        return (int64_t)seq;              /* first packet: ROC 0 */
    roc = (int64_t)(r->top >> 16);
    s_l = (uint32_t)(r->top & 0xFFFF);
    v = roc;
    if (s_l < 32768) {
        if (seq > s_l && seq - s_l > 32768)
            v = roc - 1;
    } else if (s_l - 32768 > seq) {
        v = roc + 1;
    }
    if (v < 0 || v > 0xFFFFFFFFll)
        return -1;
    return v * 65536 + seq;
}
