using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;

namespace EspRelease.Core.Tests.Hosts.Contract;

/// <summary>The object rules: create-only release files, reads of what is not there, listing, the pointer's compare-and-swap.</summary>
public abstract partial class ReleaseHostContract
{
    private static readonly byte[] Original = Encoding.ASCII.GetBytes("the first bytes\n");
    private static readonly byte[] Other = Encoding.ASCII.GetBytes("other bytes!\n");

    public static TheoryData<bool> BothCreates => new() { true, false };

    private Task<bool> Create(string path, byte[] content, bool fromFile) => fromFile
        ? Host.CreateAsync(path, TempFile(content), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), null, None)
        : Host.CreateAsync(path, content, None);

    [Theory]
    [MemberData(nameof(BothCreates))]
    public async Task Create_is_create_only_same_bytes_are_a_no_op_and_other_bytes_are_refused(bool fromFile)
    {
        const string Path = "releases/blink/1.0.0/blink.bin";
        Assert.True(await Create(Path, Original, fromFile));
        var first = (await Host.ReadAsync(Path, None))!;

        Assert.False(await Create(Path, Original, fromFile));
        var again = (await Host.ReadAsync(Path, None))!;
        Assert.Equal(first.Tag, again.Tag); // nothing rewritten

        var e = await Assert.ThrowsAsync<EspReleaseException>(() => Create(Path, Other, fromFile));
        Assert.Equal(DiagnosticCodes.ImmutableConflict, e.Diagnostic.Code);
        Assert.Contains(Path, e.Message, StringComparison.Ordinal);
        var after = (await Host.ReadAsync(Path, None))!;
        Assert.Equal(Original, after.Content);
        Assert.Equal(first.Tag, after.Tag);
        Assert.Equal([Path], await Host.ListAsync("releases/", None));
    }

    [Fact]
    public async Task What_is_not_there_reads_as_null_and_what_is_reads_back_whole()
    {
        Assert.Null(await Host.ReadAsync("channels/none.jws", None));
        Assert.Null(await Host.OpenReadAsync("releases/blink/9.9.9/blink.bin", None));
        Assert.Empty(await Host.ListAsync("channels/", None));

        await Host.CreateAsync("releases/blink/1.0.0/blink.bin", Original, None);
        await using var stream = (await Host.OpenReadAsync("releases/blink/1.0.0/blink.bin", None))!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(Original, copy.ToArray());
        Assert.True(stream.CanSeek, "the image reader seeks");
    }

    [Fact]
    public async Task List_returns_every_path_under_the_exact_prefix_nested_and_sorted()
    {
        string[] paths = ["channels/beta.jws", "channels/beta2.jws", "channels/stable.jws", "history/beta.00000001.jws", "history/beta2.00000001.jws", "releases/blink/1.0.0/factory/blink.bin", "releases/blink/1.0.0/manifest.jws", "releases/blinker/1.0.0/manifest.jws"];
        foreach (var path in paths)
        {
            await Host.CreateAsync(path, Encoding.ASCII.GetBytes(path), None);
        }

        Assert.Equal(["channels/beta.jws", "channels/beta2.jws", "channels/stable.jws"], await Host.ListAsync("channels/", None));
        Assert.Equal(["channels/beta.jws"], await Host.ListAsync("channels/beta.", None));
        Assert.Equal(["history/beta.00000001.jws"], await Host.ListAsync(HostLayout.HistoryPrefix("beta"), None));
        Assert.Equal(["releases/blink/1.0.0/factory/blink.bin", "releases/blink/1.0.0/manifest.jws"], await Host.ListAsync("releases/blink/", None));
        Assert.Equal(paths, await Host.ListAsync("", None));
        Assert.Empty(await Host.ListAsync("releases/blin/", None));
    }

    [Fact]
    public async Task Replace_swaps_the_pointer_only_on_the_tag_it_was_read_with()
    {
        var pointer = HostLayout.ChannelPointer("stable");
        await Host.ReplaceAsync(pointer, Original, null, None);
        var created = await Assert.ThrowsAsync<EspReleaseException>(() => Host.ReplaceAsync(pointer, Other, null, None));
        Assert.Equal(DiagnosticCodes.ConcurrentPublish, created.Diagnostic.Code);

        var read = (await Host.ReadAsync(pointer, None))!;
        await Host.ReplaceAsync(pointer, Other, read.Tag, None);
        var now = (await Host.ReadAsync(pointer, None))!;
        Assert.Equal(Other, now.Content);
        Assert.NotEqual(read.Tag, now.Tag);

        var stale = await Assert.ThrowsAsync<EspReleaseException>(() => Host.ReplaceAsync(pointer, Original, read.Tag, None));
        Assert.Equal(DiagnosticCodes.ConcurrentPublish, stale.Diagnostic.Code);
        Assert.Equal(FailureKind.Host, stale.Kind);
        Assert.Equal(Other, (await Host.ReadAsync(pointer, None))!.Content);

        // The tag read after a replace is the one the next replace must give.
        await Host.ReplaceAsync(pointer, Original, now.Tag, None);
        Assert.Equal(Original, (await Host.ReadAsync(pointer, None))!.Content);
    }
}
