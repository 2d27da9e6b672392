# SPDX-License-Identifier: GPL-2.0
#
# xldrv top-level build.  `make` builds the kernel modules (with kbuild,
# against the Debian kernel ./configure found) and the dom0 programs;
# `make check` and `make demo` first install what they need.

KMOD_DIRS := mapper-kmod frontends test/hostile
# Goals that need ./configure's results.
CONFIG_GOALS := all modules userspace

ifneq ($(filter $(CONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
include config.mk
endif

.PHONY: all modules userspace deps check style unit fuzz lab demo bench images clean distclean help

# Fuzzing seconds in all, split among the targets: a short round inside
# `make check`, a longer one alone.
FUZZ_SECONDS ?= 300
CHECK_FUZZ_SECONDS ?= 28

all: modules userspace

config.mk: configure.ac config.mk.in
	autoreconf -fi
	./configure $(CONFIGURE_FLAGS)

modules:
	@for d in $(KMOD_DIRS); do \
		$(MAKE) -C $(KDIR) M=$(CURDIR)/$$d modules || exit 1; \
	done

# src/ (xldrvd) and tools/ (xldrv-ctl) get their Makefiles with the code.
userspace:
	@for d in src tools; do \
		[ ! -f $$d/Makefile ] || $(MAKE) -C $$d || exit 1; \
	done

deps:
	tools/install-deps

# The README's test command: dependencies, build, coding style, unit
# tests, every lab scenario.  SCENARIOS="a b" narrows the lab part.
check: deps
	$(MAKE) all
	$(MAKE) style
	$(MAKE) unit
	$(MAKE) fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)
	$(MAKE) lab

# Linux's checkpatch.pl over every C file (tools/style-check).
style:
	tools/style-check

unit:
	test/unit/run

# libFuzzer targets for everything that parses what a guest controls.
fuzz:
	test/fuzz/run $(FUZZ_SECONDS)

lab:
	test/lab/run $(SCENARIOS)

images:
	test/lab/build-images

# Boots the lab and shows, without input, xldrv at work: a driver domain
# under xldrvd panics and is restarted while its client, on xldrv's
# frontends, streams TCP and verifies its disk (test/lab/demo.sh).
demo: deps
	$(MAKE) all
	test/lab/run --demo

# Benchmarks, not tests (never part of `make check`): test/lab/bench/*.sh,
# one boot each, BENCH lines on the output; BENCH=blk runs one.  See
# docs/benchmarks.md (XLDRV_BENCH_* settings, e.g. a short smoke run).
bench: deps
	$(MAKE) all
	XLDRV_LAB_CMD="make bench$(if $(BENCH), BENCH=$(BENCH))" \
		test/lab/run --bench $(BENCH)

clean:
	@for d in $(KMOD_DIRS); do \
		[ ! -f config.mk ] || $(MAKE) -C $$(sed -n 's/^KDIR = //p' config.mk) \
			M=$(CURDIR)/$$d clean; \
	done
	rm -rf build/unit

distclean: clean
	rm -rf build config.mk config.status config.log configure autom4te.cache

help:
	@echo "make [all]    build modules and dom0 programs (runs ./configure)"
	@echo "make check    install deps, build, unit tests, the lab scenarios"
	@echo "make demo     install deps, build, boot the lab: a driver domain fails under load, its client rides through"
	@echo "make style    checkpatch.pl over every C file (tools/style-check)"
	@echo "make unit     userspace unit tests"
	@echo "make fuzz     libFuzzer targets, FUZZ_SECONDS in all, split among them (default 300)"
	@echo "make lab SCENARIOS='dom0-boot ...'   some lab scenarios"
	@echo "make bench [BENCH=blk]   lab benchmarks (docs/benchmarks.md); not in check"
	@echo "make deps     install the Debian packages (tools/install-deps)"
