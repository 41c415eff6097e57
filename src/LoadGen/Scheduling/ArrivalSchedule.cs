namespace GpuBench.LoadGen.Scheduling;

/// <summary>
/// When each request is released, in seconds from the start of the timed window: all at 0 for an infinite rate,
/// else cumulative Gamma(shape = b, scale = 1/(rate·b)) gaps (b = burstiness; 1 gives Poisson arrivals).
/// </summary>
public static class ArrivalSchedule
{
    public static double[] Offsets(int count, double requestRate, double burstiness, int seed)
    {
        var offsets = new double[count];
        if (double.IsPositiveInfinity(requestRate))
        {
            return offsets;
        }

        var random = new Random(seed);
        var scale = 1 / (requestRate * burstiness);
        var t = 0.0;
        for (var i = 0; i < count; i++)
        {
            t += GammaSampler.Sample(random, burstiness, scale);
            offsets[i] = t;
        }

        return offsets;
    }
}

/// <summary>Gamma variates by Marsaglia and Tsang's method (shape &lt; 1 through the U^(1/shape) boost).</summary>
public static class GammaSampler
{
    public static double Sample(Random random, double shape, double scale)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shape);
        if (shape < 1)
        {
            return Sample(random, shape + 1, scale) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = StandardNormal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v * scale;
            }
        }
    }

    private static double StandardNormal(Random random)
    {
        // Box–Muller; 1 − NextDouble() keeps the logarithm's argument in (0, 1].
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
