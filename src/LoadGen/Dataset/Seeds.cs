namespace GpuBench.LoadGen.Dataset;

/// <summary>Derives independent, reproducible seeds (HashCode is randomised per process, so it cannot be used).</summary>
public static class Seeds
{
    /// <summary>SplitMix64's finaliser over (seed, stream): same inputs, same seed, on every machine.</summary>
    public static int For(int seed, int stream)
    {
        unchecked
        {
            var z = ((ulong)(uint)seed << 32 | (uint)stream) + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)(z ^ (z >> 31));
        }
    }
}
