/*
 * Two-process test and bandwidth probe of libcollectives_fabric, through its public table only
 * (as the managed bindings will call it).
 *
 *   fabric_pair_test --provider tcp|shm [--domain NAME]          1 MiB both ways, every byte checked
 *   fabric_pair_test --provider tcp|shm [--domain NAME] --bench  RMA-write and send bandwidth, 64K..64M
 *                    [--sizes MIN[:MAX]]                          only these sizes (bytes, stepping by 4)
 *   fabric_pair_test --bad-input                                 error paths and their texts
 *   fabric_pair_test --list PROVIDER                             devices and their properties
 *
 * The pair runs as a parent and a forked child that swap endpoint addresses and memory keys
 * over a socketpair; everything else goes through libfabric.
 */
#define _POSIX_C_SOURCE 200809L

#include "collectives_fabric.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum {
    MIB = 1 << 20,
    BIG = 1 * MIB,              /* the "1 MiB both ways" */
    SMALL_COUNT = 64,           /* small messages, matched by tag out of posting order */
    SMALL_SIZE = 4096,
    RMA_CHUNKS = 4,             /* the 1 MiB write goes in chunks at offsets, to check address math */
    MAX_CONTEXT = 256,
    MAX_REMOTE = 64,
    WAIT_SECONDS = 60,          /* any single wait in the test; a hang is a failure, not a stall */
    ALARM_SECONDS = 110,        /* under CTest's 120 s timeout */
    BENCH_WINDOW = 16,          /* outstanding writes or sends in the bandwidth probe */
    POLL_BATCH = 32,
};
static const uint64_t TAG_BIG = 0x5EED;
static const uint64_t TAG_SMALL = 0x1000;
static const uint64_t TAG_ACK = 0xACC;
static const uint64_t TAG_HEADER = 0x4EAD;
enum { FRAME_HEADER_BYTES = 64 };  /* the link's prefix and frame header, rounded up */
/* Bytes the bandwidth probe moves per size (at least BENCH_MIN_ITERS messages). */
static const uint64_t BENCH_BYTES = 512ull * MIB;
enum { BENCH_MIN_ITERS = 8 };

static const collectives_fabric_v1_t *F;

/* The probe's sizes (--sizes): 64 KiB to 64 MiB by default, stepping by 4. */
static size_t bench_min = 64u * 1024, bench_max = 64u * MIB;

struct link {
    int rank;
    int sock;
    const char *provider;
    collectives_fabric_ctx_t *ctx;
    collectives_fabric_ep_t *ep;
    collectives_fabric_device_v1_t dev;
    uint64_t peer;
    /* what has completed so far */
    uint32_t done[MAX_CONTEXT];
    uint64_t length[MAX_CONTEXT];
    uint64_t tag[MAX_CONTEXT];
    uint64_t remote_data[MAX_REMOTE];
    uint32_t remote_count;
};

static void fail(const struct link *l, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "rank %d: FAIL: ", l != NULL ? l->rank : -1);
    vfprintf(stderr, fmt, args);
    va_end(args);
    if (l != NULL && l->ctx != NULL) {
        char text[512];
        F->last_error(l->ctx, text, sizeof text);
        fprintf(stderr, "\n  last_error: %s", text);
    }
    fprintf(stderr, "\n");
    exit(1);
}

#define CHECK(l, call)                                                           \
    do {                                                                         \
        int check_rc_ = (call);                                                  \
        if (check_rc_ != 0) {                                                    \
            fail((l), "%s returned %d (line %d)", #call, check_rc_, __LINE__);   \
        }                                                                        \
    } while (0)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the out-of-band socket ---- */

static void sock_write(struct link *l, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(l->sock, p, len);
        if (n <= 0) {
            fail(l, "socket write (peer gone?)");
        }
        p += n;
        len -= (size_t)n;
    }
}

static void sock_read(struct link *l, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(l->sock, p, len);
        if (n <= 0) {
            fail(l, "socket read (peer gone?)");
        }
        p += n;
        len -= (size_t)n;
    }
}

static void sock_barrier(struct link *l)
{
    char b = 'b';
    sock_write(l, &b, 1);
    sock_read(l, &b, 1);
}

/* ---- completions ---- */

static void pump(struct link *l, double deadline, const char *waiting_for)
{
    collectives_fabric_completion_v1_t c[POLL_BATCH];
    uint32_t n = 0;
    CHECK(l, F->poll(l->ep, c, POLL_BATCH, &n, 1000));
    for (uint32_t i = 0; i < n; i++) {
        if (c[i].status != 0) {
            fail(l, "completion (context %llu, flags 0x%llx) has status %d", (unsigned long long)c[i].context,
                 (unsigned long long)c[i].flags, c[i].status);
        }
        if ((c[i].flags & COLLECTIVES_FABRIC_CQ_REMOTE_WRITE) != 0) {
            if ((c[i].flags & COLLECTIVES_FABRIC_CQ_DATA) != 0 && l->remote_count < MAX_REMOTE) {
                l->remote_data[l->remote_count] = c[i].data;
            }
            l->remote_count++;
            continue;
        }
        if (c[i].context >= MAX_CONTEXT) {
            fail(l, "completion for unknown context %llu", (unsigned long long)c[i].context);
        }
        l->done[c[i].context]++;
        l->length[c[i].context] = c[i].length;
        l->tag[c[i].context] = c[i].tag;
    }
    if (now_s() > deadline) {
        fail(l, "waited %d s for %s", WAIT_SECONDS, waiting_for);
    }
}

