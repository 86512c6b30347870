/* UDP datagrams in batches.  See ccf_net.h. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE 1            /* recvmmsg, sendmmsg, struct mmsghdr */
#endif
#include "ccf_net.h"

#if defined(_WIN32)
/* ws2_32 is linked by setup.py; <winsock2.h> comes with ccf_net.h */
#  define NET_ERRNO WSAGetLastError()
#  define WOULD_BLOCK(e) ((e) == WSAEWOULDBLOCK)
#  define ERR_TOO_LONG WSAEMSGSIZE
#else
#  include <arpa/inet.h>
#  include <errno.h>
#  include <poll.h>
#  include <sys/uio.h>
#  include <unistd.h>
#  define NET_ERRNO errno
#  define WOULD_BLOCK(e) ((e) == EAGAIN || (e) == EWOULDBLOCK)
#  define ERR_TOO_LONG EMSGSIZE
#endif

#if defined(__linux__) && !defined(CCF_NET_NO_MMSG)     /* the second: to check the other build */
#  define HAVE_MMSG 1
#  include <netinet/udp.h>
#  if defined(UDP_SEGMENT)
#    define HAVE_GSO 1
#  endif
#endif

#define MMSG_MAX 64                 /* messages per recvmmsg/sendmmsg call */
#define GSO_MAX_SEGMENTS 64         /* UDP_MAX_SEGMENTS of older kernels */
#define GSO_MAX_BYTES 65000         /* one UDP datagram (IPv4: 65507 bytes of payload) */

/* see ccf_net.h */
int ccf_net_has_mmsg(void)
{
#if defined(HAVE_MMSG)
    return 1;
#else
    return 0;
#endif
}

/* see ccf_net.h */
int ccf_net_has_gso(void)
{
#if defined(HAVE_GSO)
    return 1;
#else
    return 0;
#endif
}

/* see ccf_net.h */
int ccf_net_addr_set(ccf_net_addr *a, int family, const uint8_t *ip, uint16_t port, uint32_t flowinfo,
                     uint32_t scope_id)
{
    memset(a, 0, sizeof(*a));
    if (family == AF_INET) {
        struct sockaddr_in *v = (struct sockaddr_in *)&a->ss;
        v->sin_family = AF_INET;
        v->sin_port = htons(port);
        memcpy(&v->sin_addr, ip, 4);
        a->len = sizeof(*v);
        return 0;
    }
    if (family == AF_INET6) {
        struct sockaddr_in6 *v = (struct sockaddr_in6 *)&a->ss;
        v->sin6_family = AF_INET6;
        v->sin6_port = htons(port);
        v->sin6_flowinfo = htonl(flowinfo);
        memcpy(&v->sin6_addr, ip, 16);
        v->sin6_scope_id = scope_id;
        a->len = sizeof(*v);
        return 0;
    }
    return -1;
}

/* see ccf_net.h */
int ccf_net_addr_get(const ccf_net_addr *a, uint8_t ip[16], uint16_t *port, uint32_t *flowinfo,
                     uint32_t *scope_id)
{
    if (a->len >= sizeof(struct sockaddr_in) && a->ss.ss_family == AF_INET) {
        const struct sockaddr_in *v = (const struct sockaddr_in *)&a->ss;
        memcpy(ip, &v->sin_addr, 4);
        *port = ntohs(v->sin_port);
        *flowinfo = *scope_id = 0;
        return AF_INET;
    }
    if (a->len >= sizeof(struct sockaddr_in6) && a->ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *v = (const struct sockaddr_in6 *)&a->ss;
        memcpy(ip, &v->sin6_addr, 16);
        *port = ntohs(v->sin6_port);
        *flowinfo = ntohl(v->sin6_flowinfo);
        *scope_id = v->sin6_scope_id;
        return AF_INET6;
    }
    return -1;
}

/* see ccf_net.h */
int ccf_net_init(void)
{
#if defined(_WIN32)
    static int done;
    WSADATA d;
    if (!done) {
        if (WSAStartup(MAKEWORD(2, 2), &d) != 0)
            return -1;
        done = 1;
    }
#endif
    return 0;
}

