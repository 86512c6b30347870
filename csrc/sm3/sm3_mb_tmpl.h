/*
 * sm3_mb_tmpl.h - the SM3 compression function (GB/T 32905-2016 5.3) on MB_LANES independent
 * messages at once, one message per 32-bit vector lane.  Included by sm3_mb_avx2.c and
 * sm3_mb_avx512.c, which define:
 *   MB_V                  vector type;  MB_LANES  lanes per vector
 *   MB_LOADU(p), MB_STOREU(p, v), MB_SET1(c)
 *   MB_ADD, MB_XOR, MB_XOR3(a, b, c), MB_ROL(x, n)
 *   MB_FF1(x, y, z) (majority), MB_GG1(x, y, z) (choose x ? y : z)
 *   MB_LOAD_BLOCKS(w, ptrs, off)   w[0..15] = big-endian words 0..15 of each lane's block at
 *                                  ptrs[l] + off, word-sliced (a transpose)
 *   MB_COMPRESS           name of the function to define;  MB_TARGET_STR  its CCF_TARGET
 * The state is word-sliced: word i of lane l at state[i * MB_LANES + l] (ccf_sm3_mb_impl).
 */

#define MB_P0(x) MB_XOR3((x), MB_ROL((x), 9), MB_ROL((x), 17))
#define MB_P1(x) MB_XOR3((x), MB_ROL((x), 15), MB_ROL((x), 23))
#define MB_FF0(x, y, z) MB_XOR3((x), (y), (z))
#define MB_GG0(x, y, z) MB_XOR3((x), (y), (z))

/* One round, the state renamed as in CCF_SM3_ROUND (sm3_impls.h). */
#define MB_ROUND(a, b, c, d, e, f, g, h, j, FF, GG) do {                              \
        MB_V a12_ = MB_ROL(a, 12);                                                    \
        MB_V ss1_ = MB_ROL(MB_ADD(MB_ADD(a12_, e), MB_SET1(ccf_sm3_tj[j])), 7);       \
        MB_V tt1_ = MB_ADD(MB_ADD(FF(a, b, c), d), MB_ADD(MB_XOR(ss1_, a12_),         \
                                                          MB_XOR(w[j], w[(j) + 4]))); \
        MB_V tt2_ = MB_ADD(MB_ADD(GG(e, f, g), h), MB_ADD(ss1_, w[j]));               \
        b = MB_ROL(b, 9);                                                             \
        f = MB_ROL(f, 19);                                                            \
        d = tt1_;                                                                     \
        h = MB_P0(tt2_);                                                              \
    } while (0)

#define MB_ROUNDS4(j, FF, GG) do {                                                    \
        MB_ROUND(A, B, C, D, E, F, G, H, (j), FF, GG);                                \
        MB_ROUND(D, A, B, C, H, E, F, G, (j) + 1, FF, GG);                            \
        MB_ROUND(C, D, A, B, G, H, E, F, (j) + 2, FF, GG);                            \
        MB_ROUND(B, C, D, A, F, G, H, E, (j) + 3, FF, GG);                            \
    } while (0)

/* GCC's second scheduling pass (after register allocation) halves the speed of the 256-bit
 * version (measured: 580 -> 1100 MB/s for 8 lanes without it; clang needs nothing). */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-schedule-insns2")))
#endif
CCF_TARGET(MB_TARGET_STR)
static void MB_COMPRESS(uint32_t *state, const uint8_t *const *ptrs, size_t nblocks)
{
    MB_V w[68];
    MB_V A = MB_LOADU(state + 0 * MB_LANES), B = MB_LOADU(state + 1 * MB_LANES);
    MB_V C = MB_LOADU(state + 2 * MB_LANES), D = MB_LOADU(state + 3 * MB_LANES);
    MB_V E = MB_LOADU(state + 4 * MB_LANES), F = MB_LOADU(state + 5 * MB_LANES);
    MB_V G = MB_LOADU(state + 6 * MB_LANES), H = MB_LOADU(state + 7 * MB_LANES);
    size_t off;
    for (off = 0; off < 64 * nblocks; off += 64) {
        MB_V A0 = A, B0 = B, C0 = C, D0 = D, E0 = E, F0 = F, G0 = G, H0 = H;
        int j;
        MB_LOAD_BLOCKS(w, ptrs, off);                                 /* 5.3.2 expansion */
        for (j = 16; j < 68; j++)
            w[j] = MB_XOR3(MB_P1(MB_XOR3(w[j - 16], w[j - 9], MB_ROL(w[j - 3], 15))),
                           MB_ROL(w[j - 13], 7), w[j - 6]);
        MB_ROUNDS4(0, MB_FF0, MB_GG0);                                /* 5.3.3 compression */
        MB_ROUNDS4(4, MB_FF0, MB_GG0);
        MB_ROUNDS4(8, MB_FF0, MB_GG0);
        MB_ROUNDS4(12, MB_FF0, MB_GG0);
        MB_ROUNDS4(16, MB_FF1, MB_GG1);
        MB_ROUNDS4(20, MB_FF1, MB_GG1);
        MB_ROUNDS4(24, MB_FF1, MB_GG1);
        MB_ROUNDS4(28, MB_FF1, MB_GG1);
        MB_ROUNDS4(32, MB_FF1, MB_GG1);
        MB_ROUNDS4(36, MB_FF1, MB_GG1);
        MB_ROUNDS4(40, MB_FF1, MB_GG1);
        MB_ROUNDS4(44, MB_FF1, MB_GG1);
        MB_ROUNDS4(48, MB_FF1, MB_GG1);
        MB_ROUNDS4(52, MB_FF1, MB_GG1);
        MB_ROUNDS4(56, MB_FF1, MB_GG1);
        MB_ROUNDS4(60, MB_FF1, MB_GG1);
        A = MB_XOR(A, A0); B = MB_XOR(B, B0); C = MB_XOR(C, C0); D = MB_XOR(D, D0);
        E = MB_XOR(E, E0); F = MB_XOR(F, F0); G = MB_XOR(G, G0); H = MB_XOR(H, H0);
    }
    MB_STOREU(state + 0 * MB_LANES, A); MB_STOREU(state + 1 * MB_LANES, B);
    MB_STOREU(state + 2 * MB_LANES, C); MB_STOREU(state + 3 * MB_LANES, D);
    MB_STOREU(state + 4 * MB_LANES, E); MB_STOREU(state + 5 * MB_LANES, F);
    MB_STOREU(state + 6 * MB_LANES, G); MB_STOREU(state + 7 * MB_LANES, H);
    /* message words only; wiped because callers may hash secrets */
    ccf_memzero(w, sizeof(w));
}