#define WAIT_UNTIL(l, cond)                                     \
    do {                                                        \
        double wait_deadline_ = now_s() + WAIT_SECONDS;         \
        while (!(cond)) {                                       \
            pump((l), wait_deadline_, #cond);                   \
        }                                                       \
    } while (0)

/* ---- setup ---- */

static void link_open(struct link *l, const char *provider, const char *domain)
{
    l->provider = provider;
    CHECK(NULL, F->create(&l->ctx));
    CHECK(l, F->init(l->ctx, provider, domain, 0));
    CHECK(l, F->get_device(l->ctx, &l->dev));
    CHECK(l, F->ep_open(l->ctx, &l->ep));
    unsigned char mine[256], theirs[256];
    size_t mine_len = sizeof mine;
    CHECK(l, F->ep_address(l->ep, mine, &mine_len));
    uint32_t len32 = (uint32_t)mine_len, their_len = 0;
    sock_write(l, &len32, sizeof len32);
    sock_write(l, mine, mine_len);
    sock_read(l, &their_len, sizeof their_len);
    if (their_len == 0 || their_len > sizeof theirs) {
        fail(l, "peer address of %u bytes", their_len);
    }
    sock_read(l, theirs, their_len);
    CHECK(l, F->av_insert(l->ep, theirs, their_len, &l->peer));
}

static void link_close(struct link *l)
{
    sock_barrier(l); /* the peer has seen everything it waits for before either side closes */
    CHECK(l, F->ep_close(l->ep));
    l->ep = NULL;
    CHECK(l, F->close(l->ctx));
    l->ctx = NULL;
}

static void print_device(const collectives_fabric_device_v1_t *d)
{
    printf("  provider %-14s fabric %-16s domain %-8s max_msg %llu inject %llu mr_mode 0x%llx "
           "cq_data %u key %u tag_bits %u features 0x%x [%s%s%s%s%s%s%s]\n",
           d->provider, d->fabric, d->domain, (unsigned long long)d->max_msg_size,
           (unsigned long long)d->inject_size, (unsigned long long)d->mr_mode, d->cq_data_size, d->mr_key_size,
           d->tag_bits, d->features, (d->features & COLLECTIVES_FABRIC_FEATURE_RMA) ? "rma " : "",
           (d->features & COLLECTIVES_FABRIC_FEATURE_REMOTE_CQ_DATA) ? "cq-data " : "",
           (d->features & COLLECTIVES_FABRIC_FEATURE_DIRECTED_RECV) ? "directed-recv " : "",
           (d->features & COLLECTIVES_FABRIC_FEATURE_VIRT_ADDR) ? "virt-addr " : "offsets ",
           (d->features & COLLECTIVES_FABRIC_FEATURE_PROV_KEY) ? "prov-key " : "app-key ",
           (d->features & COLLECTIVES_FABRIC_FEATURE_MR_LOCAL) ? "mr-local " : "",
           (d->features & COLLECTIVES_FABRIC_FEATURE_MANUAL_PROGRESS) ? "manual-progress" : "auto-progress");
}

/* ---- the correctness test ---- */

static unsigned char pattern(int stream, size_t i)
{
    return (unsigned char)(i * 131u + (i >> 11) * 7u + (size_t)stream * 71u + 1u);
}

static void check_bytes(struct link *l, const char *what, const unsigned char *buf, size_t len, int stream)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != pattern(stream, i)) {
            fail(l, "%s: byte %zu is 0x%02x, expected 0x%02x", what, i, buf[i], pattern(stream, i));
        }
    }
}

static void *alloc_pattern(size_t len, int stream)
{
    unsigned char *buf = aligned_alloc(4096, len);
    if (buf == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < len; i++) {
        buf[i] = stream < 0 ? 0xEE : pattern(stream, i);
    }
    return buf;
}

static void test_tagged_big(struct link *l)
{
    int peer_rank = 1 - l->rank;
    unsigned char *send = alloc_pattern(BIG, l->rank);
    unsigned char *recv = alloc_pattern(BIG, -1);
    collectives_fabric_mr_t *send_mr = NULL, *recv_mr = NULL;
    collectives_fabric_mr_info_v1_t info;
    CHECK(l, F->mr_register(l->ep, send, BIG, COLLECTIVES_FABRIC_ACCESS_LOCAL, &send_mr, &info));
    CHECK(l, F->mr_register(l->ep, recv, BIG, COLLECTIVES_FABRIC_ACCESS_LOCAL, &recv_mr, &info));
    CHECK(l, F->trecv(l->ep, l->peer, recv, BIG, recv_mr, TAG_BIG, 0, 1));
    CHECK(l, F->tsend(l->ep, l->peer, send, BIG, send_mr, TAG_BIG, 2));
    WAIT_UNTIL(l, l->done[1] == 1 && l->done[2] == 1);
    if (l->length[1] != BIG || l->tag[1] != TAG_BIG) {
        fail(l, "1 MiB receive completed with length %llu tag 0x%llx", (unsigned long long)l->length[1],
             (unsigned long long)l->tag[1]);
    }
    check_bytes(l, "tagged 1 MiB", recv, BIG, peer_rank);
    CHECK(l, F->mr_close(send_mr));
    CHECK(l, F->mr_close(recv_mr));
    free(send);
    free(recv);
}

/* Small messages with distinct tags, receives posted in reverse order, unregistered buffers
   where the provider allows it (the NULL-descriptor path). */
