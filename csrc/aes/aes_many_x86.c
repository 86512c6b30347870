/*
 * Counter mode over many messages (ccf_aes_many.h) with VAES on 512-bit registers and with
 * AES-NI.
 *
 * The messages' blocks are laid end to end in a buffer on the stack (up to 768 blocks, 12 KiB)
 * and go through three stages:
 *   - counters: each message writes its counter blocks at its place in the buffer, four at a
 *     time with VAES-512 (one broadcast and one add per four blocks, whatever the length);
 *   - cipher: the buffer is encrypted in place, a step of registers at a time (four 512-bit
 *     registers of four blocks with VAES-512, eight blocks with AES-NI);
 *   - output: each message XORs its keystream from the buffer into its output, 64 (16) bytes
 *     at a time, the last piece masked.
 * One loop runs them interleaved (see stream()): a step of cipher, the counters a few steps
 * ahead, the output of messages a few steps behind, so that the scalar work of the stages runs
 * beside the AES rounds instead of after them.
 *
 * With one key (one SRTP session, the common case) the messages pack densely and a register
 * may hold blocks of two messages: a 160-byte SRTP payload fills two and a half 512-bit
 * registers, not three.  With VAES-512, four neighbouring messages of one length (49..256
 * bytes: a constant-rate codec's payloads) skip the buffer altogether: their nb blocks each,
 * end to end, fill exactly nb registers, whose counters come from the four counters by one
 * permute and one add per register and whose keystream is XORed in straight from the
 * registers (see dense512): at 160 bytes about a third less time than the pass.  With
 * several keys a register never holds two.  AES-NI then starts a fresh register at each key
 * change and loads each register's round keys; VAES-512 skips the buffer (see units512: the
 * padding leaves it nothing to save) and builds each register of four blocks of one message
 * straight from its job, eight registers at a time.  A run of jobs
 * of one key length goes through at a time.  The register groups and the rounds are
 * written out with macros, so the code does not depend on the compiler unrolling loops (-O2
 * and MSVC build the same code); the keystream left in the buffer is wiped before returning.
 *
 * Counters are formed in the low 32 bits (big-endian) of each message's counter block; a message
 * that would carry out of them goes through ccf_aes_ctr128 instead (never the case for SRTP,
 * whose counters start at a multiple of 2^16, RFC 3711 4.1.1), and so does a message longer
 * than the pass runs well (LONG512 and the others below: its own kernel runs it faster), and a
 * run of a single message.  Lengths, counters and which key each
 * message uses are public: the layout depends on them, never on key or data bytes.
 */
#include "ccf_aes_many.h"
#include "aes_impls.h"
#include "ccf_cpu.h"

#if defined(CCF_HAVE_X86_INTRIN)
#include <immintrin.h>

void ccf_aes_ctr128_one(const ccf_aes_ctr_job *j);                        /* aes_many.c */
void ccf_aes_vaes512_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n);
void ccf_aes_aesni_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n);

/* stream() must be inlined where its stages are known (a call through the table otherwise) */
#if defined(CCF_MSVC)
#  define ALWAYS_INLINE static __forceinline
#else
#  define ALWAYS_INLINE static inline __attribute__((always_inline))
#endif

/* A counter block with its low 32-bit word byte-swapped (and back): the word adds as an integer. */
#define LOW32_SWAP _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 15, 14, 13, 12)

#define PASS_BLOCKS 768        /* 12 KiB of blocks in the buffer (64 SRTP payloads of 160 bytes) */

/*
 * Messages longer than these (bytes) go through their key's own ctr128, which runs a long
 * message faster than the pass does (its stores and loads of the buffer, or a key per register
 * of four blocks); measured on an Intel CPU with AVX-512 (ns per message, one key: VAES-512
 * pass against the VAES-512 ctr32 kernel 25 / 40 at 160 bytes, 138 / 116 at 1200; AES-NI pass
 * against the 256-bit VAES ctr32 kernel 63 / 80 and 410 / 220, against AES-NI 60 / 75 and
 * 380 / 350; a key per message: the AES-NI pass, which loads each block's round keys, wins only
 * for messages of up to four blocks, and a VAES-512 register of a message of its own only up to
 * 128 bytes, or 256 when five messages or more share the call).  Lengths and counts are public.
 */
