namespace GpuBench.Provisioning.Cache;

/// <summary>Free bytes available to this process on the file system holding a path.</summary>
public interface IFreeSpaceProbe
{
    long AvailableBytes(string path);
}

/// <summary>Asks the file system (statvfs on Linux) about the nearest existing folder of the path.</summary>
public sealed class DriveFreeSpaceProbe : IFreeSpaceProbe
{
    public long AvailableBytes(string path)
    {
        var directory = new DirectoryInfo(Path.GetFullPath(path));
        while (!directory.Exists && directory.Parent is not null)
        {
            directory = directory.Parent;
        }

        return new DriveInfo(directory.FullName).AvailableFreeSpace;
    }
}
