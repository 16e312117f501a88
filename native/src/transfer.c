/* Posting tagged sends/receives and RMA writes: validation, op slots, -FI_EAGAIN with progress. */
#define _POSIX_C_SOURCE 200809L

#include "fabric_internal.h"

#include <rdma/fi_errno.h>
#include <rdma/fi_rma.h>
#include <rdma/fi_tagged.h>

#include <sched.h>

struct cf_post {
    int32_t kind;
    uint64_t peer;
    void *buf;
    size_t len;
    collectives_fabric_mr_t *mr;
    uint64_t tag;
    uint64_t ignore;
    uint64_t remote_addr;
    uint64_t remote_key;
    uint64_t data;
    uint32_t flags;
};

static ssize_t cf_issue(collectives_fabric_ep_t *ep, const struct cf_post *p, struct cf_op *op)
{
    void *desc = p->mr != NULL ? p->mr->desc : NULL;
    switch (p->kind) {
    case CF_OP_SEND:
        return fi_tsend(ep->ep, p->buf, p->len, desc, p->peer, p->tag, &op->fi_ctx);
    case CF_OP_RECV:
        return fi_trecv(ep->ep, p->buf, p->len, desc, p->peer, p->tag, p->ignore, &op->fi_ctx);
    default:
        if ((p->flags & COLLECTIVES_FABRIC_WRITE_DATA) != 0) {
            return fi_writedata(ep->ep, p->buf, p->len, desc, p->data, p->peer, p->remote_addr, p->remote_key,
                                &op->fi_ctx);
        }
        return fi_write(ep->ep, p->buf, p->len, desc, p->peer, p->remote_addr, p->remote_key, &op->fi_ctx);
    }
}

static const char *cf_call_name(const struct cf_post *p)
{
    switch (p->kind) {
    case CF_OP_SEND: return "fi_tsend";
    case CF_OP_RECV: return "fi_trecv";
    default: return (p->flags & COLLECTIVES_FABRIC_WRITE_DATA) != 0 ? "fi_writedata" : "fi_write";
    }
}

static int cf_check(collectives_fabric_ep_t *ep, const struct cf_post *p)
{
    collectives_fabric_ctx_t *ctx = ep->ctx;
    const collectives_fabric_device_v1_t *dev = &ctx->device;
    const char *call = cf_call_name(p);
    if (p->buf == NULL && p->len > 0) {
        return cf_fail(ctx, -FI_EINVAL, "%s: a %zu-byte transfer needs a buffer", call, p->len);
    }
    if (p->len > dev->max_msg_size) {
        return cf_fail(ctx, -FI_EMSGSIZE, "%s: %zu bytes exceed max_msg_size %llu; split it", call, p->len,
                       (unsigned long long)dev->max_msg_size);
    }
    if (p->mr != NULL && p->mr->ep != ep) {
        return cf_fail(ctx, -FI_EINVAL, "%s: the memory region belongs to another endpoint", call);
    }
    if (p->mr == NULL && p->len > 0 && (dev->features & COLLECTIVES_FABRIC_FEATURE_MR_LOCAL) != 0) {
        return cf_fail(ctx, -FI_EINVAL, "%s: this provider needs registered local buffers (FI_MR_LOCAL); pass the mr",
                       call);
    }
    if (p->kind != CF_OP_WRITE && dev->tag_bits < 64 && ((p->tag | p->ignore) >> dev->tag_bits) != 0) {
        return cf_fail(ctx, -FI_EINVAL, "%s: tag 0x%llx uses bits above the provider's %u tag bits", call,
                       (unsigned long long)(p->tag | p->ignore), dev->tag_bits);
    }
    if (p->kind == CF_OP_WRITE) {
        if ((dev->features & COLLECTIVES_FABRIC_FEATURE_RMA) == 0) {
            return cf_fail(ctx, -FI_EOPNOTSUPP, "%s: this provider offers no RMA", call);
        }
        if ((p->flags & ~COLLECTIVES_FABRIC_WRITE_DATA) != 0) {
            return cf_fail(ctx, -FI_EINVAL, "%s: unknown flags 0x%x", call, p->flags);
        }
        if ((p->flags & COLLECTIVES_FABRIC_WRITE_DATA) != 0) {
            if ((dev->features & COLLECTIVES_FABRIC_FEATURE_REMOTE_CQ_DATA) == 0) {
                return cf_fail(ctx, -FI_EOPNOTSUPP, "%s: this provider carries no remote CQ data", call);
            }
            if (dev->cq_data_size < 8 && (p->data >> (8 * dev->cq_data_size)) != 0) {
                return cf_fail(ctx, -FI_EINVAL, "%s: data 0x%llx does not fit the provider's %u-byte CQ data", call,
                               (unsigned long long)p->data, dev->cq_data_size);
            }
        }
    }
    return 0;
}

