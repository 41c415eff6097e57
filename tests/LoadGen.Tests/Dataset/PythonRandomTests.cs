using GpuBench.LoadGen.Dataset;

namespace GpuBench.LoadGen.Tests.Dataset;

/// <summary>The expected values are CPython 3's, printed by the statements quoted in each test.</summary>
public class PythonRandomTests
{
    [Fact]
    public void Shuffle_matches_CPython()
    {
        // random.seed(0); l = list(range(10)); random.shuffle(l)
        int[] ten = [.. Enumerable.Range(0, 10)];
        new PythonRandom(0).Shuffle(ten);
        Assert.Equal([7, 8, 1, 5, 3, 4, 2, 0, 9, 6], ten);

        // random.seed(42); l = list(range(7)); random.shuffle(l)
        int[] seven = [.. Enumerable.Range(0, 7)];
        new PythonRandom(42).Shuffle(seven);
        Assert.Equal([1, 3, 4, 2, 6, 0, 5], seven);
    }

    [Fact]
    public void Choice_choices_and_random_match_CPython()
    {
        // random.seed(0); [random.choice(['a','b','c']) for _ in range(5)]
        var random = new PythonRandom(0);
        Assert.Equal(["b", "b", "a", "b", "c"], Enumerable.Range(0, 5).Select(_ => random.Choice(["a", "b", "c"])));

        // random.seed(3); random.choices(['x','y','z','w'], k=6)
        Assert.Equal(["x", "z", "y", "z", "z", "x"], new PythonRandom(3).Choices(["x", "y", "z", "w"], 6));

        // random.seed(0); random.random()
        Assert.Equal(0.8444218515250481, new PythonRandom(0).NextDouble());
    }
}