static void test_tagged_small(struct link *l)
{
    int local_only = (l->dev.features & COLLECTIVES_FABRIC_FEATURE_MR_LOCAL) != 0;
    unsigned char *send = alloc_pattern(SMALL_COUNT * SMALL_SIZE, 10 + l->rank);
    unsigned char *recv = alloc_pattern(SMALL_COUNT * SMALL_SIZE, -1);
    collectives_fabric_mr_t *send_mr = NULL, *recv_mr = NULL;
    collectives_fabric_mr_info_v1_t info;
    if (local_only) {
        CHECK(l, F->mr_register(l->ep, send, SMALL_COUNT * SMALL_SIZE, COLLECTIVES_FABRIC_ACCESS_LOCAL, &send_mr, &info));
        CHECK(l, F->mr_register(l->ep, recv, SMALL_COUNT * SMALL_SIZE, COLLECTIVES_FABRIC_ACCESS_LOCAL, &recv_mr, &info));
    }
    for (int k = SMALL_COUNT - 1; k >= 0; k--) {
        CHECK(l, F->trecv(l->ep, l->peer, recv + (size_t)k * SMALL_SIZE, SMALL_SIZE, recv_mr, TAG_SMALL + (uint64_t)k,
                          0, 10 + (uint64_t)k));
    }
    for (int k = 0; k < SMALL_COUNT; k++) {
        CHECK(l, F->tsend(l->ep, l->peer, send + (size_t)k * SMALL_SIZE, SMALL_SIZE, send_mr, TAG_SMALL + (uint64_t)k,
                          100 + (uint64_t)k));
    }
    for (int k = 0; k < SMALL_COUNT; k++) {
        WAIT_UNTIL(l, l->done[10 + k] == 1 && l->done[100 + k] == 1);
        if (l->tag[10 + k] != TAG_SMALL + (uint64_t)k || l->length[10 + k] != SMALL_SIZE) {
            fail(l, "small receive %d matched tag 0x%llx length %llu", k, (unsigned long long)l->tag[10 + k],
                 (unsigned long long)l->length[10 + k]);
        }
    }
    check_bytes(l, "64 tagged 4 KiB messages", recv, SMALL_COUNT * SMALL_SIZE, 10 + (1 - l->rank));
    CHECK(l, F->mr_close(send_mr));
    CHECK(l, F->mr_close(recv_mr));
    free(send);
    free(recv);
}

static void test_rma_write(struct link *l)
{
    const uint32_t need = COLLECTIVES_FABRIC_FEATURE_RMA | COLLECTIVES_FABRIC_FEATURE_REMOTE_CQ_DATA;
    if ((l->dev.features & need) != need) {
        fail(l, "provider %s offers no RMA write with remote CQ data (features 0x%x)", l->dev.provider, l->dev.features);
    }
    int peer_rank = 1 - l->rank;
    unsigned char *source = alloc_pattern(BIG, 20 + l->rank);
    unsigned char *target = alloc_pattern(BIG, -1);
    collectives_fabric_mr_t *source_mr = NULL, *target_mr = NULL;
    collectives_fabric_mr_info_v1_t source_info, target_info, peer_info;
    CHECK(l, F->mr_register(l->ep, source, BIG, COLLECTIVES_FABRIC_ACCESS_LOCAL, &source_mr, &source_info));
    CHECK(l, F->mr_register(l->ep, target, BIG, COLLECTIVES_FABRIC_ACCESS_LOCAL | COLLECTIVES_FABRIC_ACCESS_REMOTE_WRITE,
                            &target_mr, &target_info));
    sock_write(l, &target_info, sizeof target_info);
    sock_read(l, &peer_info, sizeof peer_info);
    if (peer_info.length != BIG) {
        fail(l, "peer registered %llu bytes", (unsigned long long)peer_info.length);
    }
    const size_t chunk = BIG / RMA_CHUNKS;
    l->remote_count = 0;
    for (int k = 0; k < RMA_CHUNKS; k++) {
        size_t offset = (size_t)k * chunk;
        uint64_t data = ((uint64_t)l->rank << 8) | (uint64_t)k;
        CHECK(l, F->write(l->ep, l->peer, source + offset, chunk, source_mr, peer_info.remote_base + offset,
                          peer_info.key, data, COLLECTIVES_FABRIC_WRITE_DATA, 200 + (uint64_t)k));
    }
    WAIT_UNTIL(l, l->remote_count == RMA_CHUNKS && l->done[200] == 1 && l->done[201] == 1 && l->done[202] == 1 &&
                      l->done[203] == 1);
    uint32_t seen = 0;
    for (uint32_t i = 0; i < l->remote_count; i++) {
        uint64_t d = l->remote_data[i];
        if ((d >> 8) != (uint64_t)peer_rank || (d & 0xff) >= RMA_CHUNKS) {
            fail(l, "remote CQ data 0x%llx is not one the peer sent", (unsigned long long)d);
        }
        seen |= 1u << (d & 0xff);
    }
    if (seen != (1u << RMA_CHUNKS) - 1) {
        fail(l, "remote CQ data covered chunks 0x%x", seen);
    }
    check_bytes(l, "RMA write 1 MiB", target, BIG, 20 + peer_rank);
    sock_barrier(l); /* neither side deregisters while the other may still write */
    CHECK(l, F->mr_close(source_mr));
    CHECK(l, F->mr_close(target_mr));
    free(source);
    free(target);
}

static int run_pair_test(struct link *l)
{
    test_tagged_big(l);
    test_tagged_small(l);
    test_rma_write(l);
    if (l->rank == 0) {
        print_device(&l->dev);
        printf("PASS %s: 1 MiB tagged both ways, 64 x 4 KiB by tag, 1 MiB RMA write+data both ways (%s addresses)\n",
               l->dev.provider, (l->dev.features & COLLECTIVES_FABRIC_FEATURE_VIRT_ADDR) ? "virtual" : "offset");
    }
    return 0;
}

