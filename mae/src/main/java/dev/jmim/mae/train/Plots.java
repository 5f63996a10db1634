package dev.jmim.mae.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

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
        String name = png.toString();
        BitmapEncoder.saveBitmap(
                chart,
                name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