#define LONG512 512
#define LONG128 512
#define LONG128_VAES 256
#define LONG128_KEYS 64
#define UNITS_LONG 256
#define UNITS_LONG_FEW 128
#define UNITS_FEW 5
#define PASS_MSGS 256          /* messages in the buffer at a time */
#define ROOM (16 * 64 + 64)    /* bytes past PASS_BLOCKS: a group running past the last register,
                                * counter stores and keystream loads running past a message */

/* A message in the buffer: its job and its first block. */
typedef struct rec {
    const ccf_aes_ctr_job *job;
    size_t pos;
} rec;

/* The stages of one instruction set.  A register is 2^shift blocks; a step encrypts `group`
 * registers. */
typedef struct many_ops {
    unsigned shift;
    size_t group, kgroup;      /* registers per step with one key, with a key per register */
    /* counter blocks of j's nb blocks at d (may write up to three more blocks) */
    void (*counters)(uint8_t *d, const ccf_aes_ctr_job *j, size_t nb);
    /* one step: `group` registers at b in place, with one key (key) or each its own (kr[]) */
    void (*cipher)(uint8_t *b, const ccf_aes_key *key, const ccf_aes_key *const *kr, unsigned rounds);
    /* out = in XOR keystream for one message whose keystream is at ks */
    void (*output)(const uint8_t *ks, const ccf_aes_ctr_job *j);
} many_ops;

/* The job's counter leaves its low 32 bits within len bytes. */
static int carries(const ccf_aes_ctr_job *j)
{
    return ccf_aes_ctr_low_end(j->ctr, j->len) > ((uint64_t)1 << 32);   /* counter not updated */
}

/* Jobs of one key length (one key if `one`) through the buffer; returns the bytes of buf that
 * may hold keystream.  Each turn of the loop encrypts one step of registers, after laying out
 * the counters of the messages that reach LEAD steps further and before writing out the
 * messages whose keystream was complete LAG steps earlier: the three stages of neighbouring
 * messages are mixed finely enough for the processor to run the scalar work of one beside the
 * AES rounds of another (a whole group of registers at a time would fill its reorder window
 * with AES rounds that retire one per cycle), and a step loads counters, and a message loads
 * keystream, stored long enough before to have left the store buffer (a load covering two
 * stores still in flight waits for them to reach the cache). */
#define LEAD 4
#define LAG 2
ALWAYS_INLINE size_t stream(const ccf_aes_ctr_job *jobs, size_t n, int one, const many_ops *ops,
                         uint8_t *buf, const ccf_aes_key **kreg, rec *rs, size_t maxb)
{
    const unsigned sh = ops->shift;
    const size_t lanes = (size_t)1 << sh, step = (one ? ops->group : ops->kgroup) << sh;
    const ccf_aes_key *key = jobs[0].key, *cur = NULL;
    const unsigned rounds = key->rounds;
    size_t i = 0, pos = 0, enc = 0, nrec = 0, out = 0, used = 0, u;
    int full = 0;
    for (;;) {
        /* counters, LEAD steps ahead */
        while (!full && i < n && pos < enc + (LEAD + 1) * step) {
            const ccf_aes_ctr_job *j = &jobs[i];
            size_t nb = (j->len + 15) >> 4, start = pos;
            if (nb - 1 >= maxb || carries(j)) {          /* empty (nb - 1 wraps), too long, carries */
                if (nb)
                    ccf_aes_ctr128_one(j);
                i++;
                continue;
            }
            if (!one && j->key != cur)
                start = (pos + lanes - 1) & ~(lanes - 1);   /* a register holds one key */
            if (start + nb > PASS_BLOCKS || nrec == PASS_MSGS) {
                full = 1;
                break;
            }
            ops->counters(buf + 16 * start, j, nb);
            if (!one) {
                for (u = start >> sh; u <= (start + nb - 1) >> sh; u++)
                    kreg[u] = j->key;
                cur = j->key;
            }
            rs[nrec].job = j;
            rs[nrec].pos = start;
            nrec++;
            pos = start + nb;
            i++;
        }
        if (enc >= pos) {                    /* the buffer is done: the last messages out */
            for (; out < nrec; out++)
                ops->output(buf + 16 * rs[out].pos, rs[out].job);
            used = used > enc ? used : enc;
            if (i >= n)
                break;
            pos = enc = nrec = out = 0;
            full = 0;
            cur = NULL;
            continue;
        }
        if (!one && (full || i >= n) && pos - 1 < enc + step)   /* the last step: past the last */
            for (u = (pos + lanes - 1) >> sh; u < (enc + step) >> sh; u++)   /* register, a valid key */
                kreg[u] = cur;
        ops->cipher(buf + 16 * enc, key, kreg ? kreg + (enc >> sh) : NULL, rounds);
        enc += step;
        /* messages whose last block was encrypted LAG steps ago */
        while (out < nrec && rs[out].pos + ((rs[out].job->len + 15) >> 4) + LAG * step <= enc) {
            ops->output(buf + 16 * rs[out].pos, rs[out].job);
            out++;
        }
    }
    return 16 * used;
}

