using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using EspRelease.Testing;

namespace EspRelease.DevServer.Tests;

/// <summary>
/// The server on loopback, downloaded from by device-sim (the ESP32's TLS client on mbedtls 2.28, sending
/// exactly esp_http_client's request) and by HttpClient where device-sim cannot ask (Accept-Encoding, methods).
/// </summary>
public sealed class DevServerTests(DevCaFixture ca) : IClassFixture<DevCaFixture>
{
    private static readonly IPAddress[] _loopbacks = [IPAddress.Loopback, IPAddress.IPv6Loopback];

    [Fact]
    public async Task The_device_downloads_the_firmware_over_IPv4_and_IPv6_from_one_port()
    {
        await using var server = await ServerHarness.StartAsync(ca, _loopbacks);

        Assert.Equal([new IPEndPoint(IPAddress.Loopback, server.Server.Port), new IPEndPoint(IPAddress.IPv6Loopback, server.Server.Port)], server.Server.EndPoints);
        foreach (var address in _loopbacks)
        {
            var device = await DeviceSim.GetAsync(server.Url(address, "blink.bin"), ca.CaFile);
            Assert.True(device.ExitCode == DeviceSim.ExitOk, device.ToString());
            Assert.Equal(200, device.Status);
            Assert.Equal(ServerHarness.Firmware.Length, device.ContentLength);
            Assert.Equal(ServerHarness.FirmwareSha, device.Sha256);
            Assert.Equal("application/octet-stream", device.ContentType);
            Assert.Null(device.ContentEncoding);
            Assert.Null(device.TransferEncoding);
            Assert.Equal((byte)0xE9, device.FirstByte);
        }

        var lines = await server.WaitForAsync<RequestLogEntry>(e => e.Target == "/blink.bin", count: 2);
        Assert.Equal(_loopbacks, lines.Select(l => l.Client).Order(new AddressOrder()));
        Assert.All(lines, l => Assert.Equal((200, (long)ServerHarness.Firmware.Length, "TLSv1.2"), (l.Status, l.Bytes, l.Tls)));
    }

