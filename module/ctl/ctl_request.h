/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One remote-control request as NSD's handle_req reads it: the magic, the command line,
 * addzones/delzones lines, then the answer. The server (mod/ctl_server.c) feeds it the
 * bytes it reads; the fuzz harness feeds it arbitrary ones. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "ctl/ctl_cmd.h"
#include "ctl/ctl_out.h"
#include "ctl/ctl_proto.h"

enum ctl_req_state {
	CTL_REQ_MAGIC,     /* waiting for "NSDCT1 " */
	CTL_REQ_LINE,      /* waiting for the command line */
	CTL_REQ_BULK,      /* addzones/delzones: waiting for the next line */
	CTL_REQ_ANSWERED,  /* out holds the whole answer */
};

/* What can be read ahead: one bulk line and a little more. */
#define CTL_REQ_IN_MAX (CTL_BULK_LINE_MAX + 64)

struct ctl_request {
	enum ctl_req_state state;
	char in[CTL_REQ_IN_MAX];   /* received, not taken yet */
	size_t in_len;
	enum ctl_bulk bulk;
	bool version_mismatch;     /* answered once the line is there, as NSD does */
	struct ctl_out out;
};

/* Each command line, before it runs (the server logs it as NSD logs "control cmd:"). */
typedef void (*ctl_request_seen_t)(void *ctx, const char *line);

/* Works on in[0..in_len) (the caller appends what it reads, at most CTL_REQ_IN_MAX in
 * all). false: close without an answer (not NSD's magic, a line too long: NSD drops
 * them). With state CTL_REQ_ANSWERED, out is the answer. seen may be NULL. */
bool ctl_request_input(struct ctl_request *r, const struct ctl_ops *ops,
                       ctl_request_seen_t seen, void *ctx);

/* The client's stream ended. As NSD's line reader, what came without a newline is a line
 * (after the magic even nothing is: "error unknown command ''"); addzones/delzones end
 * there, their changes applied and counted. true when there is an answer to write. */
bool ctl_request_eof(struct ctl_request *r, const struct ctl_ops *ops,
                     ctl_request_seen_t seen, void *ctx);

/* The connection is being closed in the middle of addzones/delzones (silence, a line
 * too long, a failed read): the lines taken so far are applied, as NSD applies each line
 * as it reads it. Nothing otherwise. */
void ctl_request_cut(struct ctl_request *r, const struct ctl_ops *ops);

void ctl_request_free(struct ctl_request *r);
