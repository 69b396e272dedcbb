package io.flatline.deploy.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's view drawn on a terminal in place: each frame overwrites the last from the top left, every line cleared
 * to its end and the rest of the screen below the frame cleared, so nothing scrolls and nothing flickers (a full
 * clear before each frame blanks the screen for a moment).
 */
final class TerminalScreen {

    private static final String HOME = "\033[H";
    private static final String CLEAR_LINE_END = "\033[K";
    private static final String CLEAR_BELOW = "\033[J";
    private static final int FALLBACK_ROWS = 40;
    private static final int FALLBACK_COLUMNS = 120;

    private TerminalScreen() {
    }

    /** A terminal's size, in character cells. */
    record Size(int rows, int columns) {
    }

    /**
     * What to print to show {@code frame} in place of the previous one. A frame taller than the terminal would
     * scroll it on every redraw: its lines past {@code rows - 1} are left out, and the last line says how many.
     */
    static String redraw(String frame, int rows) {
        List<String> lines = new ArrayList<>(List.of(frame.split("\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int room = Math.max(2, rows - 1);
        if (lines.size() > room) {
            int hidden = lines.size() - room + 1;
            lines = new ArrayList<>(lines.subList(0, room - 1));
            lines.add("… " + hidden + " more lines: a taller terminal shows them");
        }
        StringBuilder out = new StringBuilder(HOME);
        for (int i = 0; i < lines.size(); i++) {
            out.append(lines.get(i)).append(CLEAR_LINE_END).append(i < lines.size() - 1 || frame.endsWith("\n") ? "\n" : "");
        }
        return out.append(CLEAR_BELOW).toString();
    }

    /**
     * The terminal's size: $LINES and $COLUMNS when the shell exports them, else what {@code stty} says of the
     * controlling terminal, else {@value #FALLBACK_ROWS} by {@value #FALLBACK_COLUMNS}.
     */
    static Size size() {
        Size fallback = new Size(number(System.getenv("LINES"), FALLBACK_ROWS), number(System.getenv("COLUMNS"),
                FALLBACK_COLUMNS));
        try {
            Process stty = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(true).start();
            if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0) {
                String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip()
                        .split("\\s+");
                if (size.length == 2) {
                    return new Size(number(size[0], fallback.rows()), number(size[1], fallback.columns()));
                }
            }
        } catch (IOException e) {
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fallback;
    }

    private static int number(String text, int otherwise) {
        return text != null && text.strip().matches("[0-9]+") ? Math.max(10, Integer.parseInt(text.strip())) : otherwise;
    }
}