/* Wait up to timeout_ms (< 0: no limit) for the socket to be readable: 1 readable, 0 not (or
 * interrupted: the caller returns 0 datagrams and Python runs its signal handlers), -1 error. */
static int wait_readable(ccf_socket s, int timeout_ms, int *err)
{
#if defined(_WIN32)
    fd_set r;
    struct timeval tv, *tp = NULL;
    int rc;
    FD_ZERO(&r);
    FD_SET(s, &r);
    if (timeout_ms >= 0) {
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        tp = &tv;
    }
    rc = select(0, &r, NULL, NULL, tp);
    if (rc == SOCKET_ERROR) {
        *err = NET_ERRNO;
        return -1;
    }
    return rc > 0;
#else
    struct pollfd p;
    int rc;
    p.fd = s;
    p.events = POLLIN;
    p.revents = 0;
    rc = poll(&p, 1, timeout_ms < 0 ? -1 : timeout_ms);
    if (rc < 0) {
        if (errno == EINTR)
            return 0;
        *err = errno;
        return -1;
    }
    if (rc > 0 && (p.revents & POLLNVAL)) {
        *err = EBADF;
        return -1;
    }
    return rc > 0;
#endif
}

/* One datagram into row i (the portable path): 1 received, 0 none waiting, -1 error. */
static int recv_one(ccf_socket s, const ccf_net_rows *b, size_t i, int *err)
{
    uint8_t *row = b->rows + i * b->stride;
#if defined(_WIN32)
    int alen = (int)sizeof(b->addrs[i].ss), r, e;
    for (;;) {
        /* a socket in blocking mode would wait in recvfrom: look first */
        r = wait_readable(s, 0, err);
        if (r <= 0)
            return r;
        r = recvfrom(s, (char *)row, (int)(b->stride > 0x7FFFFFFF ? 0x7FFFFFFF : b->stride), 0,
                     (struct sockaddr *)&b->addrs[i].ss, &alen);
        if (r != SOCKET_ERROR) {
            b->lengths[i] = r;
            b->truncated[i] = 0;
            break;
        }
        e = NET_ERRNO;
        if (e == WSAEMSGSIZE) {                  /* longer than the row: its head is stored */
            b->lengths[i] = (int32_t)b->stride;
            b->truncated[i] = 1;
            break;
        }
        if (e == WSAECONNRESET)                  /* an ICMP error for an earlier send: next */
            continue;
        if (WOULD_BLOCK(e))
            return 0;
        *err = e;
        return -1;
    }
    b->addrs[i].len = (uint32_t)alen;
    return 1;
#else
    struct msghdr m;
    struct iovec v;
    ssize_t r;
    v.iov_base = row;
    v.iov_len = b->stride;
    memset(&m, 0, sizeof(m));
    m.msg_name = &b->addrs[i].ss;
    m.msg_namelen = sizeof(b->addrs[i].ss);
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    do {
        r = recvmsg(s, &m, MSG_DONTWAIT);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
        if (WOULD_BLOCK(errno))
            return 0;
        *err = errno;
        return -1;
    }
    b->lengths[i] = (int32_t)r;
    b->truncated[i] = (m.msg_flags & MSG_TRUNC) != 0;
    b->addrs[i].len = (uint32_t)m.msg_namelen;
    return 1;
#endif
}

