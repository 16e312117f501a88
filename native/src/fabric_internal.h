/* Internal types shared by the shim's source files; nothing here is part of the ABI. */
#ifndef COLLECTIVES_FABRIC_INTERNAL_H
#define COLLECTIVES_FABRIC_INTERNAL_H

#include "collectives_fabric.h"

#include <rdma/fabric.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>

/* The libfabric API version we ask for: 1.10 has every mr_mode bit and fi_context2 we use. */
#define CF_FI_VERSION FI_VERSION(1, 10)

/* Tunables, each with its reason. */
enum {
    /* Text of one error; long enough for a provider name, a call and fi_cq_strerror's words. */
    CF_ERROR_LEN = 512,
    /* Operation slots are allocated in blocks of this many, on demand: every link keeps its
       receives posted (36 each on the managed side), so one fixed block capped an endpoint at
       28 links. Blocks never move, since the provider holds pointers into them. */
    CF_OP_BLOCK = 1024,
    /* Blocks at most: outstanding posts per endpoint; a post beyond them progresses until one finishes. */
    CF_MAX_OP_BLOCKS = 64,
    CF_MAX_PENDING_OPS = CF_OP_BLOCK * CF_MAX_OP_BLOCKS,
    /* CQ entries read per fi_cq_read call while progressing. */
    CF_CQ_BATCH = 16,
    /* Provider CQ size: room for a burst of completions between polls (posts, and peers'
       remote writes); poll drains it into the growing ready ring. */
    CF_CQ_SIZE = 4 * CF_OP_BLOCK,
    /* Completions buffered for poll() before growing; grows by doubling when peers outrun it. */
    CF_INITIAL_READY = 256,
};
/* Receive queue asked of the software providers (see cf_raise_receive_queues): 455 links of 36 receives. */
#define CF_RX_QUEUE_SIZE_TEXT "16384"

/* Cap for one post that keeps getting -FI_EAGAIN: long enough for a TCP reconnect, short enough
   that a vanished peer surfaces as an error instead of a hang. */
#define CF_DEFAULT_POST_TIMEOUT_US (30ull * 1000 * 1000)

enum cf_op_kind { CF_OP_FREE = 0, CF_OP_SEND, CF_OP_RECV, CF_OP_WRITE };

/* One posted operation. libfabric gets &slot->fi_ctx as its context (FI_CONTEXT2 mode allows the
   provider to use that memory), and hands it back in the completion. */
struct cf_op {
    struct fi_context2 fi_ctx;  /* first member: the op_context pointer is the slot pointer */
    uint64_t user_context;
    uint64_t length;
    int32_t kind;               /* enum cf_op_kind */
    int32_t next_free;          /* free-list link, -1 ends it */
    int32_t index;              /* this slot's index over all blocks */
};

struct collectives_fabric_ctx {
    struct fi_info *info;       /* the chosen device; NULL before init */
    struct fid_fabric *fabric;
    struct fid_domain *domain;
    collectives_fabric_device_v1_t device;
    uint64_t post_timeout_us;
    uint64_t next_key;          /* requested MR keys when the provider lets us choose */
    uint32_t open_endpoints;
    char provider_label[COLLECTIVES_FABRIC_PROVIDER_LEN]; /* what errors name: chosen or asked-for provider */
    char error[CF_ERROR_LEN];
};

struct collectives_fabric_ep {
    collectives_fabric_ctx_t *ctx;
    struct fid_ep *ep;
    struct fid_cq *cq;
    struct fid_av *av;
    uint32_t open_mrs;
    struct cf_op *op_blocks[CF_MAX_OP_BLOCKS]; /* CF_OP_BLOCK slots each; the first op_block_count are allocated */
    uint32_t op_block_count;
    int32_t free_op;            /* head of the free list (a slot index over all blocks), -1 when every slot is in use */
    uint32_t pending_ops;
    /* Completions read from the CQ but not yet returned by poll: a ring that grows. */
    collectives_fabric_completion_v1_t *ready;
    uint32_t ready_capacity;
    uint32_t ready_head;
    uint32_t ready_count;
};

struct collectives_fabric_mr {
    collectives_fabric_ep_t *ep;
    struct fid_mr *mr;
    void *desc;                 /* fi_mr_desc, passed to local operations */
};

/* Records an error on ctx as "[provider] what: fi_strerror(-rc)" and returns rc. */
int cf_fail(collectives_fabric_ctx_t *ctx, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Monotonic microseconds. */
uint64_t cf_now_us(void);

/* Reads every available CQ entry into ep->ready. Returns 0 or a negative code on CQ failure. */
int cf_progress(collectives_fabric_ep_t *ep);

/* Takes an op slot, progressing until one is free or the post deadline passes. */
int cf_op_acquire(collectives_fabric_ep_t *ep, uint64_t deadline_us, const char *call, struct cf_op **out);
void cf_op_release(collectives_fabric_ep_t *ep, struct cf_op *op);
struct cf_op *cf_op_at(collectives_fabric_ep_t *ep, int32_t index);

/* Functions behind the v1 table, one file per concern. */
int cf_create(collectives_fabric_ctx_t **out);
int cf_list_devices(collectives_fabric_ctx_t *ctx, const char *provider,
                    collectives_fabric_device_v1_t *out, uint32_t capacity, uint32_t *count);
int cf_init(collectives_fabric_ctx_t *ctx, const char *provider, const char *domain, uint64_t post_timeout_us);
int cf_get_device(collectives_fabric_ctx_t *ctx, collectives_fabric_device_v1_t *out);
int cf_close(collectives_fabric_ctx_t *ctx);
int cf_last_error(collectives_fabric_ctx_t *ctx, char *buf, size_t len);

int cf_ep_open(collectives_fabric_ctx_t *ctx, collectives_fabric_ep_t **out);
int cf_ep_address(collectives_fabric_ep_t *ep, void *buf, size_t *len);
int cf_av_insert(collectives_fabric_ep_t *ep, const void *addr, size_t len, uint64_t *peer);
int cf_ep_close(collectives_fabric_ep_t *ep);
int cf_poll(collectives_fabric_ep_t *ep, collectives_fabric_completion_v1_t *out, uint32_t capacity,
            uint32_t *count, uint64_t timeout_us);

int cf_mr_register(collectives_fabric_ep_t *ep, void *buf, size_t len, uint32_t access,
                   collectives_fabric_mr_t **out, collectives_fabric_mr_info_v1_t *info);
int cf_mr_close(collectives_fabric_mr_t *mr);

int cf_tsend(collectives_fabric_ep_t *ep, uint64_t peer, const void *buf, size_t len,
             collectives_fabric_mr_t *mr, uint64_t tag, uint64_t context);
int cf_trecv(collectives_fabric_ep_t *ep, uint64_t peer, void *buf, size_t len,
             collectives_fabric_mr_t *mr, uint64_t tag, uint64_t ignore, uint64_t context);
int cf_write(collectives_fabric_ep_t *ep, uint64_t peer, const void *buf, size_t len,
             collectives_fabric_mr_t *mr, uint64_t remote_addr, uint64_t remote_key,
             uint64_t data, uint32_t flags, uint64_t context);
int cf_cancel(collectives_fabric_ep_t *ep, uint64_t context);

#endif
