/* Mirrors ESP-IDF v5.3 components/esp_app_format/include/esp_app_desc.h: esp_app_desc_t and
 * esp_app_get_description. */
#pragma once
#include <stdint.h>
#include "esp_err.h"

typedef struct {
    uint32_t magic_word;        /*!< Magic word ESP_APP_DESC_MAGIC_WORD */
    uint32_t secure_version;    /*!< Secure version */
    uint32_t reserv1[2];        /*!< reserv1 */
    char version[32];           /*!< Application version */
    char project_name[32];      /*!< Project name */
    char time[16];              /*!< Compile time */
    char date[16];              /*!< Compile date*/
    char idf_ver[32];           /*!< Version IDF */
    uint8_t app_elf_sha256[32]; /*!< sha256 of elf file */
    uint32_t reserv2[20];       /*!< reserv2 */
} esp_app_desc_t;

const esp_app_desc_t *esp_app_get_description(void);