    [Fact]
    public async Task The_device_s_unbracketed_IPv6_Host_header_is_accepted_and_noted()
    {
        await using var server = await ServerHarness.StartAsync(ca, IPAddress.IPv6Loopback);

        // esp_http_client writes "Host: ::1:<port>"; Kestrel alone answers 400 to that.
        var device = await DeviceSim.RunAsync(["get", server.Url(IPAddress.IPv6Loopback, "blink.bin").AbsoluteUri, "--ca", ca.CaFile, "--unbracketed-ipv6-host"]);
        var ranged = await DeviceSim.RunAsync(["get", server.Url(IPAddress.IPv6Loopback, "blink.bin").AbsoluteUri, "--ca", ca.CaFile, "--unbracketed-ipv6-host", "--range", "16-31"]);

        Assert.True(device.ExitCode == DeviceSim.ExitOk, device.ToString());
        Assert.Equal(ServerHarness.FirmwareSha, device.Sha256);
        Assert.Equal(206, ranged.Status);
        Assert.Equal($"bytes 16-31/{ServerHarness.Firmware.Length}", ranged.ContentRange);
        var lines = await server.WaitForAsync<RequestLogEntry>(_ => true, count: 2);
        Assert.All(lines, l => Assert.Contains($"Host \"::1:{server.Server.Port}\": an IPv6 address without brackets, as esp_http_client writes it; read as [::1]:{server.Server.Port}", l.ToText(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Range_requests_get_206_with_Content_Range_and_416_beyond_the_end()
    {
        await using var server = await ServerHarness.StartAsync(ca, IPAddress.Loopback);
        var url = server.Url(IPAddress.Loopback, "blink.bin");
        var size = ServerHarness.Firmware.Length;

        var first = await DeviceSim.GetAsync(url, ca.CaFile, range: "0-1023");
        var resume = await DeviceSim.GetAsync(url, ca.CaFile, range: $"{size - 100}-");
        var beyond = await DeviceSim.GetAsync(url, ca.CaFile, range: $"{size}-{size + 10}");

        Assert.Equal((206, 1024L, $"bytes 0-1023/{size}", 1024L), (first.Status!.Value, first.ContentLength!.Value, first.ContentRange, first.Received!.Value));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ServerHarness.Firmware.AsSpan(0, 1024))), first.Sha256);
        Assert.Equal((206, 100L, $"bytes {size - 100}-{size - 1}/{size}"), (resume.Status!.Value, resume.ContentLength!.Value, resume.ContentRange));
        Assert.Equal(416, beyond.Status);
        Assert.Equal(DeviceSim.ExitHttpStatus, beyond.ExitCode);

        var lines = await server.WaitForAsync<RequestLogEntry>(_ => true, count: 3);
        Assert.Contains(lines, l => l is { Range: "bytes=0-1023", Status: 206, Bytes: 1024 });
        Assert.Contains(lines, l => l.Status == 416 && l.Range == $"bytes={size}-{size + 10}");
        Assert.Contains(lines, l => l.ToText().Contains($"\"GET /blink.bin\" 206 1024B range=bytes=0-1023 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HEAD_gives_the_Content_Length_and_no_body()
    {
        await using var server = await ServerHarness.StartAsync(ca, IPAddress.Loopback);

        var head = await DeviceSim.GetAsync(server.Url(IPAddress.Loopback, "blink.bin"), ca.CaFile, head: true);

        Assert.True(head.ExitCode == DeviceSim.ExitOk, head.ToString());
        Assert.Equal(200, head.Status);
        Assert.Equal(ServerHarness.Firmware.Length, head.ContentLength);
        Assert.Equal(0, head.Received);
        var line = (await server.WaitForAsync<RequestLogEntry>(e => e.Method == "HEAD")).Single();
        Assert.Equal((200, 0L), (line.Status, line.Bytes));
    }

    [Fact]
    public async Task Nothing_is_compressed_even_when_the_client_asks_for_gzip()
    {
        await using var server = await ServerHarness.StartAsync(ca, IPAddress.Loopback);
        using var client = ServerHarness.Client(ca);

        foreach (var (path, type) in new[] { ("blink.bin", "application/octet-stream"), ("manifest.json", "application/json"), ("channels/stable.jws", "application/octet-stream") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, server.Url(IPAddress.Loopback, path));
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(response.Content.Headers.ContentEncoding);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(File.ReadAllBytes(Path.Combine(server.Root, path)), body);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            Assert.False(response.Headers.TransferEncodingChunked ?? false);
        }
    }

    [Fact]
    public async Task No_listing_no_other_methods_and_never_a_private_key()
    {
        await using var server = await ServerHarness.StartAsync(ca, IPAddress.Loopback);
        using var client = ServerHarness.Client(ca);

        using var root = await client.GetAsync(server.Url(IPAddress.Loopback, ""));
        using var folder = await client.GetAsync(server.Url(IPAddress.Loopback, "channels/"));
        using var missing = await client.GetAsync(server.Url(IPAddress.Loopback, "nope.bin"));
        using var post = await client.PostAsync(server.Url(IPAddress.Loopback, "blink.bin"), new ByteArrayContent([1, 2, 3]));
        using var key = await client.GetAsync(server.Url(IPAddress.Loopback, "signing-key.pem"));
        using var certificate = await client.GetAsync(server.Url(IPAddress.Loopback, "ca.pem"));

        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, folder.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], post.Content.Headers.Allow.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, key.StatusCode);
        Assert.Empty(await key.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, certificate.StatusCode);
        var refused = (await server.WaitForAsync<RequestLogEntry>(e => e.Status == 403)).Single();
        Assert.Contains("refused: the file holds a private key", refused.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_request_is_one_log_line_with_the_SAS_signature_redacted()
    {
        await using var server = await ServerHarness.StartAsync(ca, IPAddress.Loopback);
        var url = new Uri(server.Url(IPAddress.Loopback, "blink.bin") + "?sv=2025-01-05&sp=r&sig=c2VjcmV0U2lnbmF0dXJl%3D&se=2030-01-01");

        var device = await DeviceSim.GetAsync(url, ca.CaFile, range: "0-15");

        Assert.Equal(206, device.Status);
        var line = (await server.WaitForAsync<RequestLogEntry>(_ => true)).Single();
        var text = line.ToText();
        Assert.Equal("/blink.bin?sv=2025-01-05&sp=r&sig=REDACTED&se=2030-01-01", line.Target);
        Assert.DoesNotContain("c2VjcmV0", text, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", line.ToJson(), StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z 127\.0\.0\.1 ""GET /blink\.bin\?sv=2025-01-05&sp=r&sig=REDACTED&se=2030-01-01"" 206 16B range=bytes=0-15 \d+ms TLSv1\.2$", text);
        using var json = System.Text.Json.JsonDocument.Parse(line.ToJson());
        Assert.Equal("request", json.RootElement.GetProperty("event").GetString());
        Assert.Equal("127.0.0.1", json.RootElement.GetProperty("client").GetString());
        Assert.Equal(16, json.RootElement.GetProperty("bytes").GetInt64());
        Assert.Equal("bytes=0-15", json.RootElement.GetProperty("range").GetString());
    }

    [Fact]
    public async Task A_device_that_rejects_the_certificate_is_logged_with_its_address_and_the_reason()
    {
        await using var server = await ServerHarness.StartAsync(ca, _loopbacks);
        // The OTA example's own CA: what a device flashed before the dev CA was embedded trusts.
        var exampleCa = Path.Combine(Fixtures.IdfProjects, "simple_ota_example", "server_certs", "ca_cert.pem");

        var untrusted = await DeviceSim.GetAsync(server.Url(IPAddress.Loopback, "blink.bin"), exampleCa);
        var wrongName = await DeviceSim.GetAsync(server.Url(IPAddress.IPv6Loopback, "blink.bin"), ca.CaFile, host: "ota.example.com");

        Assert.Equal(DeviceSim.ExitVerifyFailed, untrusted.ExitCode);
        Assert.Equal(DeviceSim.ExitVerifyFailed, wrongName.ExitCode);
        var unknownCa = (await server.WaitForAsync<TlsFailureLogEntry>(e => e.Alert == 48)).Single();
        Assert.Equal((IPAddress.Loopback, TlsFailureKind.Alert, "unknown_ca"), (unknownCa.Client, unknownCa.Kind, unknownCa.AlertName));
        Assert.Matches(@"^\S+Z 127\.0\.0\.1 TLS handshake failed: the client sent TLS alert unknown_ca \(48\): the client does not trust the CA", unknownCa.ToText());
        Assert.Contains("-0x2700", unknownCa.ToText(), StringComparison.Ordinal);
        var badName = (await server.WaitForAsync<TlsFailureLogEntry>(e => e.Alert == 42)).Single();
        Assert.Equal(IPAddress.IPv6Loopback, badName.Client);
        Assert.Contains("::1 TLS handshake failed: the client sent TLS alert bad_certificate (42)", badName.ToText(), StringComparison.Ordinal);
        Assert.Empty(server.Log.OfType<RequestLogEntry>());
    }

    [Fact]
    public async Task Plain_HTTP_to_the_HTTPS_port_and_requests_Kestrel_refuses_are_logged_too()
    {
        await using var server = await ServerHarness.StartAsync(ca, IPAddress.Loopback);

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, server.Server.Port);
            await tcp.GetStream().WriteAsync("GET /blink.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray());
            await tcp.GetStream().ReadAtLeastAsync(new byte[1], 1, throwOnEndOfStream: false); // the server closes the connection
        }

        var refused = await server.RawAsync(ca, IPAddress.Loopback, "GET /blink.bin HTTP/1.1\r\nHost: not a host\r\nConnection: close\r\n\r\n");

        var plain = (await server.WaitForAsync<TlsFailureLogEntry>(_ => true)).Single();
        Assert.Equal(TlsFailureKind.PlainHttp, plain.Kind);
        Assert.Contains("127.0.0.1 TLS handshake failed: the client sent plain HTTP (\"GET /blink.bin HTTP/1.1\") to this HTTPS port", plain.ToText(), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", refused, StringComparison.Ordinal);
        var bad = (await server.WaitForAsync<RequestLogEntry>(e => e.Status == 400)).Single();
        Assert.Equal(IPAddress.Loopback, bad.Client);
        Assert.Contains("refused by Kestrel before it was read: Invalid Host header", bad.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_binding_is_one_dual_stack_socket_that_takes_IPv4_and_IPv6_clients()
    {
        // The only test that listens on every address ([::], port 0); its clients still connect over loopback.
        await using var server = await ServerHarness.StartAsync(ca);

        Assert.True(server.Server.DualStack);
        Assert.Equal([new IPEndPoint(IPAddress.IPv6Any, server.Server.Port)], server.Server.EndPoints);
        foreach (var address in _loopbacks)
        {
            var device = await DeviceSim.GetAsync(server.Url(address, "blink.bin"), ca.CaFile, range: "0-15");
            Assert.True(device.Status == 206, device.ToString());
        }

        var lines = await server.WaitForAsync<RequestLogEntry>(_ => true, count: 2);
        // The IPv4 client arrives as ::ffff:127.0.0.1 on the dual-stack socket; the log shows the address the device knows.
        Assert.Equal(_loopbacks, lines.Select(l => l.Client).Order(new AddressOrder()));
        Assert.All(lines, l => Assert.DoesNotContain("::ffff:", l.ToText(), StringComparison.Ordinal));
    }

    private sealed class AddressOrder : IComparer<IPAddress?>
    {
        public int Compare(IPAddress? x, IPAddress? y) => (x?.AddressFamily ?? 0).CompareTo(y?.AddressFamily ?? 0);
    }
}
