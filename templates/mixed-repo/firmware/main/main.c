/*
 * The device side of the sample (ESP-IDF 5.3 or later). On the network, it lets the esp_release_ota
 * component (firmware/components/esp_release_ota) confirm a freshly updated firmware, then poll the
 * signed channel pointer every CONFIG_ESP_RELEASE_OTA_CHECK_INTERVAL_S ("esp-release OTA" in
 * menuconfig): the component checks it the way esp-release's docs/manifest.md says and installs the
 * firmware it names with esp_https_ota, booting it only if it is the one the signed manifest describes.
 * Both connections trust only the CA in server_certs/ca_cert.pem.
 */
#include <stdbool.h>
#include <string.h>
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_release_ota.h"
#include "nvs_flash.h"
#include "protocol_examples_common.h"

static const char *TAG = "ota";

/* EMBED_TXTFILES: NUL-terminated, and _end points past the NUL, the length mbedtls's PEM parser expects. */
extern const char ca_cert_pem[] asm("_binary_ca_cert_pem_start");
extern const unsigned char signing_key_start[] asm("_binary_signing_key_pub_pem_start");
extern const unsigned char signing_key_end[] asm("_binary_signing_key_pub_pem_end");

void app_main(void);

/* Run on the first boot of a new release, before it is kept: reaching here means it is up and on the
 * network. Add what this device must be able to do (read its sensor, ...) before it is trusted. */
static bool self_test(void)
{
    return true;
}

void app_main(void)
{
    /* The component keeps the last accepted pointer's sequence in NVS. */
    esp_err_t err = nvs_flash_init();
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        ESP_ERROR_CHECK(nvs_flash_erase());
        err = nvs_flash_init();
    }
    ESP_ERROR_CHECK(err);
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    ESP_ERROR_CHECK(example_connect());

    /* One trusted key (keys/signing-key.pub.pem); during a key rotation list the old and the new one.
     * Static: the update task keeps using the config and what it points to. */
    static esp_release_trusted_key_t keys[1];
    keys[0].key = signing_key_start;
    keys[0].key_len = (size_t)(signing_key_end - signing_key_start);
    static esp_release_ota_config_t config = ESP_RELEASE_OTA_CONFIG_DEFAULT();
    config.ca_pem = ca_cert_pem;
    config.keys = keys;
    config.key_count = sizeof keys / sizeof keys[0];
    config.self_test = self_test;

    /* The URL up to its query: a SAS in it is a credential, and serial logs get pasted into issues. */
    ESP_LOGI(TAG, "updates from %.*s", (int)strcspn(config.pointer_url, "?"), config.pointer_url);
    /* Confirms this release if it is on its first boot (self_test), then checks and reboots into updates. */
    ESP_ERROR_CHECK(esp_release_ota_start_task(&config));
}
