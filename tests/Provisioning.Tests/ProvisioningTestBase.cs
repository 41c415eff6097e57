using System.Text;
using GpuBench.Provisioning.Cache;
using GpuBench.Provisioning.Hub;
using GpuBench.TestSupport;
using GpuBench.TestSupport.Hub;

namespace GpuBench.Provisioning.Tests;

/// <summary>
/// A test Hub serving "acme/tiny-model" (weights as LFS files through the CDN, small files straight from the
/// Hub, files vLLM does not need) and an empty HF_HOME per test.
/// </summary>
public abstract class ProvisioningTestBase : IAsyncLifetime
{
    public const string ModelId = "acme/tiny-model";

    private readonly List<HttpClient> _clients = [];
    private readonly ClosedLoopbackPort _closedPort = new();

    protected TestHubServer Hub { get; private set; } = null!;

    protected HubRepository Tiny { get; } = new(ModelId);

    protected string TinyCommit { get; private set; } = null!;

    protected Dictionary<string, byte[]> TinyFiles { get; } = new()
    {
        ["config.json"] = Encoding.UTF8.GetBytes("""{"architectures":["TinyForCausalLM"],"hidden_size":64}"""),
        ["tokenizer.json"] = HubRepository.Bytes(3_000, 1),
        ["tokenizer_config.json"] = Encoding.UTF8.GetBytes("""{"model_max_length":8192}"""),
        ["model-00001-of-00002.safetensors"] = HubRepository.Bytes(600_000, 2),
        ["model-00002-of-00002.safetensors"] = HubRepository.Bytes(300_000, 3),
        ["model.safetensors.index.json"] = Encoding.UTF8.GetBytes("""{"weight_map":{}}"""),
        ["merges.txt"] = HubRepository.Bytes(20_000, 4),
        ["original/params.json"] = Encoding.UTF8.GetBytes("""{"dim":64}"""),
        // Same bytes as config.json: one blob, two snapshot links.
        ["original/config.json"] = Encoding.UTF8.GetBytes("""{"architectures":["TinyForCausalLM"],"hidden_size":64}"""),
        ["README.md"] = Encoding.UTF8.GetBytes("# tiny"),
        ["pytorch_model.bin"] = HubRepository.Bytes(50_000, 5),
    };

    /// <summary>The files the engine defaults select: everything but README.md and pytorch_model.bin.</summary>
    protected IEnumerable<KeyValuePair<string, byte[]>> WantedFiles => TinyFiles.Where(f => f.Key is not ("README.md" or "pytorch_model.bin"));

    protected long WantedBytes => WantedFiles.Sum(f => (long)f.Value.Length);

    protected long WantedBlobBytes => WantedFiles.DistinctBy(f => HubRepository.BlobId(f.Key, f.Value)).Sum(f => (long)f.Value.Length);

    protected string HfHome { get; } = Path.Combine(Path.GetTempPath(), "gpubench-provisioning-" + Guid.NewGuid().ToString("N"));

    protected string RepositoryDirectory => Path.Combine(HfHome, "hub", "models--acme--tiny-model");

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Retries in milliseconds rather than seconds, so failure tests stay quick.</summary>
    protected static ProvisioningOptions FastOptions { get; } = new()
    {
        MaxAttempts = 3,
        InitialRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(80),
        ProgressInterval = TimeSpan.Zero,
        MaxParallelDownloads = 4,
    };

    public async ValueTask InitializeAsync()
    {
        Hub = await TestHubServer.StartAsync(Cancel);
        TinyCommit = Tiny.Commit("main", TinyFiles);
        Hub.Add(Tiny);
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        _closedPort.Dispose();
        await Hub.DisposeAsync();
        if (Directory.Exists(HfHome))
        {
            Directory.Delete(HfHome, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    protected ModelProvisioner Provisioner(ProvisioningOptions? options = null, IFreeSpaceProbe? freeSpace = null)
    {
        var client = new HttpClient(HubHttp.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        _clients.Add(client);
        return new ModelProvisioner(client, options ?? FastOptions, freeSpace);
    }

    protected ProvisioningRequest Request(string modelId = ModelId) => new(modelId, HfHome) { Endpoint = HubEndpointOf(Hub) };

    /// <summary>The test Hub as provisioning names an endpoint.</summary>
    protected static HubEndpoint HubEndpointOf(TestHubServer hub) => HubEndpoint.Parse(hub.HubAddress.ToString());

    /// <summary>An endpoint on a loopback port nothing listens on: connections are refused.</summary>
    protected HubEndpoint UnreachableEndpoint() => HubEndpoint.Parse($"http://127.0.0.1:{_closedPort.Port}");

    protected string BlobPath(string path) => Path.Combine(RepositoryDirectory, "blobs", HubRepository.BlobId(path, TinyFiles[path]));

    protected string SnapshotPath(string commit, string path) => Path.Combine(RepositoryDirectory, "snapshots", commit, path);
}
