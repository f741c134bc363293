/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One command to knotd's control socket. */
#include <stdio.h>
#include <string.h>

#include <libknot/errcode.h>
#include <libknot/error.h>

#include "mod/ctl_knotd.h"

int ctl_knotd_call(const char *path, const char *cmd, const char *zone, const char *flags,
                   ctl_knotd_cb cb, void *cb_ctx, char *err, size_t errlen)
{
	knot_ctl_t *ctl = knot_ctl_alloc();
	if (ctl == NULL) {
		snprintf(err, errlen, "%s", knot_strerror(KNOT_ENOMEM));
		return -1;
	}
	knot_ctl_set_timeout(ctl, CTL_KNOTD_TIMEOUT_MS);
	int ret = knot_ctl_connect(ctl, path);
	if (ret != KNOT_EOK) {
		snprintf(err, errlen, "knotd control socket %s: %s", path, knot_strerror(ret));
		knot_ctl_free(ctl);
		return -1;
	}
	knot_ctl_data_t req = {
		[KNOT_CTL_IDX_CMD] = cmd,
		[KNOT_CTL_IDX_FLAGS] = flags,
		[KNOT_CTL_IDX_ZONE] = zone,
	};
	ret = knot_ctl_send(ctl, KNOT_CTL_TYPE_DATA, &req);
	if (ret == KNOT_EOK) {
		ret = knot_ctl_send(ctl, KNOT_CTL_TYPE_BLOCK, NULL);
	}
	int result = 0;
	err[0] = '\0';
	bool reading = true;
	while (ret == KNOT_EOK) {
		knot_ctl_type_t type;
		knot_ctl_data_t data;
		ret = knot_ctl_receive(ctl, &type, &data);
		if (ret != KNOT_EOK || type == KNOT_CTL_TYPE_BLOCK || type == KNOT_CTL_TYPE_END) {
			break;
		}
		const char *e = data[KNOT_CTL_IDX_ERROR];
		if (e != NULL && result == 0) {
			snprintf(err, errlen, "%s", e);
			result = -1;
		}
		if (reading && cb != NULL) {
			reading = cb(cb_ctx, &data);
		}
	}
	if (ret != KNOT_EOK && result == 0) {
		snprintf(err, errlen, "knotd control socket %s: %s", path, knot_strerror(ret));
		result = -1;
	}
	if (ret == KNOT_EOK) {
		(void)knot_ctl_send(ctl, KNOT_CTL_TYPE_END, NULL);
	}
	knot_ctl_close(ctl);
	knot_ctl_free(ctl);
	return result;
}
