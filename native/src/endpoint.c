/* Endpoints: open/close, addresses, the completion queue and the progress that drains it. */
#define _POSIX_C_SOURCE 200809L

#include "fabric_internal.h"

#include <rdma/fi_cm.h>
#include <rdma/fi_errno.h>

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Empty progress passes a waiting poll spins before it starts yielding the core: ranks often
   outnumber cores, and the peer may need this one to make the progress we wait for. */
enum { CF_SPIN_BEFORE_YIELD = 64 };

static void cf_close_fid(struct fid *fid)
{
    if (fid != NULL) {
        fi_close(fid);
    }
}

static void cf_free_ep(collectives_fabric_ep_t *ep)
{
    if (ep->ep != NULL) {
        cf_close_fid(&ep->ep->fid);
    }
    if (ep->cq != NULL) {
        cf_close_fid(&ep->cq->fid);
    }
    if (ep->av != NULL) {
        cf_close_fid(&ep->av->fid);
    }
    for (uint32_t b = 0; b < ep->op_block_count; b++) {
        free(ep->op_blocks[b]);
    }
    free(ep->ready);
    free(ep);
}

static int cf_op_grow(collectives_fabric_ep_t *ep);

int cf_ep_open(collectives_fabric_ctx_t *ctx, collectives_fabric_ep_t **out)
{
    if (ctx == NULL) {
        return -FI_EINVAL;
    }
    if (out == NULL || ctx->info == NULL) {
        return cf_fail(ctx, -FI_EINVAL, "ep_open: needs an output pointer and a context after init");
    }
    *out = NULL;
    collectives_fabric_ep_t *ep = calloc(1, sizeof *ep);
    if (ep == NULL) {
        return cf_fail(ctx, -FI_ENOMEM, "ep_open");
    }
    ep->ctx = ctx;
    ep->free_op = -1;
    ep->ready = calloc(CF_INITIAL_READY, sizeof *ep->ready);
    if (ep->ready == NULL || !cf_op_grow(ep)) {
        cf_free_ep(ep);
        return cf_fail(ctx, -FI_ENOMEM, "ep_open");
    }
    ep->ready_capacity = CF_INITIAL_READY;

    struct fi_cq_attr cq_attr = {
        .size = CF_CQ_SIZE,
        .format = FI_CQ_FORMAT_TAGGED,
        .wait_obj = FI_WAIT_NONE, /* poll() spins and yields; no fd or wait set to manage */
    };
    int rc = fi_cq_open(ctx->domain, &cq_attr, &ep->cq, NULL);
    if (rc != 0) {
        ep->cq = NULL;
        cf_free_ep(ep);
        return cf_fail(ctx, rc, "fi_cq_open(size %d, tagged format)", CF_CQ_SIZE);
    }
    struct fi_av_attr av_attr = {
        .type = ctx->info->domain_attr->av_type != FI_AV_UNSPEC ? ctx->info->domain_attr->av_type : FI_AV_TABLE,
    };
    rc = fi_av_open(ctx->domain, &av_attr, &ep->av, NULL);
    if (rc != 0) {
        ep->av = NULL;
        cf_free_ep(ep);
        return cf_fail(ctx, rc, "fi_av_open");
    }
    rc = fi_endpoint(ctx->domain, ctx->info, &ep->ep, NULL);
    if (rc != 0) {
        ep->ep = NULL;
        cf_free_ep(ep);
        return cf_fail(ctx, rc, "fi_endpoint(FI_EP_RDM)");
    }
    rc = fi_ep_bind(ep->ep, &ep->av->fid, 0);
    if (rc == 0) {
        rc = fi_ep_bind(ep->ep, &ep->cq->fid, FI_TRANSMIT | FI_RECV);
        if (rc == 0) {
            rc = fi_enable(ep->ep);
            if (rc != 0) {
                cf_fail(ctx, rc, "fi_enable");
            }
        } else {
            cf_fail(ctx, rc, "fi_ep_bind(cq)");
        }
    } else {
        cf_fail(ctx, rc, "fi_ep_bind(av)");
    }
    if (rc != 0) {
        cf_free_ep(ep);
        return rc;
    }
    ctx->open_endpoints++;
    *out = ep;
    return 0;
}

int cf_ep_address(collectives_fabric_ep_t *ep, void *buf, size_t *len)
{
    if (ep == NULL) {
        return -FI_EINVAL;
    }
    if (len == NULL || (buf == NULL && *len > 0)) {
        return cf_fail(ep->ctx, -FI_EINVAL, "ep_address: needs a length and a buffer of that length");
    }
    int rc = fi_getname(&ep->ep->fid, buf, len);
    if (rc != 0) {
        return cf_fail(ep->ctx, rc, "fi_getname (needs %zu bytes)", *len);
    }
    return 0;
}

