# Builds the network modules (native/src/net) and their test driver, native/build/net-driver.
# Standalone (`make -f native/net.mk` from the repo, or `make -f net.mk` here); the runtime's
# Makefile can include it and link $(NET_OBJS).
NET_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
NET_BUILD := $(NET_DIR)/build/net
CC ?= cc
NET_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE $(CFLAGS)

NET_SRCS := $(wildcard $(NET_DIR)/src/net/*.c)
NET_OBJS := $(patsubst $(NET_DIR)/src/net/%.c,$(NET_BUILD)/%.o,$(NET_SRCS))
NET_DRIVER_SRCS := $(wildcard $(NET_DIR)/src/net/driver/*.c)
NET_DRIVER_OBJS := $(patsubst $(NET_DIR)/src/net/driver/%.c,$(NET_BUILD)/driver/%.o,$(NET_DRIVER_SRCS))
NET_HEADERS := $(wildcard $(NET_DIR)/src/net/*.h $(NET_DIR)/src/net/driver/*.h)
# The runtime's JSON parser, for manifest_plan.c's tests (driver/json_errors.c stands in for log.c).
NET_EXT_OBJS := $(NET_BUILD)/ext/json.o

.PHONY: net-all net-clean
net-all: $(NET_DIR)/build/net-driver

$(NET_BUILD)/%.o: $(NET_DIR)/src/net/%.c $(NET_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(NET_CFLAGS) -c -o $@ $<

$(NET_BUILD)/driver/%.o: $(NET_DIR)/src/net/driver/%.c $(NET_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(NET_CFLAGS) -c -o $@ $<

$(NET_BUILD)/ext/%.o: $(NET_DIR)/src/%.c $(NET_DIR)/src/%.h
	@mkdir -p $(dir $@)
	$(CC) $(NET_CFLAGS) -c -o $@ $<

$(NET_DIR)/build/net-driver: $(NET_OBJS) $(NET_DRIVER_OBJS) $(NET_EXT_OBJS)
	$(CC) -static -o $@ $^ -lm

net-clean:
	rm -rf $(NET_BUILD) $(NET_DIR)/build/net-driver