/* Register groups written out: G8(X) expands X(0) .. X(7). */
#define G4(X) X(0) X(1) X(2) X(3)
#define G8(X) G4(X) X(4) X(5) X(6) X(7)

/* Rounds 1 .. rounds-1 of a group, written out: no loop (around a loop GCC copies every register
 * at each iteration), the same code at -O2 and with MSVC.  SETK(r) selects round key r, G(ENC)
 * runs it on the group. */
#define MIDDLE_ROUNDS(G, ENC, SETK) \
    SETK(1) G(ENC) SETK(2) G(ENC) SETK(3) G(ENC) SETK(4) G(ENC) SETK(5) G(ENC) \
    SETK(6) G(ENC) SETK(7) G(ENC) SETK(8) G(ENC) SETK(9) G(ENC) \
    if (rounds > 10) { \
        SETK(10) G(ENC) SETK(11) G(ENC) \
        if (rounds > 12) { \
            SETK(12) G(ENC) SETK(13) G(ENC) \
        } \
    }

/* ---- VAES, 512-bit: a register is four blocks -------------------------------------------- */

#define V512 CCF_TARGET("avx512f,avx512vl,avx512bw,vaes,aes,sse4.1")
#define RKP512(s, r) _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(const void *)((s) + 16 * (r))))

CCF_INLINE V512 void counters512(uint8_t *d, const ccf_aes_ctr_job *j, size_t nb)
{
    const __m512i swap = _mm512_broadcast_i32x4(LOW32_SWAP);
    const __m512i step = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3);
    const __m512i inc4 = _mm512_broadcast_i32x4(_mm_setr_epi32(0, 0, 0, 4));
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)j->ctr);
    __m512i cv = _mm512_add_epi32(_mm512_broadcast_i32x4(_mm_shuffle_epi8(c, _mm512_castsi512_si128(swap))), step);
    size_t b;
    for (b = 0; b < nb; b += 4) {
        _mm512_storeu_si512((void *)(d + 16 * b), _mm512_shuffle_epi8(cv, swap));
        cv = _mm512_add_epi32(cv, inc4);
    }
}

/* One key: x_i = block ^ round key 0, the middle rounds, the last round stored in place. */
#define LD512(i) __m512i x##i = _mm512_xor_si512(_mm512_load_si512((const void *)(b + 64 * (i))), k);
#define ENC512(i) x##i = _mm512_aesenc_epi128(x##i, k);
#define SETK512(r) k = RKP512(s, r);
#define LAST512(i) _mm512_store_si512((void *)(b + 64 * (i)), _mm512_aesenclast_epi128(x##i, k));

CCF_INLINE V512 void enc512x4(uint8_t *b, const uint8_t *s, unsigned rounds)
{
    __m512i k = RKP512(s, 0);
    G4(LD512)
    MIDDLE_ROUNDS(G4, ENC512, SETK512)
    k = RKP512(s, rounds);
    G4(LAST512)
}

/* A register with its own key (units512). */
#define KENC512(i) x##i = _mm512_aesenc_epi128(x##i, RKP512(s##i, r));
#define SETR(n) r = n;

CCF_INLINE V512 void cipher512(uint8_t *b, const ccf_aes_key *key, const ccf_aes_key *const *kr, unsigned rounds)
{
    (void)kr;                            /* one key only: several go through units512 */
    enc512x4(b, (const uint8_t *)key->sched, rounds);
}

