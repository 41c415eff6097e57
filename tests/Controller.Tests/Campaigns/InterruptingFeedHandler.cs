namespace GpuBench.Controller.Tests.Campaigns;

/// <summary>
/// Does to a run's progress feed what a Ctrl+C does when it reaches the controller and its local agent together:
/// the first read from the feed cancels the campaign, then fails as the connection the stopping agent cuts.
/// </summary>
internal sealed class InterruptingFeedHandler(CancellationTokenSource campaign) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (request.RequestUri!.AbsolutePath.EndsWith("/progress", StringComparison.Ordinal))
        {
            response.Content.Dispose();
            response.Content = new StreamContent(new CutStream(campaign));
        }

        return response;
    }

    private sealed class CutStream(CancellationTokenSource campaign) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw Cut();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(Cut());

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromException<int>(Cut());

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private IOException Cut()
        {
            campaign.Cancel();
            return new IOException("The response ended prematurely (the agent stopped).");
        }
    }
}
