using System.Globalization;
using ScottPlot;

namespace Corridor.Simulation;

/// <summary>One line of a chart: a name for the legend and its points in data coordinates.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// The report's line charts, drawn by ScottPlot: title, labelled axes with their units, a legend, one colour per series;
/// saved as PNG and SVG of the same plot.
/// </summary>
public static class ReportChart
{
    public const int WidthPixels = 900, HeightPixels = 500;

    /// <summary>A line chart of <paramref name="series"/>; <paramref name="formatX"/> labels the x ticks (default: numbers).</summary>
    public static Plot LineChart(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, Func<double, string>? formatX = null)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        foreach (ChartSeries s in series)
        {
            double[] xs = new double[s.Points.Count], ys = new double[s.Points.Count];
            for (int i = 0; i < xs.Length; i++) (xs[i], ys[i]) = s.Points[i];
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = s.Name;
            line.MarkerSize = xs.Length > 50 ? 0 : 5;
        }
        if (formatX is not null)
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = formatX };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Format };
        plot.Axes.AutoScale();
        AxisLimits limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(0, Math.Max(limits.Top, 1) * 1.05); // amounts and counts start at zero
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Writes <c>&lt;basePath&gt;.png</c> and <c>&lt;basePath&gt;.svg</c>; returns both paths.</summary>
    public static string[] Save(Plot plot, string basePath)
    {
        string png = basePath + ".png", svg = basePath + ".svg";
        plot.SavePng(png, WidthPixels, HeightPixels);
        plot.SaveSvg(svg, WidthPixels, HeightPixels);
        return [png, svg];
    }

    /// <summary>Compact tick label: 1.2k, 3.4M, 5.6G.</summary>
    public static string Format(double v)
    {
        double a = Math.Abs(v);
        return a >= 1e9 ? (v / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "G"
            : a >= 1e6 ? (v / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M"
            : a >= 1e3 ? (v / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k"
            : v.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