CCF_INLINE __mmask64 bytes_mask(size_t n) { return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << n) - 1); }

/* The keystream is read 64 bytes at a time (ROOM covers the bytes past the last message). */
CCF_INLINE V512 void output512(const uint8_t *ks, const ccf_aes_ctr_job *j)
{
    const uint8_t *in = j->in;
    uint8_t *out = j->out;
    size_t len = j->len, o;
    __mmask64 m;
    if (in) {
        for (o = 0; o + 64 <= len; o += 64)
            _mm512_storeu_si512((void *)(out + o), _mm512_xor_si512(_mm512_loadu_si512((const void *)(ks + o)),
                                                                    _mm512_loadu_si512((const void *)(in + o))));
        m = bytes_mask(len - o);
        _mm512_mask_storeu_epi8(out + o, m, _mm512_xor_si512(_mm512_loadu_si512((const void *)(ks + o)),
                                                             _mm512_maskz_loadu_epi8(m, in + o)));
    } else {
        for (o = 0; o + 64 <= len; o += 64)
            _mm512_storeu_si512((void *)(out + o), _mm512_loadu_si512((const void *)(ks + o)));
        _mm512_mask_storeu_epi8(out + o, bytes_mask(len - o), _mm512_loadu_si512((const void *)(ks + o)));
    }
}

/* Several keys: each register takes four blocks of one message, its counters and round keys
 * straight from the job, eight registers at a time; nothing goes through the buffer (with a
 * fresh register at each key change the buffer saves no AES work, and its stores and loads
 * cost more than they hide).  u[0..nu) are the units (nu <= 8; spare registers repeat u[0],
 * their results unused). */
typedef struct unit {
    const ccf_aes_ctr_job *job;
    size_t off;                /* byte offset of the unit's first block in the message */
} unit;

