namespace EspRelease.Core.Network;

/// <summary>One request the way esp_http_client makes it.</summary>
/// <param name="Method">GET (what esp_https_ota sends), or HEAD (its partial download's size query).</param>
/// <param name="Url">The URL: its path and query are the request target.</param>
public sealed record DeviceRequest(string Method, Uri Url)
{
    /// <summary>The firmware's extra headers (esp_http_client_set_header).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>A Range header value, e.g. <c>bytes=0-15</c>.</summary>
    public string? Range { get; init; }

    /// <summary>False to leave the query out of the request: it may hold a SAS signature, and the server has not been trusted with it.</summary>
    public bool SendQuery { get; init; } = true;

    /// <summary>Where to write the body; null to keep only its first bytes.</summary>
    public string? BodyFile { get; init; }

    /// <summary>Read the status line and headers, then close: all that is needed to learn the status, a redirect or the certificates.</summary>
    public bool HeadersOnly { get; init; }

    /// <summary>What goes after the method on the request line.</summary>
    public string Target => SendQuery ? Url.PathAndQuery : Url.AbsolutePath;

    /// <summary>The request line for messages: the query (a SAS) never shown.</summary>
    public string Shown => $"{Method} {Url.AbsolutePath}{(Url.Query.Length > 1 ? "?<redacted>" : "")}";
}
