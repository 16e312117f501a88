/* Contexts: choosing a provider and device, opening the fabric and domain, error text. */
#define _POSIX_C_SOURCE 200809L

#include "fabric_internal.h"

#include <rdma/fi_errno.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t cf_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void cf_copy_name(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src != NULL ? src : "");
}

int cf_fail(collectives_fabric_ctx_t *ctx, int rc, const char *fmt, ...)
{
    if (ctx == NULL) {
        return rc;
    }
    char what[CF_ERROR_LEN - 128]; /* room left for the provider, fi_strerror and the code */
    va_list args;
    va_start(args, fmt);
    vsnprintf(what, sizeof what, fmt, args);
    va_end(args);
    snprintf(ctx->error, sizeof ctx->error, "[%s] %s: %s (%d)", ctx->provider_label, what,
             fi_strerror(rc < 0 ? -rc : rc), rc);
    return rc;
}

/* What each name the managed side may pass means in libfabric's terms. tcp and verbs reach
   FI_EP_RDM through the ofi_rxm utility provider; auto prefers real NICs and never picks shm,
   which only reaches the same host (the managed side has its own shared-memory transport). */
static const char *const CF_AUTO[] = {"efa", "verbs;ofi_rxm", "tcp;ofi_rxm", NULL};
static const char *const CF_TCP[] = {"tcp;ofi_rxm", NULL};
static const char *const CF_VERBS[] = {"verbs;ofi_rxm", NULL};

static const char *const *cf_resolve(const char *provider, const char *single[2])
{
    if (strcmp(provider, "auto") == 0) {
        return CF_AUTO;
    }
    if (strcmp(provider, "tcp") == 0) {
        return CF_TCP;
    }
    if (strcmp(provider, "verbs") == 0) {
        return CF_VERBS;
    }
    single[0] = provider;  /* "shm", "efa", or any libfabric name such as "udp;ofi_rxd" */
    single[1] = NULL;
    return single;
}

/* Capabilities asked for, richest first. Providers reject what they lack instead of trimming
   it (shm, for one, fails some combinations), so each step drops one wish. */
#define CF_CAPS_TAGGED (FI_TAGGED | FI_SEND | FI_RECV)
#define CF_CAPS_RMA (FI_RMA | FI_WRITE | FI_REMOTE_WRITE)
static const struct {
    uint64_t caps;
    uint64_t msg_order;
} CF_LADDER[] = {
    {CF_CAPS_TAGGED | CF_CAPS_RMA | FI_DIRECTED_RECV, FI_ORDER_SAS},
    {CF_CAPS_TAGGED | CF_CAPS_RMA, FI_ORDER_SAS},
    {CF_CAPS_TAGGED | CF_CAPS_RMA | FI_DIRECTED_RECV, 0},
    {CF_CAPS_TAGGED | CF_CAPS_RMA, 0},
    {CF_CAPS_TAGGED | FI_DIRECTED_RECV, FI_ORDER_SAS},
    {CF_CAPS_TAGGED, FI_ORDER_SAS},
    {CF_CAPS_TAGGED, 0},
};

/* The memory-registration modes the shim can honour; providers demand a subset. Not offered:
   FI_MR_RAW (keys over 64 bits), FI_MR_MMU_NOTIFY, FI_MR_RMA_EVENT, FI_MR_HMEM. */
#define CF_MR_MODES (FI_MR_LOCAL | FI_MR_VIRT_ADDR | FI_MR_ALLOCATED | FI_MR_PROV_KEY | FI_MR_ENDPOINT)

static struct fi_info *cf_hints(const char *prov_name, uint64_t caps, uint64_t order)
{
    struct fi_info *hints = fi_allocinfo();
    if (hints == NULL) {
        return NULL;
    }
    hints->caps = caps;
    /* Op contexts are struct fi_context2 slots, so providers that borrow them are welcome.
       FI_RX_CQ_DATA is not offered: writes with data must not consume posted receives. */
    hints->mode = FI_CONTEXT | FI_CONTEXT2;
    hints->ep_attr->type = FI_EP_RDM;
    hints->domain_attr->mr_mode = CF_MR_MODES;
    hints->domain_attr->threading = FI_THREAD_DOMAIN;
    /* Receiver-not-ready is the provider's problem, not a dropped message. */
    hints->domain_attr->resource_mgmt = FI_RM_ENABLED;
    hints->tx_attr->msg_order = order;
    hints->rx_attr->msg_order = order;
    hints->fabric_attr->prov_name = strdup(prov_name);
    return hints;
}