/* Whatever is waiting, without waiting: the number received, or -1 (*err). */
static long recv_now(ccf_socket s, const ccf_net_rows *b, size_t n, int flags, int *err)
{
    size_t got = 0;
    int r;
#if defined(HAVE_MMSG)
    if (!(flags & CCF_NET_FALLBACK)) {
        struct mmsghdr msgs[MMSG_MAX];
        struct iovec iov[MMSG_MAX];
        while (got < n) {
            size_t k = n - got < MMSG_MAX ? n - got : MMSG_MAX, j;
            int c;
            for (j = 0; j < k; j++) {
                size_t i = got + j;
                iov[j].iov_base = b->rows + i * b->stride;
                iov[j].iov_len = b->stride;
                memset(&msgs[j], 0, sizeof(msgs[j]));
                msgs[j].msg_hdr.msg_name = &b->addrs[i].ss;
                msgs[j].msg_hdr.msg_namelen = sizeof(b->addrs[i].ss);
                msgs[j].msg_hdr.msg_iov = &iov[j];
                msgs[j].msg_hdr.msg_iovlen = 1;
            }
            do {
                c = recvmmsg(s, msgs, (unsigned)k, MSG_DONTWAIT, NULL);
            } while (c < 0 && errno == EINTR);
            if (c < 0) {
                if (WOULD_BLOCK(errno))
                    break;
                if (got == 0) {
                    *err = errno;
                    return -1;
                }
                break;
            }
            for (j = 0; j < (size_t)c; j++) {
                size_t i = got + j;
                b->lengths[i] = (int32_t)msgs[j].msg_len;
                b->truncated[i] = (msgs[j].msg_hdr.msg_flags & MSG_TRUNC) != 0;
                b->addrs[i].len = (uint32_t)msgs[j].msg_hdr.msg_namelen;
            }
            got += (size_t)c;
            if ((size_t)c < k)
                break;
        }
        return (long)got;
    }
#endif
    (void)flags;
    while (got < n) {
        r = recv_one(s, b, got, err);
        if (r < 0) {
            if (got == 0)
                return -1;
            *err = 0;
            break;
        }
        if (r == 0)
            break;
        got++;
    }
    return (long)got;
}

/* see ccf_net.h */
long ccf_net_recv(ccf_socket s, const ccf_net_rows *b, size_t n, int timeout_ms, int flags, int *err)
{
    long got;
    int r;
    *err = 0;
    if (n > b->n)
        n = b->n;
    if (n == 0)
        return 0;
    /* what is there already first (no poll() when the socket is busy), then the wait */
    got = recv_now(s, b, n, flags, err);
    if (got != 0 || timeout_ms == 0)
        return got;
    r = wait_readable(s, timeout_ms, err);
    if (r <= 0)
        return r;
    return recv_now(s, b, n, flags, err);
}

/* Errors of the socket itself (every datagram would fail the same way): stop at once. */
static int socket_error(int e)
{
#if defined(_WIN32)
    return e == WSAENOTSOCK || e == WSAEBADF || e == WSAEFAULT || e == WSANOTINITIALISED ||
           e == WSAESHUTDOWN || e == WSAENETDOWN;
#else
    return e == EBADF || e == ENOTSOCK || e == EFAULT || e == EPIPE;
#endif
}

static int buffer_full(int e)
{
#if defined(_WIN32)
    return WOULD_BLOCK(e) || e == WSAENOBUFS;
#else
    return WOULD_BLOCK(e) || e == ENOBUFS;
#endif
}

/* Row i's destination: `to`, the row's own address, or none (a connected socket). */
static const ccf_net_addr *dest(const ccf_net_rows *b, size_t i, const ccf_net_addr *to)
{
    const ccf_net_addr *a = to ? to : &b->addrs[i];
    return a->len ? a : NULL;
}

/* Row i's length to send, read once: 0 for a row to skip (length <= 0), ROW_TOO_LONG for a
 * length past the end of the row (never sent: that would read past the row, even past the
 * buffer).  Read once and checked where it is used, because lengths is the caller's memory: it
 * can be set to anything, and another thread may change it while the batch is sent (the GIL is
 * released, and free-threaded Python has none). */
#define ROW_TOO_LONG ((size_t)-1)
static size_t row_len(const ccf_net_rows *b, size_t i)
{
    int32_t v = *(volatile const int32_t *)&b->lengths[i];
    if (v <= 0)
        return 0;
    return (size_t)v > b->stride ? ROW_TOO_LONG : (size_t)v;
}

/* `rows` rows refused on their own (error e): counted in *dropped, the first error kept. */
static void refused(int e, size_t rows, int *err, size_t *dropped)
{
    if (!*err)
        *err = e;
    *dropped += rows;
}

