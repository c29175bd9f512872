using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EspRelease.DevServer;

/// <summary>
/// Takes the two Kestrel events the request log needs from Kestrel's own logging, and nothing else:
/// why a TLS handshake failed (AuthenticationFailed/AuthenticationTimedOut, Debug level), and requests Kestrel
/// refused with 400 before any middleware saw them (ConnectionBadRequest). Both are keyed by connection id.
/// </summary>
internal sealed class KestrelEventCapture : ILoggerProvider, ISupportExternalScope
{
    private const string KestrelCategory = "Microsoft.AspNetCore.Server.Kestrel";
    private readonly ConcurrentDictionary<string, string> _handshakeErrors = new(StringComparer.Ordinal);
    private IExternalScopeProvider? _scopes;

    /// <summary>Called with the connection id and Kestrel's reason when Kestrel refuses a request itself.</summary>
    public Action<string, string>? BadRequest { get; set; }

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith(KestrelCategory, StringComparison.Ordinal) ? new Logger(this) : NullLogger.Instance;

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>What Kestrel said about this connection's failed handshake, once.</summary>
    public string? TakeHandshakeError(string connectionId) => _handshakeErrors.TryRemove(connectionId, out var message) ? message : null;

    public void Dispose()
    {
    }

    private string? ConnectionId<TState>(TState state)
    {
        if (state is IEnumerable<KeyValuePair<string, object?>> values && Find(values) is { } fromState)
        {
            return fromState;
        }

        string? found = null;
        _scopes?.ForEachScope((scope, _) => found ??= scope is IEnumerable<KeyValuePair<string, object?>> pairs ? Find(pairs) : null, (object?)null);
        return found;

        static string? Find(IEnumerable<KeyValuePair<string, object?>> pairs) =>
            pairs.FirstOrDefault(p => p.Key == "ConnectionId").Value as string;
    }

    private sealed class Logger(KestrelEventCapture owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            switch (eventId.Name)
            {
                case "AuthenticationFailed" or "AuthenticationTimedOut":
                    if (owner.ConnectionId(state) is { } id)
                    {
                        owner._handshakeErrors[id] = OneLine(exception?.GetBaseException().Message ?? formatter(state, exception));
                    }

                    break;
                case "ConnectionBadRequest":
                    if (owner.ConnectionId(state) is { } badId)
                    {
                        owner.BadRequest?.Invoke(badId, OneLine(exception?.GetBaseException().Message ?? formatter(state, exception)));
                    }

                    break;
            }
        }

        private static string OneLine(string text) => LogText.Safe(text.ReplaceLineEndings(" ").Trim());
    }
}
