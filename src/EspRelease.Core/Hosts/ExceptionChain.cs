namespace EspRelease.Core.Hosts;

/// <summary>Reads an exception and its inner ones, for the host error mappers: SDKs wrap the cause that tells what happened.</summary>
internal static class ExceptionChain
{
    public static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    public static IEnumerable<string> Messages(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e.Message;
        }
    }

    public static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    /// <summary>The first line of a message, at most 300 characters, with any secret in it redacted.</summary>
    public static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return HostAddress.RedactSecrets(line.Length > 300 ? line[..300] + "…" : line);
    }
}
