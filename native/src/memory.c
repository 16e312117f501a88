/* Memory registration, honouring the FI_MR_* modes the provider demands. */
#include "fabric_internal.h"

#include <rdma/fi_errno.h>

#include <stdlib.h>

int cf_mr_register(collectives_fabric_ep_t *ep, void *buf, size_t len, uint32_t access,
                   collectives_fabric_mr_t **out, collectives_fabric_mr_info_v1_t *info)
{
    if (ep == NULL) {
        return -FI_EINVAL;
    }
    collectives_fabric_ctx_t *ctx = ep->ctx;
    const uint32_t known = COLLECTIVES_FABRIC_ACCESS_LOCAL | COLLECTIVES_FABRIC_ACCESS_REMOTE_WRITE;
    if (buf == NULL || len == 0 || out == NULL || info == NULL || access == 0 || (access & ~known) != 0) {
        return cf_fail(ctx, -FI_EINVAL,
                       "mr_register: needs a buffer, a length, outputs, and access bits LOCAL and/or REMOTE_WRITE "
                       "(got 0x%x)", access);
    }
    *out = NULL;
    uint32_t features = ctx->device.features;
    if ((access & COLLECTIVES_FABRIC_ACCESS_REMOTE_WRITE) != 0 && (features & COLLECTIVES_FABRIC_FEATURE_RMA) == 0) {
        return cf_fail(ctx, -FI_EOPNOTSUPP, "mr_register: remote write access needs RMA, which this provider lacks");
    }
    uint64_t fi_access = 0;
    if ((access & COLLECTIVES_FABRIC_ACCESS_LOCAL) != 0) {
        fi_access |= FI_SEND | FI_RECV;
        if ((features & COLLECTIVES_FABRIC_FEATURE_RMA) != 0) {
            fi_access |= FI_WRITE;
        }
    }
    if ((access & COLLECTIVES_FABRIC_ACCESS_REMOTE_WRITE) != 0) {
        fi_access |= FI_REMOTE_WRITE;
    }
    /* Without FI_MR_PROV_KEY the application names the key; it must be unique in the domain. */
    uint64_t requested_key = (features & COLLECTIVES_FABRIC_FEATURE_PROV_KEY) != 0 ? 0 : ctx->next_key;

    collectives_fabric_mr_t *mr = calloc(1, sizeof *mr);
    if (mr == NULL) {
        return cf_fail(ctx, -FI_ENOMEM, "mr_register");
    }
    mr->ep = ep;
    int rc = fi_mr_reg(ctx->domain, buf, len, fi_access, 0, requested_key, 0, &mr->mr, NULL);
    if (rc != 0) {
        free(mr);
        return cf_fail(ctx, rc, "fi_mr_reg(%p, %zu bytes, access 0x%llx, key %llu)", buf, len,
                       (unsigned long long)fi_access, (unsigned long long)requested_key);
    }
    if ((features & COLLECTIVES_FABRIC_FEATURE_MR_ENDPOINT) != 0) {
        rc = fi_mr_bind(mr->mr, &ep->ep->fid, 0);
        if (rc == 0) {
            rc = fi_mr_enable(mr->mr);
        }
        if (rc != 0) {
            fi_close(&mr->mr->fid);
            free(mr);
            return cf_fail(ctx, rc, "binding a %zu-byte region to its endpoint (FI_MR_ENDPOINT)", len);
        }
    }
    uint64_t key = fi_mr_key(mr->mr);
    if (key == FI_KEY_NOTAVAIL) {
        fi_close(&mr->mr->fid);
        free(mr);
        return cf_fail(ctx, -FI_EOPNOTSUPP, "fi_mr_key: the provider gave no 64-bit key (FI_MR_RAW is not supported)");
    }
    if ((features & COLLECTIVES_FABRIC_FEATURE_PROV_KEY) == 0) {
        ctx->next_key++;
    }
    /* The descriptor matters only under FI_MR_LOCAL; elsewhere libfabric asks for NULL. */
    mr->desc = (features & COLLECTIVES_FABRIC_FEATURE_MR_LOCAL) != 0 ? fi_mr_desc(mr->mr) : NULL;
    info->key = key;
    info->remote_base = (features & COLLECTIVES_FABRIC_FEATURE_VIRT_ADDR) != 0 ? (uint64_t)(uintptr_t)buf : 0;
    info->length = len;
    info->reserved = 0;
    ep->open_mrs++;
    *out = mr;
    return 0;
}

int cf_mr_close(collectives_fabric_mr_t *mr)
{
    if (mr == NULL) {
        return 0;
    }
    collectives_fabric_ep_t *ep = mr->ep;
    int rc = fi_close(&mr->mr->fid);
    free(mr);
    ep->open_mrs--;
    return rc != 0 ? cf_fail(ep->ctx, rc, "fi_close(memory region)") : 0;
}
