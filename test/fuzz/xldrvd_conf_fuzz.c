// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xldrvd.conf parsing (src/conf.c) on any bytes.  The
 * file is root's, but a parser that crashes on a typo takes the restart
 * supervisor down with it.  An accepted file must meet the rules
 * xldrvd.conf(5) states, and what --check-config prints for it must
 * parse back to the same configuration; a refused one must say where.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

#include "conf.c"

static struct conf c, again;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], *out = NULL;
	size_t len = 0, i;
	FILE *f;

	err[0] = '\0';
	if (conf_parse((const char *)data, size, "f.conf", &c, err,
		       sizeof(err))) {
		if (strncmp(err, "f.conf:", 7))
			abort();
		return 0;
	}
	if (c.nr_dd > XLDRVD_MAX_DD || c.socket[0] != '/' ||
	    c.state_file[0] != '/')
		abort();
	for (i = 0; i < c.nr_dd; i++) {
		const struct dd_conf *d = &c.dd[i];

		if (d->config[0] != '/' || !d->name[0] ||
		    d->max_restarts > POLICY_MAX_RESTARTS ||
		    d->backoff_max_ms < d->backoff_initial_ms ||
		    d->window_ms == 0 || d->libxl_timeout_ms < 10000 ||
		    conf_find(&c, d->name) != d)
			abort();
	}
	f = open_memstream(&out, &len);
	if (!f)
		return 0;
	conf_print(f, &c);
	fclose(f);
	if (conf_parse(out, len, "printed", &again, err, sizeof(err)) ||
	    again.nr_dd != c.nr_dd || strcmp(again.socket, c.socket))
		abort();
	for (i = 0; i < c.nr_dd; i++)
		if (memcmp(&again.dd[i], &c.dd[i],
			   offsetof(struct dd_conf, line)))
			abort();
	free(out);
	return 0;
}
