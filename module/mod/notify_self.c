/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Self NOTIFY: the key knotd signs its change NOTIFYs with, and the hook that takes them. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libdnssec/binary.h>
#include <libdnssec/error.h>
#include <libdnssec/random.h>

#include "conf/tsig_key.h"
#include "knotmap/knotmap.h"
#include "mod/notify_io.h"
#include "mod/notify_self.h"
#include "mod/notify_send.h"
#include "mod/process_state.h"

#define SECRET_BYTES 32

/* KNOTMAP_SELF_KEY in wire form. */
static const knot_dname_t self_key_name[] = "\x07""mod-nsd""\x04""self""\x07""invalid";

/* knotd's copy of the key's secret, base64, in out (room for 64). false: none. */
static bool secret_of_knotd(knotd_mod_t *mod, char *out, size_t size)
{
	knotd_conf_t id = { .single = { .data = self_key_name,
	                                .data_len = sizeof(self_key_name) } };
	knotd_conf_t val = knotd_conf(mod, (const yp_name_t *)"\x03""key",
	                              (const yp_name_t *)"\x06""secret", &id);
	if (val.count != 1 || val.single.data_len == 0) {
		return false;
	}
	dnssec_binary_t bin = { .data = (uint8_t *)val.single.data,
	                        .size = val.single.data_len }, b64 = { 0 };
	bool ok = dnssec_binary_to_base64(&bin, &b64) == DNSSEC_EOK && b64.size < size;
	if (ok) {
		memcpy(out, b64.data, b64.size);
		out[b64.size] = '\0';
	}
	dnssec_binary_free(&b64);
	return ok;
}

static bool secret_new(char *out, size_t size)
{
	uint8_t raw[SECRET_BYTES];
	if (dnssec_random_buffer(raw, sizeof(raw)) != DNSSEC_EOK) {
		return false;
	}
	dnssec_binary_t bin = { .data = raw, .size = sizeof(raw) }, b64 = { 0 };
	bool ok = dnssec_binary_to_base64(&bin, &b64) == DNSSEC_EOK && b64.size < size;
	if (ok) {
		memcpy(out, b64.data, b64.size);
		out[b64.size] = '\0';
	}
	dnssec_binary_free(&b64);
	memset(raw, 0, sizeof(raw));
	return ok;
}

void notify_self_prepare(knotd_mod_t *mod, struct keeper_state *st, struct notify_self *self)
{
	*self = (struct notify_self){ 0 };
	struct sockaddr_storage ss;
	notify_io_knotd_address(mod, &ss);
	if (ss.ss_family == 0) {
		if (st->self_address[0] != '\0' || st->self_secret[0] == '\0') {
			knotd_mod_log(mod, LOG_NOTICE, "knotd listens on no IP address: it "
			              "notifies the notify: targets itself (TCP, no NOTIFY "
			              "rounds as NSD sends them)");
		}
		st->self_address[0] = '\0';
		st->self_secret[0] = '\0';
		return;
	}
	notify_addr_str(&ss, st->self_address, sizeof(st->self_address));

	char knotd[64];
	bool in_knotd = secret_of_knotd(mod, knotd, sizeof(knotd));
	if (in_knotd) {
		snprintf(st->self_secret, sizeof(st->self_secret), "%s", knotd);
	} else if (st->self_secret[0] == '\0' &&
	           !secret_new(st->self_secret, sizeof(st->self_secret))) {
		knotd_mod_log(mod, LOG_ERR, "no random secret for the self-NOTIFY key: knotd "
		              "notifies the notify: targets itself");
		st->self_address[0] = '\0';
		return;
	}
	if (!in_knotd) {
		return;   /* the render puts the key in; the reload it asks for brings it */
	}
	int ret = nsdconf_tsig_key_init(&self->key, KNOTMAP_SELF_KEY, "hmac-sha256",
	                                st->self_secret);
	self->on = ret == KNOT_EOK;
	if (!self->on) {
		knotd_mod_log(mod, LOG_ERR, "self-NOTIFY key unusable (%s)", knot_strerror(ret));
	}
}

void notify_self_clear(struct notify_self *self)
{
	if (self->on) {
		knot_tsig_key_deinit(&self->key);
	}
	*self = (struct notify_self){ 0 };
}

bool notify_self_named(const knotd_qdata_t *qdata)
{
	const knot_rrset_t *tsig = qdata->query->tsig_rr;
	return tsig != NULL && knot_dname_is_equal(tsig->owner, self_key_name);
}

int notify_self_wake_fd(void)
{
	pthread_mutex_lock(&nsd_process.notify_lock);
	if (nsd_process.notify_wake < 0) {
		nsd_process.notify_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	int fd = nsd_process.notify_wake;
	pthread_mutex_unlock(&nsd_process.notify_lock);
	return fd;
}

int notify_self_queue(const knot_dname_t *zone, const knot_rrset_t *soa,
                      enum notify_change_why why)
{
	pthread_mutex_lock(&nsd_process.notify_lock);
	int ret = notify_changes_push(&nsd_process.notify_changes, zone, soa, why);
	int fd = nsd_process.notify_wake;
	pthread_mutex_unlock(&nsd_process.notify_lock);
	if (ret == KNOT_EOK && fd >= 0) {
		uint64_t one = 1;
		if (write(fd, &one, sizeof(one)) < 0) {
			/* counter full: the thread is awake already */
		}
	}
	return ret;
}

/* The SOA of the NOTIFY's zone in its answer section, NULL if it has none. */
static const knot_rrset_t *answer_soa(const knot_pkt_t *q)
{
	const knot_pktsection_t *an = knot_pkt_section(q, KNOT_ANSWER);
	if (an->count < 1) {
		return NULL;
	}
	const knot_rrset_t *rr = knot_pkt_rr(an, 0);
	if (rr->type != KNOT_RRTYPE_SOA || rr->rrs.count != 1 ||
	    !knot_dname_is_equal(rr->owner, knot_pkt_qname(q))) {
		return NULL;
	}
	return rr;
}

bool notify_self_take(const struct notify_self *self, knotd_mod_t *mod, knot_pkt_t *pkt,
                      knotd_qdata_t *qdata, knotd_state_t *answer)
{
	(void)pkt;
	const knot_pkt_t *q = qdata->query;
	*answer = KNOTD_STATE_DONE;   /* NOERROR, no records */
	if (self == NULL || !self->on) {
		return true;              /* unsigned: knotd tries again later */
	}
	if (knot_tsig_server_check(q->tsig_rr, q->wire, q->size, &self->key) != KNOT_EOK) {
		knotd_mod_log(mod, LOG_WARNING, "NOTIFY signed with the self-NOTIFY key's name "
		              "but not its secret; not taken");
		return false;
	}
	const knot_rrset_t *soa = answer_soa(q);
	int ret = soa != NULL ? notify_self_queue(knot_pkt_qname(q), soa, NOTIFY_CHANGE_SERIAL) :
	                        KNOT_EMALF;
	if (ret != KNOT_EOK) {
		knotd_mod_log(mod, LOG_WARNING, "self NOTIFY not queued (%s); knotd tries "
		              "again at the zone's retry interval", knot_strerror(ret));
		return true;              /* unsigned */
	}
	/* Signed as knotd signs an answer it verified itself (process_query.c). */
	qdata->sign.tsig_key = self->key;
	qdata->sign.tsig_digest = (uint8_t *)knot_tsig_rdata_mac(q->tsig_rr);
	qdata->sign.tsig_digestlen = knot_tsig_rdata_mac_length(q->tsig_rr);
	return true;
}
