package dev.jmim.mae.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** Charts written as PNG (XChart). */
public final class Plots {
    private Plots() {}

    /**
     * Why charts cannot be drawn here, if they cannot: XChart needs fonts, and a headless server without
     * fontconfig or any font makes the JDK throw an {@link Error} at the first text it lays out. Probed
     * once by laying out one string.
     */
    public static java.util.Optional<String> unavailableReason() {
        return FONT_PROBE;
    }

    private static final java.util.Optional<String> FONT_PROBE = probeFonts();

    private static java.util.Optional<String> probeFonts() {
        try {
            java.awt.image.BufferedImage image =
                    new java.awt.image.BufferedImage(1, 1, java.awt.image.BufferedImage.TYPE_INT_RGB);
            java.awt.Graphics2D g = image.createGraphics();
            g.getFontMetrics().stringWidth("loss");
            g.dispose();
            return java.util.Optional.empty();
        } catch (Error | RuntimeException e) { // sun.awt.FontConfiguration throws an Error without fonts
            return java.util.Optional.of("no fonts to draw charts with (" + e.getMessage() + ")");
        }
    }

    /** The loss column of metrics.csv rows (header first) against the iteration. */
    public static void lossCurve(List<String> rows, Path png) throws IOException {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            x.add(Double.parseDouble(f[0]));
            y.add(Double.parseDouble(f[3]));
        }
        XYChart chart = new XYChartBuilder()
                .width(640)
                .height(400)
                .title("MAE pretraining loss (masked patches)")
                .xAxisTitle("iteration")
                .yAxisTitle("loss")
                .build();
        chart.getStyler().setLegendVisible(false).setMarkerSize(0);
        if (x.isEmpty()) {
            x.add(0.0);
            y.add(0.0);
        }
        chart.addSeries("loss", x, y);
        save(chart, png);
    }

    /**
     * Grouped bars: one group per category, one bar per series; a horizontal reference line at
     * level, named in the legend, when line is not null.
     */
    public static void bars(
            String title,
            String yTitle,
            List<String> categories,
            Map<String, List<Double>> series,
            String line,
            double level,
            Path png)
            throws IOException {
        CategoryChart chart = new CategoryChartBuilder()
                .width(720)
                .height(420)
                .title(title)
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler()
                .setYAxisMin(0.0)
                .setYAxisMax(1.0)
                .setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        if (line != null) {
            chart.addSeries(
                            line,
                            categories,
                            categories.stream().map(c -> level).toList())
                    .setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        }
        save(chart, png);
    }

    /** Lines over a shared x axis, one per series. */
    public static void lines(
            String title, String xTitle, String yTitle, List<Double> x, Map<String, List<Double>> series, Path png)
            throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(720)
                .height(420)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        series.forEach((name, values) -> chart.addSeries(name, x, values));
        save(chart, png);
    }

    /** Writes the chart, or says in one line why this machine cannot draw it (instead of the JDK's Error). */
    private static void save(Chart<?, ?> chart, Path png) throws IOException {
        if (FONT_PROBE.isPresent()) {
            throw new IOException("cannot draw " + png + ": " + FONT_PROBE.get()
                    + "; install a font (fontconfig and e.g. fonts-dejavu-core) or use the CSV beside it");
        }
        String name = png.toString();
        BitmapEncoder.saveBitmap(
                chart,
                name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
