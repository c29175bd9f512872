using System.Buffers;
using System.IO.Pipelines;

namespace EspRelease.DevServer;

/// <summary>Sees (and may rewrite) the bytes a client sends before the next layer of the connection reads them.</summary>
internal interface IInputTransform
{
    /// <summary>
    /// Writes what it can of <paramref name="buffer"/> to <paramref name="output"/> and returns how far it
    /// consumed; the rest is offered again with more data. With <paramref name="isFinal"/> (the client is done)
    /// it must consume everything.
    /// </summary>
    SequencePosition Process(ReadOnlySequence<byte> buffer, bool isFinal, PipeWriter output);
}

/// <summary>
/// A connection's transport with its input passed through an <see cref="IInputTransform"/>: Kestrel's
/// connection middleware can replace the transport, but not look inside it without reading it.
/// Only the client-to-server direction is copied (a few hundred bytes per request); responses go straight out.
/// </summary>
internal sealed class InputPump : IDuplexPipe, IAsyncDisposable
{
    private readonly IDuplexPipe _transport;
    private readonly IInputTransform _transform;
    private readonly Pipe _pipe = new(new PipeOptions(useSynchronizationContext: false));
    private readonly Task _pumping;

    public InputPump(IDuplexPipe transport, IInputTransform transform)
    {
        _transport = transport;
        _transform = transform;
        _pumping = Task.Run(PumpAsync);
    }

    public PipeReader Input => _pipe.Reader;

    public PipeWriter Output => _transport.Output;

    /// <summary>Stops copying (the layer above is done with the connection) and waits for the copy loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _transport.Input.CancelPendingRead();
        await _pumping;
    }

    private async Task PumpAsync()
    {
        Exception? error = null;
        try
        {
            while (true)
            {
                var result = await _transport.Input.ReadAsync();
                var buffer = result.Buffer;
                var final = result.IsCompleted || result.IsCanceled;
                var consumed = _transform.Process(buffer, final, _pipe.Writer);
                _transport.Input.AdvanceTo(consumed, buffer.End);
                var flush = await _pipe.Writer.FlushAsync();
                if (final || flush.IsCompleted)
                {
                    break;
                }
            }
        }
#pragma warning disable CA1031 // A reset or aborted connection: hand the error to the reader above, as the transport would.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = e;
        }

        await _pipe.Writer.CompleteAsync(error);
    }
}