/* One datagram (the portable path): 1 sent, 0 buffer full, -1 refused (*err). */
static int send_one(ccf_socket s, const uint8_t *p, size_t len, const ccf_net_addr *a, int *err)
{
#if defined(_WIN32)
    int r = sendto(s, (const char *)p, (int)len, 0, a ? (const struct sockaddr *)&a->ss : NULL, a ? (int)a->len : 0);
    if (r != SOCKET_ERROR)
        return 1;
    *err = NET_ERRNO;
    return buffer_full(*err) ? 0 : -1;
#else
    ssize_t r;
    do {
        r = sendto(s, p, len, MSG_DONTWAIT, a ? (const struct sockaddr *)&a->ss : NULL, a ? (socklen_t)a->len : 0);
    } while (r < 0 && errno == EINTR);
    if (r >= 0)
        return 1;
    *err = errno;
    return buffer_full(*err) ? 0 : -1;
#endif
}

#if defined(HAVE_MMSG)
static int same_dest(const ccf_net_addr *a, const ccf_net_addr *b)
{
    if (!a || !b)
        return a == b;
    return a->len == b->len && memcmp(&a->ss, &b->ss, a->len) == 0;
}

/* A run of rows [i, end) to one destination leaves as one GSO message when every row but the
 * last has one length and the last is not longer: returns how many rows it takes (>= 1).
 * len0: row i's length (row_len, not 0 nor ROW_TOO_LONG). */
static size_t gso_run(const ccf_net_rows *b, size_t i, size_t n, const ccf_net_addr *to, size_t len0,
                      int32_t *seg)
{
    const ccf_net_addr *d = dest(b, i, to);
    size_t j = i + 1, total = len0, len;
    *seg = (int32_t)len0;
    while (j < n && j - i < GSO_MAX_SEGMENTS && (len = row_len(b, j)) != 0 && len <= len0 &&
           total + len <= GSO_MAX_BYTES && same_dest(dest(b, j, to), d)) {
        total += len;
        if (len < len0) {                          /* a shorter row ends the run */
            j++;
            break;
        }
        j++;
    }
    return j - i;
}
#endif

