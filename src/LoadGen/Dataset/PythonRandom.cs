namespace GpuBench.LoadGen.Dataset;

/// <summary>
/// CPython's <c>random</c> module (Mersenne Twister MT19937, seeded as <c>random.seed(int)</c> seeds it), for the
/// calls vLLM's benchmark datasets make: <c>shuffle</c>, <c>choice</c> and <c>choices</c>. With it the same seed
/// picks the same entries in the same order as <c>vllm bench serve</c> does.
/// </summary>
public sealed class PythonRandom
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index = N;

    /// <summary><c>random.seed(seed)</c>: the absolute value's 32-bit words, low first, through init_by_array.</summary>
    public PythonRandom(long seed)
    {
        var value = (ulong)Math.Abs(seed);
        var key = new List<uint>();
        do
        {
            key.Add((uint)value);
            value >>= 32;
        }
        while (value != 0);

        InitByArray([.. key]);
    }

    /// <summary><c>random.shuffle(list)</c>: Fisher–Yates from the end, each index drawn by <c>_randbelow</c>.</summary>
    public void Shuffle<T>(IList<T> list)
    {
        ArgumentNullException.ThrowIfNull(list);
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = RandBelow(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    /// <summary><c>random.choice(seq)</c>.</summary>
    public T Choice<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Count == 0 ? throw new ArgumentException("Cannot choose from an empty list.", nameof(items)) : items[RandBelow(items.Count)];
    }

    /// <summary><c>random.choices(population, k=k)</c> without weights: <c>population[floor(random() * n)]</c>, k times.</summary>
    public List<T> Choices<T>(IReadOnlyList<T> population, int k)
    {
        ArgumentNullException.ThrowIfNull(population);
        return [.. Enumerable.Range(0, Math.Max(0, k)).Select(_ => population[(int)Math.Floor(NextDouble() * population.Count)])];
    }

    /// <summary><c>random.random()</c>: 53 bits from two outputs.</summary>
    public double NextDouble()
    {
        var a = NextUInt32() >> 5;
        var b = NextUInt32() >> 6;
        return ((a * 67108864.0) + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary><c>_randbelow_with_getrandbits(n)</c>: rejection sampling on n's bit length.</summary>
    public int RandBelow(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var bits = 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)n);
        uint r;
        do
        {
            r = NextUInt32() >> (32 - bits);
        }
        while (r >= n);

        return (int)r;
    }

    public uint NextUInt32()
    {
        if (_index >= N)
        {
            Twist();
        }

        var y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (var i = 0; i < N; i++)
        {
            var y = (_mt[i] & 0x80000000u) | (_mt[(i + 1) % N] & 0x7fffffffu);
            _mt[i] = _mt[(i + M) % N] ^ (y >> 1) ^ ((y & 1) == 0 ? 0u : 0x9908b0dfu);
        }

        _index = 0;
    }

    private void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (var i = 1; i < N; i++)
        {
            _mt[i] = unchecked((1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30))) + (uint)i);
        }

        _index = N;
    }

    private void InitByArray(uint[] key)
    {
        unchecked
        {
            InitGenrand(19650218u);
            int i = 1, j = 0;
            for (var k = Math.Max(N, key.Length); k > 0; k--)
            {
                _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j;
                i++;
                j++;
                if (i >= N)
                {
                    _mt[0] = _mt[N - 1];
                    i = 1;
                }

                if (j >= key.Length)
                {
                    j = 0;
                }
            }

            for (var k = N - 1; k > 0; k--)
            {
                _mt[i] = (_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i;
                i++;
                if (i >= N)
                {
                    _mt[0] = _mt[N - 1];
                    i = 1;
                }
            }

            _mt[0] = 0x80000000u;
        }
    }
}