#define ULD512(i) const ccf_aes_ctr_job *j##i = u[i < nu ? i : 0].job; \
                  const uint8_t *s##i = (const uint8_t *)j##i->key->sched; \
                  __m512i x##i = _mm512_xor_si512(_mm512_shuffle_epi8(_mm512_add_epi32(_mm512_broadcast_i32x4( \
                      _mm_add_epi32(_mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)j##i->ctr), swap128), \
                                    _mm_setr_epi32(0, 0, 0, (int)(u[i < nu ? i : 0].off / 16)))), step), swap), RKP512(s##i, 0));
#define UOUT512(i) if (i < nu) { \
                       size_t off = u[i].off, left = j##i->len - off; \
                       __mmask64 m = bytes_mask(left); \
                       x##i = _mm512_aesenclast_epi128(x##i, RKP512(s##i, rounds)); \
                       if (j##i->in) \
                           x##i = _mm512_xor_si512(x##i, _mm512_maskz_loadu_epi8(m, j##i->in + off)); \
                       _mm512_mask_storeu_epi8(j##i->out + off, m, x##i); \
                   }

V512 static void units512x8(const unit *u, int nu, unsigned rounds)
{
    const __m128i swap128 = LOW32_SWAP;
    const __m512i swap = _mm512_broadcast_i32x4(swap128);
    const __m512i step = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3);
    unsigned r;
    G8(ULD512)
    MIDDLE_ROUNDS(G8, KENC512, SETR)
    G8(UOUT512)
}

V512 static void units512(const ccf_aes_ctr_job *jobs, size_t n, unsigned rounds, size_t maxlen)
{
    unit u[8];
    int nu = 0;
    size_t i, off;
    for (i = 0; i < n; i++) {
        const ccf_aes_ctr_job *j = &jobs[i];
        if (carries(j) || j->len > maxlen) {
            ccf_aes_ctr128_one(j);
            continue;
        }
        for (off = 0; off < j->len; off += 64) {
            u[nu].job = j;
            u[nu].off = off;
            if (++nu == 8) {
                units512x8(u, nu, rounds);
                nu = 0;
            }
        }
    }
    if (nu)
        units512x8(u, nu, rounds);
}

/* Four messages of one key and one length L (DENSE_MIN..DENSE_MAX bytes, nb = ceil(L / 16)
 * blocks each) laid end to end over nb registers: block g of the run (message g / nb, its block
 * g % nb) is lane g % 4 of register g / 4.  With nb >= 4 a register holds blocks of at most two
 * messages: lanes below the split s belong to message a (from its block ba on), the others to
 * message a + 1 (from its block 0 on).  The map depends on L only (public) and serves every
 * group of that length in the run. */
#define DENSE_MIN 49
#define DENSE_MAX 256

typedef struct dense_map {
    size_t len;
    __m512i idx[16];           /* per register: the message of each lane (its counter's qwords) */
    __m512i step[16];          /* per register: the block of each lane within its message */
    __mmask64 ma[16], mb[16];  /* the register's bytes in message a, in message a + 1 */
    uint8_t a[16], b[16];      /* message a, and the second message (a when there is none) */
    size_t offa[16], backb[16];/* byte offset of lane 0 in message a; 16 s for message a + 1 */
} dense_map;

CCF_NOINLINE V512 static void dense_map_init(dense_map *mp, size_t len)
{
    const __m512i pairs = _mm512_setr_epi64(0, 1, 0, 1, 0, 1, 0, 1);
    const __m512i lanes = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3);
    size_t nb = (len + 15) >> 4, q;
    mp->len = len;
    for (q = 0; q < nb; q++) {
        size_t g = 4 * q, a = g / nb, ba = g % nb, sp = nb - ba < 4 ? nb - ba : 4, abytes;
        __mmask8 upq = (__mmask8)(0xFFu << (2 * sp));               /* qwords of lanes >= sp */
        __mmask16 upd = (__mmask16)(0xFFFFu << (4 * sp));           /* dwords of lanes >= sp */
        /* lanes below sp: message a from block ba on; the others message a + 1 from block 0 */
        mp->idx[q] = _mm512_mask_add_epi64(_mm512_add_epi64(pairs, _mm512_set1_epi64((long long)(2 * a))), upq,
                                           pairs, _mm512_set1_epi64((long long)(2 * a + 2)));
        mp->step[q] = _mm512_add_epi32(lanes, _mm512_mask_blend_epi32(upd, _mm512_maskz_set1_epi32(0x8888, (int)ba),
                                                                      _mm512_maskz_set1_epi32(0x8888, -(int)sp)));
        abytes = len - 16 * ba < 16 * sp ? len - 16 * ba : 16 * sp;
        mp->ma[q] = bytes_mask(abytes);
        mp->mb[q] = sp < 4 ? ~(__mmask64)0 << (16 * sp) : 0;
        mp->a[q] = (uint8_t)a;
        mp->b[q] = (uint8_t)(sp < 4 ? a + 1 : a);
        mp->offa[q] = 16 * ba;
        mp->backb[q] = sp < 4 ? 16 * sp : 0;
    }
}

/* The group's four jobs qualify: one length in range, data in (not keystream only), no carry. */
static int dense_ok(const ccf_aes_ctr_job *j)
{
    size_t len = j[0].len, i;
    if (len < DENSE_MIN || len > DENSE_MAX)
        return 0;
    for (i = 0; i < 4; i++)
        if (j[i].len != len || j[i].in == NULL || carries(&j[i]))
            return 0;
    return 1;
}

/* The message b part of a register is addressed 16 s bytes before message b: its lanes below s
 * are masked off, and masked-off bytes are neither read nor written (no fault either). */
#define BACK(p, n) ((void *)((uintptr_t)(p) - (n)))

/* Registers k0 .. k0 + C - 1 of a group (C = 4..8), written out (see MIDDLE_ROUNDS). */
#define DLD(i) __m512i x##i = _mm512_xor_si512(_mm512_shuffle_epi8(_mm512_add_epi32( \
                   _mm512_permutexvar_epi64(mp->idx[k0 + i], ctrs), mp->step[k0 + i]), swap), k);
