package autoglm.report;

import autoglm.diagnose.charts.Bars;
import autoglm.diagnose.charts.Histogram;
import autoglm.diagnose.charts.Series;
import autoglm.diagnose.charts.TimeChart;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Draws computed charts with JFreeChart onto JFreeSVG's Graphics2D and returns inline SVG elements. The
 * first series of every chart is {@link #FIRST} (the screenshot check looks for it). Labels are ours;
 * no trace string is drawn into a chart (kernels are "#1", "#2"... named in the table beside it).
 */
final class SvgCharts {
    static final Color FIRST = new Color(0x1f, 0x77, 0xb4);
    static final Color[] PALETTE = {FIRST, new Color(0xff, 0x7f, 0x0e), new Color(0x2c, 0xa0, 0x2c),
        new Color(0xd6, 0x27, 0x28), new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b)};
    static final int WIDTH = 640;
    static final int HEIGHT = 300;

    private SvgCharts() {
    }

    static String time(TimeChart c) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : c.series()) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.size(); i++) {
                xy.add(s.x()[i], s.y()[i], false);
            }
            data.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(c.title(), c.xLabel(), c.yLabel(), data,
                PlotOrientation.VERTICAL, c.series().size() > 1, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < c.series().size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(i == 0 ? 2.0f : 1.5f));
        }
        plot.setRenderer(r);
        if (!Double.isNaN(c.yMax())) {
            ((NumberAxis) plot.getRangeAxis()).setRange(0, c.yMax() * 1.02);
        }
        style(chart, plot);
        return svg(chart, c.id());
    }

    static String histogram(Histogram h) {
        XYIntervalSeries s = new XYIntervalSeries("samples");
        for (int i = 0; i < h.counts().length; i++) {
            double lo = h.edges()[i];
            double hi = h.edges()[i + 1];
            double mid = h.logX() ? Math.sqrt(lo * hi) : (lo + hi) / 2;
            s.add(mid, lo, hi, h.counts()[i], h.counts()[i], h.counts()[i]);
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        data.addSeries(s);
        JFreeChart chart = ChartFactory.createXYBarChart(h.title(), h.xLabel(), false, "count", data,
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = chart.getXYPlot();
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(true);
        r.setSeriesOutlinePaint(0, Color.WHITE);
        r.setSeriesPaint(0, FIRST);
        if (h.logX()) {
            LogAxis axis = new LogAxis(h.xLabel());
            axis.setBase(10);
            axis.setRange(h.edges()[0], h.edges()[h.edges().length - 1]);
            axis.setStandardTickUnits(NumberAxis.createStandardTickUnits());
            axis.setMinorTickMarksVisible(true);
            plot.setDomainAxis(axis);
        } else {
            ((NumberAxis) plot.getDomainAxis()).setAutoRangeIncludesZero(false);
        }
        ((NumberAxis) plot.getRangeAxis()).setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        style(chart, plot);
        return svg(chart, h.id());
    }

    static String bars(Bars b) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (int i = 0; i < b.labels().size(); i++) {
            data.addValue(b.values()[i], "total", b.labels().get(i));
        }
        JFreeChart chart = ChartFactory.createBarChart(b.title(), "kernel (see the table)", b.valueLabel(), data,
                PlotOrientation.HORIZONTAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, FIRST);
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 14));
        return svg(chart, b.id());
    }

    private static void style(JFreeChart chart, XYPlot plot) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 14));
        plot.setBackgroundPaint(Color.WHITE);
        Paint grid = new Color(0xdd, 0xdd, 0xdd);
        plot.setDomainGridlinePaint(grid);
        plot.setRangeGridlinePaint(grid);
        plot.setOutlineVisible(false);
    }

    private static String svg(JFreeChart chart, String id) {
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, HEIGHT);
        g2.setDefsKeyPrefix("c-" + id + "-");
        chart.draw(g2, new Rectangle(0, 0, WIDTH, HEIGHT));
        return g2.getSVGElement("chart-" + id, true, new ViewBox(0, 0, WIDTH, HEIGHT), null, null);
    }
}