/* ---- the bandwidth probe: rank 0 sends or writes, rank 1 receives ---- */

enum { CTX_WRITE = 1, CTX_SEND = 2, CTX_RECV = 3, CTX_ACK_RECV = 4, CTX_ACK_SEND = 5 };

static void ack_send(struct link *l, uint64_t *ack)
{
    uint32_t before = l->done[CTX_ACK_SEND];
    CHECK(l, F->tsend(l->ep, l->peer, ack, sizeof *ack, NULL, TAG_ACK, CTX_ACK_SEND));
    WAIT_UNTIL(l, l->done[CTX_ACK_SEND] == before + 1);
}

/* Posts iters writes of size bytes to the peer, BENCH_WINDOW in flight, returning once the last is posted. */
static void post_writes(struct link *l, unsigned char *buf, collectives_fabric_mr_t *mr,
                        const collectives_fabric_mr_info_v1_t *peer_info, size_t size, uint32_t iters, const char *what)
{
    uint32_t posted = 0;
    while (posted < iters) {
        while (posted < iters && posted - l->done[CTX_WRITE] < BENCH_WINDOW) {
            CHECK(l, F->write(l->ep, l->peer, buf, size, mr, peer_info->remote_base, peer_info->key, posted & 0xff,
                              COLLECTIVES_FABRIC_WRITE_DATA, CTX_WRITE));
            posted++;
        }
        if (posted < iters) {
            pump(l, now_s() + WAIT_SECONDS, what);
        }
    }
}

static double bench_rma(struct link *l, unsigned char *buf, collectives_fabric_mr_t *mr,
                        const collectives_fabric_mr_info_v1_t *peer_info, size_t size, uint32_t iters)
{
    uint64_t ack = 0;
    memset(l->done, 0, sizeof l->done);
    l->remote_count = 0;
    if (l->rank == 0) {
        CHECK(l, F->trecv(l->ep, l->peer, &ack, sizeof ack, NULL, TAG_ACK, 0, CTX_ACK_RECV));
    }
    sock_barrier(l);
    double t0 = now_s();
    if (l->rank == 0) {
        post_writes(l, buf, mr, peer_info, size, iters, "write window");
        WAIT_UNTIL(l, l->done[CTX_WRITE] == iters && l->done[CTX_ACK_RECV] == 1);
    } else {
        WAIT_UNTIL(l, l->remote_count == iters);
        ack_send(l, &ack);
    }
    return now_s() - t0;
}

/* The slower rank's time: both ranks' clocks stop on their own, the collective ends with the later. */
static double slower_rank(struct link *l, double mine)
{
    double theirs = 0;
    sock_write(l, &mine, sizeof mine);
    sock_read(l, &theirs, sizeof theirs);
    return mine > theirs ? mine : theirs;
}

/* Starts a frame probe: counters cleared, the first header receive posted, both ranks lined up. */
static double start_frame_probe(struct link *l, unsigned char *header_in, size_t header_bytes)
{
    memset(l->done, 0, sizeof l->done);
    l->remote_count = 0;
    CHECK(l, F->trecv(l->ep, l->peer, header_in, header_bytes, NULL, TAG_HEADER, 0, CTX_RECV));
    sock_barrier(l);
    return now_s();
}

/* Both ranks write to each other at once, as the two ranks of a ring step do; the slower rank's
 * time counts. On hosts where the CPU moves the bytes (tcp, shm), this is the ceiling of a
 * 2-rank ring's per-direction bandwidth, which the one-way figure overstates when each core
 * must also carry its own traffic. */
static double bench_rma_both_ways(struct link *l, unsigned char *buf, collectives_fabric_mr_t *mr,
                                  const collectives_fabric_mr_info_v1_t *peer_info, size_t size, uint32_t iters)
{
    memset(l->done, 0, sizeof l->done);
    l->remote_count = 0;
    sock_barrier(l);
    double t0 = now_s();
    post_writes(l, buf, mr, peer_info, size, iters, "write window (both ways)");
    WAIT_UNTIL(l, l->done[CTX_WRITE] == iters && l->remote_count == iters);
    return slower_rank(l, now_s() - t0);
}

/* Posts one frame as the managed link does: the payload write with its completion data, and
 * the header message. Over shm the message goes first (RdmaEndpoint.FrameMessageFirst): the
 * receiver copies a written payload while holding the lock on its own queues, so a message
 * posted after the write waits out the peer's whole copy, and the two directions of a ring
 * step run one after the other. Elsewhere the write goes first, so the payload leaves sooner. */
static void post_frame(struct link *l, const unsigned char *source, size_t length, collectives_fabric_mr_t *mr,
                       uint64_t target, uint64_t key, uint64_t data, const unsigned char *header, size_t header_bytes)
{
    int message_first = strcmp(l->provider, "shm") == 0;
    if (message_first) {
        CHECK(l, F->tsend(l->ep, l->peer, header, header_bytes, NULL, TAG_HEADER, CTX_SEND));
    }
    CHECK(l, F->write(l->ep, l->peer, source, length, mr, target, key, data, COLLECTIVES_FABRIC_WRITE_DATA, CTX_WRITE));
    if (!message_first) {
        CHECK(l, F->tsend(l->ep, l->peer, header, header_bytes, NULL, TAG_HEADER, CTX_SEND));
    }
}

