/* Mirrors ESP-IDF v5.3 components/log/include/esp_log.h: the log levels, esp_log_write and
 * esp_log_timestamp, and ESP_LOGx expanded the way ESP_LOG_LEVEL does (the timestamp and the tag come
 * before the caller's arguments), so printf format checking sees what the device compiler sees. */
#pragma once
#include <inttypes.h>
#include <stdint.h>

typedef enum {
    ESP_LOG_NONE,
    ESP_LOG_ERROR,
    ESP_LOG_WARN,
    ESP_LOG_INFO,
    ESP_LOG_DEBUG,
    ESP_LOG_VERBOSE
} esp_log_level_t;

uint32_t esp_log_timestamp(void);
void esp_log_write(esp_log_level_t level, const char* tag, const char* format, ...) __attribute__((format(printf, 3, 4)));

#define LOG_FORMAT(letter, format)  #letter " (%" PRIu32 ") %s: " format "\n"
#define ESP_LOG_LEVEL(level, letter, tag, format, ...) \
    esp_log_write(level, tag, LOG_FORMAT(letter, format), esp_log_timestamp(), tag __VA_OPT__(,) __VA_ARGS__)
#define ESP_LOGE( tag, format, ... ) ESP_LOG_LEVEL(ESP_LOG_ERROR, E, tag, format __VA_OPT__(,) __VA_ARGS__)
#define ESP_LOGW( tag, format, ... ) ESP_LOG_LEVEL(ESP_LOG_WARN,  W, tag, format __VA_OPT__(,) __VA_ARGS__)
#define ESP_LOGI( tag, format, ... ) ESP_LOG_LEVEL(ESP_LOG_INFO,  I, tag, format __VA_OPT__(,) __VA_ARGS__)
#define ESP_LOGD( tag, format, ... ) ESP_LOG_LEVEL(ESP_LOG_DEBUG, D, tag, format __VA_OPT__(,) __VA_ARGS__)
