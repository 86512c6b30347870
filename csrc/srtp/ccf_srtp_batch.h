/*
 * ccf_srtp_batch.h - SRTP protect/unprotect of many packets, the crypto of the packets run
 * together in the multi-buffer kernels (HMAC-SHA1 in vector lanes, AES-CTR and AES-GCM with
 * the registers filled across packets).
 *
 * Results are exactly those of calling ccf_srtp_protect / ccf_srtp_unprotect on the items one
 * after the other, in order: outputs, statuses and stream state (indexes, replay windows,
 * counters).  Items in the common shape - an AES profile with kdr 0 and no MKI, an RTP header of
 * the stream's SSRC without extension or padding - are done here in chunks; every other item,
 * and a batch of one, runs through the per-packet function at its place in the order:
 *
 *   unprotect  1. plan: each packet's index as the per-packet code guesses it from the stream
 *                 state before the chunk (RFC 3711 3.3.1), and from it its MAC job over the
 *                 packet as received, or its GCM job (plaintext into scratch memory);
 *              2. the MACs (multi-buffer HMAC-SHA1) or GCM tags of all;
 *              3. in order, the per-packet function's checks and state changes (replay window,
 *                 key limits, counters) with the tag compared in constant time; a packet whose
 *                 index guessed now differs from the planned one (an earlier packet of the
 *                 chunk moved the stream across a ROC boundary) runs per packet instead;
 *              4. AES-CTR of the authentic payloads in one pass.  Nothing is written to a
 *                 packet's output before it authenticates; a GCM plaintext is copied out of
 *                 scratch only then.
 *   protect    1. in order, the per-packet function's checks and state changes (the index is
 *                 the exact one: no look-ahead);
 *              2. AES-CTR (or GCM) of the accepted packets in one pass, then their MACs.
 */
#ifndef CCF_SRTP_BATCH_H
#define CCF_SRTP_BATCH_H

#include "ccf_srtp.h"

typedef struct ccf_srtp_item {
    ccf_srtp_ctx *ctx;         /* the packet's session (items may mix sessions) */
    ccf_srtp_stream *s;        /* its stream (the packet's SSRC) */
    const uint8_t *in;
    size_t len;                /* in: packet length; out: result length when rc == CCF_OK */
    uint8_t *out;              /* may equal in (in place) */
    size_t cap;
    int allow_repeat_tx;       /* protect: as ccf_srtp_protect's argument */
    int fresh;                 /* unprotect: the stream is new, made for this batch, and is kept
                                  only if one of its packets authenticates (the caller's rule for
                                  new SSRCs); until one does, each packet meets it as new: a
                                  failure leaves its counters at zero */
    int rc;                    /* in: -1 to process the item (any other value: skipped);
                                  out: the status, or -2 for items not attempted (STOP) */
} ccf_srtp_item;

/* An item's output must not overlap another item's input (rows of one 2-D buffer, or fresh
 * output buffers, as the Python layer passes them). */

/* flags */
#define CCF_SRTP_BATCH_STOP 1       /* stop at the first failure: later items get rc = -2 */
#define CCF_SRTP_BATCH_SERIAL 2     /* the per-packet functions only (tests, benchmarks) */

void ccf_srtp_protect_many(ccf_srtp_item *items, size_t n, int flags);
void ccf_srtp_unprotect_many(ccf_srtp_item *items, size_t n, int flags);

/* Which batch kernels this CPU gets: "sha1" (the multi-buffer implementation's name, or
 * "serial"), "aes-ctr" and "gcm" ("... -many" or "serial") for the best implementations. */
const char *ccf_srtp_batch_kernel(const char *what);

#endif /* CCF_SRTP_BATCH_H */
