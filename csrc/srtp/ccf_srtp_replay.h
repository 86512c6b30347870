/*
 * ccf_srtp_replay.h - packet-index estimation and replay windows (RFC 3711 3.3.1, 3.3.2,
 * Appendix A), included by ccf_srtp.h.  Inline: every packet of every path calls them, and the
 * batch calls them twice per packet.  Indexes are public: no constant-time requirement here.
 */
#ifndef CCF_SRTP_REPLAY_H
#define CCF_SRTP_REPLAY_H

CCF_INLINE uint64_t ccf_srtp_replay_slot_(const ccf_srtp_replay *r, uint64_t i)
{
    return i & (64 * (uint64_t)r->words - 1);
}

/* CCF_OK if index is new (above the window's top, or inside it and not seen), else
 * CCF_ERR_REPLAY; changes nothing. */
CCF_INLINE int ccf_srtp_replay_check(const ccf_srtp_replay *r, uint64_t index)
{
    uint64_t b;
    if (!r->started || index > r->top)
        return CCF_OK;
    if (r->top - index >= r->window)
        return CCF_ERR_REPLAY;                     /* older than the window */
    b = ccf_srtp_replay_slot_(r, index);
    return (r->bits[b / 64] >> (b % 64)) & 1 ? CCF_ERR_REPLAY : CCF_OK;
}

/* Record index (after ccf_srtp_replay_check said CCF_OK). */
CCF_INLINE void ccf_srtp_replay_add(ccf_srtp_replay *r, uint64_t index)
{
    uint64_t b;
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
            for (i = r->top + 1; i < index; i++) {
                b = ccf_srtp_replay_slot_(r, i);
                r->bits[b / 64] &= ~((uint64_t)1 << (b % 64));
            }
        }
        r->top = index;
    }
    b = ccf_srtp_replay_slot_(r, index);
    r->bits[b / 64] |= (uint64_t)1 << (b % 64);
}

/* The packet index for seq given the highest index in r (RFC 3711 3.3.1 / Appendix A); -1 when
 * the guess falls before index 0 or beyond 2^48 - 1. */
CCF_INLINE int64_t ccf_srtp_guess_index(const ccf_srtp_replay *r, uint16_t seq)
{
    int64_t roc, v;
    uint32_t s_l;
    if (!r->started)
        return (int64_t)seq;                       /* first packet: ROC 0 */
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

#endif /* CCF_SRTP_REPLAY_H */
