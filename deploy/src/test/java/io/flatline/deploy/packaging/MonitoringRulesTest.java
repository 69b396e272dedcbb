package io.flatline.deploy.packaging;

import static io.flatline.deploy.packaging.Packaging.listAt;
import static io.flatline.deploy.packaging.Packaging.map;
import static io.flatline.deploy.packaging.Packaging.stringAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.flatline.deploy.Executables;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the dashboard in deploy/k8s/monitoring: the operator's PrometheusRule and the plain rules file
 * say the same, Prometheus' own promtool accepts the rules and their unit tests pass, every alert has a test that
 * makes it fire, and the kustomization ships both. That every metric they read is exported: {@code
 * RunningStackTest}.
 */
class MonitoringRulesTest {

    @Test
    void theOperatorsPrometheusRuleHoldsExactlyTheRulesOfThePlainFile() {
        Map<String, Object> resource = Packaging.documents(Monitoring.OPERATOR_RULES).get(0);
        assertThat(resource.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
        assertThat(resource.get("kind")).isEqualTo("PrometheusRule");
        assertThat(Monitoring.groups(Monitoring.OPERATOR_RULES, "spec", "groups"))
                .isEqualTo(Monitoring.groups(Monitoring.RULES, "groups"));
    }

    @Test
    void promtoolAcceptsTheRulesAndTheirUnitTestsPass() throws Exception {
        Path promtool = Executables.onPath("promtool").orElse(null);
        assumeTrue(promtool != null, "promtool is not installed (Debian package prometheus; .ci/run installs it):"
                + " the rules' unit tests did not run");
        assertThat(run(promtool.toString(), "check", "rules", Monitoring.RULES.getFileName().toString()))
                .contains("SUCCESS: " + Monitoring.rules().size() + " rules found");
        assertThat(run(promtool.toString(), "test", "rules", Monitoring.RULE_TESTS.getFileName().toString()))
                .contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestInWhichItFires() {
        Set<String> alerts = new TreeSet<>(Monitoring.rules().stream().map(r -> stringAt(r, "alert")).toList());
        Set<String> firing = new TreeSet<>();
        for (Object test : listAt(Packaging.documents(Monitoring.RULE_TESTS).get(0), "tests")) {
            for (Object check : listAt(test, "alert_rule_test")) {
                if (!listAt(check, "exp_alerts").isEmpty()) {
                    firing.add(stringAt(check, "alertname"));
                }
            }
        }
        assertThat(firing).isEqualTo(alerts);
        assertThat(Monitoring.rules()).allSatisfy(r -> assertThat(Packaging.mapAt(r, "labels")).containsKey("severity"));
    }

    @Test
    void theDashboardIsGrafanaJsonWhosePanelsAllQueryTheDatasourceVariable() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(Monitoring.DASHBOARD));
        assertThat(dashboard.path("uid").asText()).isEqualTo("flatline");
        assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(8);
        dashboard.path("panels").forEach(p -> {
            assertThat(p.path("datasource").path("uid").asText()).as(p.path("title").asText()).isEqualTo("${datasource}");
            assertThat(p.path("targets").size()).as(p.path("title").asText()).isPositive();
        });
        assertThat(Monitoring.metricsIn(Monitoring.dashboardQueries())).contains(
                "flatline_streams_open_root_causes", "flatline_streams_predictions_total",
                "flatline_streams_board_join_misses_total", "flatline_streams_window_gaps_total",
                "flatline_ingest_poll_failures_total", "kafka_streams_consumer_fetch_manager_metrics_records_lag");
    }

    @Test
    void theKustomizationShipsTheRuleAndTheDashboard() throws IOException {
        Map<String, Object> kustomization = Packaging.documents(Monitoring.DIR.resolve("kustomization.yaml")).get(0);
        assertThat(listAt(kustomization, "resources")).containsExactly(Monitoring.OPERATOR_RULES.getFileName().toString());
        Map<String, Object> dashboard = map(listAt(kustomization, "configMapGenerator").get(0));
        assertThat(listAt(dashboard, "files")).containsExactly(Monitoring.DASHBOARD.getFileName().toString());
        assertThat(Packaging.mapAt(dashboard, "options", "labels")).containsEntry("grafana_dashboard", "1");
        try (Stream<Path> files = Files.list(Monitoring.DIR)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactlyInAnyOrder(
                    "kustomization.yaml", "prometheus-rule.yaml", "flatline-rules.yaml", "flatline-rules.test.yaml",
                    "flatline-dashboard.json");
        }
    }

    /** Runs a command in the monitoring directory; fails with its output unless it exits 0. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(Monitoring.DIR.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished within a minute", List.of(command)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s said:%n%s", List.of(command), output).isZero();
        return output;
    }
}