int cf_av_insert(collectives_fabric_ep_t *ep, const void *addr, size_t len, uint64_t *peer)
{
    if (ep == NULL) {
        return -FI_EINVAL;
    }
    if (addr == NULL || len == 0 || peer == NULL) {
        return cf_fail(ep->ctx, -FI_EINVAL, "av_insert: needs an address blob and an output handle");
    }
    fi_addr_t fi_addr = FI_ADDR_NOTAVAIL;
    int n = fi_av_insert(ep->av, addr, 1, &fi_addr, 0, NULL);
    if (n != 1) {
        return cf_fail(ep->ctx, n < 0 ? n : -FI_EINVAL, "fi_av_insert of a %zu-byte address inserted %d", len, n);
    }
    *peer = fi_addr;
    return 0;
}

int cf_ep_close(collectives_fabric_ep_t *ep)
{
    if (ep == NULL) {
        return 0;
    }
    collectives_fabric_ctx_t *ctx = ep->ctx;
    if (ep->open_mrs > 0) {
        return cf_fail(ctx, -FI_EBUSY, "ep_close: %u memory region(s) still registered; close them first", ep->open_mrs);
    }
    int rc = fi_close(&ep->ep->fid);
    ep->ep = NULL;
    cf_free_ep(ep);
    ctx->open_endpoints--;
    return rc != 0 ? cf_fail(ctx, rc, "fi_close(endpoint)") : 0;
}

struct cf_op *cf_op_at(collectives_fabric_ep_t *ep, int32_t index)
{
    return &ep->op_blocks[index / CF_OP_BLOCK][index % CF_OP_BLOCK];
}

/* One more block of free slots; 0 when the endpoint has all it may have or memory ran out. */
static int cf_op_grow(collectives_fabric_ep_t *ep)
{
    if (ep->op_block_count == CF_MAX_OP_BLOCKS) {
        return 0;
    }
    struct cf_op *block = calloc(CF_OP_BLOCK, sizeof *block);
    if (block == NULL) {
        return 0;
    }
    int32_t first = (int32_t)(ep->op_block_count * CF_OP_BLOCK);
    for (int32_t i = 0; i < CF_OP_BLOCK; i++) {
        block[i].index = first + i;
        block[i].next_free = i + 1 < CF_OP_BLOCK ? first + i + 1 : ep->free_op;
    }
    ep->op_blocks[ep->op_block_count++] = block;
    ep->free_op = first;
    return 1;
}

int cf_op_acquire(collectives_fabric_ep_t *ep, uint64_t deadline_us, const char *call, struct cf_op **out)
{
    if (ep->free_op < 0) {
        cf_op_grow(ep); /* when it cannot, wait below for a slot to come back */
    }
    while (ep->free_op < 0) {
        int rc = cf_progress(ep);
        if (rc != 0) {
            return rc;
        }
        if (ep->free_op >= 0) {
            break;
        }
        if (cf_now_us() >= deadline_us) {
            return cf_fail(ep->ctx, -FI_ETIMEDOUT,
                           "%s: all %d operation slots stayed pending until the post deadline; poll, or the peer "
                           "is not draining",
                           call, CF_MAX_PENDING_OPS);
        }
        sched_yield();
    }
    struct cf_op *op = cf_op_at(ep, ep->free_op);
    ep->free_op = op->next_free;
    ep->pending_ops++;
    op->next_free = -1;
    *out = op;
    return 0;
}

void cf_op_release(collectives_fabric_ep_t *ep, struct cf_op *op)
{
    op->kind = CF_OP_FREE;
    op->next_free = ep->free_op;
    ep->free_op = op->index;
    ep->pending_ops--;
}

static struct cf_op *cf_op_of(collectives_fabric_ep_t *ep, void *op_context)
{
    struct cf_op *op = op_context;
    for (uint32_t b = 0; op != NULL && b < ep->op_block_count; b++) {
        if (op >= ep->op_blocks[b] && op < ep->op_blocks[b] + CF_OP_BLOCK) {
            return op->kind == CF_OP_FREE ? NULL : op;
        }
    }
    return NULL;
}

static int cf_ready_push(collectives_fabric_ep_t *ep, const collectives_fabric_completion_v1_t *c)
{
    if (ep->ready_count == ep->ready_capacity) {
        uint32_t grown = ep->ready_capacity * 2;
        collectives_fabric_completion_v1_t *bigger = calloc(grown, sizeof *bigger);
        if (bigger == NULL) {
            return cf_fail(ep->ctx, -FI_ENOMEM, "poll: growing the completion buffer to %u entries", grown);
        }
        for (uint32_t i = 0; i < ep->ready_count; i++) {
            bigger[i] = ep->ready[(ep->ready_head + i) % ep->ready_capacity];
        }
        free(ep->ready);
        ep->ready = bigger;
        ep->ready_capacity = grown;
        ep->ready_head = 0;
    }
    ep->ready[(ep->ready_head + ep->ready_count) % ep->ready_capacity] = *c;
    ep->ready_count++;
    return 0;
}

static const char *cf_kind_name(int32_t kind)
{
    switch (kind) {
    case CF_OP_SEND: return "tsend";
    case CF_OP_RECV: return "trecv";
    case CF_OP_WRITE: return "write";
    default: return "remote operation";
    }
}

