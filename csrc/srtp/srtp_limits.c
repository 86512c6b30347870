/* Master-key limits: RFC 3711 9.2 (2^48 SRTP, 2^31 SRTCP packets per master key) and the SDES
 * key lifetime (RFC 4568 6.1).  See ccf_srtp_ext.h.  Counts are public. */
#include "ccf_srtp.h"

/* The soft threshold of a limit: an event before the end, 1/16 of the way from it but at most
 * 2^16 packets and at least one. */
static uint64_t soft_of(uint64_t limit)
{
    uint64_t margin = limit >> 4;
    if (margin > 65536)
        margin = 65536;
    if (margin < 1)
        margin = 1;
    return limit > margin ? limit - margin : 0;
}

/* see ccf_srtp_ext.h */
void ccf_srtp_usage_init(ccf_srtp_usage *u, uint64_t lifetime)
{
    unsigned *notify = u->notify;
    memset(u, 0, sizeof(*u));
    u->notify = notify;
    u->rtp_limit = CCF_SRTP_MAX_RTP_PACKETS;
    u->rtcp_limit = CCF_SRTP_MAX_RTCP_PACKETS;
    if (lifetime && lifetime < u->rtp_limit)
        u->rtp_limit = lifetime;
    if (lifetime && lifetime < u->rtcp_limit)
        u->rtcp_limit = lifetime;
    u->rtp_soft = soft_of(u->rtp_limit);
    u->rtcp_soft = soft_of(u->rtcp_limit);
}

/* The usage block is the one mutable part of a ctx the packet functions take as const (a ctx
 * is never defined const, so the cast is well defined). */
static ccf_srtp_usage *usage_of(const ccf_srtp_ctx *c)
{
    return &((ccf_srtp_ctx *)c)->usage;
}

/* see ccf_srtp_ext.h */
void ccf_srtp_usage_fire(const ccf_srtp_ctx *c, unsigned ev, uint32_t ssrc)
{
    ccf_srtp_usage *u = usage_of(c);
    if (u->fired & ev)
        return;
    u->fired |= ev;
    u->unreported |= ev;
    u->ssrc = ssrc;
    if (u->notify)
        *u->notify = 1;
}

/* see ccf_srtp_ext.h */
int ccf_srtp_usage_limit(const ccf_srtp_ctx *c, uint32_t ssrc)
{
    const ccf_srtp_usage *u = &c->usage;
    ccf_srtp_usage_fire(c, (u->rtp >= u->rtp_limit) ? CCF_SRTP_EV_HARD_RTP : CCF_SRTP_EV_HARD_RTCP, ssrc);
    return CCF_SRTP_ERR_KEY_LIMIT;
}
