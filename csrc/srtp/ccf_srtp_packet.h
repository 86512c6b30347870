/*
 * ccf_srtp_packet.h - the per-packet pieces every SRTP path computes (included by ccf_srtp.h):
 * the RTP header's length and the two payload IVs.  Inline: the batch computes them for every
 * packet between kernel calls, where a call costs as much as the work.
 */
#ifndef CCF_SRTP_PACKET_H
#define CCF_SRTP_PACKET_H

/* Strict RTP header parse (RFC 3550 5.1): version 2, CSRC list and header extension inside the
 * packet.  Writes the header length (fixed header + CSRCs + extension); CCF_ERR_PACKET if bad. */
CCF_INLINE int ccf_srtp_rtp_header_len(const uint8_t *pkt, size_t len, size_t *hdr_len)
{
    size_t h;
    if (len < 12 || (pkt[0] >> 6) != 2)
        return CCF_ERR_PACKET;
    h = 12 + 4 * (size_t)(pkt[0] & 0x0F);                 /* CSRC list */
    if (h > len)
        return CCF_ERR_PACKET;
    if (pkt[0] & 0x10) {                                  /* X: profile, length in words */
        if (h + 4 > len)
            return CCF_ERR_PACKET;
        h += 4 + 4 * (size_t)(((unsigned)pkt[h + 2] << 8) | pkt[h + 3]);
        if (h > len)
            return CCF_ERR_PACKET;
    }
    *hdr_len = h;
    return CCF_OK;
}

/* RFC 3711 4.1.1 AES-CM IV: (k_s * 2^16) ^ (SSRC * 2^64) ^ (index * 2^16). */
CCF_INLINE void ccf_srtp_cm_iv(const uint8_t salt[14], uint32_t ssrc, uint64_t index, uint8_t iv[16])
{
    /* two big-endian words: salt bytes 0..7 ^ SSRC in bytes 4..7; salt bytes 8..13 ^ the
     * 48-bit index in bytes 8..13; bytes 14, 15 zero (no byte loops) */
    uint64_t lo = ((uint64_t)ccf_load32_be(salt + 8) << 32) | ((uint64_t)salt[12] << 24) | ((uint64_t)salt[13] << 16);
    ccf_store64_be(iv, ccf_load64_be(salt) ^ ssrc);
    ccf_store64_be(iv + 8, lo ^ ((index & 0xFFFFFFFFFFFFull) << 16));
}

/* RFC 7714 8.1 AEAD IV: (00 00 || SSRC || ROC || SEQ) XOR the 12-byte salt. */
CCF_INLINE void ccf_srtp_gcm_iv(const uint8_t salt[12], uint32_t ssrc, uint32_t roc, uint16_t seq, uint8_t iv[12])
{
    /* bytes 0..7: 00 00 || SSRC || ROC's high half; bytes 8..11: ROC's low half || SEQ */
    ccf_store64_be(iv, ccf_load64_be(salt) ^ (((uint64_t)ssrc << 16) | (roc >> 16)));
    ccf_store32_be(iv + 8, ccf_load32_be(salt + 8) ^ ((roc << 16) | seq));
}

#endif /* CCF_SRTP_PACKET_H */
