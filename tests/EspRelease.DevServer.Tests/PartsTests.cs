using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;

namespace EspRelease.DevServer.Tests;

/// <summary>The server's parts on their own: the Host fix, redaction, the handshake reader, the URL choice.</summary>
public sealed class PartsTests
{
    [Theory]
    [InlineData("::1:8070", 8070, "[::1]:8070")]
    [InlineData("fd00::2:8070", 8070, "[fd00::2]:8070")]
    [InlineData("2001:db8::5:8070", 8070, "[2001:db8::5]:8070")]
    [InlineData("fe80::1:2:3:4:5", 443, "[fe80::1:2:3:4:5]")] // no port: the scheme's default, as esp_http_client leaves it out
    [InlineData("2001:db8::1", 8070, "[2001:db8::1]")]
    [InlineData("[::1]:8070", 8070, null)]
    [InlineData("192.168.1.20:8070", 8070, null)]
    [InlineData("my-pc.local:8070", 8070, null)]
    [InlineData("", 8070, null)]
    [InlineData("::1%eth0:8070", 8070, null)]
    public void An_IPv6_host_without_brackets_gets_them(string value, int port, string? expected) =>
        Assert.Equal(expected, HostHeaderRewriter.Bracket(value, port));

    [Fact]
    public async Task The_Host_fix_works_on_pipelined_requests_split_anywhere_and_leaves_bodies_alone()
    {
        var body = "Host: ::1:8070\r\n\r\n"; // looks like a header, but is a body: must pass unchanged
        var input = "GET /a.bin HTTP/1.1\r\nHost: ::1:8070\r\nX-Esp-Release-Unbracketed-Host: forged\r\n\r\n"
            + $"POST /b HTTP/1.1\r\nHost: [::1]:8070\r\nContent-Length: {body.Length}\r\n\r\n{body}"
            + "HEAD /c.bin HTTP/1.1\r\nhost: fd00::2:8070\r\n\r\n";
        var expected = "GET /a.bin HTTP/1.1\r\nHost: [::1]:8070\r\nX-Esp-Release-Unbracketed-Host: ::1:8070\r\n\r\n"
            + $"POST /b HTTP/1.1\r\nHost: [::1]:8070\r\nContent-Length: {body.Length}\r\n\r\n{body}"
            + "HEAD /c.bin HTTP/1.1\r\nhost: [fd00::2]:8070\r\nX-Esp-Release-Unbracketed-Host: fd00::2:8070\r\n\r\n";
        var bytes = Encoding.Latin1.GetBytes(input);

        for (var split = 1; split < bytes.Length; split += 7)
        {
            Assert.Equal(expected, await RunAsync(new HostHeaderRewriter(8070), bytes[..split], bytes[split..]));
        }
    }

