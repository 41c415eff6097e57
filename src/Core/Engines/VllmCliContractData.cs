namespace GpuBench.Core.Engines;

/// <summary>vllm-cli.yml as written; <see cref="VllmCliContract"/> is how it is used.</summary>
public sealed record VllmCliContractData
{
    public string Version { get; init; } = "";
    public Dictionary<string, EntrypointData> Entrypoints { get; init; } = [];
    public ArgparseData Argparse { get; init; } = new();
    public Dictionary<string, VllmFlag> Flags { get; init; } = [];
    public Dictionary<string, OptionalPackageData> OptionalPackages { get; init; } = [];
    public OtlpData Otlp { get; init; } = new();

    public sealed record EntrypointData
    {
        public string Prog { get; init; } = "";
        public string Model { get; init; } = "";
        public string? ModelOption { get; init; }
        public string? ModelOptionError { get; init; }
        public int ModelOptionExitCode { get; init; } = 1;
        public string? MissingModelError { get; init; }
        public int MissingModelExitCode { get; init; } = 1;
    }

    public sealed record ArgparseData
    {
        public int ExitCode { get; init; } = 2;
        public string Unrecognized { get; init; } = "";
        public string ExpectedOne { get; init; } = "";
        public string ExpectedAtLeastOne { get; init; } = "";
        public string InvalidInt { get; init; } = "";
        public string InvalidFloat { get; init; } = "";
        public string InvalidHumanReadableInt { get; init; } = "";
        public string InvalidChoice { get; init; } = "";
    }

    public sealed record OptionalPackageData
    {
        public List<string> Modules { get; init; } = [];
        public List<string> Packages { get; init; } = [];
        public string Error { get; init; } = "";
        public int ExitCode { get; init; } = 1;
    }

    public sealed record OtlpData
    {
        public string ProtocolVariable { get; init; } = "";
        public string Default { get; init; } = "";
        public List<string> Protocols { get; init; } = [];
        public string Error { get; init; } = "";
        public int ExitCode { get; init; } = 1;
    }
}
