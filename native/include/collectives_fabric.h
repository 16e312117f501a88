/*
 * collectives_fabric: the RDMA shim of Collectives, a small C library over libfabric.
 *
 * The whole ABI is one exported function, collectives_fabric_get_v1(), that returns a table of
 * function pointers with a version and the sizes of every struct it exchanges (the NCCL net
 * plugin pattern). A caller checks version and sizes once, then calls through the table.
 *
 * Binding rules kept on purpose: fixed-width integers, size_t for memory lengths, pointers,
 * fixed char arrays; no bitfields, unions, enums in structs, or callbacks. Every function returns
 * an int status: 0 on success, a negative libfabric error code (-FI_E*, Linux errno values for the
 * common ones, listed below) on failure. collectives_fabric_v1_t.last_error() then gives the text,
 * which names the provider, the call, and fi_strerror's words.
 *
 * Thread safety: a context and everything opened from it (endpoints, memory regions) must be used
 * by one thread at a time; the caller serialises (one lock per context, or one context per
 * thread). Different contexts are independent. The shim asks libfabric for FI_THREAD_DOMAIN so
 * the provider skips its own locks; the managed transport already serialises per context.
 */
#ifndef COLLECTIVES_FABRIC_H
#define COLLECTIVES_FABRIC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COLLECTIVES_FABRIC_ABI_VERSION 1u

/* Status codes the shim returns itself (negated); providers may return any other -FI_E* code. */
#define COLLECTIVES_FABRIC_ENOENT 2       /* no such peer / operation */
#define COLLECTIVES_FABRIC_EAGAIN 11      /* resource busy: poll, then try again */
#define COLLECTIVES_FABRIC_ENOMEM 12
#define COLLECTIVES_FABRIC_EBUSY 16       /* close refused: children still open */
#define COLLECTIVES_FABRIC_EINVAL 22      /* caller misuse: null pointer, bad flag, wrong state */
#define COLLECTIVES_FABRIC_ENODATA 61     /* no provider/domain matches the request */
#define COLLECTIVES_FABRIC_EMSGSIZE 90    /* message longer than the provider's max_msg_size */
#define COLLECTIVES_FABRIC_EOPNOTSUPP 95  /* the provider lacks the capability (RMA, CQ data) */
#define COLLECTIVES_FABRIC_ETIMEDOUT 110  /* a post kept getting -FI_EAGAIN past its deadline */
#define COLLECTIVES_FABRIC_ECANCELED 125  /* completion status of a cancelled operation */
#define COLLECTIVES_FABRIC_ETOOSMALL 257  /* output buffer too small; the needed size is returned */
#define COLLECTIVES_FABRIC_ETRUNC 265     /* completion status: message longer than the receive buffer */

/* Peer value for a receive that matches any sender. */
#define COLLECTIVES_FABRIC_ANY_PEER UINT64_MAX

/* collectives_fabric_device_v1_t.features */
#define COLLECTIVES_FABRIC_FEATURE_RMA 0x1u             /* RMA write offered (FI_RMA) */
#define COLLECTIVES_FABRIC_FEATURE_REMOTE_CQ_DATA 0x2u  /* writes may carry immediate data */
#define COLLECTIVES_FABRIC_FEATURE_DIRECTED_RECV 0x4u   /* trecv honours its peer argument */
#define COLLECTIVES_FABRIC_FEATURE_VIRT_ADDR 0x8u       /* remote addresses are virtual (else offsets) */
#define COLLECTIVES_FABRIC_FEATURE_PROV_KEY 0x10u       /* provider chose the MR keys */
#define COLLECTIVES_FABRIC_FEATURE_MR_LOCAL 0x20u       /* every local buffer must be registered */
#define COLLECTIVES_FABRIC_FEATURE_MR_ALLOCATED 0x40u   /* registered memory must be backed by pages */
#define COLLECTIVES_FABRIC_FEATURE_MR_ENDPOINT 0x80u    /* MRs are bound to an endpoint */
#define COLLECTIVES_FABRIC_FEATURE_MANUAL_PROGRESS 0x100u /* data moves only while someone polls */
#define COLLECTIVES_FABRIC_FEATURE_ORDER_SAS 0x200u     /* sends arrive in the order posted */

/* mr_register access bits */
#define COLLECTIVES_FABRIC_ACCESS_LOCAL 0x1u         /* source/target of local send, recv, write */
#define COLLECTIVES_FABRIC_ACCESS_REMOTE_WRITE 0x2u  /* peers may write into it */

/* write flags */
#define COLLECTIVES_FABRIC_WRITE_DATA 0x1u  /* carry `data` as remote CQ data (a target completion) */

