/* SPDX-License-Identifier: GPL-2.0 */
#ifndef XLDRV_TEST_FUZZ_H
#define XLDRV_TEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point; declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