/* see ccf_net.h */
long ccf_net_send(ccf_socket s, const ccf_net_rows *b, size_t n, const ccf_net_addr *to, int flags,
                  int *err, size_t *dropped)
{
    size_t i = 0, sent = 0;
    *err = 0;
    *dropped = 0;
    if (n > b->n)
        n = b->n;
#if defined(HAVE_MMSG)
    if (!(flags & CCF_NET_FALLBACK)) {
        struct mmsghdr msgs[MMSG_MAX];
        struct iovec iov[512];                    /* one per row: 8 KB of stack */
        size_t rows_of[MMSG_MAX];                 /* datagrams (rows) in each message */
        size_t first[MMSG_MAX];
#  if defined(HAVE_GSO)
        union { char buf[CMSG_SPACE(sizeof(uint16_t))]; struct cmsghdr align; } ctl[MMSG_MAX];
#  endif
        int gso = (flags & CCF_NET_GSO) != 0;
        while (i < n) {
            size_t k = 0, nv = 0, done;
            int c;
            /* up to MMSG_MAX messages from rows i.. (rows of length <= 0 skipped) */
            while (i < n && k < MMSG_MAX) {
                size_t take = 1, j, len = row_len(b, i);
                const ccf_net_addr *a;
                int32_t seg = 0;
                if (len == 0) {
                    i++;
                    continue;
                }
                if (len == ROW_TOO_LONG) {               /* refused on its own, as EMSGSIZE is */
                    refused(ERR_TOO_LONG, 1, err, dropped);
                    i++;
                    continue;
                }
#  if defined(HAVE_GSO)
                if (gso)
                    take = gso_run(b, i, n, to, len, &seg);
#  endif
                if (nv + take > sizeof(iov) / sizeof(iov[0]))
                    break;
                a = dest(b, i, to);
                memset(&msgs[k], 0, sizeof(msgs[k]));
                iov[nv].iov_base = b->rows + i * b->stride;
                iov[nv].iov_len = len;
                for (j = 1; j < take; j++) {
                    /* checked by gso_run; read again, so kept within the row whatever it is now */
                    size_t l = row_len(b, i + j);
                    iov[nv + j].iov_base = b->rows + (i + j) * b->stride;
                    iov[nv + j].iov_len = l == ROW_TOO_LONG ? b->stride : l;
                }
                msgs[k].msg_hdr.msg_iov = &iov[nv];
                msgs[k].msg_hdr.msg_iovlen = take;
                msgs[k].msg_hdr.msg_name = a ? (void *)&a->ss : NULL;
                msgs[k].msg_hdr.msg_namelen = a ? (socklen_t)a->len : 0;
#  if defined(HAVE_GSO)
                if (take > 1) {
                    struct cmsghdr *cm;
                    uint16_t s16 = (uint16_t)seg;
                    memset(&ctl[k], 0, sizeof(ctl[k]));
                    msgs[k].msg_hdr.msg_control = ctl[k].buf;
                    msgs[k].msg_hdr.msg_controllen = sizeof(ctl[k].buf);
                    cm = CMSG_FIRSTHDR(&msgs[k].msg_hdr);
                    cm->cmsg_level = SOL_UDP;
                    cm->cmsg_type = UDP_SEGMENT;
                    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                    memcpy(CMSG_DATA(cm), &s16, sizeof(s16));
                }
#  else
                (void)seg;
#  endif
                rows_of[k] = take;
                first[k] = i;
                nv += take;
                i += take;
                k++;
            }
            if (k == 0)
                break;
            done = 0;
            while (done < k) {
                do {
                    c = sendmmsg(s, msgs + done, (unsigned)(k - done), MSG_DONTWAIT);
                } while (c < 0 && errno == EINTR);
                if (c > 0) {
                    size_t q;
                    for (q = done; q < done + (size_t)c; q++)
                        sent += rows_of[q];
                    done += (size_t)c;
                    continue;
                }
                if (c < 0 && buffer_full(errno))
                    return (long)sent;               /* the rest is not sent */
                if (c < 0 && socket_error(errno) && sent == 0 && *dropped == 0) {
                    *err = errno;
                    return -1;
                }
#  if defined(HAVE_GSO)
                if (c < 0 && rows_of[done] > 1 && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT ||
                                                   errno == EOPNOTSUPP)) {
                    /* GSO refused here (device, route, old kernel): these rows one by one */
                    size_t q;
                    for (q = 0; q < rows_of[done]; q++) {
                        size_t r = first[done] + q;
                        const struct iovec *v = &msgs[done].msg_hdr.msg_iov[q];    /* as checked above */
                        int e = 0, rc = send_one(s, (const uint8_t *)v->iov_base, v->iov_len, dest(b, r, to), &e);
                        if (rc == 1) {
                            sent++;
                        } else if (rc == 0) {
                            return (long)sent;
                        } else {
                            refused(e, 1, err, dropped);
                        }
                    }
                    done++;
                    gso = 0;
                    continue;
                }
#  endif
                /* message `done` refused on its own: skip it */
                refused(c < 0 ? errno : EIO, rows_of[done], err, dropped);
                done++;
            }
        }
        return (long)sent;
    }
#endif
    (void)flags;
    for (; i < n; i++) {
        int e = 0, rc;
        size_t len = row_len(b, i);
        if (len == 0)
            continue;
        if (len == ROW_TOO_LONG) {
            refused(ERR_TOO_LONG, 1, err, dropped);
            continue;
        }
        rc = send_one(s, b->rows + i * b->stride, len, dest(b, i, to), &e);
        if (rc == 1) {
            sent++;
        } else if (rc == 0) {
            break;                                   /* buffer full: the rest is not sent */
        } else if (socket_error(e) && sent == 0 && *dropped == 0) {
            *err = e;
            return -1;
        } else {
            refused(e, 1, err, dropped);
        }
    }
    return (long)sent;
}
