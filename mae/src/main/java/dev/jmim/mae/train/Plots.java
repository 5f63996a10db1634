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

    private static void save(Chart<?, ?> chart, Path png) throws IOException {
        String name = png.toString();
        BitmapEncoder.saveBitmap(
                chart,
                name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