    [Fact]
    public async Task A_chunked_body_switches_the_Host_fix_off_for_the_rest_of_the_connection()
    {
        var input = "POST /x HTTP/1.1\r\nHost: ::1:8070\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHost:\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: ::1:8070\r\n\r\n";

        var output = await RunAsync(new HostHeaderRewriter(8070), Encoding.Latin1.GetBytes(input));

        Assert.StartsWith("POST /x HTTP/1.1\r\nHost: [::1]:8070\r\n", output, StringComparison.Ordinal);
        Assert.EndsWith("GET / HTTP/1.1\r\nHost: ::1:8070\r\n\r\n", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/fw.bin", "/fw.bin")]
    [InlineData("/fw.bin?sv=2025-01-05&sig=abc%2Bdef%3D&se=x", "/fw.bin?sv=2025-01-05&sig=REDACTED&se=x")]
    [InlineData("/fw.bin?SIG=abc", "/fw.bin?SIG=REDACTED")]
    [InlineData("/fw.bin?X-Amz-Signature=abc&X-Amz-Date=1", "/fw.bin?X-Amz-Signature=REDACTED&X-Amz-Date=1")]
    [InlineData("/fw.bin?token=t&access_token=u&signature=v&version=1", "/fw.bin?token=REDACTED&access_token=REDACTED&signature=REDACTED&version=1")]
    [InlineData("/fw.bin?sig", "/fw.bin?sig")]
    [InlineData("https://host/fw.bin?sig=abc", "https://host/fw.bin?sig=REDACTED")]
    public void Secret_query_values_are_redacted(string target, string expected) =>
        Assert.Equal(expected, SecretRedaction.RedactTarget(target));

    [Fact]
    public void IPv4_clients_of_the_dual_stack_socket_are_shown_as_IPv4() =>
        Assert.Equal(IPAddress.Parse("192.168.1.50"), ClientAddress.Normalize(IPAddress.Parse("::ffff:192.168.1.50")));

    [Fact]
    public async Task The_handshake_reader_names_the_alert_and_spots_plain_HTTP()
    {
        // A TLS 1.2 ClientHello record (truncated body is enough), then a fatal unknown_ca alert, as mbedtls sends it.
        byte[] hello = [0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00];
        byte[] alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x30];
        var observer = new TlsClientObserver();
        await RunAsync(observer, [.. hello, .. alert[..3]], alert[3..]);
        var plain = new TlsClientObserver();
        await RunAsync(plain, "GET /fw.bin HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());

        var entry = observer.Describe(DateTimeOffset.UnixEpoch, IPAddress.Loopback, detail: null);
        Assert.True(observer.SawClientHello);
        Assert.Equal((TlsFailureKind.Alert, 48, "unknown_ca"), (entry.Kind, entry.Alert!.Value, entry.AlertName));
        Assert.StartsWith("1970-01-01T00:00:00.000Z 127.0.0.1 TLS handshake failed: the client sent TLS alert unknown_ca (48): ", entry.ToText(), StringComparison.Ordinal);
        Assert.Equal(TlsFailureKind.PlainHttp, plain.Describe(DateTimeOffset.UnixEpoch, null, null).Kind);
        Assert.Equal(TlsFailureKind.NoData, new TlsClientObserver().Describe(DateTimeOffset.UnixEpoch, null, null).Kind);
    }

    [Fact]
    public void The_preferred_URL_is_IPv4_on_the_interface_with_the_default_route()
    {
        LanAddress[] lan =
        [
            new(IPAddress.Parse("172.17.0.1"), "docker0", HasGateway: false, Virtual: true),
            new(IPAddress.Parse("fd00::2"), "wlan0", HasGateway: true, Virtual: false),
            new(IPAddress.Parse("192.168.1.20"), "wlan0", HasGateway: true, Virtual: false),
            new(IPAddress.Parse("10.8.0.2"), "eth1", HasGateway: false, Virtual: false),
        ];

        var urls = AdvertisedUrls.For([IPAddress.IPv6Any], 8070, "simple_ota.bin", lan, ["my-pc.local"]);
        var ipv4Only = AdvertisedUrls.For([IPAddress.Any], 8070, "dir/a b.bin", lan, []);
        var none = AdvertisedUrls.For([IPAddress.IPv6Any], 8070, null, [], []);

        Assert.Equal(
            ["https://192.168.1.20:8070/simple_ota.bin", "https://[fd00::2]:8070/simple_ota.bin", "https://10.8.0.2:8070/simple_ota.bin", "https://172.17.0.1:8070/simple_ota.bin", "https://my-pc.local:8070/simple_ota.bin"],
            urls.Select(u => u.Url));
        Assert.Equal([true, false, false, false, false], urls.Select(u => u.Preferred));
        Assert.Equal("IPv4 on wlan0, the interface with the default route", urls[0].Reason);
        Assert.Equal(["https://192.168.1.20:8070/dir/a%20b.bin", "https://10.8.0.2:8070/dir/a%20b.bin", "https://172.17.0.1:8070/dir/a%20b.bin"], ipv4Only.Select(u => u.Url));
        Assert.Equal(["https://127.0.0.1:8070/", "https://[::1]:8070/"], none.Select(u => u.Url));
        Assert.True(AdvertisedUrls.LoopbackOnly(none));
        Assert.False(AdvertisedUrls.LoopbackOnly(urls));
    }

    private static async Task<string> RunAsync(IInputTransform transform, params byte[][] chunks)
    {
        var source = new Pipe();
        var pump = new InputPump(new DuplexPipe(source.Reader, new Pipe().Writer), transform);
        var reading = ReadAllAsync(pump.Input);
        foreach (var chunk in chunks)
        {
            await source.Writer.WriteAsync(chunk);
            await Task.Delay(1);
        }

        await source.Writer.CompleteAsync();
        var result = await reading;
        await pump.DisposeAsync();
        return result;
    }

    private static async Task<string> ReadAllAsync(PipeReader reader)
    {
        var all = new List<byte>();
        while (true)
        {
            var result = await reader.ReadAsync();
            all.AddRange(result.Buffer.ToArray());
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                await reader.CompleteAsync();
                return Encoding.Latin1.GetString([.. all]);
            }
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
