using YamlDotNet.RepresentationModel;

namespace EspRelease.Action.Tests.Harness;

/// <summary>Reading YAML documents (action.yml, workflows) as plain mappings of strings.</summary>
public static class YamlFile
{
    public static YamlMappingNode LoadMapping(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new InvalidDataException($"{path}: one YAML document holding a mapping expected");
    }

    public static IEnumerable<string> Keys(YamlMappingNode node) =>
        node.Children.Keys.Select(k => ((YamlScalarNode)k).Value ?? "");

    public static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode? node) =>
        node?.Children.Select(c => (((YamlScalarNode)c.Key).Value ?? "", c.Value)) ?? [];

    public static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode? Mapping(YamlMappingNode node, string key) => Child(node, key) as YamlMappingNode;

    public static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    public static Dictionary<string, string> StringMap(YamlMappingNode? node) =>
        Entries(node).ToDictionary(e => e.Key, e => (e.Value as YamlScalarNode)?.Value ?? throw new InvalidDataException($"'{e.Key}': a scalar expected"));

    /// <summary>Every value of a key anywhere under a node (e.g. every <c>uses:</c> of a workflow).</summary>
    public static IEnumerable<string> AllValues(YamlNode node, string key)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (k, v) in Entries(mapping))
                {
                    if (k == key && v is YamlScalarNode { Value: { } value })
                    {
                        yield return value;
                    }

                    foreach (var inner in AllValues(v, key))
                    {
                        yield return inner;
                    }
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var inner in sequence.Children.SelectMany(c => AllValues(c, key)))
                {
                    yield return inner;
                }

                break;
        }
    }
}
