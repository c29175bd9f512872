using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Manifests;

namespace EspRelease.Core.Releases;

/// <summary>
/// Which devices a staged rollout reaches. The device's C core computes the same answers from the
/// same text (docs/manifest.md, "Staged rollout"), so every byte here is part of the wire contract.
/// </summary>
public static class RolloutCohort
{
    /// <summary>The longest device id, in UTF-8 bytes (the C core keeps ids in a fixed buffer).</summary>
    public const int MaxDeviceIdBytes = 64;

    private const string SaltDomain = "esp-release/rollout/v1\n";

    /// <summary>
    /// The salt of a release on a channel: derived, never random, so 10% → 50% → 100% only adds
    /// devices, a halt then resume gives back the same cohort, and pointers stay reproducible.
    /// </summary>
    /// <param name="channel">The channel the pointer is signed for.</param>
    /// <param name="firmwareSha256">The manifest's <c>firmware.sha256</c> (lowercase hex), as written.</param>
    public static string SaltFor(string channel, string firmwareSha256)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(SaltDomain + channel + "\n" + firmwareSha256));
        return Base64Url.EncodeToString(hash.AsSpan(0, 16));
    }

    /// <summary>The device's bucket, 0..99: SHA-256 of the salt's ASCII then the id's UTF-8, first 8 bytes big-endian, mod 100.</summary>
    public static int Bucket(string salt, string deviceId)
    {
        if (!RolloutState.IsSalt(salt))
        {
            throw new ArgumentException($"a rollout salt is {RolloutState.SaltLength} base64url characters, not \"{salt}\"", nameof(salt));
        }

        CheckDeviceId(deviceId);
        var input = new byte[RolloutState.SaltLength + Encoding.UTF8.GetByteCount(deviceId)];
        Encoding.ASCII.GetBytes(salt, input);
        Encoding.UTF8.GetBytes(deviceId, input.AsSpan(RolloutState.SaltLength));
        var hash = SHA256.HashData(input);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % 100);
    }

    /// <summary>Whether the device takes a release staged to <paramref name="percent"/>: its bucket is below it.</summary>
    public static bool Contains(string salt, string deviceId, int percent) => Bucket(salt, deviceId) < percent;

    /// <summary>A device id is 1..64 bytes of UTF-8 text; anything else the device could never have sent.</summary>
    public static void CheckDeviceId(string deviceId)
    {
        var bytes = Encoding.UTF8.GetByteCount(deviceId);
        if (bytes is 0 or > MaxDeviceIdBytes)
        {
            throw new EspReleaseException(DiagnosticCodes.RolloutDeviceIdInvalid,
                $"device id \"{deviceId}\" is {bytes} bytes of UTF-8: expected 1 to {MaxDeviceIdBytes} (the ESP-IDF component's default is the base MAC as 12 lowercase hex digits, e.g. 246f28a1b2c3). Pass the id the device reports.",
                kind: FailureKind.Usage);
        }
    }
}
