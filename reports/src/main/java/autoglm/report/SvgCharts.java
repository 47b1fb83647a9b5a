package autoglm.report;

import autoglm.diagnose.charts.Bars;
import autoglm.diagnose.charts.Histogram;
import autoglm.diagnose.charts.LoadTimeline;
import autoglm.diagnose.charts.Series;
import autoglm.diagnose.charts.TimeChart;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Rectangle;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
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
 * first series of every chart is {@link #FIRST} (the screenshot check looks for it). Every axis has a title
 * with its unit; a logarithmic axis is labelled in readable units ("1 us", "10 us", "1 ms"), never as powers;
 * the x ranges a chart's statistics left out are shaded. Kernel names are drawn shortened ({@link KernelNames})
 * as SVG text, which JFreeSVG escapes; the full names are in the table below.
 */
final class SvgCharts {
    static final Color FIRST = new Color(0x1f, 0x77, 0xb4);
    static final Color[] PALETTE = {FIRST, new Color(0xff, 0x7f, 0x0e), new Color(0x2c, 0xa0, 0x2c),
        new Color(0xd6, 0x27, 0x28), new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b)};
    static final int WIDTH = 640;
    static final int HEIGHT = 300;

    static {
        // rotated labels (the y axes' titles) as SVG text, not glyph outlines: readable, searchable, and checked by
        // the screenshot test; JFreeSVG writes a rotated drawString as <text> under a transform
        org.jfree.chart.text.TextUtils.setUseDrawRotatedStringWorkaround(false);
    }

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
        if (!c.right().isEmpty()) {
            XYSeriesCollection second = new XYSeriesCollection();
            XYLineAndShapeRenderer r2 = new XYLineAndShapeRenderer(true, false);
            int k = 0;
            for (Series s : c.right()) {
                XYSeries xy = new XYSeries(s.name(), false, true);
                for (int i = 0; i < s.size(); i++) {
                    xy.add(s.x()[i], s.y()[i], false);
                }
                second.addSeries(xy);
                r2.setSeriesPaint(k, PALETTE[(c.series().size() + k) % PALETTE.length]);
                r2.setSeriesStroke(k, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 3f}, 0f));
                k++;
            }
            NumberAxis axis = new NumberAxis(c.rightLabel());
            axis.setAutoRangeIncludesZero(true);
            plot.setRangeAxis(1, axis);
            plot.setDataset(1, second);
            plot.mapDatasetToRangeAxis(1, 1);
            plot.setRenderer(1, r2);
            if (chart.getLegend() == null) {
                chart.addLegend(new org.jfree.chart.title.LegendTitle(plot));
            }
        }
        for (int i = 0; i < c.excluded().size(); i++) {
            double[] range = c.excluded().get(i);
            org.jfree.chart.plot.IntervalMarker m = new org.jfree.chart.plot.IntervalMarker(range[0], range[1]);
            m.setPaint(new Color(0x99, 0x99, 0x99));
            m.setAlpha(0.18f);
            m.setLabel(c.excludedLabels().get(i));
            m.setLabelFont(new Font("SansSerif", Font.PLAIN, 10));
            m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
            plot.addDomainMarker(m, org.jfree.chart.ui.Layer.BACKGROUND);
        }
        style(chart, plot);
        return svg(chart, c.id());
    }

    static String histogram(Histogram h) {
        XYIntervalSeries s = new XYIntervalSeries("samples");
        // a log axis is drawn as a linear axis of log10(x), ticked at whole decades and labelled with 10^tick in the
        // values' unit: JFreeChart's LogAxis draws its labels as outlines, which nobody can read back or search
        for (int i = 0; i < h.counts().length; i++) {
            double lo = h.logX() ? Math.log10(h.edges()[i]) : h.edges()[i];
            double hi = h.logX() ? Math.log10(h.edges()[i + 1]) : h.edges()[i + 1];
            s.add((lo + hi) / 2, lo, hi, h.counts()[i], h.counts()[i], h.counts()[i]);
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        data.addSeries(s);
        JFreeChart chart = ChartFactory.createXYBarChart(h.title(), h.xLabel(), false, "count of " + h.yLabel(), data,
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = chart.getXYPlot();
        XYBarRenderer r = (XYBarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setDrawBarOutline(true);
        r.setSeriesOutlinePaint(0, Color.WHITE);
        r.setSeriesPaint(0, FIRST);
        if (h.logX()) {
            NumberAxis axis = new NumberAxis(h.xLabel());
            axis.setRange(Math.log10(h.edges()[0]), Math.log10(h.edges()[h.edges().length - 1]));
            axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1, new UnitFormat(h.xUnit(), true)));
            axis.setMinorTickCount(4);
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
        List<String> shortNames = b.names().isEmpty() ? List.of() : KernelNames.shorten(
                b.names().stream().map(Text::safe).toList(), BAR_LABEL);
        for (int i = 0; i < b.labels().size(); i++) {
            String label = b.labels().get(i) + (shortNames.isEmpty() ? "" : " " + shortNames.get(i));
            data.addValue(b.values()[i], "total", label);
        }
        JFreeChart chart = ChartFactory.createBarChart(b.title(), b.names().isEmpty() ? "" : "kernel (rank, short name)",
                b.valueLabel(), data, PlotOrientation.HORIZONTAL, false, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, FIRST);
        org.jfree.chart.axis.CategoryAxis names = plot.getDomainAxis();
        names.setTickLabelFont(new Font("SansSerif", Font.PLAIN, 9));
        names.setMaximumCategoryLabelWidthRatio(0.55f);
        names.setMaximumCategoryLabelLines(1);
        chart.setBackgroundPaint(Color.WHITE);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        chart.getTitle().setFont(new Font("SansSerif", Font.BOLD, 14));
        return svg(chart, b.id());
    }

    static final int TIMELINE_HEIGHT = 460;

    /**
     * A load run's timeline: requests as bars on their lanes (to first token, then to the end; warm-ups grey, failures
     * red), the server's batch and queue as steps, the GPU's busy share and utilization as lines, one shared time axis.
     */
    static String loadTimeline(LoadTimeline t) {
        NumberAxis time = new NumberAxis(LoadTimeline.X_LABEL);
        time.setAutoRangeIncludesZero(true);
        org.jfree.chart.plot.CombinedDomainXYPlot plot = new org.jfree.chart.plot.CombinedDomainXYPlot(time);
        plot.setGap(8);
        XYIntervalSeries waiting = new XYIntervalSeries("to first token");
        XYIntervalSeries generating = new XYIntervalSeries("first token to end");
        XYIntervalSeries warmup = new XYIntervalSeries("warm-up");
        XYIntervalSeries failed = new XYIntervalSeries("failed");
        for (LoadTimeline.Span s : t.requests()) {
            double lo = s.lane() - 0.4;
            double hi = s.lane() + 0.4;
            if (s.warmup() || !s.ok() || Double.isNaN(s.firstS())) {
                XYIntervalSeries to = s.warmup() ? warmup : failed;
                to.add(s.sentS(), s.sentS(), s.endS(), s.lane(), lo, hi);
            } else {
                waiting.add(s.sentS(), s.sentS(), s.firstS(), s.lane(), lo, hi);
                generating.add(s.firstS(), s.firstS(), s.endS(), s.lane(), lo, hi);
            }
        }
        XYIntervalSeriesCollection bars = new XYIntervalSeriesCollection();
        XYBarRenderer br = new XYBarRenderer();
        br.setUseYInterval(true);
        br.setBarPainter(new StandardXYBarPainter());
        br.setShadowVisible(false);
        XYIntervalSeries[] all = {waiting, generating, warmup, failed};
        Color[] colours = {FIRST, PALETTE[1], new Color(0xaa, 0xaa, 0xaa), PALETTE[3]};
        for (int i = 0; i < all.length; i++) {
            if (all[i].getItemCount() > 0) { // an empty series would still be in the legend
                br.setSeriesPaint(bars.getSeriesCount(), colours[i]);
                bars.addSeries(all[i]);
            }
        }
        NumberAxis lanes = new NumberAxis("request lane");
        lanes.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        lanes.setRange(-0.6, t.lanes() - 0.4);
        lanes.setInverted(true);
        plot.add(new XYPlot(bars, null, lanes, br), 3);
        if (!t.server().isEmpty()) {
            org.jfree.chart.renderer.xy.XYStepRenderer sr = new org.jfree.chart.renderer.xy.XYStepRenderer();
            NumberAxis requests = new NumberAxis("server, requests");
            requests.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            plot.add(new XYPlot(lines(t.server(), sr, 4), null, requests, sr), 1);
        }
        if (!t.gpu().isEmpty()) {
            XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer(true, false);
            NumberAxis pct = new NumberAxis("GPU, %");
            pct.setRange(0, 102);
            plot.add(new XYPlot(lines(t.gpu(), lr, 4 + t.server().size()), null, pct, lr), 1);
        }
        for (Object p : plot.getSubplots()) {
            XYPlot sub = (XYPlot) p;
            sub.setBackgroundPaint(Color.WHITE);
            sub.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            sub.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
            sub.setOutlineVisible(false);
        }
        JFreeChart chart = new JFreeChart(t.title(), new Font("SansSerif", Font.BOLD, 14), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        SVGGraphics2D g2 = new SVGGraphics2D(WIDTH, TIMELINE_HEIGHT);
        g2.setDefsKeyPrefix("c-" + LoadTimeline.ID + "-");
        chart.draw(g2, new Rectangle(0, 0, WIDTH, TIMELINE_HEIGHT));
        return g2.getSVGElement("chart-" + LoadTimeline.ID, true, new ViewBox(0, 0, WIDTH, TIMELINE_HEIGHT), null,
                null);
    }

    /** The series as lines of one renderer, coloured from {@code firstColour} on in the palette. */
    private static XYSeriesCollection lines(List<Series> series, org.jfree.chart.renderer.xy.XYItemRenderer r,
            int firstColour) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int k = 0; k < s.size(); k++) {
                xy.add(s.x()[k], s.y()[k], false);
            }
            data.addSeries(xy);
            r.setSeriesPaint(i, PALETTE[(firstColour + i) % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(1.5f));
        }
        return data;
    }

    /** Characters of a kernel name drawn beside its bar. */
    static final int BAR_LABEL = 44;

    /** Tick labels in the values' unit: 1 us, 10 us, 100 us, 1 ms; of a log10 axis, the power of ten of the tick. */
    static final class UnitFormat extends java.text.NumberFormat {
        private final autoglm.analyse.Unit unit;
        private final boolean log10;

        UnitFormat(autoglm.analyse.Unit unit, boolean log10) {
            this.unit = unit;
            this.log10 = log10;
        }

        @Override
        public StringBuffer format(double x, StringBuffer to, java.text.FieldPosition pos) {
            double v = log10 ? Math.pow(10, x) : x;
            String s = unit == null ? autoglm.analyse.Quantities.exact(round(v))
                    : autoglm.analyse.Quantities.setting(round(v), unit);
            return to.append(s);
        }

        @Override
        public StringBuffer format(long v, StringBuffer to, java.text.FieldPosition pos) {
            return format((double) v, to, pos);
        }

        @Override
        public Number parse(String s, java.text.ParsePosition pos) {
            throw new UnsupportedOperationException("labels only");
        }

        /** Decades computed as powers come out as 9.999999e-2: back to three significant digits. */
        private static double round(double v) {
            return v == 0 ? 0 : new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
        }
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
