namespace EspRelease.Core.Partitions;

/// <summary>The type and subtype names gen_esp32part.py uses (ESP-IDF <c>esp_partition.h</c>).</summary>
public static class PartitionNames
{
    private static readonly Dictionary<byte, string> _dataSubtypes = new()
    {
        [0x00] = "ota", [0x01] = "phy", [0x02] = "nvs", [0x03] = "coredump", [0x04] = "nvs_keys",
        [0x05] = "efuse", [0x06] = "undefined", [0x80] = "esphttpd", [0x81] = "fat", [0x82] = "spiffs",
        [0x83] = "littlefs", [0x90] = "tee_ota",
    };

    public static string TypeName(byte type) => type switch
    {
        0x00 => "app",
        0x01 => "data",
        0x02 => "bootloader",
        0x03 => "partition_table",
        _ => $"0x{type:x2}",
    };

    public static string SubtypeName(byte type, byte subtype) => type switch
    {
        0x00 => subtype switch
        {
            0x00 => "factory",
            >= 0x10 and <= 0x1F => $"ota_{subtype & 0x0F}",
            0x20 => "test",
            0x30 => "tee_0",
            0x31 => "tee_1",
            _ => $"0x{subtype:x2}",
        },
        0x01 => _dataSubtypes.TryGetValue(subtype, out var name) ? name : $"0x{subtype:x2}",
        0x02 => subtype switch { 0 => "primary", 1 => "ota", 2 => "recovery", _ => $"0x{subtype:x2}" },
        0x03 => subtype switch { 0 => "primary", 1 => "ota", _ => $"0x{subtype:x2}" },
        _ => $"0x{subtype:x2}",
    };

    /// <summary>Sizes as gen_esp32part.py prints them: <c>1M</c>, <c>600K</c>, else hex.</summary>
    public static string FormatSize(uint size) =>
        size % 0x100000 == 0 ? $"{size / 0x100000}M" : size % 0x400 == 0 ? $"{size / 0x400}K" : $"0x{size:x}";
}