#define DOUT(i) { \
        const size_t q = k0 + i; \
        const ccf_aes_ctr_job *ja = &j[mp->a[q]], *jb = &j[mp->b[q]]; \
        x##i = _mm512_aesenclast_epi128(x##i, k); \
        if (mp->ma[q] == ~(__mmask64)0) {       /* 64 bytes of message a: plain load, store */ \
            _mm512_storeu_si512((void *)(ja->out + mp->offa[q]), \
                                _mm512_xor_si512(x##i, _mm512_loadu_si512((const void *)(ja->in + mp->offa[q])))); \
        } else { \
            __m512i d = _mm512_mask_loadu_epi8(_mm512_maskz_loadu_epi8(mp->ma[q], ja->in + mp->offa[q]), \
                                               mp->mb[q], BACK(jb->in, mp->backb[q])); \
            d = _mm512_xor_si512(d, x##i); \
            _mm512_mask_storeu_epi8(ja->out + mp->offa[q], mp->ma[q], d); \
            _mm512_mask_storeu_epi8(BACK(jb->out, mp->backb[q]), mp->mb[q], d); \
        } \
    }
#define DG4(X) X(0) X(1) X(2) X(3)
#define DG5(X) DG4(X) X(4)
#define DG6(X) DG5(X) X(5)
#define DG7(X) DG6(X) X(6)
#define DG8(X) DG7(X) X(7)
#define DENSE_CORE(C) \
V512 static void dense_core##C(const ccf_aes_ctr_job *j, const dense_map *mp, size_t k0, __m512i ctrs, \
                               const uint8_t *s, unsigned rounds) \
{ \
    const __m512i swap = _mm512_broadcast_i32x4(LOW32_SWAP); \
    __m512i k = RKP512(s, 0); \
    DG##C(DLD) \
    MIDDLE_ROUNDS(DG##C, ENC512, SETK512) \
    k = RKP512(s, rounds); \
    DG##C(DOUT) \
}
DENSE_CORE(4)
DENSE_CORE(5)
DENSE_CORE(6)
DENSE_CORE(7)
DENSE_CORE(8)

V512 static void dense_part(const ccf_aes_ctr_job *j, const dense_map *mp, size_t k0, size_t c, __m512i ctrs,
                            const uint8_t *s, unsigned rounds)
{
    switch (c) {
    case 4: dense_core4(j, mp, k0, ctrs, s, rounds); break;
    case 5: dense_core5(j, mp, k0, ctrs, s, rounds); break;
    case 6: dense_core6(j, mp, k0, ctrs, s, rounds); break;
    case 7: dense_core7(j, mp, k0, ctrs, s, rounds); break;
    default: dense_core8(j, mp, k0, ctrs, s, rounds); break;
    }
}

/* One group: its nb registers in one part of up to eight, or two near-equal parts (four or
 * more registers each keep the AES rounds' latency hidden; ten in one part ran slower).  Not
 * inlined, nor is dense_map_init: inlined into dense_lead, the groups ran about 10% slower. */
CCF_NOINLINE V512 static void dense512(const ccf_aes_ctr_job *j, const dense_map *mp)
{
    const __m128i swap128 = LOW32_SWAP;
    const ccf_aes_key *key = j[0].key;
    const uint8_t *s = (const uint8_t *)key->sched;
    size_t nb = (mp->len + 15) >> 4, c;
#define CTR(i) _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)j[i].ctr), swap128)
    __m512i ctrs = _mm512_inserti32x4(_mm512_inserti32x4(_mm512_inserti32x4(
        _mm512_castsi128_si512(CTR(0)), CTR(1), 1), CTR(2), 2), CTR(3), 3);
#undef CTR
    if (nb <= 8) {
        dense_part(j, mp, 0, nb, ctrs, s, key->rounds);
        return;
    }
    c = (nb + 1) / 2;
    dense_part(j, mp, 0, c, ctrs, s, key->rounds);
    dense_part(j, mp, c, nb - c, ctrs, s, key->rounds);
}

/* The leading groups of four jobs of the first job's key that go dense, done; returns how many
 * jobs they were.  A batch of one session's packets of one length goes through here alone,
 * without the pass's buffer and scans. */
V512 static size_t dense_lead(const ccf_aes_ctr_job *jobs, size_t n)
{
    const ccf_aes_key *key = jobs[0].key;
    dense_map mp;
    size_t i = 0;
    mp.len = 0;
    while (i + 4 <= n && jobs[i].key == key && jobs[i + 1].key == key && jobs[i + 2].key == key &&
           jobs[i + 3].key == key && dense_ok(jobs + i)) {
        if (mp.len != jobs[i].len)
            dense_map_init(&mp, jobs[i].len);
        dense512(jobs + i, &mp);
        i += 4;
    }
    return i;
}

/* The longest message for the VAES-512 pass (bytes). */
static size_t longest512(int one, size_t n)
{
    return one ? LONG512 : n >= UNITS_FEW ? UNITS_LONG : UNITS_LONG_FEW;
}

V512 static size_t stream512(const ccf_aes_ctr_job *jobs, size_t n, int one, uint8_t *buf)
{
    static const many_ops ops = { 2, 4, 4, counters512, cipher512, output512 };
    rec rs[PASS_MSGS];
    size_t maxb, i = 0, from = 0, used = 0, u, d;
    if (!one) {
        units512(jobs, n, jobs[0].key->rounds, longest512(0, n));
        return 0;
    }
    maxb = longest512(1, n) / 16;
    /* groups of four that qualify go dense; the jobs between them through the pass */
    while (i + 4 <= n) {
        d = dense_ok(jobs + i) ? dense_lead(jobs + i, n - i) : 0;
        if (!d) {
            i++;
            continue;
        }
        if (from < i && (u = stream(jobs + from, i - from, 1, &ops, buf, NULL, rs, maxb)) > used)
            used = u;
        i += d;
        from = i;
    }
    if (from < n && (u = stream(jobs + from, n - from, 1, &ops, buf, NULL, rs, maxb)) > used)
        used = u;
    return used;
}

/* ---- AES-NI: a register is one block ------------------------------------------------------- */

#define NI CCF_TARGET("aes,sse4.1")
#define RKP128(s, r) _mm_loadu_si128((const __m128i *)(const void *)((s) + 16 * (r)))

CCF_INLINE NI void counters128(uint8_t *d, const ccf_aes_ctr_job *j, size_t nb)
{
    const __m128i swap = LOW32_SWAP;
    const __m128i inc1 = _mm_setr_epi32(0, 0, 0, 1);
    __m128i cv = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)j->ctr), swap);
    size_t b;
    for (b = 0; b < nb; b++) {
        _mm_store_si128((__m128i *)(void *)(d + 16 * b), _mm_shuffle_epi8(cv, swap));
        cv = _mm_add_epi32(cv, inc1);
    }
}