static uint32_t cf_tag_bits(uint64_t mem_tag_format)
{
    if (mem_tag_format == 0) {
        return 64;
    }
    return 64u - (uint32_t)__builtin_clzll(mem_tag_format);
}

static void cf_describe(const struct fi_info *info, collectives_fabric_device_v1_t *dev)
{
    memset(dev, 0, sizeof *dev);
    cf_copy_name(dev->provider, sizeof dev->provider, info->fabric_attr->prov_name);
    cf_copy_name(dev->fabric, sizeof dev->fabric, info->fabric_attr->name);
    cf_copy_name(dev->domain, sizeof dev->domain, info->domain_attr->name);
    dev->max_msg_size = info->ep_attr->max_msg_size;
    dev->inject_size = info->tx_attr->inject_size;
    dev->mr_mode = (uint64_t)(uint32_t)info->domain_attr->mr_mode;
    dev->mem_tag_format = info->ep_attr->mem_tag_format;
    dev->cq_data_size = (uint32_t)info->domain_attr->cq_data_size;
    dev->mr_key_size = (uint32_t)info->domain_attr->mr_key_size;
    dev->tag_bits = cf_tag_bits(info->ep_attr->mem_tag_format);

    uint32_t f = 0;
    int mr_mode = info->domain_attr->mr_mode;
    if ((info->caps & FI_RMA) != 0) {
        f |= COLLECTIVES_FABRIC_FEATURE_RMA;
        if (dev->cq_data_size > 0) {
            f |= COLLECTIVES_FABRIC_FEATURE_REMOTE_CQ_DATA;
        }
    }
    if ((info->caps & FI_DIRECTED_RECV) != 0) {
        f |= COLLECTIVES_FABRIC_FEATURE_DIRECTED_RECV;
    }
    if ((mr_mode & FI_MR_VIRT_ADDR) != 0) {
        f |= COLLECTIVES_FABRIC_FEATURE_VIRT_ADDR;
    }
    if ((mr_mode & FI_MR_PROV_KEY) != 0) {
        f |= COLLECTIVES_FABRIC_FEATURE_PROV_KEY;
    }
    if ((mr_mode & FI_MR_LOCAL) != 0) {
        f |= COLLECTIVES_FABRIC_FEATURE_MR_LOCAL;
    }
    if ((mr_mode & FI_MR_ALLOCATED) != 0) {
        f |= COLLECTIVES_FABRIC_FEATURE_MR_ALLOCATED;
    }
    if ((mr_mode & FI_MR_ENDPOINT) != 0) {
        f |= COLLECTIVES_FABRIC_FEATURE_MR_ENDPOINT;
    }
    if (info->domain_attr->data_progress == FI_PROGRESS_MANUAL) {
        f |= COLLECTIVES_FABRIC_FEATURE_MANUAL_PROGRESS;
    }
    if ((info->tx_attr->msg_order & FI_ORDER_SAS) != 0 && (info->rx_attr->msg_order & FI_ORDER_SAS) != 0) {
        f |= COLLECTIVES_FABRIC_FEATURE_ORDER_SAS;
    }
    dev->features = f;
}

/* The domain filter is applied here, not through hints: ofi_rxm (tcp, verbs) ignores
   hints->domain_attr->name. A name matches the domain ("lo") or the fabric ("127.0.0.1/32"). */
static int cf_domain_matches(const struct fi_info *info, const char *domain)
{
    return domain == NULL || domain[0] == '\0' || strcmp(info->domain_attr->name, domain) == 0 ||
           strcmp(info->fabric_attr->name, domain) == 0;
}

