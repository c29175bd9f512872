using System.Text;
using EspRelease.Testing.Fuzzing;

namespace EspRelease.Core.Tests.Fuzzing;

/// <summary>The fuzzer's own JSON mutations hold on the odd JSON earlier mutations make.</summary>
public sealed class JsonMutatorTests
{
    [Theory]
    // A one-character value with space after it, as in a pretty-printed file: the value's start was
    // counted from the name (whose token already holds the colon), landed past the value's end, and a
    // 1M-case run of build/fuzz.sh stopped after two minutes.
    [InlineData("{\"a\": 1 ,\n  \"b\": 2\n}")]
    // Comments (the reader skips them) between the colon and the value.
    [InlineData("{\"a\": /* y */ 1, \"b\": // z\n {\"c\": [2, \"d\"]}}")]
    [InlineData("""{"a":1,}""")]
    [InlineData("""{"a": {"b": {"c": {}}}, "e": "broken""")]
    public void Every_mutation_of_unusual_json_is_made_without_a_fault(string json)
    {
        var data = Encoding.UTF8.GetBytes(json);
        var duplicated = 0;
        for (var seed = 0; seed < 5_000; seed++)
        {
            var mutated = JsonMutator.Mutate(data, new Random(seed), limit: 1 << 20);
            Assert.NotNull(mutated);
            if (mutated.Length > data.Length && Encoding.UTF8.GetString(mutated).Split("\"a\"").Length > 2)
            {
                duplicated++;
            }
        }

        // The duplicate-member mutation was among them (the one that faulted).
        Assert.True(duplicated > 0, "no mutation repeated the member \"a\"");
    }
}
