using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace GpuBench.Core.Config;

/// <summary>
/// Finds credentials written into config.yml. Config files get committed, copied into results and pasted into
/// issues, so a token there is a leak waiting to happen: GpuBench reads secrets from the environment only.
/// </summary>
internal static partial class SecretScanner
{
    /// <summary>
    /// Walks every node once: an alias is the node its anchor named, so a file of nested aliases (a "billion
    /// laughs") would otherwise be walked an exponential number of times.
    /// </summary>
    public static void Scan(YamlNode root, string hfTokenEnv, ConfigDiagnostics diagnostics) =>
        Visit(root, "", hfTokenEnv, diagnostics, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));

    private static void Visit(YamlNode node, string path, string hfTokenEnv, ConfigDiagnostics diagnostics, HashSet<YamlNode> visited)
    {
        if (!visited.Add(node))
        {
            return;
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode { Value: { } text } ? text : "?";
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (IsSecretEnvEntry(path, name) && value is YamlScalarNode { Value: { Length: > 0 } })
                    {
                        diagnostics.Error(child, value.Start,
                            $"a secret's value does not belong in config.yml; export it in the environment variable {hfTokenEnv} " +
                            "(secrets.hf_token_env) and GpuBench passes it to the engine");
                        continue;
                    }

                    Visit(value, child, hfTokenEnv, diagnostics, visited);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Visit(sequence.Children[i], $"{path}[{i}]", hfTokenEnv, diagnostics, visited);
                }

                break;
            case YamlScalarNode { Value: { } value } when TokenPattern().IsMatch(value):
                diagnostics.Error(path, node.Start,
                    $"this looks like an access token; never write tokens in config.yml: export it as {hfTokenEnv} " +
                    "(the variable secrets.hf_token_env names) and GpuBench reads it from there");
                break;
        }
    }

    /// <summary>An entry of an engine's env map whose name says it holds a credential (HF_TOKEN, API_KEY, …).</summary>
    private static bool IsSecretEnvEntry(string parentPath, string name) =>
        (parentPath == "env" || parentPath.EndsWith(".env", StringComparison.Ordinal)) && SecretNamePattern().IsMatch(name);

    // Hugging Face (hf_…), GitHub (ghp_…, github_pat_…) and OpenAI-style (sk-…) tokens.
    [GeneratedRegex(@"\b(hf_[A-Za-z0-9]{30,}|ghp_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|sk-[A-Za-z0-9_-]{30,})\b")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("TOKEN|SECRET|PASSWORD|API_KEY", RegexOptions.IgnoreCase)]
    private static partial Regex SecretNamePattern();
}