/* The managed RDMA link's frame protocol, both ways at once, in C: per frame a payload write
 * with its completion data, then a small header message; one frame in flight per direction, the
 * next one posted once our write and header completed and the peer's frame (write and header)
 * arrived, as a ring step's send and receive pair up. Against rma_both_ways it prices the
 * protocol (a header per frame, one write in flight); against `collectives perf --transport rdma`
 * it prices everything the managed transport adds around it. */
static double bench_frames_both_ways(struct link *l, unsigned char *buf, collectives_fabric_mr_t *mr,
                                     const collectives_fabric_mr_info_v1_t *peer_info, size_t size, uint32_t iters)
{
    unsigned char header_out[FRAME_HEADER_BYTES] = {0}, header_in[FRAME_HEADER_BYTES];
    double t0 = start_frame_probe(l, header_in, sizeof header_in);
    for (uint32_t i = 0; i < iters; i++) {
        post_frame(l, buf, size, mr, peer_info->remote_base, peer_info->key, i & 0xff, header_out, sizeof header_out);
        /* The peer may already be a frame ahead: its next write can land before our own completions. */
        WAIT_UNTIL(l, l->done[CTX_WRITE] == i + 1 && l->done[CTX_SEND] == i + 1 && l->remote_count >= i + 1 &&
                          l->done[CTX_RECV] == i + 1);
        if (i + 1 < iters) {
            CHECK(l, F->trecv(l->ep, l->peer, header_in, sizeof header_in, NULL, TAG_HEADER, 0, CTX_RECV));
        }
    }
    return slower_rank(l, now_s() - t0);
}

/* out = a + b over n floats: the all-reduce's sum, vectorised as wide as the CPU allows (the
 * managed kernels use AVX2 where it exists; a plain -O3 build would stop at SSE2). */
#if defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
static void add_floats(float *restrict out, const float *restrict a, const float *restrict b, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        out[k] = a[k] + b[k];
    }
}

/* A 2-rank ring all-reduce (float sum) in C over the same calls, done as the managed link and
 * algorithm do it: each rank's half in frames of at most ALLREDUCE_CHUNK, each frame a payload
 * write into an ALLREDUCE_RING-byte ring the peer exposes (starting over at its beginning once
 * past its first quarter, as the link's ring frames do, since with one frame in flight the
 * earlier ones are released) plus a header message; the reduce-scatter step sums the
 * incoming frame into the output, the all-gather step copies it out. One frame in flight per
 * direction. It is the figure any implementation of this algorithm could reach over the provider
 * on this host: raw both-ways movement plus the reduction and the copy the CPU must also do.
 * `placed`: the all-gather writes straight into the peer's output instead of its ring, so no
 * copy-out (what placing received frames in the caller's memory would give). */
enum { ALLREDUCE_CHUNK = 1 * MIB, ALLREDUCE_RING = 8 * MIB, ALLREDUCE_RING_HOT = ALLREDUCE_RING / 4 };

/* Where the next ring frame starts: over at the ring's beginning past the hot quarter (see RdmaTuning.RingHotWindow) or at its end. */
static size_t next_ring_position(size_t position, size_t length)
{
    return position >= ALLREDUCE_RING_HOT || position + length > ALLREDUCE_RING ? 0 : position;
}

/* The all-reduce probe's memory: the ring peers write frames into, and the registered input and output. */
struct allreduce_memory {
    unsigned char *ring;
    const collectives_fabric_mr_info_v1_t *peer_ring;
    unsigned char *in, *out;
    const unsigned char *peer_in; /* what the peer's input holds, to check results */
    collectives_fabric_mr_t *work_mr;
    const collectives_fabric_mr_info_v1_t *peer_work;
    size_t out_offset; /* where the output starts in the peer's registered work area */
};

static double bench_allreduce(struct link *l, const struct allreduce_memory *m, size_t size, uint32_t iters, int placed)
{
    unsigned char header_out[FRAME_HEADER_BYTES] = {0}, header_in[FRAME_HEADER_BYTES];
    unsigned char *in = m->in, *out = m->out;
    const size_t half = size / 2;
    const size_t mine = (size_t)l->rank * half, theirs = (size_t)(1 - l->rank) * half;
    size_t send_pos = 0, receive_pos = 0;
    uint32_t frames = 0;
    memset(out, 0xA5, size); /* poisoned: the check below sees only what this run wrote */
    sock_barrier(l);         /* the peer writes here in the placed all-gather: poison before it can */
    double t0 = start_frame_probe(l, header_in, sizeof header_in);
    for (uint32_t i = 0; i < iters; i++) {
        for (int gather = 0; gather <= 1; gather++) {
            /* reduce-scatter sends the peer's half of the input; all-gather sends this rank's finished half */
            const unsigned char *source = gather ? out + mine : in + theirs;
            int direct = gather && placed;
            for (size_t at = 0; at < half; at += ALLREDUCE_CHUNK) {
                size_t length = half - at < ALLREDUCE_CHUNK ? half - at : ALLREDUCE_CHUNK;
                uint64_t target = m->peer_work->remote_base + m->out_offset + mine + at, key = m->peer_work->key;
                if (!direct) {
                    send_pos = next_ring_position(send_pos, length);
                    target = m->peer_ring->remote_base + send_pos;
                    key = m->peer_ring->key;
                    send_pos += length;
                }
                post_frame(l, source + at, length, m->work_mr, target, key, frames & 0xff, header_out, sizeof header_out);
                frames++;
                WAIT_UNTIL(l, l->done[CTX_WRITE] == frames && l->done[CTX_SEND] == frames && l->remote_count >= frames &&
                                  l->done[CTX_RECV] == frames);
                if (!direct) {
                    receive_pos = next_ring_position(receive_pos, length);
                    const unsigned char *incoming = m->ring + receive_pos;
                    receive_pos += length;
                    if (gather) {
                        memcpy(out + theirs + at, incoming, length);
                    } else {
                        add_floats((float *)(out + mine + at), (const float *)(in + mine + at), (const float *)incoming,
                                   length / sizeof(float));
                    }
                }
                CHECK(l, F->trecv(l->ep, l->peer, header_in, sizeof header_in, NULL, TAG_HEADER, 0, CTX_RECV));
            }
        }
    }
    double elapsed = now_s() - t0;
    /* one receive is left posted: a last header lets it complete before the next probe starts */
    CHECK(l, F->tsend(l->ep, l->peer, header_out, sizeof header_out, NULL, TAG_HEADER, CTX_SEND));
    WAIT_UNTIL(l, l->done[CTX_SEND] == frames + 1 && l->done[CTX_RECV] == frames + 1);
    /* A ceiling that computed the wrong thing would mean nothing: every output bit must equal
     * what each half's owner computes, its own input plus the peer's (inputs never change). */
    float *expected = aligned_alloc(4096, size);
    if (expected == NULL) {
        fail(l, "out of memory");
    }
    const unsigned char *rank_in[2] = {l->rank == 0 ? in : m->peer_in, l->rank == 1 ? in : m->peer_in};
    for (int owner = 0; owner <= 1; owner++) {
        size_t at = (size_t)owner * half;
        add_floats(expected + at / sizeof(float), (const float *)(rank_in[owner] + at),
                   (const float *)(rank_in[1 - owner] + at), half / sizeof(float));
    }
    if (memcmp(expected, out, size) != 0) {
        fail(l, "all-reduce probe: the %zu-byte result differs from the sums each half's owner computes", size);
    }
    free(expected);
    return slower_rank(l, elapsed);
}

