package io.flatline.deploy.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flatline.deploy.packaging.Monitoring;
import io.flatline.ingest.metrics.IngestMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a running stack (the demo's broker, simulated boards with every fault, ingest and streams, one stack shared
 * by the nested tests) shows from outside: the metrics the alert rules and the dashboard read, and the fleet page
 * in a real browser.
 */
@ExtendWith(RunningDemo.class)
class RunningStackTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /**
     * Every metric an alert rule or a dashboard panel reads is really exported: scraped over HTTP, ingest's registry
     * served by the same exporter {@code flatline ingest} serves it with. A renamed metric fails here, not silently
     * on a plant's dashboard.
     */
    @Nested
    class Monitored {

        @Test
        void everyMetricTheRulesAndTheDashboardReadIsInTheScrapeOfARunningStack(DemoStack demo) throws Exception {
            Set<String> used = Monitoring.metricsUsed();
            assertThat(used).as("metrics the rules and the dashboard read").hasSizeGreaterThan(10);
            List<HTTPServer> ingest = new ArrayList<>();
            try {
                List<String> scraped = new ArrayList<>(demo.pageUrls().stream().map(u -> u + "metrics").toList());
                for (IngestMetrics metrics : demo.ingestMetrics()) {
                    HTTPServer server = HTTPServer.builder().hostname("127.0.0.1").port(0).registry(metrics.registry())
                            .buildAndStart();
                    ingest.add(server);
                    scraped.add("http://127.0.0.1:" + server.getPort() + "/metrics");
                }
                // Some series exist only once records flow (the consumers' lag) or the stores answer (open alarms).
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    Set<String> exported = new TreeSet<>();
                    for (String url : scraped) {
                        exported.addAll(sampleNames(text(url)));
                    }
                    assertThat(exported).containsAll(used);
                });
            } finally {
                ingest.forEach(HTTPServer::close);
            }
        }
    }

    /**
     * The fleet page in headless Chromium: the fleet with each faulty board flagged by the right diagnosis and the
     * healthy ones not, and a saturated board's page with its diagnosis, its outputs plotted against the reference,
     * and the layer where its model loses the variation. Screenshots go to target/ (the README's are copies).
     */
    @Nested
    class FleetPage {

        @TempDir
        Path scratch;

        @Test
        void theFleetAndAFaultyBoardRenderWithTheirDiagnosisInHeadlessChromium(DemoStack demo) throws Exception {
            Optional<HeadlessChromium> found = HeadlessChromium.find(scratch);
            assumeTrue(found.isPresent(), "chromium is not installed (Debian package chromium; .ci/run installs it):"
                    + " the fleet page was not tried in a browser");
            HeadlessChromium chromium = found.get();
            Map<String, String> faults = demo.faults();
            assertThat(demo.pageUrls()).as("one application answers for the whole fleet, both models").hasSize(1);
            String fleet = demo.pageUrls().get(0);
            String stuck = boardWith(faults, "npu-stuck");
            String saturated = boardWith(faults, "saturated-model");

            // The stack first finds the faults (the JSON API says so), and has traced the saturated board's model
            // on two windows; then the page has something to show.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(diagnoses(get(fleet + "devices/" + stuck))).contains("BOARD_RUNTIME");
                assertThat(diagnoses(get(fleet + "devices/" + saturated))).contains("MODEL_SATURATION");
                assertThat(get(fleet + "devices/" + saturated + "/layers").path("variationDiesAt").isObject())
                        .isTrue();
            });

            String page = chromium.dumpDom(fleet);
            for (Map.Entry<String, String> board : faults.entrySet()) {
                String row = row(page, board.getKey());
                if (board.getValue().equals("healthy")) {
                    assertThat(row).as(board.getKey()).contains("class=\"ok\"").doesNotContain("data-diagnosis");
                } else {
                    assertThat(row).as(board.getKey()).contains("class=\"faulty\"");
                }
            }
            assertThat(row(page, stuck)).contains("data-diagnosis=\"BOARD_RUNTIME\"").contains("BOARD/");
            assertThat(row(page, boardWith(faults, "preprocessing-mismatch")))
                    .contains("data-diagnosis=\"PREPROCESSING_MISMATCH\"");
            assertThat(page).contains("root cause").doesNotContain("not updated");

            String boardUrl = fleet + "board?id=" + URLEncoder.encode(saturated, StandardCharsets.UTF_8);
            String board = chromium.dumpDom(boardUrl);
            assertThat(between(board, "id=\"verdict\"", "</section>")).contains("data-diagnosis=\"MODEL_SATURATION\"")
                    .contains("REFERENCE/STUCK_OUTPUT");
            assertThat(between(board, "id=\"outputs\"", "</section>")).contains("<canvas");
            assertThat(board).containsPattern("id=\"dies-at\" data-layer=\"[^\"]+\"");
            assertThat(between(board, "id=\"history\"", "</table>")).contains("RAISED").contains("MODEL_SATURATION");

            Path target = Path.of("target");
            chromium.screenshot(fleet, target.resolve("fleet-page.png"), 1280, 640);
            chromium.screenshot(boardUrl, target.resolve("board-page.png"), 1280, 1700);
        }
    }

    private static String boardWith(Map<String, String> faults, String fault) {
        return faults.entrySet().stream().filter(e -> e.getValue().equals(fault)).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
    }

    private static String diagnoses(JsonNode device) {
        StringBuilder out = new StringBuilder();
        device.path("episodes").forEach(e -> out.append(e.path("diagnosis").asText()).append(' '));
        return out.toString();
    }

    /** The fleet table's row of a board, as the browser left it. */
    private static String row(String page, String device) {
        Matcher m = Pattern.compile("<tr data-device=\"" + Pattern.quote(device) + "\".*?</tr>", Pattern.DOTALL)
                .matcher(page);
        assertThat(m.find()).as("a row for %s in%n%s", device, page).isTrue();
        return m.group();
    }

    private static String between(String page, String from, String to) {
        int start = page.indexOf(from);
        assertThat(start).as("%s in%n%s", from, page).isNotNegative();
        int end = page.indexOf(to, start);
        return page.substring(start, end < 0 ? page.length() : end);
    }

    /** The names of the samples of a Prometheus text exposition. */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private static JsonNode get(String url) throws Exception {
        return JSON.readTree(text(url));
    }

    private static String text(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", url, response.body()).isEqualTo(200);
        return response.body();
    }
}
