/*
 * Counter mode over many messages (ccf_aes_many.h) with VAES on 512-bit registers and with
 * AES-NI.  Both take the messages' blocks in order and run them in groups of eight registers,
 * each register with the round keys of its own message (broadcast from the key schedule, one
 * load per register and round: the loads are not the bottleneck, the AES unit is).  A register
 * never mixes messages: VAES-512 puts four consecutive blocks of one message in a register, the
 * last register of a message masked to its length.  Counters are formed in the low 32 bits
 * (big-endian) of each message's counter block; a message that would carry out of them goes
 * through ccf_aes_ctr128 instead (never the case for SRTP, whose counters start at a multiple
 * of 2^16, RFC 3711 4.1.1).
 */
#include "ccf_aes_many.h"
#include "aes_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

void ccf_aes_ctr128_one(const ccf_aes_ctr_job *j);                        /* aes_many.c */
void ccf_aes_vaes512_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n);
void ccf_aes_aesni_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n);

#define GROUP 8

/* The job's counter leaves its low 32 bits within len bytes. */
static int carries(const ccf_aes_ctr_job *j)
{
    return ccf_aes_ctr_low_end(j->ctr, j->len) > ((uint64_t)1 << 32);   /* counter not updated */
}

typedef struct unit {
    const ccf_aes_ctr_job *job;
    size_t off;                /* byte offset of the unit's first block in the message */
} unit;

/* Cuts the jobs into units of unit_bytes (a job whose counter would carry past its low 32 bits
 * goes alone through ccf_aes_ctr128_one) and hands them to run, GROUP at a time and one key
 * length per group. */
static void schedule(const ccf_aes_ctr_job *jobs, size_t n, size_t unit_bytes,
                     void (*run)(const unit *u, int nu, unsigned rounds))
{
    unit u[GROUP];
    int nu = 0;
    unsigned rounds = 0;
    size_t i, off;
    for (i = 0; i < n; i++) {
        const ccf_aes_ctr_job *j = &jobs[i];
        if (carries(j)) {
            ccf_aes_ctr128_one(j);
            continue;
        }
        for (off = 0; off < j->len; off += unit_bytes) {
            if (nu && (nu == GROUP || j->key->rounds != rounds)) {
                run(u, nu, rounds);
                nu = 0;
            }
            rounds = j->key->rounds;
            u[nu].job = j;
            u[nu].off = off;
            nu++;
        }
    }
    if (nu)
        run(u, nu, rounds);
}

/* ---- VAES, 512-bit: a unit is four blocks ------------------------------------------------- */

#define V512 CCF_TARGET("avx512f,avx512vl,avx512bw,vaes,aes,sse4.1")
#define RK512(k, r) _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(const void *)((const uint8_t *)(k)->sched + 16 * (r))))

V512 static void run512(const unit *u, int nu, unsigned rounds)
{
    const __m512i swap = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12));
    const __m512i step = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3);
    const ccf_aes_key *ks[GROUP];
    __m512i x[GROUP];
    unsigned r;
    int v, same = 1;
    for (v = 0; v < GROUP; v++) {
        const unit *w = &u[v < nu ? v : 0];      /* spare registers repeat unit 0, unused */
        const ccf_aes_ctr_job *j = w->job;
        uint32_t c = ccf_load32_be(j->ctr + 12) + (uint32_t)(w->off / 16);
        __m512i cv = _mm512_broadcast_i32x4(_mm_insert_epi32(_mm_loadu_si128((const __m128i *)(const void *)j->ctr), (int)c, 3));
        ks[v] = j->key;
        same &= ks[v] == ks[0];
        x[v] = _mm512_xor_si512(_mm512_shuffle_epi8(_mm512_add_epi32(cv, step), swap), RK512(ks[v], 0));
    }
    if (same) {                                  /* one message's key: one load per round */
        for (r = 1; r < rounds; r++) {
            __m512i k = RK512(ks[0], r);
            for (v = 0; v < GROUP; v++)
                x[v] = _mm512_aesenc_epi128(x[v], k);
        }
    } else {
        for (r = 1; r < rounds; r++)
            for (v = 0; v < GROUP; v++)
                x[v] = _mm512_aesenc_epi128(x[v], RK512(ks[v], r));
    }
    for (v = 0; v < GROUP; v++)
        x[v] = _mm512_aesenclast_epi128(x[v], RK512(ks[v], rounds));
    for (v = 0; v < nu; v++) {
        const ccf_aes_ctr_job *j = u[v].job;
        size_t n = j->len - u[v].off;
        __mmask64 m = n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1);
        if (j->in)
            x[v] = _mm512_xor_si512(x[v], _mm512_maskz_loadu_epi8(m, j->in + u[v].off));
        _mm512_mask_storeu_epi8(j->out + u[v].off, m, x[v]);
    }
}

/* see aes_many.c */
void ccf_aes_vaes512_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n)
{
    schedule(jobs, n, 64, run512);
}

/* ---- AES-NI: a unit is one block ------------------------------------------------------------ */

#define NI CCF_TARGET("aes,sse4.1")
#define RK128(k, r) _mm_loadu_si128((const __m128i *)(const void *)((const uint8_t *)(k)->sched + 16 * (r)))

NI static void run128(const unit *u, int nu, unsigned rounds)
{
    const ccf_aes_key *ks[GROUP];
    __m128i x[GROUP];
    unsigned r;
    int v, same = 1;
    for (v = 0; v < GROUP; v++) {
        const unit *w = &u[v < nu ? v : 0];
        const ccf_aes_ctr_job *j = w->job;
        uint32_t c = ccf_load32_be(j->ctr + 12) + (uint32_t)(w->off / 16);
        __m128i b = _mm_insert_epi32(_mm_loadu_si128((const __m128i *)(const void *)j->ctr), (int)ccf_bswap32(c), 3);
        ks[v] = j->key;
        same &= ks[v] == ks[0];
        x[v] = _mm_xor_si128(b, RK128(ks[v], 0));
    }
    if (same) {
        for (r = 1; r < rounds; r++) {
            __m128i k = RK128(ks[0], r);
            for (v = 0; v < GROUP; v++)
                x[v] = _mm_aesenc_si128(x[v], k);
        }
    } else {
        for (r = 1; r < rounds; r++)
            for (v = 0; v < GROUP; v++)
                x[v] = _mm_aesenc_si128(x[v], RK128(ks[v], r));
    }
    for (v = 0; v < GROUP; v++)
        x[v] = _mm_aesenclast_si128(x[v], RK128(ks[v], rounds));
    for (v = 0; v < nu; v++) {
        const ccf_aes_ctr_job *j = u[v].job;
        size_t n = j->len - u[v].off;
        if (n >= 16) {
            if (j->in)
                x[v] = _mm_xor_si128(x[v], _mm_loadu_si128((const __m128i *)(const void *)(j->in + u[v].off)));
            _mm_storeu_si128((__m128i *)(void *)(j->out + u[v].off), x[v]);
        } else {
            uint8_t ks8[16];
            size_t b;
            _mm_storeu_si128((__m128i *)(void *)ks8, x[v]);
            for (b = 0; b < n; b++)
                j->out[u[v].off + b] = (uint8_t)(ks8[b] ^ (j->in ? j->in[u[v].off + b] : 0));
            ccf_memzero(ks8, sizeof(ks8));
        }
    }
}

/* see aes_many.c */
void ccf_aes_aesni_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n)
{
    schedule(jobs, n, 16, run128);
}

#endif /* CCF_HAVE_X86_INTRIN */