#define LD128(i) __m128i x##i = _mm_xor_si128(_mm_load_si128((const __m128i *)(const void *)(b + 16 * (i))), k);
#define ENC128(i) x##i = _mm_aesenc_si128(x##i, k);
#define SETK128(r) k = RKP128(s, r);
#define LAST128(i) _mm_store_si128((__m128i *)(void *)(b + 16 * (i)), _mm_aesenclast_si128(x##i, k));

CCF_INLINE NI void enc128x8(uint8_t *b, const uint8_t *s, unsigned rounds)
{
    __m128i k = RKP128(s, 0);
    G8(LD128)
    MIDDLE_ROUNDS(G8, ENC128, SETK128)
    k = RKP128(s, rounds);
    G8(LAST128)
}

#define KLD128(i) const uint8_t *s##i = (const uint8_t *)kr[i]->sched; \
                  __m128i x##i = _mm_xor_si128(_mm_load_si128((const __m128i *)(const void *)(b + 16 * (i))), RKP128(s##i, 0));
#define KENC128(i) x##i = _mm_aesenc_si128(x##i, RKP128(s##i, r));
#define KLAST128(i) _mm_store_si128((__m128i *)(void *)(b + 16 * (i)), _mm_aesenclast_si128(x##i, RKP128(s##i, rounds)));

CCF_INLINE NI void enc128x8k(uint8_t *b, const ccf_aes_key *const *kr, unsigned rounds)
{
    unsigned r;
    G8(KLD128)
    MIDDLE_ROUNDS(G8, KENC128, SETR)
    G8(KLAST128)
}

CCF_INLINE NI void cipher128(uint8_t *b, const ccf_aes_key *key, const ccf_aes_key *const *kr, unsigned rounds)
{
    if (!kr)
        enc128x8(b, (const uint8_t *)key->sched, rounds);
    else
        enc128x8k(b, kr, rounds);
}

