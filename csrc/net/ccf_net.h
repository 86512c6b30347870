/*
 * ccf_net.h - UDP datagrams in batches: many datagrams per system call where the OS can
 * (recvmmsg/sendmmsg on Linux, optionally UDP GSO), a loop of single calls elsewhere.
 *
 * A batch is n rows of `stride` bytes (one datagram each), a length per row, a peer address
 * per row and a truncation flag per row.  Nothing here blocks unless asked to: receiving uses
 * MSG_DONTWAIT (POSIX) or a zero-time select() before each datagram (Windows), so a socket in
 * blocking mode is drained without waiting; an empty socket gives 0 datagrams, not an error.
 * No call holds a lock or allocates on the heap; the caller releases the GIL around them.
 *
 * Portability: recvmmsg/sendmmsg/UDP_SEGMENT are used on Linux only (__linux__); the fallback
 * (recvmsg/sendto on POSIX, recvfrom/sendto on Windows) also runs on Linux when asked
 * (CCF_NET_FALLBACK), so the same tests cover it there.
 */
#ifndef CCF_NET_H
#define CCF_NET_H

#include "ccf_common.h"

#if defined(_WIN32)
#  include <winsock2.h>
#  include <ws2tcpip.h>
typedef SOCKET ccf_socket;
#else
#  include <sys/types.h>
#  include <sys/socket.h>
#  include <netinet/in.h>
typedef int ccf_socket;
#endif

/* A peer address as the OS gives and takes it; len 0: none. */
typedef struct ccf_net_addr {
    struct sockaddr_storage ss;
    uint32_t len;
} ccf_net_addr;

/* The memory of a batch (owned by the caller). */
typedef struct ccf_net_rows {
    uint8_t *rows;             /* n rows of `stride` bytes: row i at rows + i * stride */
    size_t stride;             /* the row size (the largest datagram a row holds) */
    size_t n;
    int32_t *lengths;          /* bytes of each row in use */
    ccf_net_addr *addrs;       /* each row's peer (source when received, destination to send) */
    uint8_t *truncated;        /* 1: the datagram received was longer than the row */
} ccf_net_rows;

/* flags */
#define CCF_NET_FALLBACK 1     /* one system call per datagram even where batches exist (tests) */
#define CCF_NET_GSO 2          /* Linux: consecutive rows of one length to one address leave as
                                  one UDP GSO send (UDP_SEGMENT), the kernel cutting them apart */

/*
 * Receive up to n (<= b->n) datagrams into rows 0.. of b: lengths (the bytes stored: at most
 * the stride), source addresses, truncation flags.  timeout_ms = 0 returns at once, > 0 waits at
 * most that long for the first datagram, < 0 waits without limit.  Returns the number received
 * (0 when none is waiting), or -1 with *err the system error (errno, WSAGetLastError()) when the
 * socket fails before any datagram was received (an error after some is reported by the next
 * call, as recvmmsg does).
 */
long ccf_net_recv(ccf_socket s, const ccf_net_rows *b, size_t n, int timeout_ms, int flags, int *err);

/*
 * Send rows 0..n-1 of b: row i's lengths[i] bytes to `to` when it is not NULL, else to
 * addrs[i] (an address of len 0: the socket's connected peer).  Rows of length <= 0 are
 * skipped (not sent); a length past the end of its row (> stride) is never sent: the row is
 * refused as EMSGSIZE is (below).  Each length is read once where it is used (the caller's
 * memory may change meanwhile: no byte outside the row is ever sent).  Stops when the
 * socket's buffer is full (EAGAIN, ENOBUFS): the rows left are not sent, as a full UDP queue
 * drops them.  A datagram the OS refuses on its own (EMSGSIZE, EHOSTUNREACH, ECONNREFUSED, a
 * bad address, ...) is skipped and counted in *dropped, *err keeping the first such error.
 * Returns the number of datagrams sent.
 */
long ccf_net_send(ccf_socket s, const ccf_net_rows *b, size_t n, const ccf_net_addr *to, int flags,
                  int *err, size_t *dropped);

/* 1 where recvmmsg/sendmmsg are used (Linux), else 0; 1 where UDP GSO is compiled in. */
int ccf_net_has_mmsg(void);
int ccf_net_has_gso(void);

/* An IPv4 (ip: 4 bytes) or IPv6 (16 bytes) address and port; -1 for another family. */
int ccf_net_addr_set(ccf_net_addr *a, int family, const uint8_t *ip, uint16_t port, uint32_t flowinfo,
                     uint32_t scope_id);
/* The parts of an address: returns its family (AF_INET / AF_INET6), or -1 for none or another. */
int ccf_net_addr_get(const ccf_net_addr *a, uint8_t ip[16], uint16_t *port, uint32_t *flowinfo,
                     uint32_t *scope_id);

/* Windows: start Winsock (WSAStartup) once; elsewhere nothing.  0 on success. */
int ccf_net_init(void);

#endif /* CCF_NET_H */
