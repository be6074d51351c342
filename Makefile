# SPDX-License-Identifier: MIT
# xdplink build: BPF objects -> skeletons -> xdplinkd, xdplink, tests, tools and benchmarks.
# Every C file is compiled on its own (build/obj/PATH.o) with the include path of its folder
# and nothing more, so that an #include across a layer the wrong way fails to compile; -MMD
# records each object's headers. Everything lands in build/. `make V=1` shows the commands.

BUILD	?= build
CC	?= cc
CLANG	?= clang
BPFTOOL	?= bpftool
ARCH	:= $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE
BPF_CFLAGS := -O2 -g -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -Iinclude -I/usr/include/$(MULTIARCH)
LIBBPF	:= -lbpf -lelf -lz


ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:

OBJ := $(BUILD)/obj
obj = $(patsubst %.c,$(OBJ)/%.o,$(1))

# ---- BPF objects and skeletons -----------------------------------------------

BPF_HEADERS := include/xdplink.h $(wildcard bpf/*.h)

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(BPF_HEADERS) | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp
	$(Q)rm -f $@.tmp

$(BUILD)/bpf/%.bpf.o: bench/%.bpf.c | $(BUILD)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(Q)$(BPFTOOL) gen object $@ $@.tmp
	$(Q)rm -f $@.tmp

$(BUILD)/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@

# ---- Folders, and the headers each may include --------------------------------
# Top to bottom: cli/ is a program of its own; daemon/ (main, loop, front doors) ->
# daemon/model/ (AWS's rules, the SQLite store) -> daemon/datapath/ (the map writer) ->
# include/ (the ABI the XDP program shares). common/ is under all of them.

COMMON_SRCS   := $(wildcard common/*.c)
CLI_SRCS      := $(wildcard cli/*.c)
DAEMON_SRCS   := $(wildcard daemon/*.c)
DOORS_SRCS    := $(wildcard daemon/aws/*.c daemon/dns/*.c)
MODEL_SRCS    := $(wildcard daemon/model/*.c)
DATAPATH_SRCS := $(wildcard daemon/datapath/*.c)

INC_COMMON   := -Iinclude -Icommon
INC_CLI      := $(INC_COMMON) -Icli
INC_DATAPATH := $(INC_COMMON) -Idaemon/datapath -I$(BUILD)
INC_MODEL    := $(INC_COMMON) -Idaemon/model -Idaemon/datapath
INC_DAEMON   := $(INC_COMMON) -Idaemon -Idaemon/model -Idaemon/datapath -Idaemon/aws -Idaemon/dns
# The AWS front door writes XML with libxml2; the node's isolation rules and the VPC
# resolvers' addresses go through libnl.
INC_AWS      := $(INC_DAEMON) -I/usr/include/libxml2
INC_NETLINK  := $(INC_DATAPATH) -I/usr/include/libnl3

$(call obj,$(COMMON_SRCS)):   INCLUDES := $(INC_COMMON)
$(call obj,$(CLI_SRCS)):      INCLUDES := $(INC_CLI)
$(call obj,$(DATAPATH_SRCS)): INCLUDES := $(INC_DATAPATH)
$(call obj,$(MODEL_SRCS)):    INCLUDES := $(INC_MODEL)
$(call obj,$(DAEMON_SRCS) $(DOORS_SRCS)): INCLUDES := $(INC_DAEMON)
$(call obj,$(wildcard daemon/aws/*.c)): INCLUDES := $(INC_AWS)
$(call obj,daemon/datapath/isolation.c): INCLUDES := $(INC_NETLINK)
$(call obj,daemon/dns/address.c): INCLUDES := $(INC_DAEMON) -I/usr/include/libnl3

# Tests, tools and benchmarks see what they test.
UNIT := tests/unit
MODEL_TESTS := $(wildcard $(UNIT)/model/*.c)
$(call obj,$(UNIT)/test_store.c $(MODEL_TESTS)): INCLUDES := $(INC_MODEL) -Itests/lib
$(call obj,$(UNIT)/test_ids.c):    INCLUDES := $(INC_MODEL) -Itests/lib
$(call obj,$(UNIT)/test_health.c): INCLUDES := $(INC_DAEMON) -Itests/lib
$(call obj,$(UNIT)/test_dns.c):    INCLUDES := $(INC_DAEMON) -Itests/lib
$(call obj,$(UNIT)/test_maglev.c): INCLUDES := $(INC_COMMON) -Idaemon/datapath -Itests/lib
$(call obj,$(UNIT)/test_guard_ports.c): INCLUDES := $(INC_COMMON) -Idaemon/datapath -Itests/lib
$(call obj,$(UNIT)/test_aws.c):    INCLUDES := $(INC_AWS) -Itests/lib
$(call obj,tests/lib/check.c):     INCLUDES := -Itests/lib
$(call obj,$(wildcard tests/packet/*.c)): INCLUDES := $(INC_COMMON) -Idaemon/datapath -Itests/lib \
						      -I$(BUILD)
$(call obj,tests/tools/storm.c):   INCLUDES :=
$(call obj,bench/datapath_bench.c): INCLUDES := $(INC_COMMON) -Idaemon/datapath -Itests/packet \
						-I$(BUILD)
$(call obj,bench/maglev_bench.c):  INCLUDES := $(INC_COMMON) -Idaemon/datapath
$(call obj,bench/control_bench.c): INCLUDES := $(INC_CLI)

# Whatever includes a skeleton waits for it (-MMD remembers it after the first build).
SKELETONS := $(BUILD)/xdplink.skel.h $(BUILD)/empty.skel.h $(BUILD)/baseline.skel.h
$(call obj,$(DATAPATH_SRCS) $(wildcard tests/packet/*.c) bench/datapath_bench.c): | $(SKELETONS)

$(OBJ)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(INCLUDES) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)

# ---- Programs ------------------------------------------------------------------

link = $(call msg,LD,$@) mkdir -p $(@D) && $(CC) $(LDFLAGS) $(filter %.o,$^) $(1) -o $@

DAEMON_OBJS := $(call obj,$(DAEMON_SRCS) $(DOORS_SRCS) $(MODEL_SRCS) $(DATAPATH_SRCS) \
			  $(COMMON_SRCS))
MODEL_OBJS  := $(call obj,$(MODEL_SRCS) $(COMMON_SRCS) daemon/datapath/dataplane.c)
CHECK_OBJ   := $(call obj,tests/lib/check.c)
MAGLEV_OBJ  := $(call obj,daemon/datapath/maglev.c)
PACKET_OBJS := $(call obj,tests/packet/fixture.c tests/packet/reuse.c tests/packet/frames.c common/facts.c \
			  daemon/datapath/flow_table.c)

UNIT_TESTS := $(BUILD)/tests/test_model $(BUILD)/tests/test_store $(BUILD)/tests/test_ids \
	      $(BUILD)/tests/test_health $(BUILD)/tests/test_maglev $(BUILD)/tests/test_aws \
	      $(BUILD)/tests/test_dns $(BUILD)/tests/test_guard_ports
PROGRAMS := $(BUILD)/xdplinkd $(BUILD)/xdplink $(BUILD)/tests/test_datapath $(UNIT_TESTS) \
	    $(BUILD)/tools/xl-storm $(BUILD)/bench/datapath_bench $(BUILD)/bench/maglev_bench \
	    $(BUILD)/bench/control_bench
MAN_PAGES := $(BUILD)/man/xdplink.8 $(BUILD)/man/xdplinkd.8

$(BUILD)/xdplinkd: $(DAEMON_OBJS)
	$(Q)$(call link,$(LIBBPF) -ljson-c -lsqlite3 -lmicrohttpd -lxml2 -lcrypto -lsystemd -lnl-route-3 \
			-lnl-3 -lldns -lcurl -lpthread)

$(BUILD)/xdplink: $(call obj,$(CLI_SRCS) $(COMMON_SRCS))
	$(Q)$(call link,-ljson-c -lyaml)

$(BUILD)/tests/test_model: $(call obj,$(MODEL_TESTS)) $(MODEL_OBJS) $(CHECK_OBJ)
	$(Q)$(call link,-ljson-c -lsqlite3)

$(BUILD)/tests/test_store: $(call obj,$(UNIT)/test_store.c) $(MODEL_OBJS) $(CHECK_OBJ)
	$(Q)$(call link,-ljson-c -lsqlite3)

$(BUILD)/tests/test_ids: $(call obj,$(UNIT)/test_ids.c daemon/model/ids.c) $(CHECK_OBJ)
	$(Q)$(call link,)

$(BUILD)/tests/test_health: $(call obj,$(UNIT)/test_health.c daemon/health.c daemon/loop.c \
					daemon/source_ports.c \
					common/log.c) $(CHECK_OBJ)
	$(Q)$(call link,-ljson-c)

# The VPC resolvers' records, answers and upstream, without an agent.
$(BUILD)/tests/test_dns: $(call obj,$(UNIT)/test_dns.c daemon/dns/records.c daemon/dns/answer.c \
				     daemon/dns/upstream.c daemon/model/ids.c daemon/loop.c \
				     common/log.c) $(CHECK_OBJ)
	$(Q)$(call link,-lldns)

$(BUILD)/tests/test_maglev: $(call obj,$(UNIT)/test_maglev.c) $(MAGLEV_OBJ) $(CHECK_OBJ)
	$(Q)$(call link,)

$(BUILD)/tests/test_guard_ports: $(call obj,$(UNIT)/test_guard_ports.c \
					    daemon/datapath/guard_ports.c) $(CHECK_OBJ)
	$(Q)$(call link,)

# SigV4, the query decoder, XML, the access keys file and the lists' filters, without an agent.
$(BUILD)/tests/test_aws: $(call obj,$(UNIT)/test_aws.c daemon/aws/sigv4.c daemon/aws/query.c \
				     daemon/aws/xml.c common/aws_credentials.c \
				     common/list_filters.c common/error.c) $(CHECK_OBJ)
	$(Q)$(call link,-ljson-c -lxml2 -lcrypto)

$(BUILD)/tests/test_datapath: $(call obj,tests/packet/test_datapath.c) $(PACKET_OBJS) \
		$(MAGLEV_OBJ) $(CHECK_OBJ)
	$(Q)$(call link,$(LIBBPF) -lpthread)

$(BUILD)/tools/xl-storm: $(call obj,tests/tools/storm.c)
	$(Q)$(call link,)

$(BUILD)/bench/datapath_bench: $(call obj,bench/datapath_bench.c) $(PACKET_OBJS) $(MAGLEV_OBJ)
	$(Q)$(call link,$(LIBBPF) -lm -lpthread)

$(BUILD)/bench/maglev_bench: $(call obj,bench/maglev_bench.c) $(MAGLEV_OBJ)
	$(Q)$(call link,)

$(BUILD)/bench/control_bench: $(call obj,bench/control_bench.c cli/client.c $(COMMON_SRCS))
	$(Q)$(call link,-ljson-c)

$(BUILD) $(BUILD)/bpf:
	$(Q)mkdir -p $@

# ---- Entry points --------------------------------------------------------------

.PHONY: all man deb demo test systemtest bench vmtest deps install uninstall fmt lint clean

all: $(PROGRAMS) $(MAN_PAGES)

# The two entry points of a new machine install what they need first.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)testbed/demo

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run $(BUILD)

# The Debian package on a fresh Debian 12 under systemd (tests/system/debian.sh). Apart from
# `make test`: debootstrap fetches that Debian from a mirror (XL_DEBIAN_MIRROR, default
# Debian's own), so it needs one within reach.
systemtest: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)flock /run/lock/xl-dev.lock tests/run $(BUILD) system

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run $(BUILD)

# The suites that need no testbed, again on Debian 12's stock kernel (6.1), booted in QEMU
# (software emulation: the veth testbed's end-to-end tests would take an hour there).
vmtest: all
	$(Q)vmtest/vm-run --timeout 1200 -- tests/run $(BUILD) unit datapath agent smoke

# ---- Manual pages, installing, the Debian package ------------------------------------

# xdplink(8) from the CLI's own tables; xdplinkd(8) with the options of `xdplinkd --help`.

$(BUILD)/man/xdplink.8: $(BUILD)/xdplink
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D) && $< help --man >$@

$(BUILD)/man/xdplinkd.8: $(BUILD)/xdplinkd packaging/xdplinkd.8.in tools/mkman-xdplinkd
	$(call msg,MAN,$@)
	$(Q)mkdir -p $(@D) && tools/mkman-xdplinkd $< packaging/xdplinkd.8.in >$@

man: $(MAN_PAGES)

# The programs (the XDP program is inside xdplinkd), the manual pages, the systemd unit,
# the settings and defaults files (never over the admin's own), the CLI's bash completion
# and the licenses, under $(DESTDIR)$(PREFIX); the settings under $(DESTDIR)$(SYSCONFDIR).
PREFIX	?= /usr/local
DESTDIR	?=
SYSCONFDIR ?= /etc
UNITDIR	?= $(PREFIX)/lib/systemd/system
ETC := $(DESTDIR)$(SYSCONFDIR)
INSTALLED := $(DESTDIR)$(PREFIX)/sbin/xdplinkd $(DESTDIR)$(PREFIX)/bin/xdplink \
	     $(DESTDIR)$(PREFIX)/share/bash-completion/completions/xdplink \
	     $(patsubst $(BUILD)/man/%,$(DESTDIR)$(PREFIX)/share/man/man8/%,$(MAN_PAGES)) \
	     $(DESTDIR)$(UNITDIR)/xdplinkd.service \
	     $(DESTDIR)$(PREFIX)/share/doc/xdplink/LICENSE \
	     $(patsubst %,$(DESTDIR)$(PREFIX)/share/doc/xdplink/%,$(wildcard LICENSES/*))

install: $(BUILD)/xdplinkd $(BUILD)/xdplink $(MAN_PAGES)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -D -m 0755 $(BUILD)/xdplinkd $(DESTDIR)$(PREFIX)/sbin/xdplinkd
	$(Q)install -D -m 0755 $(BUILD)/xdplink $(DESTDIR)$(PREFIX)/bin/xdplink
	$(Q)install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/man/man8 $(MAN_PAGES)
	$(Q)mkdir -p $(DESTDIR)$(UNITDIR)
	$(Q)sed 's|@SBINDIR@|$(PREFIX)/sbin|' packaging/xdplinkd.service.in \
		>$(DESTDIR)$(UNITDIR)/xdplinkd.service
	$(Q)[ -e $(ETC)/xdplink/xdplinkd.conf ] || \
		install -D -m 0644 packaging/xdplinkd.conf $(ETC)/xdplink/xdplinkd.conf
	$(Q)[ -e $(ETC)/default/xdplinkd ] || \
		install -D -m 0644 packaging/xdplinkd.default $(ETC)/default/xdplinkd
	$(Q)install -D -m 0644 tools/xdplink.bash-completion \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/xdplink
	$(Q)install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/doc/xdplink LICENSE
	$(Q)install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/doc/xdplink/LICENSES LICENSES/*

# The settings files go only as they were installed: an admin's own stay.
uninstall:
	$(call msg,REMOVE,$(DESTDIR)$(PREFIX))
	$(Q)rm -f $(INSTALLED)
	$(Q)! cmp -s packaging/xdplinkd.conf $(ETC)/xdplink/xdplinkd.conf || \
		rm -f $(ETC)/xdplink/xdplinkd.conf
	$(Q)! cmp -s packaging/xdplinkd.default $(ETC)/default/xdplinkd || rm -f $(ETC)/default/xdplinkd
	$(Q)rmdir $(DESTDIR)$(PREFIX)/share/doc/xdplink/LICENSES $(DESTDIR)$(PREFIX)/share/doc/xdplink \
		$(ETC)/xdplink 2>/dev/null || true

# make deb: build/xdplink_VERSION_ARCH.deb, for `apt install ./build/xdplink_*.deb`.
VERSION  := $(shell sed -n 's/^\#define XDPLINK_VERSION "\(.*\)"/\1/p' common/version.h)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB	 := $(BUILD)/xdplink_$(VERSION)_$(DEB_ARCH).deb

deb: $(DEB)

$(DEB): $(BUILD)/xdplinkd $(BUILD)/xdplink $(MAN_PAGES) tools/mkdeb $(wildcard packaging/* \
		packaging/deb/*) tools/xdplink.bash-completion LICENSE
	$(call msg,DEB,$@)
	$(Q)tools/mkdeb $(BUILD) $(VERSION) $(DEB_ARCH) $@

# Everything the build, the tests, the demo and the bench run: tools/packages says why each.
PACKAGES := $(sort $(shell sed 's/\#.*//' tools/packages))

deps:
	$(Q)tools/install-deps $(PACKAGES)

SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

fmt:
	$(call msg,FMT,$(words $(SOURCES)) files)
	$(Q)clang-format -i $(SOURCES)

# Every skeleton a C file includes, the comparison's too, so the analyzers see it all.
lint: $(SKELETONS)
	$(Q)$(MAKE) -s -f bench/compare/Makefile BUILD=$(BUILD) \
		$(BUILD)/bench/compare/xdp_fwd.skel.h $(BUILD)/bench/compare/pktgen.skel.h
	$(Q)tools/lint $(BUILD)

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)
