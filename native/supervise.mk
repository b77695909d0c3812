# The supervisor module (src/supervise): objects the runtime links, and supervise-driver, which
# runs the supervisor over plain host commands for the tests. Paths are relative to native/.
#
#   standalone:  make -C native -f supervise.mk supervise
#   from native/Makefile, after its default target:  include supervise.mk
#   then link $(SUPERVISE_OBJS) into the runtime and #include "supervise/supervise.h".

SUPERVISE_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2
SUPERVISE_NAMES := names graph health restart output events control stop service loop log
SUPERVISE_OBJS := $(SUPERVISE_NAMES:%=build/supervise/%.o)
SUPERVISE_HEADERS := src/supervise/supervise.h src/supervise/internal.h
SUPERVISE_DRIVER := build/supervise-driver

.PHONY: supervise supervise-clean

supervise: $(SUPERVISE_DRIVER)

build/supervise/%.o: src/supervise/%.c $(SUPERVISE_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(SUPERVISE_CFLAGS) $(CFLAGS) -c -o $@ $<

$(SUPERVISE_DRIVER): build/supervise/driver.o $(SUPERVISE_OBJS)
	$(CC) $(SUPERVISE_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^

supervise-clean:
	rm -rf build/supervise $(SUPERVISE_DRIVER)