CCF_INLINE NI void output128(const uint8_t *ks, const ccf_aes_ctr_job *j)
{
    const uint8_t *in = j->in;
    uint8_t *out = j->out;
    size_t len = j->len, o;
    for (o = 0; o + 16 <= len; o += 16) {
        __m128i x = _mm_load_si128((const __m128i *)(const void *)(ks + o));
        if (in)
            x = _mm_xor_si128(x, _mm_loadu_si128((const __m128i *)(const void *)(in + o)));
        _mm_storeu_si128((__m128i *)(void *)(out + o), x);
    }
    for (; o < len; o++)                     /* a final partial block */
        out[o] = (uint8_t)(ks[o] ^ (in ? in[o] : 0));
}

/* The longest message for the AES-NI pass (bytes). */
static size_t longest128(const ccf_aes_ctr_job *jobs, int one)
{
    return !one ? LONG128_KEYS : jobs[0].key->impl == &ccf_aes_impl_vaes_avx2 ? LONG128_VAES : LONG128;
}

NI static size_t stream128(const ccf_aes_ctr_job *jobs, size_t n, int one, uint8_t *buf)
{
    static const many_ops ops = { 0, 8, 8, counters128, cipher128, output128 };
    const ccf_aes_key *kreg[PASS_BLOCKS + 8];
    rec rs[PASS_MSGS];
    return stream(jobs, n, one, &ops, buf, one ? NULL : kreg, rs, longest128(jobs, one) / 16);
}

/* ---- entry points --------------------------------------------------------------------------- */

/* Runs of jobs of one key length through stream_fn, each told whether it has one key; a run of
 * one message through its key's own ctr128, which costs less than a pass for one message. */
static void runs(const ccf_aes_ctr_job *jobs, size_t n, uint8_t *buf,
                 size_t (*stream_fn)(const ccf_aes_ctr_job *, size_t, int, uint8_t *))
{
    size_t i = 0, e, used = 0;
    while (i < n) {
        const ccf_aes_key *k = jobs[i].key;
        int one = 1;
        size_t u;
        for (e = i + 1; e < n && jobs[e].key->rounds == k->rounds; e++)
            one &= jobs[e].key == k;
        if (e - i == 1) {
            ccf_aes_ctr128_one(&jobs[i++]);
            continue;
        }
        u = stream_fn(jobs + i, e - i, one, buf);
        if (used < u)
            used = u;
        i = e;
    }
    ccf_memzero(buf, used);
}

/* Whether any job may go through a pass (the batch's key sharing as runs() will see it when
 * its keys have one length); if none, the jobs go one by one without setting up the buffer. */
static int for_pass(const ccf_aes_ctr_job *jobs, size_t n, size_t (*longest)(const ccf_aes_ctr_job *, int, size_t))
{
    size_t i, max;
    int one = 1;
    for (i = 1; i < n; i++)
        one &= jobs[i].key == jobs[0].key;
    max = longest(jobs, one, n);
    for (i = 0; i < n; i++)
        if (jobs[i].len <= max)
            return 1;
    for (i = 0; i < n; i++)
        ccf_aes_ctr128_one(&jobs[i]);
    return 0;
}

static size_t longest512_of(const ccf_aes_ctr_job *jobs, int one, size_t n) { (void)jobs; return longest512(one, n); }
static size_t longest128_of(const ccf_aes_ctr_job *jobs, int one, size_t n) { (void)n; return longest128(jobs, one); }

CCF_NOINLINE static void with_buffer(const ccf_aes_ctr_job *jobs, size_t n,
                                 size_t (*stream_fn)(const ccf_aes_ctr_job *, size_t, int, uint8_t *))
{
    CCF_ALIGN(64) uint8_t buf[16 * PASS_BLOCKS + ROOM];
    runs(jobs, n, buf, stream_fn);
}

/* see aes_many.c */
void ccf_aes_vaes512_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n)
{
    size_t d = n >= 4 ? dense_lead(jobs, n) : 0;
    if (d < n && for_pass(jobs + d, n - d, longest512_of))
        with_buffer(jobs + d, n - d, stream512);
}

/* see aes_many.c */
void ccf_aes_aesni_ctr128_many(const ccf_aes_ctr_job *jobs, size_t n)
{
    if (for_pass(jobs, n, longest128_of))
        with_buffer(jobs, n, stream128);
}

#endif /* CCF_HAVE_X86_INTRIN */