static int cf_same_device(const struct fi_info *a, const struct fi_info *b)
{
    return strcmp(a->fabric_attr->prov_name, b->fabric_attr->prov_name) == 0 &&
           strcmp(a->fabric_attr->name, b->fabric_attr->name) == 0 &&
           strcmp(a->domain_attr->name, b->domain_attr->name) == 0;
}

/* Every usable device for `provider` (optionally one domain), richest capability set first,
   each device once: a chain of fi_dupinfo copies the caller frees with fi_freeinfo. */
static int cf_enumerate(collectives_fabric_ctx_t *ctx, const char *provider, const char *domain,
                        struct fi_info **out)
{
    const char *single[2];
    const char *const *names = cf_resolve(provider, single);
    struct fi_info *head = NULL;
    struct fi_info *tail = NULL;
    int last_rc = -FI_ENODATA;
    const char *last_name = names[0];

    for (size_t n = 0; names[n] != NULL; n++) {
        for (size_t step = 0; step < sizeof CF_LADDER / sizeof CF_LADDER[0]; step++) {
            struct fi_info *hints = cf_hints(names[n], CF_LADDER[step].caps, CF_LADDER[step].msg_order);
            if (hints == NULL) {
                fi_freeinfo(head);
                return cf_fail(ctx, -FI_ENOMEM, "fi_allocinfo");
            }
            struct fi_info *found = NULL;
            int rc = fi_getinfo(CF_FI_VERSION, NULL, NULL, 0, hints, &found);
            fi_freeinfo(hints);
            if (rc != 0) {
                if (rc != -FI_ENODATA) {
                    last_rc = rc;
                    last_name = names[n];
                }
                continue;
            }
            for (struct fi_info *it = found; it != NULL; it = it->next) {
                int seen = !cf_domain_matches(it, domain);
                for (struct fi_info *have = head; have != NULL && !seen; have = have->next) {
                    seen = cf_same_device(have, it);
                }
                if (seen) {
                    continue;
                }
                struct fi_info *copy = fi_dupinfo(it);
                if (copy == NULL) {
                    fi_freeinfo(found);
                    fi_freeinfo(head);
                    return cf_fail(ctx, -FI_ENOMEM, "fi_dupinfo");
                }
                copy->next = NULL;
                if (tail == NULL) {
                    head = copy;
                } else {
                    tail->next = copy;
                }
                tail = copy;
            }
            fi_freeinfo(found);
        }
    }
    if (head == NULL) {
        return cf_fail(ctx, last_rc,
                       "no RDM endpoint with tagged messages from provider '%s'%s%s (last tried '%s'; "
                       "`fi_info -l` lists what this machine has)",
                       provider, domain != NULL && domain[0] != '\0' ? " on domain " : "",
                       domain != NULL ? domain : "", last_name);
    }
    *out = head;
    return 0;
}

/* Posted receives the providers must hold: every link keeps 36 posted (managed side), and the
   software providers' defaults (shm 1024, ofi_rxm 2048, which verbs and tcp use for RDM) capped
   an endpoint at 28 and 56 links. They read these once, when libfabric first initialises, so
   they are set before any fi_getinfo, and only where the user has not set them. */
static void cf_raise_receive_queues(void)
{
    static const char *const names[] = {"FI_OFI_RXM_RX_SIZE", "FI_SHM_RX_SIZE"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        setenv(names[i], CF_RX_QUEUE_SIZE_TEXT, 0);
    }
}

int cf_create(collectives_fabric_ctx_t **out)
{
    if (out == NULL) {
        return -FI_EINVAL;
    }
    cf_raise_receive_queues();
    collectives_fabric_ctx_t *ctx = calloc(1, sizeof *ctx);
    if (ctx == NULL) {
        *out = NULL;
        return -FI_ENOMEM;
    }
    ctx->next_key = 1;
    cf_copy_name(ctx->provider_label, sizeof ctx->provider_label, "no provider");
    *out = ctx;
    return 0;
}

