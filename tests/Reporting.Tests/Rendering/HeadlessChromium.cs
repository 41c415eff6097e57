using Microsoft.Playwright;

namespace GpuBench.Reporting.Tests.Rendering;

/// <summary>Debian's chromium, driven by Playwright, with nothing that reaches the network on its own.</summary>
internal static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static bool Available => File.Exists(ExecutablePath);

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run",
            ],
        });
}
