package org.convcl.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The rows of a {@link ResultTable} as grouped horizontal bars: one group per case, one bar per backend and
 * device, GFLOP/s on a log scale (the reference and the GPU can be four decades apart).
 */
final class BarChart {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0x7f7f7f)};
    private static final int LABEL_WIDTH = 250;
    private static final int PLOT_WIDTH = 700;
    private static final int BAR = 14;

    private BarChart() {
    }

    static void write(ResultTable table, OutputStream out) throws IOException {
        var columns = table.columns();
        var cases = table.byCase();
        int groupHeight = columns.size() * BAR + 14;
        int legendHeight = columns.size() * 18 + 10;
        int width = LABEL_WIDTH + PLOT_WIDTH + 140;
        int height = 60 + cases.size() * groupHeight + 40 + legendHeight;
        double lo = Double.MAX_VALUE, hi = 0;
        for (var row : cases.values()) {
            for (var m : row.values()) {
                if (m.verified() && m.gflops() > 0) {
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
            g.drawString("ConvCL benchmark: GFLOP/s (log scale), every bar verified against the reference", 10, 24);
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
                for (int i = 0; i < columns.size(); i++) {
                    var m = entry.getValue().get(columns.get(i));
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
                    g.drawString(String.format(Locale.ROOT, "%.3g", m.gflops()), LABEL_WIDTH + len + 4, barY + BAR - 3);
                }
                y += groupHeight;
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1));
            g.drawLine(LABEL_WIDTH, top - 5, LABEL_WIDTH, plotBottom);
            int ly = plotBottom + 36;
            for (int i = 0; i < columns.size(); i++) {
                g.setColor(PALETTE[i % PALETTE.length]);
                g.fillRect(LABEL_WIDTH, ly + i * 18, 12, 12);
                g.setColor(Color.BLACK);
                g.drawString(columns.get(i), LABEL_WIDTH + 18, ly + i * 18 + 11);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("this Java runtime has no PNG writer");
        }
    }
}
