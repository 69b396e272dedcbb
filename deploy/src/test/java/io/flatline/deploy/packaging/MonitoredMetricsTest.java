package io.flatline.deploy.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.flatline.deploy.demo.DemoStack;
import io.flatline.deploy.demo.RunningDemo;
import io.flatline.ingest.metrics.IngestMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric an alert rule or a dashboard panel reads is really exported: scraped over HTTP from a running stack
 * (the demo's broker, simulated boards with every fault, ingest and streams), ingest's registry served by the same
 * exporter {@code flatline ingest} serves it with. A renamed metric fails here, not silently on a plant's dashboard.
 */
@ExtendWith(RunningDemo.class)
class MonitoredMetricsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
                    exported.addAll(sampleNames(get(url)));
                }
                assertThat(exported).containsAll(used);
            });
        } finally {
            ingest.forEach(HTTPServer::close);
        }
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

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }
}
