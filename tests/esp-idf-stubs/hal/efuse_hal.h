/* Mirrors ESP-IDF v5.3 components/hal/include/hal/efuse_hal.h: the chip revision. */
#pragma once
#include <stdint.h>

/** @return Chip version in format: Major * 100 + Minor */
uint32_t efuse_hal_chip_revision(void);
