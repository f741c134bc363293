/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One remote-control request, NSD's handle_req as a state machine over the bytes received. */
#include <string.h>

#include "ctl/ctl_request.h"

/* The end of addzones/delzones: the staged changes applied, the count answered. */
static void bulk_end(struct ctl_request *r, const struct ctl_ops *ops)
{
	ctl_bulk_end(ops, r->bulk, &r->out);
	r->state = CTL_REQ_ANSWERED;
}

static bool magic(struct ctl_request *r)
{
	if (r->in_len < CTL_MAGIC_LEN) {
		return true;
	}
	enum ctl_magic m = ctl_magic_check(r->in, CTL_MAGIC_LEN);
	if (m == CTL_MAGIC_BAD) {
		return false;  /* not NSD's tool: NSD drops it without a word */
	}
	r->version_mismatch = m == CTL_MAGIC_VERSION;
	r->state = CTL_REQ_LINE;
	r->in_len -= CTL_MAGIC_LEN;
	memmove(r->in, r->in + CTL_MAGIC_LEN, r->in_len);
	return true;
}

bool ctl_request_input(struct ctl_request *r, const struct ctl_ops *ops,
                       ctl_request_seen_t seen, void *ctx)
{
	char line[CTL_BULK_LINE_MAX];
	if (r->state == CTL_REQ_MAGIC && !magic(r)) {
		return false;
	}
	while (r->state == CTL_REQ_LINE || r->state == CTL_REQ_BULK) {
		int n = ctl_take_line(r->in, &r->in_len, line,
		                      r->state == CTL_REQ_LINE ? CTL_LINE_MAX : CTL_BULK_LINE_MAX);
		if (n < 0 && r->state == CTL_REQ_BULK) {
			/* NSD's addzones loop ends at a line it cannot read, and answers */
			bulk_end(r, ops);
			return true;
		}
		if (n < 0) {
			return false;  /* NSD: line too long, dropped */
		}
		if (n == 0) {
			return true;   /* more to come */
		}
		if (r->state == CTL_REQ_BULK) {
			if (ctl_bulk_line(ops, r->bulk, line, &r->out)) {
				bulk_end(r, ops);
			}
			continue;
		}
		if (r->version_mismatch) {
			ctl_out_printf(&r->out, "error version mismatch\n");
			r->state = CTL_REQ_ANSWERED;
			return true;
		}
		if (seen != NULL) {
			seen(ctx, line);
		}
		r->bulk = ctl_bulk_kind(line);
		if (r->bulk != CTL_BULK_NONE) {
			r->state = CTL_REQ_BULK;
			continue;
		}
		ctl_execute(ops, line, &r->out);
		r->state = CTL_REQ_ANSWERED;
	}
	return true;
}

bool ctl_request_eof(struct ctl_request *r, const struct ctl_ops *ops,
                     ctl_request_seen_t seen, void *ctx)
{
	if (r->state != CTL_REQ_LINE && r->state != CTL_REQ_BULK) {
		return r->state == CTL_REQ_ANSWERED;
	}
	if ((r->in_len > 0 || r->state == CTL_REQ_LINE) && r->in_len < sizeof(r->in)) {
		r->in[r->in_len++] = '\n';
		if (!ctl_request_input(r, ops, seen, ctx)) {
			return false;
		}
	}
	if (r->state == CTL_REQ_BULK) {
		bulk_end(r, ops);
	}
	return r->state == CTL_REQ_ANSWERED;
}

void ctl_request_cut(struct ctl_request *r, const struct ctl_ops *ops)
{
	if (r->state == CTL_REQ_BULK) {
		bulk_end(r, ops);
	}
}

void ctl_request_free(struct ctl_request *r)
{
	ctl_out_free(&r->out);
}
