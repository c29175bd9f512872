using System.Globalization;
using System.Text.RegularExpressions;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;

namespace EspRelease.Core.Doctor.DeviceLog;

// What the device checks in the bytes it received and when it boots them: app_update
// (components/app_update/esp_ota_ops.c), the image loader and the bootloader
// (components/bootloader_support/src/esp_image_format.c, bootloader_common_loader.c,
// bootloader_utility.c, secure_boot_v2/*), and esp_https_ota's header read.
public static partial class DeviceLogRules
{
    private const string FixInspect = "`dotnet esp-release inspect build/` shows what the build holds; `dotnet esp-release probe <url>` checks what the server serves";

    private static DeviceLogRule[] ImageRules() =>
    [
        new()
        {
            Code = DiagnosticCodes.DeviceInvalidMagic, Title = "not an app image (invalid magic byte)",
            Patterns = [@"OTA image has invalid magic byte \(expected 0xE9, saw 0x(?<byte>[0-9A-Fa-f]{2})\)", @"image at 0x(?<addr>[0-9A-Fa-f]+) has invalid magic byte"],
            Example = "E (5520) esp_ota_ops: OTA image has invalid magic byte (expected 0xE9, saw 0x3c)",
            Source = "components/app_update/esp_ota_ops.c (esp_ota_write), components/bootloader_support/src/esp_image_format.c",
            Cause = "the bytes the device received do not start with an app image's magic byte 0xE9.",
            Explain = m => m.Groups["byte"].Success ? MagicMeaning(byte.Parse(m.Groups["byte"].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)) : "Nothing (or something else) was written at that address.",
            Fix = "`dotnet esp-release probe <url>` shows what the server sends instead; publish the .bin `dotnet esp-release inspect build/` accepts",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceChipMismatch, Title = "image built for another chip",
            Patterns = [@"[Mm]ismatch chip (?:id|ID), expected (?<expected>\d+), found (?<found>\d+)"],
            Example = "E (5530) esp_https_ota: Mismatch chip id, expected 2, found 0",
            Source = "components/esp_https_ota/src/esp_https_ota.c (ESP-IDF 5.x), components/bootloader_support/src/bootloader_common_loader.c",
            Cause = "the image's header names chip id {found}; this device is chip id {expected}.",
            Explain = ChipMeaning,
            Fix = "publish the build for this chip (`idf.py set-target`, then `dotnet esp-release inspect build/` shows the chip); `dotnet esp-release probe <url>` checks the served image's chip",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceChipMismatch, Title = "image needs another chip revision",
            Patterns = [@"chip revision check failed\. Required (?<req>[<>]= v\d+\.\d+), found (?<found>v\d+\.\d+)", @"Image requires efuse blk rev (?<req>[<>]= v\d+\.\d+), but chip is (?<found>v\d+\.\d+)"],
            Example = "E (5530) boot_comm: chip revision check failed. Required >= v3.0, found v1.0.",
            Source = "components/bootloader_support/src/bootloader_common_loader.c",
            Cause = "the image requires chip revision {req} and this chip is {found} (CONFIG_ESP32_REV_MIN and its kin).",
            Fix = "build with a minimum revision this chip meets; `dotnet esp-release inspect build/` shows the image's revision range",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceImageTooLarge, Title = "image larger than the OTA slot",
            Patterns = [@"Image length (?<len>\d+) doesn't fit in partition length (?<part>\d+)", @"esp_ota_begin failed \(ESP_ERR_INVALID_SIZE\)", @"ota_begin error err=0x104\b"],
            Example = "E (5600) esp_image: Image length 1638656 doesn't fit in partition length 1572864",
            Source = "components/bootloader_support/src/esp_image_format.c (verify_image_length), components/app_update/esp_ota_ops.c",
            Cause = "the image ({len} bytes) is larger than the OTA slot it is written to ({part} bytes).",
            Fix = "make the OTA slots larger in partitions.csv (flash them with a wired flash once), or the image smaller; `dotnet esp-release inspect build/` compares image and slot",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceSecureVersionTooLow, Title = "secure version below the eFuse's (anti-rollback)",
            Patterns = [@"ESP_ERR_OTA_SMALL_SEC_VER", @"secure version is lower than stored in efuse"],
            Example = "E (9620) esp_ota_ops: This a new partition can not be booted due to a secure version is lower than stored in efuse. Partition will be erased.",
            Source = "components/app_update/esp_ota_ops.c (esp_ota_set_boot_partition)",
            Cause = "the image's secure_version is lower than the one burned in the device's eFuse, so anti-rollback refuses it and erases the slot.",
            Fix = "`dotnet esp-release sdkconfig set CONFIG_BOOTLOADER_APP_SECURE_VERSION <n> --project <dir>` with n at least the device's, then build and publish again",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceImageHeaderUnread, Title = "image header not received",
            Patterns = [@"Complete headers were not received", @"Failed to read image header", @"esp_https_ota_(?:read|get)_img_desc failed", @"Incorrect app descriptor magic"],
            Example = "E (5500) esp_https_ota: Complete headers were not received",
            Source = "components/esp_https_ota/src/esp_https_ota.c (read_header, esp_https_ota_get_img_desc)",
            Cause = "the body ended (or was no app image) before the image header and app descriptor (the first 288 bytes) arrived: an empty or tiny file, an error page, or a connection cut at once.",
            Fix = "`dotnet esp-release probe <url>` shows what the server sends; publish the .bin of the build",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceSecureBootSignature, Title = "Secure Boot signature refused",
            Patterns = [@"[Ss]ecure [Bb]oot (?:V2 |signature )?verification failed", @"Secure boot key \((?<key>\d+)\) verification failed", @"esp_secure_boot_verify_signature failed", @"image valid, signature bad", @"Calculating simple hash to check for corruption", @"Signature verification failed", @"signing scheme selected but (?:signature block generated for|no signature block for)"],
            Example = "E (9500) esp_image: Secure boot signature verification failed",
            Source = "components/bootloader_support/src/esp_image_format.c, secure_boot_v2/secure_boot_signatures_app.c, components/app_update/esp_ota_ops.c",
            Cause = "the image is not signed by a key the device trusts (Secure Boot): unsigned, signed with another key than the one whose digest is in eFuse, or with another scheme (RSA-PSS, ECDSA).",
            Fix = "sign with the device's Secure Boot key (`espsecure.py sign_data --version 2`); `dotnet esp-release inspect build/` shows the signature blocks and key digests",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceOtaValidateFailed, Title = "image corrupt (checksum, hash or segment)",
            Patterns = [@"Image hash failed - image is corrupt", @"Checksum failed\. Calculated 0x(?<calc>[0-9A-Fa-f]+) read 0x(?<read>[0-9A-Fa-f]+)", @"Segment \d+ 0x[0-9A-Fa-f]+-0x[0-9A-Fa-f]+ invalid", @"segment count \d+ exceeds max", @"invalid segment length 0x"],
            Example = "E (9500) esp_image: Checksum failed. Calculated 0x5c read 0x21",
            Source = "components/bootloader_support/src/esp_image_format.c",
            Cause = "the image written to the slot is damaged (its checksum, SHA-256 or segment layout is wrong): the file on the server differs from the build, or the download was altered on the way.",
            Fix = "`dotnet esp-release probe <url>` compares the served image's size and SHA-256 with the signed release; publish again",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceOtaValidateFailed, Title = "image validation failed (ESP_ERR_OTA_VALIDATE_FAILED)", Role = RuleRole.Follows,
            Patterns = [@"ESP_ERR_OTA_VALIDATE_FAILED", @"Image validation failed, image is corrupted", @"New image failed verification", @"esp_ota_end failed"],
            Example = "E (9520) advanced_https_ota_example: Image validation failed, image is corrupted",
            Source = "components/app_update/esp_ota_ops.c (esp_ota_end), examples/system/ota",
            Cause = "esp_ota_end refused the image written to the slot (esp_image_verify: the magic byte, a checksum, the SHA-256, the slot's size or the signature), and no earlier line says which.",
            Fix = FixInspect,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceRolledBack, Title = "the new app was rolled back",
            Patterns = [@"Rollback to previously worked partition", @"esp_ota_mark_app_invalid_rollback_and_reboot", @"otadata\[\d\] is marking as ABORTED", @"Start rollback", @"Rollback is not possible"],
            Example = "I (812) esp_ota_ops: Rollback to previously worked partition. Restart.",
            Source = "components/app_update/esp_ota_ops.c, components/bootloader_support/src/bootloader_utility.c",
            Cause = "the update installed, but the new app did not confirm itself (esp_ota_mark_app_valid_cancel_rollback) before a reset, or declared itself invalid: the bootloader went back to the previous app.",
            Fix = "look at the new app's first boot in this log (a crash, a failed self-test before it marks itself valid); test the build on a beta channel before rolling it out (`dotnet esp-release promote --from beta --to stable --version <version>`)",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceRolledBack, Title = "running app not yet confirmed",
            Patterns = [@"Running app has not confirmed state \(ESP_OTA_IMG_PENDING_VERIFY\)", @"ESP_ERR_OTA_ROLLBACK_INVALID_STATE"],
            Example = "E (5600) esp_ota_ops: Running app has not confirmed state (ESP_OTA_IMG_PENDING_VERIFY)",
            Source = "components/app_update/esp_ota_ops.c (esp_ota_begin)",
            Cause = "the running app still waits for its own confirmation (PENDING_VERIFY), so it may not start another update: it never called esp_ota_mark_app_valid_cancel_rollback.",
            Fix = "call esp_ota_mark_app_valid_cancel_rollback() once the new app has proved itself, before checking for the next update",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceRolledBack, Title = "otadata invalid: bootloader fell back",
            Patterns = [@"ota data partition invalid(?<rest>, falling back to factory| and no factory, will try all partitions)", @"ota data invalid, no current app"],
            Example = "E (62) boot: ota data partition invalid, falling back to factory",
            Source = "components/bootloader_support/src/bootloader_utility.c, components/app_update/esp_ota_ops.c",
            Cause = "the otadata partition holds no valid entry, so the bootloader did not boot the updated slot{rest}.",
            Fix = "flash build/ota_data_initial.bin with the partition table (`idf.py flash` does), and let esp_ota_set_boot_partition write otadata after an update",
        },
    ];

