/*
 * ccf_srtp_batch.h - SRTP protect/unprotect of many packets, the crypto of the packets run
 * together in the multi-buffer kernels (HMAC-SHA1 in vector lanes, AES-CTR and AES-GCM with
 * the registers filled across packets).
 *
 * Results are exactly those of calling ccf_srtp_protect / ccf_srtp_unprotect on the items one
 * after the other, in order: outputs, statuses and stream state (indexes, replay windows,
 * counters), because that is what runs.  The batch only computes the packets' crypto ahead:
 *
 *   1. look-ahead: for each packet, the index the per-packet code will use (RFC 3711 3.3.1,
 *      from the stream's state before the batch), and from it the IV / nonce and the ROC;
 *   2. the crypto of all packets at once, into scratch memory: MACs, keystreams, GCM tags,
 *      decrypted or encrypted payloads (never into the packets: nothing is released before
 *      the per-packet code has authenticated it);
 *   3. the per-packet functions in order.  The kernels they call on the session keys are
 *      answered from step 2 when the call is exactly the one computed ahead (same key, IV,
 *      lengths and input bytes) and computed as usual otherwise - a packet whose index the
 *      look-ahead guessed wrong, a replay, a key derived for another kdr period, anything
 *      the look-ahead does not model.
 *
 * The AEAD profiles are looked ahead only with CCF_SRTP_BATCH_GCM (see there).
 *
 * The answering is done by pointing the session's RTP key objects at implementation tables of
 * this file for the length of the call (the caller holds each session's lock, so no other
 * thread sees them) and finding the answers through a per-thread pointer; the keys are
 * restored before return.  Kernels that would not beat the per-packet path (no multi-buffer
 * SHA-1 or no wide AES on this CPU) are not answered, and the per-packet code computes them.
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
#define CCF_SRTP_BATCH_SERIAL 2     /* no look-ahead: the per-packet functions only (tests) */
#define CCF_SRTP_BATCH_GCM 4        /* look ahead for the AEAD (GCM) profiles too.  Off by default:
                                       measured on an AVX-512/VAES Intel CPU, the per-packet GCM
                                       code (one short-message pass) already runs at the AES
                                       unit's throughput between packets, and the look-ahead's
                                       own work cost more than the four-message kernel saved */

void ccf_srtp_protect_many(ccf_srtp_item *items, size_t n, int flags);
void ccf_srtp_unprotect_many(ccf_srtp_item *items, size_t n, int flags);

/* Which batch kernels this CPU gets: "sha1" (the multi-buffer implementation's name, or
 * "serial"), "aes-ctr" and "gcm" ("... -many" or "serial") for the best implementations. */
const char *ccf_srtp_batch_kernel(const char *what);

#endif /* CCF_SRTP_BATCH_H */