int cf_list_devices(collectives_fabric_ctx_t *ctx, const char *provider,
                    collectives_fabric_device_v1_t *out, uint32_t capacity, uint32_t *count)
{
    if (ctx == NULL) {
        return -FI_EINVAL;
    }
    if (provider == NULL || count == NULL || (out == NULL && capacity > 0)) {
        return cf_fail(ctx, -FI_EINVAL, "list_devices: provider and count are required");
    }
    if (ctx->info == NULL) {
        cf_copy_name(ctx->provider_label, sizeof ctx->provider_label, provider);
    }
    *count = 0;
    struct fi_info *all = NULL;
    int rc = cf_enumerate(ctx, provider, NULL, &all);
    if (rc != 0) {
        return rc;
    }
    uint32_t n = 0;
    for (struct fi_info *it = all; it != NULL; it = it->next, n++) {
        if (n < capacity) {
            cf_describe(it, &out[n]);
        }
    }
    fi_freeinfo(all);
    *count = n;
    return 0;
}

int cf_init(collectives_fabric_ctx_t *ctx, const char *provider, const char *domain, uint64_t post_timeout_us)
{
    if (ctx == NULL) {
        return -FI_EINVAL;
    }
    if (provider == NULL || provider[0] == '\0') {
        return cf_fail(ctx, -FI_EINVAL, "init: a provider name is required (tcp, shm, verbs, efa or auto)");
    }
    if (ctx->info != NULL) {
        return cf_fail(ctx, -FI_EINVAL, "init: this context is already open; create another for '%s'", provider);
    }
    cf_copy_name(ctx->provider_label, sizeof ctx->provider_label, provider);

    struct fi_info *all = NULL;
    int rc = cf_enumerate(ctx, provider, domain, &all);
    if (rc != 0) {
        return rc;
    }
    struct fi_info *chosen = all;
    all = chosen->next;
    chosen->next = NULL;
    fi_freeinfo(all);

    cf_copy_name(ctx->provider_label, sizeof ctx->provider_label, chosen->fabric_attr->prov_name);
    rc = fi_fabric(chosen->fabric_attr, &ctx->fabric, NULL);
    if (rc != 0) {
        fi_freeinfo(chosen);
        ctx->fabric = NULL;
        return cf_fail(ctx, rc, "fi_fabric(%s)", chosen->fabric_attr->name);
    }
    rc = fi_domain(ctx->fabric, chosen, &ctx->domain, NULL);
    if (rc != 0) {
        fi_close(&ctx->fabric->fid);
        ctx->fabric = NULL;
        ctx->domain = NULL;
        rc = cf_fail(ctx, rc, "fi_domain(%s)", chosen->domain_attr->name);
        fi_freeinfo(chosen);
        return rc;
    }
    ctx->info = chosen;
    cf_describe(chosen, &ctx->device);
    ctx->post_timeout_us = post_timeout_us != 0 ? post_timeout_us : CF_DEFAULT_POST_TIMEOUT_US;
    return 0;
}

int cf_get_device(collectives_fabric_ctx_t *ctx, collectives_fabric_device_v1_t *out)
{
    if (ctx == NULL) {
        return -FI_EINVAL;
    }
    if (out == NULL || ctx->info == NULL) {
        return cf_fail(ctx, -FI_EINVAL, "get_device: needs an output struct and a context after init");
    }
    *out = ctx->device;
    return 0;
}

int cf_close(collectives_fabric_ctx_t *ctx)
{
    if (ctx == NULL) {
        return 0;
    }
    if (ctx->open_endpoints > 0) {
        return cf_fail(ctx, -FI_EBUSY, "close: %u endpoint(s) still open; close them first", ctx->open_endpoints);
    }
    int rc = 0;
    if (ctx->domain != NULL) {
        rc = fi_close(&ctx->domain->fid);
    }
    if (ctx->fabric != NULL) {
        int frc = fi_close(&ctx->fabric->fid);
        rc = rc != 0 ? rc : frc;
    }
    fi_freeinfo(ctx->info);
    free(ctx);
    return rc;
}

int cf_last_error(collectives_fabric_ctx_t *ctx, char *buf, size_t len)
{
    const char *text = ctx != NULL ? ctx->error : "no context (create failed or was never called)";
    if (buf == NULL && len > 0) {
        return -FI_EINVAL;
    }
    if (len > 0) {
        snprintf(buf, len, "%s", text);
    }
    return (int)strlen(text);
}
