using System.Globalization;
using System.Xml;

namespace Corridor.Simulation;

/// <summary>One line of a chart: a name for the legend and its points in data coordinates.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>Line charts as standalone SVG written with <see cref="XmlWriter"/> (well-formed by construction, no chart library).</summary>
public static class SvgChart
{
    private const int Width = 760, Height = 420, Left = 80, Right = 170, Top = 40, Bottom = 60;
    private const int Ticks = 5;
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    public static string LineChart(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, Func<double, string>? formatX = null)
    {
        formatX ??= v => Format(v);
        double minX = double.MaxValue, maxX = double.MinValue, maxY = 0;
        foreach (ChartSeries s in series)
            foreach ((double x, double y) in s.Points)
            {
                if (!double.IsFinite(x) || !double.IsFinite(y)) continue;
                minX = Math.Min(minX, x); maxX = Math.Max(maxX, x); maxY = Math.Max(maxY, y);
            }
        if (minX > maxX) { minX = 0; maxX = 1; }
        if (maxX - minX < 1e-12) { minX -= 0.5; maxX += 0.5; }
        maxY = NiceCeiling(maxY <= 0 ? 1 : maxY * 1.02);
        int plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        double Px(double x) => Left + (x - minX) / (maxX - minX) * plotW;
        double Py(double y) => Top + plotH - y / maxY * plotH;

        var sw = new Utf8StringWriter();
        using (var w = XmlWriter.Create(sw, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false }))
        {
            const string ns = "http://www.w3.org/2000/svg";
            w.WriteStartElement("svg", ns);
            w.WriteAttributeString("width", Width.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("height", Height.ToString(CultureInfo.InvariantCulture));
            w.WriteAttributeString("viewBox", $"0 0 {Width} {Height}");
            w.WriteAttributeString("font-family", "sans-serif");
            w.WriteAttributeString("font-size", "12");
            Rect(w, 0, 0, Width, Height, "white", "none");
            Text(w, Width / 2.0, 22, title, "middle", "15");
            // Axes, grid and ticks.
            for (int t = 0; t <= Ticks; t++)
            {
                double yv = maxY * t / Ticks, xv = minX + (maxX - minX) * t / Ticks;
                Line(w, Left, Py(yv), Left + plotW, Py(yv), "#e5e5e5", 1);
                Text(w, Left - 6, Py(yv) + 4, Format(yv), "end", "11");
                Line(w, Px(xv), Top + plotH, Px(xv), Top + plotH + 4, "#333", 1);
                Text(w, Px(xv), Top + plotH + 18, formatX(xv), "middle", "11");
            }
            Line(w, Left, Top, Left, Top + plotH, "#333", 1);
            Line(w, Left, Top + plotH, Left + plotW, Top + plotH, "#333", 1);
            Text(w, Left + plotW / 2.0, Height - 14, xLabel, "middle", "12");
            w.WriteStartElement("text", ns);
            w.WriteAttributeString("transform", $"translate(18,{F(Top + plotH / 2.0)}) rotate(-90)");
            w.WriteAttributeString("text-anchor", "middle");
            w.WriteString(yLabel);
            w.WriteEndElement();
            // Series and legend.
            for (int s = 0; s < series.Count; s++)
            {
                string color = Palette[s % Palette.Length];
                var points = new System.Text.StringBuilder();
                foreach ((double x, double y) in series[s].Points)
                    if (double.IsFinite(x) && double.IsFinite(y)) points.Append(F(Px(x))).Append(',').Append(F(Py(y))).Append(' ');
                w.WriteStartElement("polyline", ns);
                w.WriteAttributeString("fill", "none");
                w.WriteAttributeString("stroke", color);
                w.WriteAttributeString("stroke-width", "2");
                w.WriteAttributeString("points", points.ToString().TrimEnd());
                w.WriteEndElement();
                if (series[s].Points.Count <= 60)
                    foreach ((double x, double y) in series[s].Points)
                        if (double.IsFinite(x) && double.IsFinite(y))
                        {
                            w.WriteStartElement("circle", ns);
                            w.WriteAttributeString("cx", F(Px(x))); w.WriteAttributeString("cy", F(Py(y)));
                            w.WriteAttributeString("r", "3"); w.WriteAttributeString("fill", color);
                            w.WriteEndElement();
                        }
                double ly = Top + 10 + s * 18;
                Line(w, Width - Right + 16, ly, Width - Right + 40, ly, color, 3);
                Text(w, Width - Right + 46, ly + 4, series[s].Name, "start", "12");
            }
            w.WriteEndElement();
        }
        return sw.ToString();

        static void Line(XmlWriter w, double x1, double y1, double x2, double y2, string color, double width)
        {
            w.WriteStartElement("line", "http://www.w3.org/2000/svg");
            w.WriteAttributeString("x1", F(x1)); w.WriteAttributeString("y1", F(y1));
            w.WriteAttributeString("x2", F(x2)); w.WriteAttributeString("y2", F(y2));
            w.WriteAttributeString("stroke", color); w.WriteAttributeString("stroke-width", F(width));
            w.WriteEndElement();
        }
        static void Rect(XmlWriter w, double x, double y, double width, double height, string fill, string stroke)
        {
            w.WriteStartElement("rect", "http://www.w3.org/2000/svg");
            w.WriteAttributeString("x", F(x)); w.WriteAttributeString("y", F(y));
            w.WriteAttributeString("width", F(width)); w.WriteAttributeString("height", F(height));
            w.WriteAttributeString("fill", fill); w.WriteAttributeString("stroke", stroke);
            w.WriteEndElement();
        }
        static void Text(XmlWriter w, double x, double y, string text, string anchor, string size)
        {
            w.WriteStartElement("text", "http://www.w3.org/2000/svg");
            w.WriteAttributeString("x", F(x)); w.WriteAttributeString("y", F(y));
            w.WriteAttributeString("text-anchor", anchor); w.WriteAttributeString("font-size", size);
            w.WriteString(text);
            w.WriteEndElement();
        }
    }

    /// <summary>Makes XmlWriter declare UTF-8 (the files are written as UTF-8), not the UTF-16 of a plain StringWriter.</summary>
    private sealed class Utf8StringWriter() : StringWriter(CultureInfo.InvariantCulture)
    {
        public override System.Text.Encoding Encoding => new System.Text.UTF8Encoding(false);
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Smallest 1, 2, 2.5 or 5 × 10^k at or above <paramref name="v"/> (round axis ticks).</summary>
    public static double NiceCeiling(double v)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (double step in (ReadOnlySpan<double>)[1, 2, 2.5, 5, 10])
            if (step * magnitude >= v) return step * magnitude;
        return 10 * magnitude;
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