/* collectives_fabric_completion_v1_t.flags */
#define COLLECTIVES_FABRIC_CQ_SEND 0x1u          /* a tsend finished; the buffer may be reused */
#define COLLECTIVES_FABRIC_CQ_RECV 0x2u          /* a trecv finished; length and tag are valid */
#define COLLECTIVES_FABRIC_CQ_WRITE 0x4u         /* a local RMA write finished */
#define COLLECTIVES_FABRIC_CQ_REMOTE_WRITE 0x8u  /* a peer's write with data landed here */
#define COLLECTIVES_FABRIC_CQ_DATA 0x10u         /* `data` holds the remote CQ data */

#define COLLECTIVES_FABRIC_PROVIDER_LEN 64
#define COLLECTIVES_FABRIC_NAME_LEN 128

typedef struct collectives_fabric_ctx collectives_fabric_ctx_t;  /* opaque */
typedef struct collectives_fabric_ep collectives_fabric_ep_t;    /* opaque */
typedef struct collectives_fabric_mr collectives_fabric_mr_t;    /* opaque */

/* One provider/fabric/domain the shim can use, with what it offers. 384 bytes. */
typedef struct collectives_fabric_device_v1 {
    char provider[COLLECTIVES_FABRIC_PROVIDER_LEN]; /* libfabric's name, e.g. "tcp;ofi_rxm"; NUL-terminated */
    char fabric[COLLECTIVES_FABRIC_NAME_LEN];       /* e.g. "127.0.0.1/32" */
    char domain[COLLECTIVES_FABRIC_NAME_LEN];       /* e.g. "lo"; pass to init to pick this device */
    uint64_t max_msg_size;   /* longest single send or write */
    uint64_t inject_size;    /* informative; the shim does not inject */
    uint64_t mr_mode;        /* FI_MR_* bits the provider demands (libfabric's bit values) */
    uint64_t mem_tag_format; /* libfabric's tag format; see tag_bits */
    uint32_t features;       /* COLLECTIVES_FABRIC_FEATURE_* */
    uint32_t cq_data_size;   /* bytes of immediate data a write can carry (0: none) */
    uint32_t mr_key_size;    /* bytes of a remote key */
    uint32_t tag_bits;       /* tags must fit in this many low bits */
    uint64_t reserved[2];
} collectives_fabric_device_v1_t;

/* What a peer needs to write into a registered region. 32 bytes. */
typedef struct collectives_fabric_mr_info_v1 {
    uint64_t key;          /* remote key */
    uint64_t remote_base;  /* remote address of the region's first byte: its virtual address
                              when FEATURE_VIRT_ADDR, else 0; a peer writes to remote_base + offset */
    uint64_t length;
    uint64_t reserved;
} collectives_fabric_mr_info_v1_t;

/* One finished operation. 48 bytes. */
typedef struct collectives_fabric_completion_v1 {
    uint64_t context;    /* the caller's id given when posting; 0 for a peer's remote write */
    uint64_t flags;      /* COLLECTIVES_FABRIC_CQ_* */
    uint64_t length;     /* bytes received (RECV); bytes posted (SEND, WRITE); provider's value (REMOTE_WRITE) */
    uint64_t data;       /* remote CQ data when CQ_DATA is set */
    uint64_t tag;        /* tag of the message received (RECV) */
    int32_t status;      /* 0, or a negative code (-ETRUNC, -ECANCELED, ...); text in last_error */
    int32_t prov_errno;  /* provider-specific error number, 0 when status is 0 */
} collectives_fabric_completion_v1_t;