static int cf_submit(collectives_fabric_ep_t *ep, const struct cf_post *p, uint64_t context)
{
    int rc = cf_check(ep, p);
    if (rc != 0) {
        return rc;
    }
    const char *call = cf_call_name(p);
    uint64_t deadline = cf_now_us() + ep->ctx->post_timeout_us;
    struct cf_op *op = NULL;
    rc = cf_op_acquire(ep, deadline, call, &op);
    if (rc != 0) {
        return rc;
    }
    op->kind = p->kind;
    op->user_context = context;
    op->length = p->len;
    for (;;) {
        ssize_t posted = cf_issue(ep, p, op);
        if (posted == 0) {
            return 0;
        }
        if (posted != -FI_EAGAIN) {
            cf_op_release(ep, op);
            return cf_fail(ep->ctx, (int)posted, "%s to peer %llu (%zu bytes, context %llu)", call,
                           (unsigned long long)p->peer, p->len, (unsigned long long)context);
        }
        /* The provider is out of send credits or queue space: drain our CQ, which also makes
           progress for manual-progress providers, then retry until the post deadline. */
        rc = cf_progress(ep);
        if (rc != 0) {
            cf_op_release(ep, op);
            return rc;
        }
        if (cf_now_us() >= deadline) {
            cf_op_release(ep, op);
            return cf_fail(ep->ctx, -FI_ETIMEDOUT,
                           "%s to peer %llu (%zu bytes) kept returning -FI_EAGAIN for %llu ms; the peer is not "
                           "draining (vanished?)",
                           call, (unsigned long long)p->peer, p->len,
                           (unsigned long long)(ep->ctx->post_timeout_us / 1000));
        }
        sched_yield();
    }
}

int cf_tsend(collectives_fabric_ep_t *ep, uint64_t peer, const void *buf, size_t len,
             collectives_fabric_mr_t *mr, uint64_t tag, uint64_t context)
{
    if (ep == NULL) {
        return -FI_EINVAL;
    }
    struct cf_post p = {.kind = CF_OP_SEND, .peer = peer, .buf = (void *)(uintptr_t)buf, .len = len, .mr = mr,
                        .tag = tag};
    return cf_submit(ep, &p, context);
}

int cf_trecv(collectives_fabric_ep_t *ep, uint64_t peer, void *buf, size_t len,
             collectives_fabric_mr_t *mr, uint64_t tag, uint64_t ignore, uint64_t context)
{
    if (ep == NULL) {
        return -FI_EINVAL;
    }
    /* Without FI_DIRECTED_RECV the source address is ignored; say so by passing "any". */
    if (peer == COLLECTIVES_FABRIC_ANY_PEER ||
        (ep->ctx->device.features & COLLECTIVES_FABRIC_FEATURE_DIRECTED_RECV) == 0) {
        peer = FI_ADDR_UNSPEC;
    }
    struct cf_post p = {.kind = CF_OP_RECV, .peer = peer, .buf = buf, .len = len, .mr = mr, .tag = tag,
                        .ignore = ignore};
    return cf_submit(ep, &p, context);
}

int cf_write(collectives_fabric_ep_t *ep, uint64_t peer, const void *buf, size_t len,
             collectives_fabric_mr_t *mr, uint64_t remote_addr, uint64_t remote_key,
             uint64_t data, uint32_t flags, uint64_t context)
{
    if (ep == NULL) {
        return -FI_EINVAL;
    }
    struct cf_post p = {.kind = CF_OP_WRITE, .peer = peer, .buf = (void *)(uintptr_t)buf, .len = len, .mr = mr,
                        .remote_addr = remote_addr, .remote_key = remote_key, .data = data, .flags = flags};
    return cf_submit(ep, &p, context);
}

int cf_cancel(collectives_fabric_ep_t *ep, uint64_t context)
{
    if (ep == NULL) {
        return -FI_EINVAL;
    }
    for (int32_t i = 0; i < (int32_t)(ep->op_block_count * CF_OP_BLOCK); i++) {
        struct cf_op *op = cf_op_at(ep, i);
        if (op->kind != CF_OP_FREE && op->user_context == context) {
            ssize_t rc = fi_cancel(&ep->ep->fid, &op->fi_ctx);
            return rc == 0 ? 0 : cf_fail(ep->ctx, (int)rc, "fi_cancel(context %llu)", (unsigned long long)context);
        }
    }
    return cf_fail(ep->ctx, -FI_ENOENT, "cancel: no pending operation has context %llu", (unsigned long long)context);
}