static double bench_send(struct link *l, unsigned char *buf, size_t size, uint32_t iters)
{
    uint64_t ack = 0;
    memset(l->done, 0, sizeof l->done);
    uint32_t posted = 0;
    if (l->rank == 0) {
        CHECK(l, F->trecv(l->ep, l->peer, &ack, sizeof ack, NULL, TAG_ACK, 0, CTX_ACK_RECV));
    } else {
        for (; posted < iters && posted < BENCH_WINDOW; posted++) {
            CHECK(l, F->trecv(l->ep, l->peer, buf, size, NULL, TAG_BIG, 0, CTX_RECV));
        }
    }
    sock_barrier(l);
    double t0 = now_s();
    if (l->rank == 0) {
        while (posted < iters) {
            while (posted < iters && posted - l->done[CTX_SEND] < BENCH_WINDOW) {
                CHECK(l, F->tsend(l->ep, l->peer, buf, size, NULL, TAG_BIG, CTX_SEND));
                posted++;
            }
            if (posted < iters) {
                pump(l, now_s() + WAIT_SECONDS, "send window");
            }
        }
        WAIT_UNTIL(l, l->done[CTX_SEND] == iters && l->done[CTX_ACK_RECV] == 1);
    } else {
        while (l->done[CTX_RECV] < iters) {
            pump(l, now_s() + WAIT_SECONDS, "receives");
            for (; posted < iters && posted - l->done[CTX_RECV] < BENCH_WINDOW; posted++) {
                CHECK(l, F->trecv(l->ep, l->peer, buf, size, NULL, TAG_BIG, 0, CTX_RECV));
            }
        }
        ack_send(l, &ack);
    }
    return now_s() - t0;
}

