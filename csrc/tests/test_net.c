/*
 * test_net.c - C driver for datagram batches (csrc/net/ccf_net.h) over UDP on 127.0.0.1.
 *
 * Both paths (recvmmsg/sendmmsg where the OS has them, and one call per datagram): an empty
 * socket gives 0 at once; a wait of 50 ms gives 0 after it; 300 datagrams of 0..400 bytes into
 * rows of 256 come back with their lengths, the truncation flag for those longer than a row,
 * and the sender's address; rows of length 0 are skipped when sending; a datagram too long for
 * UDP is dropped alone; UDP GSO (Linux) sends runs of one length as the same datagrams; a
 * closed socket is an error, not a crash.  Addresses: IPv4 and IPv6 set and read back.
 */
#include "ccf_test.h"
#include "ccf_net.h"

#include <stdlib.h>
#if defined(_WIN32)
#  define CLOSE closesocket
#else
#  include <unistd.h>
#  define CLOSE close
#endif

#define ROWS 64
#define MTU 256

static ccf_socket udp(struct sockaddr_in *me)
{
    ccf_socket s = socket(AF_INET, SOCK_DGRAM, 0);
    int big = 1 << 20;
    socklen_t len = sizeof(*me);
    memset(me, 0, sizeof(*me));
    me->sin_family = AF_INET;
    me->sin_addr.s_addr = htonl(0x7F000001);
    bind(s, (struct sockaddr *)me, sizeof(*me));
    getsockname(s, (struct sockaddr *)me, &len);
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, (const char *)&big, sizeof(big));
    return s;
}

typedef struct rows {
    uint8_t data[ROWS * 4][MTU];
    int32_t lengths[ROWS * 4];
    ccf_net_addr addrs[ROWS * 4];
    uint8_t truncated[ROWS * 4];
    ccf_net_rows b;
} rows;

static void init_rows(rows *r, size_t n)
{
    memset(r, 0, sizeof(*r));
    r->b.rows = &r->data[0][0];
    r->b.stride = MTU;
    r->b.n = n;
    r->b.lengths = r->lengths;
    r->b.addrs = r->addrs;
    r->b.truncated = r->truncated;
}

/* receive up to want datagrams, waiting up to a second in all */
static size_t drain(ccf_socket s, rows *r, size_t want, int flags, uint8_t (*got)[MTU], int32_t *glen, uint8_t *gtr)
{
    size_t total = 0;
    int tries = 0, err;
    while (total < want && tries++ < 40) {
        long k = ccf_net_recv(s, &r->b, r->b.n, 25, flags, &err);
        long i;
        CCF_CHECK(k >= 0, "recv error %d", err);
        for (i = 0; i < k && total < want; i++, total++) {
            memcpy(got[total], r->data[i], (size_t)r->lengths[i]);
            glen[total] = r->lengths[i];
            gtr[total] = r->truncated[i];
        }
    }
    return total;
}

