/* The versioned table: the library's only exported symbol. */
#include "fabric_internal.h"

#include <rdma/fi_errno.h>

#include <errno.h>

_Static_assert(sizeof(collectives_fabric_device_v1_t) == 384, "device struct layout is ABI");
_Static_assert(sizeof(collectives_fabric_mr_info_v1_t) == 32, "mr_info struct layout is ABI");
_Static_assert(sizeof(collectives_fabric_completion_v1_t) == 48, "completion struct layout is ABI");
_Static_assert(COLLECTIVES_FABRIC_EAGAIN == FI_EAGAIN && COLLECTIVES_FABRIC_ENOMEM == FI_ENOMEM &&
                   COLLECTIVES_FABRIC_EBUSY == FI_EBUSY && COLLECTIVES_FABRIC_EINVAL == FI_EINVAL &&
                   COLLECTIVES_FABRIC_ENODATA == FI_ENODATA && COLLECTIVES_FABRIC_EMSGSIZE == FI_EMSGSIZE &&
                   COLLECTIVES_FABRIC_EOPNOTSUPP == FI_EOPNOTSUPP && COLLECTIVES_FABRIC_ETIMEDOUT == FI_ETIMEDOUT &&
                   COLLECTIVES_FABRIC_ECANCELED == FI_ECANCELED && COLLECTIVES_FABRIC_ETOOSMALL == FI_ETOOSMALL &&
                   COLLECTIVES_FABRIC_ETRUNC == FI_ETRUNC && COLLECTIVES_FABRIC_ENOENT == FI_ENOENT,
               "the header's status codes are libfabric's");
_Static_assert(COLLECTIVES_FABRIC_ANY_PEER == FI_ADDR_UNSPEC, "any-peer is libfabric's unspecified address");

static const collectives_fabric_v1_t CF_V1 = {
    .version = COLLECTIVES_FABRIC_ABI_VERSION,
    .struct_size = sizeof(collectives_fabric_v1_t),
    .device_size = sizeof(collectives_fabric_device_v1_t),
    .mr_info_size = sizeof(collectives_fabric_mr_info_v1_t),
    .completion_size = sizeof(collectives_fabric_completion_v1_t),
    .create = cf_create,
    .list_devices = cf_list_devices,
    .init = cf_init,
    .get_device = cf_get_device,
    .close = cf_close,
    .last_error = cf_last_error,
    .ep_open = cf_ep_open,
    .ep_address = cf_ep_address,
    .av_insert = cf_av_insert,
    .ep_close = cf_ep_close,
    .mr_register = cf_mr_register,
    .mr_close = cf_mr_close,
    .tsend = cf_tsend,
    .trecv = cf_trecv,
    .write = cf_write,
    .poll = cf_poll,
    .cancel = cf_cancel,
};

__attribute__((visibility("default"))) const collectives_fabric_v1_t *collectives_fabric_get_v1(void)
{
    return &CF_V1;
}