static int run_bench(struct link *l)
{
    if ((l->dev.features & COLLECTIVES_FABRIC_FEATURE_MR_LOCAL) != 0) {
        fail(l, "the bandwidth probe passes unregistered buffers for sends; %s needs FI_MR_LOCAL", l->dev.provider);
    }
    const size_t max_size = 64u * MIB;
    /* Every message in flight uses the same buffer: the probe measures movement, not content. */
    unsigned char *buf = alloc_pattern(max_size, l->rank);
    collectives_fabric_mr_t *mr = NULL;
    collectives_fabric_mr_info_v1_t info, peer_info;
    CHECK(l, F->mr_register(l->ep, buf, max_size,
                            COLLECTIVES_FABRIC_ACCESS_LOCAL | COLLECTIVES_FABRIC_ACCESS_REMOTE_WRITE, &mr, &info));
    sock_write(l, &info, sizeof info);
    sock_read(l, &peer_info, sizeof peer_info);
    /* The all-reduce's input and output: registered as the link's sources are, and open to the
     * peer's writes for the placed all-gather. */
    unsigned char *work = alloc_pattern(2 * max_size, l->rank);
    unsigned char *peer_in = alloc_pattern(max_size, 1 - l->rank); /* what the peer's input holds, to check results */
    collectives_fabric_mr_t *work_mr = NULL;
    collectives_fabric_mr_info_v1_t work_info;
    CHECK(l, F->mr_register(l->ep, work, 2 * max_size, COLLECTIVES_FABRIC_ACCESS_LOCAL | COLLECTIVES_FABRIC_ACCESS_REMOTE_WRITE,
                            &work_mr, &work_info));
    collectives_fabric_mr_info_v1_t peer_work;
    sock_write(l, &work_info, sizeof work_info);
    sock_read(l, &peer_work, sizeof peer_work);
    const struct allreduce_memory memory = {buf, &peer_info, work, work + max_size, peer_in, work_mr, &peer_work, max_size};
    if (l->rank == 0) {
        print_device(&l->dev);
        printf("%10s %8s %16s %16s %22s %24s %22s %22s\n", "size", "iters", "rma_write GB/s", "send GB/s", "rma_both_ways GB/s",
               "frames_both_ways GB/s", "allreduce_in_c GB/s", "allreduce_placed GB/s");
    }
    for (size_t size = bench_min; size <= bench_max; size *= 4) {
        uint32_t iters = (uint32_t)(BENCH_BYTES / size);
        iters = iters < BENCH_MIN_ITERS ? BENCH_MIN_ITERS : iters;
        bench_rma(l, buf, mr, &peer_info, size, BENCH_MIN_ITERS); /* warm-up: connections, caches */
        double rma = bench_rma(l, buf, mr, &peer_info, size, iters);
        bench_send(l, buf, size, BENCH_MIN_ITERS);
        double send = bench_send(l, buf, size, iters);
        bench_rma_both_ways(l, buf, mr, &peer_info, size, BENCH_MIN_ITERS);
        double both = bench_rma_both_ways(l, buf, mr, &peer_info, size, iters);
        bench_frames_both_ways(l, buf, mr, &peer_info, size, BENCH_MIN_ITERS);
        double frames = bench_frames_both_ways(l, buf, mr, &peer_info, size, iters);
        /* an all-reduce moves its size both ways per call, in two steps of half: size/time is its busbw at 2 ranks */
        uint32_t calls = iters / 2 < BENCH_MIN_ITERS ? BENCH_MIN_ITERS : iters / 2;
        bench_allreduce(l, &memory, size, 2, 0);
        double allreduce = bench_allreduce(l, &memory, size, calls, 0);
        bench_allreduce(l, &memory, size, 2, 1);
        double placed = bench_allreduce(l, &memory, size, calls, 1);
        if (l->rank == 0) {
            printf("%10zu %8u %16.2f %16.2f %22.2f %24.2f %22.2f %22.2f\n", size, iters, (double)size * iters / rma / 1e9,
                   (double)size * iters / send / 1e9, (double)size * iters / both / 1e9, (double)size * iters / frames / 1e9,
                   (double)size * calls / allreduce / 1e9, (double)size * calls / placed / 1e9);
            fflush(stdout);
        }
    }
    sock_barrier(l);
    CHECK(l, F->mr_close(work_mr));
    free(work);
    free(peer_in);
    CHECK(l, F->mr_close(mr));
    free(buf);
    return 0;
}

/* ---- error paths, in one process ---- */

static void expect_error(struct link *l, int rc, int want, const char *needle, const char *what)
{
    char text[512];
    F->last_error(l->ctx, text, sizeof text);
    if (rc != want || (needle != NULL && strstr(text, needle) == NULL)) {
        fail(l, "%s: got %d, wanted %d with text containing '%s'; text: %s", what, rc, want, needle ? needle : "",
             text);
    }
    printf("  ok %-34s %4d  %s\n", what, rc, text);
}

/* Waits for the completion of `context`, keeping the others it reads (errors included). */
static collectives_fabric_completion_v1_t wait_one(struct link *l, collectives_fabric_completion_v1_t *seen,
                                                   uint64_t context)
{
    double deadline = now_s() + WAIT_SECONDS;
    while (l->done[context] == 0) {
        collectives_fabric_completion_v1_t c;
        uint32_t n = 0;
        CHECK(l, F->poll(l->ep, &c, 1, &n, 1000));
        if (n == 1 && c.context < MAX_CONTEXT) {
            l->done[c.context]++;
            seen[c.context] = c;
        }
        if (now_s() > deadline) {
            fail(l, "no completion for context %llu", (unsigned long long)context);
        }
    }
    return seen[context];
}