static void run(int flags)
{
    static rows r, t;
    static uint8_t sent[300][400], got[300][MTU];
    static int32_t slen[300], glen[300];
    static uint8_t gtr[300];
    struct sockaddr_in a_addr, b_addr;
    ccf_socket a = udp(&a_addr), b = udp(&b_addr);
    ccf_net_addr to;
    size_t i, n, dropped;
    int err;
    long k;
    uint8_t ip[16];
    uint16_t port;
    uint32_t fl, sc;
    init_rows(&r, ROWS);
    /* empty: 0 at once, and after a 50 ms wait */
    CCF_CHECK(ccf_net_recv(a, &r.b, ROWS, 0, flags, &err) == 0, "empty socket");
    CCF_CHECK(ccf_net_recv(a, &r.b, ROWS, 50, flags, &err) == 0, "empty socket after a wait");
    /* 300 datagrams of 0..400 bytes from b */
    for (i = 0; i < 300; i++) {
        slen[i] = (int32_t)((i * 37) % 401);
        ccf_test_fill(sent[i], (size_t)slen[i], (uint32_t)i + 1);
        sendto(b, (const char *)sent[i], (int)slen[i], 0, (struct sockaddr *)&a_addr, sizeof(a_addr));
    }
    n = drain(a, &r, 300, flags, got, glen, gtr);
    CCF_CHECK(n == 300, "received %zu of 300", n);
    for (i = 0; i < n; i++) {
        int32_t keep = slen[i] > MTU ? MTU : slen[i];
        CCF_CHECK(glen[i] == keep && memcmp(got[i], sent[i], (size_t)keep) == 0, "datagram %zu", i);
        CCF_CHECK(gtr[i] == (slen[i] > MTU), "datagram %zu truncation flag %d", i, gtr[i]);
    }
    CCF_CHECK(ccf_net_addr_get(&r.addrs[0], ip, &port, &fl, &sc) == AF_INET && port == ntohs(b_addr.sin_port),
              "source address");
    /* send rows back from a to b: rows of length 0 skipped, one too long for UDP dropped alone */
    init_rows(&t, ROWS);
    for (i = 0; i < 40; i++) {
        t.lengths[i] = i % 5 == 4 ? 0 : (int32_t)(10 + i);
        ccf_test_fill(t.data[i], MTU, (uint32_t)i + 500);
    }
    ccf_net_addr_set(&to, AF_INET, (const uint8_t *)&b_addr.sin_addr, ntohs(b_addr.sin_port), 0, 0);
    k = ccf_net_send(a, &t.b, 40, &to, flags, &err, &dropped);
    CCF_CHECK(k == 32 && dropped == 0, "sent %ld (want 32), dropped %zu", k, dropped);
    n = drain(b, &r, 32, flags, got, glen, gtr);
    CCF_CHECK(n == 32, "received %zu of 32 sent", n);
    for (i = 0; i < n; i++) {
        size_t row = i + i / 4;                           /* rows 4, 9, 14, ... were skipped */
        CCF_CHECK(glen[i] == t.lengths[row] && memcmp(got[i], t.data[row], (size_t)glen[i]) == 0, "echo %zu", i);
    }
    /* per-row addresses, and a row too long for a UDP datagram in the middle */
    {
        static uint8_t big[70000];
        ccf_net_rows bb;
        int32_t lens[3] = { 100, 66000, 100 };
        ccf_net_addr addrs[3];
        uint8_t tr[3];
        bb.rows = big;
        bb.stride = 66000;
        bb.n = 1;
        (void)lens; (void)addrs; (void)tr;
        /* rows of 66000 bytes would not fit three in `big`: one row per call, sizes vary */
        bb.lengths = &lens[1];
        bb.addrs = &addrs[1];
        bb.truncated = &tr[1];
        addrs[1] = to;
        k = ccf_net_send(a, &bb, 1, NULL, flags, &err, &dropped);
        CCF_CHECK(k == 0 && dropped == 1 && err != 0, "oversize datagram: sent %ld dropped %zu", k, dropped);
        lens[1] = 100;
        k = ccf_net_send(a, &bb, 1, NULL, flags, &err, &dropped);
        CCF_CHECK(k == 1 && dropped == 0, "row address: sent %ld", k);
        CCF_CHECK(drain(b, &r, 1, flags, got, glen, gtr) == 1 && glen[0] == 100, "row address received");
    }
#if defined(__linux__)
    if (ccf_net_has_gso() && !(flags & CCF_NET_FALLBACK)) {
        /* 100 rows: 70 of 172 bytes, a 50, then 29 of mixed lengths */
        for (i = 0; i < 100; i++) {
            t.lengths[i] = i < 70 ? 172 : i == 70 ? 50 : (int32_t)(1 + (i * 53) % 250);
            ccf_test_fill(t.data[i], MTU, (uint32_t)i + 900);
        }
        init_rows(&r, ROWS * 2);
        t.b.n = 100;
        k = ccf_net_send(a, &t.b, 100, &to, flags | CCF_NET_GSO, &err, &dropped);
        CCF_CHECK(k == 100 && dropped == 0, "GSO: sent %ld, dropped %zu, err %d", k, dropped, err);
        n = drain(b, &r, 100, flags, got, glen, gtr);
        CCF_CHECK(n == 100, "GSO: received %zu of 100", n);
        for (i = 0; i < n; i++)
            CCF_CHECK(glen[i] == t.lengths[i] && memcmp(got[i], t.data[i], (size_t)glen[i]) == 0, "GSO datagram %zu", i);
        t.b.n = ROWS;
    }
#endif
    CLOSE(a);
    CLOSE(b);
    /* a closed socket: an error, not a crash */
    k = ccf_net_recv(a, &r.b, ROWS, 0, flags, &err);
    CCF_CHECK(k == -1 && err != 0, "recv on a closed socket: %ld", k);
    k = ccf_net_send(a, &t.b, 3, &to, flags, &err, &dropped);
    CCF_CHECK(k == -1 && err != 0, "send on a closed socket: %ld", k);
}

static void test_addresses(void)
{
    ccf_net_addr a;
    uint8_t ip4[4] = { 10, 1, 2, 3 }, ip6[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, ip[16];
    uint16_t port;
    uint32_t fl, sc;
    CCF_CHECK(ccf_net_addr_set(&a, AF_INET, ip4, 4000, 0, 0) == 0, "IPv4 set");
    CCF_CHECK(ccf_net_addr_get(&a, ip, &port, &fl, &sc) == AF_INET && port == 4000 && memcmp(ip, ip4, 4) == 0, "IPv4 get");
    CCF_CHECK(ccf_net_addr_set(&a, AF_INET6, ip6, 4001, 7, 3) == 0, "IPv6 set");
    CCF_CHECK(ccf_net_addr_get(&a, ip, &port, &fl, &sc) == AF_INET6 && port == 4001 && fl == 7 && sc == 3 &&
              memcmp(ip, ip6, 16) == 0, "IPv6 get");
    CCF_CHECK(ccf_net_addr_set(&a, -5, ip6, 1, 0, 0) == -1, "unknown family accepted");
    memset(&a, 0, sizeof(a));
    CCF_CHECK(ccf_net_addr_get(&a, ip, &port, &fl, &sc) == -1, "empty address read");
}

int main(void)
{
    CCF_CHECK(ccf_net_init() == 0, "socket library");
    test_addresses();
    printf("recvmmsg/sendmmsg: %s, GSO: %s\n", ccf_net_has_mmsg() ? "yes" : "no", ccf_net_has_gso() ? "yes" : "no");
    if (ccf_net_has_mmsg())
        run(0);
    run(CCF_NET_FALLBACK);
    return ccf_test_finish("net");
}
