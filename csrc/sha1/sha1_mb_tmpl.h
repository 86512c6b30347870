/*
 * sha1_mb_tmpl.h - the SHA-1 compression function (FIPS 180-4 6.1.2) on MB_LANES independent
 * messages at once, one message per 32-bit vector lane.  Included by sha1_mb_avx2.c and
 * sha1_mb_avx512.c, which define:
 *   MB_V                  vector type;  MB_LANES  lanes per vector
 *   MB_LOADU(p), MB_STOREU(p, v), MB_SET1(c)
 *   MB_ADD, MB_XOR, MB_XOR3(a, b, c), MB_ROL(x, n)
 *   MB_CH(x, y, z) (x ? y : z), MB_MAJ(x, y, z) (majority)
 *   MB_LOAD_BLOCKS(w, ptrs, off)   w[0..15] = big-endian words 0..15 of each lane's block at
 *                                  ptrs[l] + off, word-sliced (a transpose)
 *   MB_COMPRESS           name of the function to define;  MB_TARGET_STR  its CCF_TARGET
 * The state is word-sliced: word i of lane l at state[i * MB_LANES + l] (ccf_sha1_mb_impl).
 * The schedule is a ring of 16 words, W_t = ROTL1(W_t-3 ^ W_t-8 ^ W_t-14 ^ W_t-16) computed
 * in place; rounds are unrolled by five with the state words renamed instead of shifted.
 */

#define MB_PARITY(x, y, z) MB_XOR3((x), (y), (z))

/* W_t for a literal t: loaded for t < 16, else computed into the ring */
#define MB_WT(t) ((t) < 16 ? w[(t) & 15]                                                    \
                           : (w[(t) & 15] = MB_ROL(MB_XOR(MB_XOR3(w[((t) + 13) & 15],        \
                                                                  w[((t) + 8) & 15],         \
                                                                  w[((t) + 2) & 15]),        \
                                                          w[(t) & 15]), 1)))

/* e + W + K + F(b, c, d) first and ROTL5(a) last: a round's new a then waits on the previous a
 * for one rotate and one add only (b, c, d are older).  Compilers reassociate the additions
 * into a longer chain unless the partial sum is pinned (MB_PIN). */
#if defined(__GNUC__) || defined(__clang__)
#  define MB_PIN(x) __asm__("" : "+v"(x))
#else
#  define MB_PIN(x) ((void)0)
#endif

#define MB_R(a, b, c, d, e, F, K, t) do {                                               \
        e = MB_ADD(MB_ADD(e, MB_ADD(MB_WT(t), K)), F(b, c, d));                         \
        MB_PIN(e);                                                                      \
        e = MB_ADD(e, MB_ROL(a, 5));                                                    \
        b = MB_ROL(b, 30);                                                              \
    } while (0)

#define MB_R5(F, K, t) do {                                                             \
        MB_R(A, B, C, D, E, F, K, (t));                                                 \
        MB_R(E, A, B, C, D, F, K, (t) + 1);                                             \
        MB_R(D, E, A, B, C, F, K, (t) + 2);                                             \
        MB_R(C, D, E, A, B, F, K, (t) + 3);                                             \
        MB_R(B, C, D, E, A, F, K, (t) + 4);                                             \
    } while (0)

/* One block: the state A..E (locals) advanced by the message words in w[0..15] (the ring is
 * overwritten); needs the locals k0..k3 from MB_KEYS.  MB_BLOCK_FF(FF) ends with
 * X = FF(X, X0) instead of the plain feed-forward X + X0 (a masked add keeps some lanes'
 * state). */
#define MB_KEYS                                                                         \
    const MB_V k0 = MB_SET1(0x5A827999u), k1 = MB_SET1(0x6ED9EBA1u);                    \
    const MB_V k2 = MB_SET1(0x8F1BBCDCu), k3 = MB_SET1(0xCA62C1D6u)

#define MB_BLOCK() MB_BLOCK_FF(MB_ADD)
#define MB_BLOCK_FF(FF) do {                                                            \
        MB_V A0 = A, B0 = B, C0 = C, D0 = D, E0 = E;                                    \
        MB_R5(MB_CH, k0, 0);  MB_R5(MB_CH, k0, 5);  MB_R5(MB_CH, k0, 10);  MB_R5(MB_CH, k0, 15); \
        MB_R5(MB_PARITY, k1, 20); MB_R5(MB_PARITY, k1, 25); MB_R5(MB_PARITY, k1, 30); MB_R5(MB_PARITY, k1, 35); \
        MB_R5(MB_MAJ, k2, 40); MB_R5(MB_MAJ, k2, 45); MB_R5(MB_MAJ, k2, 50); MB_R5(MB_MAJ, k2, 55); \
        MB_R5(MB_PARITY, k3, 60); MB_R5(MB_PARITY, k3, 65); MB_R5(MB_PARITY, k3, 70); MB_R5(MB_PARITY, k3, 75); \
        A = FF(A, A0); B = FF(B, B0); C = FF(C, C0); D = FF(D, D0); E = FF(E, E0);     \
    } while (0)

CCF_TARGET(MB_TARGET_STR)
static void MB_COMPRESS(uint32_t *state, const uint8_t *const *ptrs, size_t nblocks)
{
    MB_KEYS;
    MB_V w[16];
    MB_V A = MB_LOADU(state + 0 * MB_LANES), B = MB_LOADU(state + 1 * MB_LANES);
    MB_V C = MB_LOADU(state + 2 * MB_LANES), D = MB_LOADU(state + 3 * MB_LANES);
    MB_V E = MB_LOADU(state + 4 * MB_LANES);
    size_t off;
    for (off = 0; off < 64 * nblocks; off += 64) {
        MB_LOAD_BLOCKS(w, ptrs, off);
        MB_BLOCK();
    }
    MB_STOREU(state + 0 * MB_LANES, A); MB_STOREU(state + 1 * MB_LANES, B);
    MB_STOREU(state + 2 * MB_LANES, C); MB_STOREU(state + 3 * MB_LANES, D);
    MB_STOREU(state + 4 * MB_LANES, E);
    /* message words only; wiped because callers hash keyed and secret data */
    ccf_memzero(w, sizeof(w));
}
