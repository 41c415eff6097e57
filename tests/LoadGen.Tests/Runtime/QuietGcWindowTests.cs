using System.Runtime;
using GpuBench.LoadGen.Runtime;

namespace GpuBench.LoadGen.Tests.Runtime;

// The window changes process-wide GC state: these tests run one at a time, apart from other classes.
[Collection(nameof(QuietGcWindowTests))]
[CollectionDefinition(nameof(QuietGcWindowTests), DisableParallelization = true)]
public class QuietGcWindowTests
{
    [Fact]
    public void A_window_collects_nothing_while_its_allocations_fit_and_restores_the_latency_mode()
    {
        var before = GCSettings.LatencyMode;
        using (var window = QuietGcWindow.Enter(requests: 10, chunks: 1_000))
        {
            Assert.True(window.NoGcRegionBytes >= 16 << 20, $"region {window.NoGcRegionBytes} bytes");
            var garbage = 0L;
            for (var i = 0; i < 10_000; i++)
            {
                garbage += new byte[256].Length;  // 2.5 MB, well inside the region
            }

            Assert.Equal(2_560_000, garbage);
            Assert.Equal(0, window.Collections);
            Assert.Equal(TimeSpan.Zero, window.Pause);
        }

        Assert.Equal(before, GCSettings.LatencyMode);
    }

    [Fact]
    public void The_region_is_sized_from_the_expected_requests_and_chunks_with_a_floor()
    {
        using (var small = QuietGcWindow.Enter(requests: 1, chunks: 1))
        {
            Assert.Equal(16L << 20, small.NoGcRegionBytes);
        }

        var expected = (long)((1_000 * QuietGcWindow.BytesPerRequest + 100_000 * QuietGcWindow.BytesPerChunk) * 1.25);
        using var sized = QuietGcWindow.Enter(requests: 1_000, chunks: 100_000);
        Assert.InRange(sized.NoGcRegionBytes, expected / 2 + 1, expected);  // halved only if the runtime refused the full size
    }

    [Fact]
    public void Overlapping_windows_do_not_throw_and_only_the_first_holds_a_region()
    {
        using var first = QuietGcWindow.Enter(10, 100);
        using var second = QuietGcWindow.Enter(10, 100);

        Assert.True(first.NoGcRegionBytes > 0);
        Assert.Equal(0, second.NoGcRegionBytes);
        second.Dispose();
        Assert.Equal(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);  // the second did not end the first's region
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var before = GCSettings.LatencyMode;
        var window = QuietGcWindow.Enter(1, 1);
        window.Dispose();
        window.Dispose();
        Assert.Equal(before, GCSettings.LatencyMode);
    }
}
