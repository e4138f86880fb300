/* status.c — status names and the library version. */
#include "internal.h"

const char *shipest_strerror(shipest_status status)
{
    switch (status) {
    case SHIPEST_OK: return "success";
    case SHIPEST_EINVAL: return "invalid argument";
    case SHIPEST_ENOMEM: return "out of memory";
    case SHIPEST_EPARSE: return "parse error";
    case SHIPEST_EUNIT: return "unit error";
    case SHIPEST_ENOROUTE: return "no conversion route";
    case SHIPEST_EAMBIGUOUS: return "ambiguous conversion route";
    case SHIPEST_EDOMAIN: return "value outside its domain";
    case SHIPEST_EIO: return "input/output error";
    case SHIPEST_ECANCELLED: return "cancelled";
    case SHIPEST_EOPTION: return "unknown option";
    case SHIPEST_ERANGE: return "option value out of bounds";
    case SHIPEST_ENAME: return "unknown, duplicate or invalid name";
    case SHIPEST_EUNSUPPORTED: return "not supported";
    case SHIPEST_ELIMIT: return "limit exceeded";
    }
    return "unknown status";
}

unsigned shipest_version_number(void)
{
    return SHIPEST_VERSION_NUMBER;
}

const char *shipest_version_string(void)
{
    return SHIPEST_VERSION_STRING;
}
