using GpuBench.Reporting.Charts;

namespace GpuBench.Reporting.Rendering;

/// <summary>
/// The report as a sequence of blocks, composed once and written out by each format (Markdown, HTML), so the two
/// always say the same thing.
/// </summary>
public sealed record ReportDocument(string Title, IReadOnlyList<ReportBlock> Blocks);

/// <summary>One piece of a <see cref="ReportDocument"/>.</summary>
public abstract record ReportBlock;

public sealed record Heading(int Level, string Text) : ReportBlock;

/// <summary>A paragraph; <see cref="Lead"/>, when present, is emphasised before the text.</summary>
public sealed record Paragraph(string Text, string? Lead = null) : ReportBlock;

public sealed record BulletList(IReadOnlyList<string> Items) : ReportBlock;

/// <summary>A table; <see cref="NumericColumns"/> are right-aligned.</summary>
public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlySet<int> NumericColumns) : ReportBlock;

public sealed record Figure(Chart Chart) : ReportBlock;