    // The first byte of what the server sent, when it is not 0xE9: what files start with it.
    internal static string MagicMeaning(byte first) => first switch
    {
        0x3C => "0x3c is '<': an HTML or XML page was served (an error page, a login page, Azure's XML error body), not the firmware.",
        0x7B => "0x7b is '{': a JSON document was served (an API's error or a manifest), not the firmware.",
        0x1F => "0x1f starts gzip: the server compressed the file (Content-Encoding: gzip), and esp_http_client does not decompress.",
        0x50 => "0x50 is 'P': likely a ZIP archive ('PK'), not the .bin inside it.",
        0x7F => "0x7f starts an ELF file: the .elf was published instead of the .bin.",
        0x48 => "0x48 is 'H': text such as \"HTTP/1.1 …\" or \"HTML\" was written as the image.",
        0x2D => "0x2d is '-': a PEM file (\"-----BEGIN\") was served.",
        0xFF => "0xff: erased flash or an empty body: nothing was written.",
        0x00 => "0x00: zero bytes: an empty or zero-filled file.",
        >= 0x20 and < 0x7F => $"0x{first:x2} is '{(char)first}': text was served, not the firmware.",
        _ => $"0x{first:x2}: binary data that is not an ESP app image (an encrypted or other file).",
    };

    private static string? ChipMeaning(Match m)
    {
        var expected = int.Parse(m.Groups["expected"].Value, CultureInfo.InvariantCulture);
        var found = int.Parse(m.Groups["found"].Value, CultureInfo.InvariantCulture);
        var device = Chips.FromId(expected)?.Name ?? $"chip id {expected}";
        if (Chips.FromId(found) is { } chip)
        {
            return $"The image was built for {chip.Name}; the device is {device}.";
        }

        // The id is bytes 12-13 of what was received, little-endian: text served as an image reads as two characters.
        var low = (char)(found & 0xFF);
        var high = (char)((found >> 8) & 0xFF);
        return found <= 0xFFFF && low is >= ' ' and < '\u007f' && high is >= ' ' and < '\u007f'
            ? $"{found} is no chip: it reads as the text \"{low}{high}\", so a text page (HTML, XML, JSON) was served, not an image; the device is {device}."
            : $"{found} is no chip id: the bytes received are no app image; the device is {device}.";
    }
}
