namespace EspRelease.Core.Images;

/// <summary>What a file turned out to be.</summary>
public enum ImageKind
{
    /// <summary>Not an ESP image at all (or so broken that its header cannot be read).</summary>
    NotAnImage,

    /// <summary>An application: it carries an <c>esp_app_desc_t</c>. What OTA ships.</summary>
    App,

    /// <summary>A second-stage bootloader.</summary>
    Bootloader,

    /// <summary>An image with no flash-mapped segment (<c>CONFIG_APP_BUILD_TYPE_RAM</c>): runs from RAM only.</summary>
    RamApp,

    /// <summary>An ESP8266 image: a different header format, not supported.</summary>
    Esp8266,

    /// <summary>A valid ESP32-family image of no recognised kind.</summary>
    Unknown,
}

public static class ImageKindNames
{
    /// <summary>The stable name used in <c>--json</c> output.</summary>
    public static string ToJsonName(this ImageKind kind) => kind switch
    {
        ImageKind.App => "app",
        ImageKind.Bootloader => "bootloader",
        ImageKind.RamApp => "ram-app",
        ImageKind.Esp8266 => "esp8266",
        ImageKind.Unknown => "unknown",
        _ => "not-an-image",
    };
}
