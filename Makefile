# xdplink build: BPF objects -> skeletons -> agent, CLI, tests, tools and benchmarks.
# Everything lands in build/. `make V=1` shows the full commands.

BUILD	?= build
CC	?= cc
CLANG	?= clang
BPFTOOL	?= bpftool
ARCH	:= $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE
CPPFLAGS += -Iinclude -I$(BUILD) -Iagent -Itests/lib -Idaemon/aws -Icommon -I/usr/include/libxml2
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

# ---- Programs ------------------------------------------------------------------

TEST_DATAPATH := tests/packet/test_datapath.c tests/packet/fixture.c tests/packet/frames.c \
		 tests/lib/check.c agent/maglev.c
BENCH_DATAPATH := bench/datapath_bench.c tests/packet/fixture.c tests/packet/frames.c \
		  agent/maglev.c

# The agent is every agent/ file but the CLI's; the CLI is xdplink.c and cli_*.c.
CLI_SRCS := agent/xdplink.c $(wildcard agent/cli_*.c)
AGENT_SRCS := $(filter-out $(CLI_SRCS),$(wildcard agent/*.c))
AGENT_HEADERS := $(wildcard agent/*.h) include/xdplink.h
AGENT_LIBS := $(LIBBPF) -ljson-c -lsqlite3 -lmicrohttpd
# The AWS endpoint (daemon/aws) and the access keys file it shares with the CLI (common).
AWS_SRCS := $(wildcard daemon/aws/*.c) common/aws_credentials.c
AGENT_SRCS += $(AWS_SRCS)
AGENT_HEADERS += $(wildcard daemon/aws/*.h common/*.h)
AGENT_LIBS += -lxml2 -lcrypto
CLI_SRCS += common/aws_credentials.c

MODEL_SRCS := $(wildcard agent/model*.c) agent/store.c agent/ids.c agent/args.c
UNIT_TESTS := $(BUILD)/tests/test_model $(BUILD)/tests/test_store $(BUILD)/tests/test_ids \
	      $(BUILD)/tests/test_health $(BUILD)/tests/test_aws

PROGRAMS := $(BUILD)/xdplinkd $(BUILD)/xdplink $(BUILD)/tests/test_datapath $(UNIT_TESTS) $(BUILD)/tests/test_maglev $(BUILD)/tools/xl-storm \
	    $(BUILD)/bench/datapath_bench $(BUILD)/bench/maglev_bench

$(BUILD)/xdplinkd: $(AGENT_SRCS) $(AGENT_HEADERS) $(BUILD)/xdplink.skel.h | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(AGENT_SRCS) $(AGENT_LIBS) -o $@

$(BUILD)/xdplink: $(CLI_SRCS) $(wildcard agent/cli*.h) agent/clock.h common/aws_credentials.h | $(BUILD)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(CLI_SRCS) -ljson-c -o $@

$(BUILD)/tests/test_datapath: $(TEST_DATAPATH) $(BUILD)/xdplink.skel.h | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(TEST_DATAPATH) $(LIBBPF) -lpthread -o $@

$(BUILD)/tests/test_model $(BUILD)/tests/test_store: $(BUILD)/tests/test_%: tests/unit/test_%.c \
		$(MODEL_SRCS) tests/lib/check.c $(AGENT_HEADERS) | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $< $(MODEL_SRCS) tests/lib/check.c -ljson-c -lsqlite3 -o $@

$(BUILD)/tests/test_ids: tests/unit/test_ids.c agent/ids.c tests/lib/check.c | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ -o $@

$(BUILD)/tests/test_health: tests/unit/test_health.c agent/health.c agent/loop.c agent/log.c \
		tests/lib/check.c | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ -ljson-c -o $@

# SigV4, the query decoder, XML and the access keys file, without an agent.
$(BUILD)/tests/test_aws: tests/unit/test_aws.c daemon/aws/sigv4.c daemon/aws/query.c \
		daemon/aws/xml.c common/aws_credentials.c tests/lib/check.c | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ -ljson-c -lxml2 -lcrypto -o $@

$(BUILD)/tests/test_maglev: tests/unit/test_maglev.c agent/maglev.c tests/lib/check.c | $(BUILD)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ -o $@

$(BUILD)/tools/xl-storm: tests/tools/storm.c | $(BUILD)/tools
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ -o $@

$(BUILD)/bench/datapath_bench: $(BENCH_DATAPATH) $(BUILD)/xdplink.skel.h \
			       $(BUILD)/empty.skel.h $(BUILD)/baseline.skel.h | $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) -Itests/packet $(CFLAGS) $(BENCH_DATAPATH) $(LIBBPF) -lm -o $@

$(BUILD)/bench/maglev_bench: bench/maglev_bench.c agent/maglev.c | $(BUILD)/bench
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ -o $@

$(BUILD) $(BUILD)/bpf $(BUILD)/tests $(BUILD)/tools $(BUILD)/bench:
	$(Q)mkdir -p $@

# ---- Entry points --------------------------------------------------------------

.PHONY: all demo test bench vmtest deps fmt lint clean

all: $(PROGRAMS)

# The two entry points of a new machine install what they need first.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)vmtest/demo

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run $(BUILD)

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run $(BUILD)

# The suites that need no testbed, again on Debian 12's stock kernel (6.1), booted in QEMU
# (software emulation: the veth testbed's end-to-end tests would take an hour there).
vmtest: all
	$(Q)vmtest/vm-run --timeout 1200 -- tests/run $(BUILD) unit datapath agent smoke

# Everything the build, the tests, the demo and the bench run: tools/packages says why each.
PACKAGES := $(sort $(shell sed 's/\#.*//' tools/packages))

deps:
	$(Q)tools/install-deps $(PACKAGES)

SOURCES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

fmt:
	$(call msg,FMT,$(words $(SOURCES)) files)
	$(Q)clang-format -i $(SOURCES)

# Every skeleton a C file includes, the comparison's too, so the analyzers see it all.
lint: $(BUILD)/xdplink.skel.h $(BUILD)/empty.skel.h $(BUILD)/baseline.skel.h
	$(Q)$(MAKE) -s -f bench/compare/Makefile BUILD=$(BUILD) \
		$(BUILD)/bench/compare/xdp_fwd.skel.h $(BUILD)/bench/compare/pktgen.skel.h
	$(Q)tools/lint $(BUILD)

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)