static int run_bad_input(void)
{
    static struct link l = {.rank = 0, .sock = -1};
    static collectives_fabric_completion_v1_t seen[MAX_CONTEXT];
    CHECK(NULL, F->create(&l.ctx));
    expect_error(&l, F->init(l.ctx, "nosuchprovider", NULL, 0), -COLLECTIVES_FABRIC_ENODATA, "nosuchprovider",
                 "unknown provider");
    CHECK(&l, F->close(l.ctx));

    CHECK(NULL, F->create(&l.ctx));
    expect_error(&l, F->init(l.ctx, "tcp", "nosuchdomain", 0), -COLLECTIVES_FABRIC_ENODATA, "nosuchdomain",
                 "unknown domain");
    CHECK(&l, F->close(l.ctx));

    CHECK(NULL, F->create(&l.ctx));
    CHECK(&l, F->init(l.ctx, "tcp", "lo", 2 * 1000 * 1000));
    CHECK(&l, F->get_device(l.ctx, &l.dev));
    CHECK(&l, F->ep_open(l.ctx, &l.ep));
    expect_error(&l, F->close(l.ctx), -COLLECTIVES_FABRIC_EBUSY, "tcp;ofi_rxm", "close with an endpoint open");

    unsigned char addr[256];
    size_t addr_len = 1;
    expect_error(&l, F->ep_address(l.ep, addr, &addr_len), -COLLECTIVES_FABRIC_ETOOSMALL, "fi_getname",
                 "address into 1 byte");
    addr_len = sizeof addr;
    CHECK(&l, F->ep_address(l.ep, addr, &addr_len));
    CHECK(&l, F->av_insert(l.ep, addr, addr_len, &l.peer)); /* talk to ourselves */

    unsigned char small[16], big[64];
    memset(big, 7, sizeof big);
    collectives_fabric_mr_t *mr = NULL;
    collectives_fabric_mr_info_v1_t info;
    expect_error(&l, F->mr_register(l.ep, big, sizeof big, 0, &mr, &info), -COLLECTIVES_FABRIC_EINVAL, "access",
                 "register with no access");
    expect_error(&l, F->write(l.ep, l.peer, big, sizeof big, NULL, 0, 0, 0, 0x80, 1), -COLLECTIVES_FABRIC_EINVAL,
                 "unknown flags", "write with an unknown flag");

    CHECK(&l, F->trecv(l.ep, l.peer, small, sizeof small, NULL, 42, 0, 7));
    CHECK(&l, F->tsend(l.ep, l.peer, big, sizeof big, NULL, 42, 8));
    collectives_fabric_completion_v1_t c = wait_one(&l, seen, 7);
    expect_error(&l, c.status, -COLLECTIVES_FABRIC_ETRUNC, "trecv", "64 bytes into a 16-byte receive");
    wait_one(&l, seen, 8);

    CHECK(&l, F->trecv(l.ep, l.peer, small, sizeof small, NULL, 99, 0, 9));
    CHECK(&l, F->cancel(l.ep, 9));
    c = wait_one(&l, seen, 9);
    expect_error(&l, c.status, -COLLECTIVES_FABRIC_ECANCELED, NULL, "cancelled receive");
    expect_error(&l, F->cancel(l.ep, 9), -COLLECTIVES_FABRIC_ENOENT, "context 9", "cancel with nothing pending");

    /* A peer that vanished: an endpoint whose address we hold, then closed. */
    collectives_fabric_ep_t *gone = NULL;
    CHECK(&l, F->ep_open(l.ctx, &gone));
    unsigned char gone_addr[256];
    size_t gone_len = sizeof gone_addr;
    uint64_t gone_peer = 0;
    CHECK(&l, F->ep_address(gone, gone_addr, &gone_len));
    CHECK(&l, F->ep_close(gone));
    CHECK(&l, F->av_insert(l.ep, gone_addr, gone_len, &gone_peer));
    int rc = F->tsend(l.ep, gone_peer, big, sizeof big, NULL, 1, 10);
    if (rc == 0) {
        c = wait_one(&l, seen, 10);
        rc = c.status;
    }
    if (rc == 0) {
        fail(&l, "a send to a closed endpoint succeeded");
    }
    expect_error(&l, rc, rc, "tcp;ofi_rxm", "send to a vanished peer");

    CHECK(&l, F->ep_close(l.ep));
    CHECK(&l, F->close(l.ctx));
    printf("PASS bad input\n");
    return 0;
}

static int run_list(const char *provider)
{
    collectives_fabric_ctx_t *ctx = NULL;
    collectives_fabric_device_v1_t devs[32];
    uint32_t count = 0;
    CHECK(NULL, F->create(&ctx));
    int rc = F->list_devices(ctx, provider, devs, 32, &count);
    if (rc != 0) {
        char text[512];
        F->last_error(ctx, text, sizeof text);
        fprintf(stderr, "list_devices(%s): %d %s\n", provider, rc, text);
    }
    for (uint32_t i = 0; i < count && i < 32; i++) {
        print_device(&devs[i]);
    }
    F->close(ctx);
    return rc != 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: fabric_pair_test --provider NAME [--domain NAME] [--bench [--sizes MIN[:MAX]]] | --bad-input | --list NAME\n"
                    "  --sizes: bytes, 65536..67108864; the probe steps by 4 from MIN\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *provider = NULL;
    const char *domain = NULL;
    int bench = 0;
    F = collectives_fabric_get_v1();
    if (F->version != COLLECTIVES_FABRIC_ABI_VERSION || F->struct_size != sizeof *F ||
        F->device_size != sizeof(collectives_fabric_device_v1_t) ||
        F->completion_size != sizeof(collectives_fabric_completion_v1_t) ||
        F->mr_info_size != sizeof(collectives_fabric_mr_info_v1_t)) {
        fprintf(stderr, "ABI mismatch: version %u size %u\n", F->version, F->struct_size);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--provider") == 0 && i + 1 < argc) {
            provider = argv[++i];
        } else if (strcmp(argv[i], "--domain") == 0 && i + 1 < argc) {
            domain = argv[++i];
        } else if (strcmp(argv[i], "--bench") == 0) {
            bench = 1;
        } else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
            char *end = NULL;
            bench_min = strtoull(argv[++i], &end, 10);
            bench_max = *end == ':' ? strtoull(end + 1, &end, 10) : bench_min;
            if (*end != '\0' || bench_min < 65536 || bench_max > 64u * MIB || bench_min > bench_max) {
                usage();
            }
        } else if (strcmp(argv[i], "--bad-input") == 0) {
            alarm(ALARM_SECONDS);
            return run_bad_input();
        } else if (strcmp(argv[i], "--list") == 0 && i + 1 < argc) {
            return run_list(argv[++i]);
        } else {
            usage();
        }
    }
    if (provider == NULL) {
        usage();
    }
    int socks[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, socks) != 0) {
        perror("socketpair");
        return 1;
    }
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    struct link *l = calloc(1, sizeof *l);
    if (l == NULL) {
        return 1;
    }
    l->rank = child == 0 ? 1 : 0;
    l->sock = socks[child == 0 ? 1 : 0];
    close(socks[child == 0 ? 0 : 1]);
    if (!bench) {
        alarm(ALARM_SECONDS); /* the last guard: a wedged provider call cannot hang CTest */
    }
    link_open(l, provider, domain);
    int rc = bench ? run_bench(l) : run_pair_test(l);
    link_close(l);
    free(l);
    if (child == 0) {
        _exit(rc);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "rank 1 failed (status 0x%x)\n", status);
        return 1;
    }
    return rc;
}
