package org.convcl.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A {@link ResultTable} as grouped horizontal bars: one group per case with ConvCL on each OpenCL device against the
 * fastest CPU peer, the library a Java user would otherwise pick (the reference's plain loops only when no peer ran).
 * GFLOP/s on a log scale: devices and peers can be decades apart.
 */
final class BarChart {
    static final String PEER_LEGEND = "fastest CPU peer (DJL-PyTorch or ND4J, named at each bar)";
    static final String REFERENCE_LEGEND = "reference, plain Java loops (no CPU peer ran: use --peers)";

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0x7f7f7f)};
    private static final int LABEL_WIDTH = 250;
    private static final int PLOT_WIDTH = 700;
    private static final int BAR = 14;

    private BarChart() {
    }

    /** One bar of a case's group; the measurement is null where the case did not run. */
    record Bar(String legend, Measurement measurement) {
    }

    /**
     * A case's bars: ConvCL on each OpenCL device, then the verified CPU peer with the most GFLOP/s, or the reference
     * when the run had no CPU peer.
     */
    static List<Bar> bars(ResultTable table, Map<String, Measurement> row) {
        var bars = new ArrayList<Bar>();
        for (var column : table.columns()) {
            if (column.startsWith("convcl @ ")) {
                bars.add(new Bar(column, row.get(column)));
            }
        }
        if (table.hasCpuPeers()) {
            bars.add(new Bar(PEER_LEGEND, ResultTable.fastestCpuPeer(row)));
        } else {
            bars.add(new Bar(REFERENCE_LEGEND, row.get("reference @ " + BenchRunner.REFERENCE_DEVICE)));
        }
        return bars;
    }

    /** The chart's title, naming what the bars compare: the fastest CPU peer, or the reference when none ran. */
    static String title(ResultTable table) {
        return "ConvCL on each device against " + (table.hasCpuPeers() ? "the fastest CPU peer"
                : "the reference (plain Java loops)") + ": GFLOP/s (log scale), all verified";
    }

    static void write(ResultTable table, OutputStream out) throws IOException {
        var cases = new LinkedHashMap<String, List<Bar>>();
        table.byCase().forEach((name, row) -> cases.put(name, bars(table, row)));
        var legends = cases.values().stream().findFirst().orElse(List.of()).stream().map(Bar::legend).toList();
        int groupHeight = legends.size() * BAR + 14;
        int legendHeight = legends.size() * 18 + 10;
        int width = LABEL_WIDTH + PLOT_WIDTH + 140;
        int height = 60 + cases.size() * groupHeight + 40 + legendHeight;
        double lo = Double.MAX_VALUE, hi = 0;
        for (var group : cases.values()) {
            for (var bar : group) {
                var m = bar.measurement();
                if (m != null && m.verified() && m.gflops() > 0) {
                    lo = Math.min(lo, m.gflops());
                    hi = Math.max(hi, m.gflops());
                }
            }
        }
        double decadeLo = Math.floor(Math.log10(lo == Double.MAX_VALUE ? 0.01 : lo));
        double decadeHi = Math.ceil(Math.log10(hi <= 0 ? 1 : hi));
        if (decadeHi <= decadeLo) {
            decadeHi = decadeLo + 1;
        }

        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title(table), 10, 24);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            int top = 50;
            int plotBottom = top + cases.size() * groupHeight;
            for (double d = decadeLo; d <= decadeHi; d++) {
                int x = LABEL_WIDTH + (int) ((d - decadeLo) / (decadeHi - decadeLo) * PLOT_WIDTH);
                g.setColor(new Color(0xdddddd));
                g.drawLine(x, top - 5, x, plotBottom);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, d >= 0 ? "%.0f" : "%." + (int) -d + "f", Math.pow(10, d)), x - 8,
                        plotBottom + 14);
            }
            int y = top;
            for (var entry : cases.entrySet()) {
                g.setColor(Color.BLACK);
                g.drawString(entry.getKey(), 8, y + groupHeight / 2);
                for (int i = 0; i < entry.getValue().size(); i++) {
                    var bar = entry.getValue().get(i);
                    var m = bar.measurement();
                    int barY = y + i * BAR;
                    if (m == null || !m.verified()) {
                        g.setColor(Color.GRAY);
                        g.drawString(m == null ? "n/a" : "not verified", LABEL_WIDTH + 4, barY + BAR - 3);
                        continue;
                    }
                    double frac = (Math.log10(m.gflops()) - decadeLo) / (decadeHi - decadeLo);
                    int len = Math.max(2, (int) (frac * PLOT_WIDTH));
                    g.setColor(PALETTE[i % PALETTE.length]);
                    g.fillRect(LABEL_WIDTH, barY + 1, len, BAR - 2);
                    g.setColor(Color.BLACK);
                    String peer = bar.legend().equals(PEER_LEGEND) ? " " + m.backend() : "";
                    g.drawString(String.format(Locale.ROOT, "%.3g", m.gflops()) + peer, LABEL_WIDTH + len + 4,
                            barY + BAR - 3);
                }
                y += groupHeight;
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1));
            g.drawLine(LABEL_WIDTH, top - 5, LABEL_WIDTH, plotBottom);
            int ly = plotBottom + 36;
            for (int i = 0; i < legends.size(); i++) {
                g.setColor(PALETTE[i % PALETTE.length]);
                g.fillRect(LABEL_WIDTH, ly + i * 18, 12, 12);
                g.setColor(Color.BLACK);
                g.drawString(legends.get(i), LABEL_WIDTH + 18, ly + i * 18 + 11);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("this Java runtime has no PNG writer");
        }
    }
}