typedef struct collectives_fabric_v1 {
    uint32_t version;          /* COLLECTIVES_FABRIC_ABI_VERSION */
    uint32_t struct_size;      /* sizeof(collectives_fabric_v1_t) */
    uint32_t device_size;      /* sizeof(collectives_fabric_device_v1_t) */
    uint32_t mr_info_size;     /* sizeof(collectives_fabric_mr_info_v1_t) */
    uint32_t completion_size;  /* sizeof(collectives_fabric_completion_v1_t) */
    uint32_t reserved;

    /* A context not yet bound to a provider; list_devices and last_error work on it. */
    int (*create)(collectives_fabric_ctx_t** out);
    /* Devices `provider` offers ("tcp", "shm", "verbs", "efa", "auto" or a libfabric name).
       Writes up to `capacity` entries and sets *count to how many exist. */
    int (*list_devices)(collectives_fabric_ctx_t* ctx, const char* provider,
                        collectives_fabric_device_v1_t* out, uint32_t capacity, uint32_t* count);
    /* Opens the fabric and domain of one device. "tcp" is tcp;ofi_rxm, "verbs" verbs;ofi_rxm,
       "auto" the first of efa, verbs;ofi_rxm, tcp;ofi_rxm (never shm). `domain` matches a domain
       name ("lo") or a fabric name ("127.0.0.1/32"); NULL or "" takes the first device. A post
       that keeps getting -FI_EAGAIN gives up after post_timeout_us (0: 30 s) with -ETIMEDOUT. */
    int (*init)(collectives_fabric_ctx_t* ctx, const char* provider, const char* domain,
                uint64_t post_timeout_us);
    /* The device init chose. */
    int (*get_device)(collectives_fabric_ctx_t* ctx, collectives_fabric_device_v1_t* out);
    /* Closes a context; -EBUSY while endpoints are open. NULL is a no-op. */
    int (*close)(collectives_fabric_ctx_t* ctx);
    /* Copies the last error text (NUL-terminated, truncated to len); returns its full length. */
    int (*last_error)(collectives_fabric_ctx_t* ctx, char* buf, size_t len);

    /* Opens an RDM endpoint with its completion queue and address vector. */
    int (*ep_open)(collectives_fabric_ctx_t* ctx, collectives_fabric_ep_t** out);
    /* Copies the endpoint's address blob; *len in: buffer size, out: blob size (-ETOOSMALL when short). */
    int (*ep_address)(collectives_fabric_ep_t* ep, void* buf, size_t* len);
    /* Inserts a peer's address blob; *peer is the handle to send to. */
    int (*av_insert)(collectives_fabric_ep_t* ep, const void* addr, size_t len, uint64_t* peer);
    /* Closes an endpoint, dropping its pending operations; -EBUSY while its MRs are open. NULL is a no-op. */
    int (*ep_close)(collectives_fabric_ep_t* ep);

    /* Registers [buf, buf+len) with COLLECTIVES_FABRIC_ACCESS_* bits for use on `ep`. */
    int (*mr_register)(collectives_fabric_ep_t* ep, void* buf, size_t len, uint32_t access,
                       collectives_fabric_mr_t** out, collectives_fabric_mr_info_v1_t* info);
    /* NULL is a no-op. */
    int (*mr_close)(collectives_fabric_mr_t* mr);

    /* Posts a tagged send. `mr` covers buf (required when FEATURE_MR_LOCAL, else may be NULL).
       The buffer must stay untouched until the SEND completion with this context. */
    int (*tsend)(collectives_fabric_ep_t* ep, uint64_t peer, const void* buf, size_t len,
                 collectives_fabric_mr_t* mr, uint64_t tag, uint64_t context);
    /* Posts a tagged receive matching tags equal to `tag` in the bits not set in `ignore`.
       `peer` is honoured with FEATURE_DIRECTED_RECV, else only the tag matches. */
    int (*trecv)(collectives_fabric_ep_t* ep, uint64_t peer, void* buf, size_t len,
                 collectives_fabric_mr_t* mr, uint64_t tag, uint64_t ignore, uint64_t context);
    /* Posts an RMA write of [buf, buf+len) to remote_addr (remote_base + offset) under remote_key.
       With COLLECTIVES_FABRIC_WRITE_DATA the target gets a REMOTE_WRITE|DATA completion carrying
       `data` once the bytes have landed (needs FEATURE_REMOTE_CQ_DATA; data < 2^(8*cq_data_size)). */
    int (*write)(collectives_fabric_ep_t* ep, uint64_t peer, const void* buf, size_t len,
                 collectives_fabric_mr_t* mr, uint64_t remote_addr, uint64_t remote_key,
                 uint64_t data, uint32_t flags, uint64_t context);
    /* Drives progress and returns up to `capacity` completions in *count. Waits up to timeout_us
       for the first one (0: one pass, never blocks). A timeout is not an error: *count is 0. */
    int (*poll)(collectives_fabric_ep_t* ep, collectives_fabric_completion_v1_t* out,
                uint32_t capacity, uint32_t* count, uint64_t timeout_us);
    /* Asks the provider to cancel the pending operation posted with `context` (a receive whose
       sender vanished); it completes with status -ECANCELED unless it finished first. */
    int (*cancel)(collectives_fabric_ep_t* ep, uint64_t context);
} collectives_fabric_v1_t;

/* The only exported symbol. Never NULL; the table is constant and lives as long as the library. */
const collectives_fabric_v1_t* collectives_fabric_get_v1(void);

#ifdef __cplusplus
}
#endif

#endif /* COLLECTIVES_FABRIC_H */