/* Turns one CQ entry (or error entry) into a completion and frees its op slot. */
static int cf_complete(collectives_fabric_ep_t *ep, void *op_context, uint64_t fi_flags, uint64_t len,
                       uint64_t data, uint64_t tag, int32_t status, int32_t prov_errno)
{
    collectives_fabric_completion_v1_t c = {.status = status, .prov_errno = prov_errno};
    struct cf_op *op = cf_op_of(ep, op_context);
    if (op != NULL) {
        c.context = op->user_context;
        switch (op->kind) {
        case CF_OP_SEND:
            c.flags = COLLECTIVES_FABRIC_CQ_SEND;
            c.length = op->length;
            break;
        case CF_OP_RECV:
            c.flags = COLLECTIVES_FABRIC_CQ_RECV;
            c.length = len;
            c.tag = tag;
            break;
        default:
            c.flags = COLLECTIVES_FABRIC_CQ_WRITE;
            c.length = op->length;
            break;
        }
        cf_op_release(ep, op);
    } else if ((fi_flags & (FI_REMOTE_WRITE | FI_REMOTE_CQ_DATA)) != 0) {
        c.flags = COLLECTIVES_FABRIC_CQ_REMOTE_WRITE;
        c.length = len;
    } else if (status == 0) {
        return 0; /* an entry the shim did not ask for; nothing the caller can match it to */
    }
    if ((fi_flags & FI_REMOTE_CQ_DATA) != 0) {
        c.flags |= COLLECTIVES_FABRIC_CQ_DATA;
        c.data = data;
    }
    return cf_ready_push(ep, &c);
}

static int cf_read_error(collectives_fabric_ep_t *ep)
{
    struct fi_cq_err_entry err;
    memset(&err, 0, sizeof err); /* err_data_size 0: the provider lends its own err_data buffer */
    ssize_t n = fi_cq_readerr(ep->cq, &err, 0);
    if (n == -FI_EAGAIN) {
        return 0;
    }
    if (n < 0) {
        return cf_fail(ep->ctx, (int)n, "fi_cq_readerr");
    }
    struct cf_op *op = cf_op_of(ep, err.op_context);
    char detail[CF_ERROR_LEN / 2];
    const char *text = fi_cq_strerror(ep->cq, err.prov_errno, err.err_data, detail, sizeof detail);
    int status = err.err > 0 ? -err.err : -FI_EOTHER;
    if (err.prov_errno == 0 || text == NULL) {
        text = "none";
    }
    char overflow[64] = "";
    if (err.olen > 0) {
        snprintf(overflow, sizeof overflow, " (%zu bytes beyond the buffer)", err.olen);
    }
    cf_fail(ep->ctx, status, "%s (context %llu) failed%s; provider detail: %s",
            cf_kind_name(op != NULL ? op->kind : -1), op != NULL ? (unsigned long long)op->user_context : 0ull,
            overflow, text);
    return cf_complete(ep, err.op_context, err.flags, err.len, err.data, err.tag, status, err.prov_errno);
}

int cf_progress(collectives_fabric_ep_t *ep)
{
    struct fi_cq_tagged_entry entries[CF_CQ_BATCH];
    for (;;) {
        ssize_t n = fi_cq_read(ep->cq, entries, CF_CQ_BATCH);
        if (n == -FI_EAGAIN) {
            return 0;
        }
        if (n == -FI_EAVAIL) {
            int rc = cf_read_error(ep);
            if (rc != 0) {
                return rc;
            }
            continue;
        }
        if (n < 0) {
            return cf_fail(ep->ctx, (int)n, "fi_cq_read");
        }
        for (ssize_t i = 0; i < n; i++) {
            const struct fi_cq_tagged_entry *e = &entries[i];
            int rc = cf_complete(ep, e->op_context, e->flags, e->len, e->data, e->tag, 0, 0);
            if (rc != 0) {
                return rc;
            }
        }
        if (n < CF_CQ_BATCH) {
            return 0; /* drained; do not let a peer's stream of writes keep this call forever */
        }
    }
}

int cf_poll(collectives_fabric_ep_t *ep, collectives_fabric_completion_v1_t *out, uint32_t capacity,
            uint32_t *count, uint64_t timeout_us)
{
    if (ep == NULL) {
        return -FI_EINVAL;
    }
    if (count == NULL || (out == NULL && capacity > 0)) {
        return cf_fail(ep->ctx, -FI_EINVAL, "poll: needs a count and an output array of `capacity` entries");
    }
    *count = 0;
    uint64_t deadline = timeout_us > 0 ? cf_now_us() + timeout_us : 0;
    for (uint32_t pass = 0;; pass++) {
        int rc = cf_progress(ep);
        if (rc != 0) {
            return rc;
        }
        if (ep->ready_count > 0 || capacity == 0 || timeout_us == 0 || cf_now_us() >= deadline) {
            break;
        }
        if (pass >= CF_SPIN_BEFORE_YIELD) {
            sched_yield();
        }
    }
    uint32_t n = ep->ready_count < capacity ? ep->ready_count : capacity;
    for (uint32_t i = 0; i < n; i++) {
        out[i] = ep->ready[ep->ready_head];
        ep->ready_head = (ep->ready_head + 1) % ep->ready_capacity;
    }
    ep->ready_count -= n;
    *count = n;
    return 0;
}
