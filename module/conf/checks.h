/* SPDX-License-Identifier: GPL-3.0-or-later */
/* nsd-checkconf's semantic checks (additional_checks), run after a clean parse. */
#pragma once

#include "conf/model.h"

/* Reports each problem as "<file>: <message>" and, if any, the summary line
 * "<file>: N semantic errors in Z zones, K keys, T tls-auth.". Like nsd-checkconf it
 * appends a '/' to chroot, xfrdir and zonesdir when a chroot is set (the -v dump
 * shows them so). Returns the number of problems. */
int nsdconf_semantic_checks(struct nsdconf_model *m, const char *file, struct nsdconf_diag *diag);
