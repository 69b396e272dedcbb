package io.flatline.deploy.packaging;

import static io.flatline.deploy.packaging.Packaging.list;
import static io.flatline.deploy.packaging.Packaging.listAt;
import static io.flatline.deploy.packaging.Packaging.map;
import static io.flatline.deploy.packaging.Packaging.stringAt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The monitoring files shipped in deploy/k8s/monitoring: the alert rules and the Grafana dashboard. */
public final class Monitoring {

    static final Path DIR = Packaging.moduleDir().resolve("k8s").resolve("monitoring");
    static final Path RULES = DIR.resolve("flatline-rules.yaml");
    static final Path RULE_TESTS = DIR.resolve("flatline-rules.test.yaml");
    static final Path OPERATOR_RULES = DIR.resolve("prometheus-rule.yaml");
    static final Path DASHBOARD = DIR.resolve("flatline-dashboard.json");

    /** Flatline's own metrics, and the Kafka ones streams exports under its prefix. */
    private static final Pattern METRIC = Pattern.compile("\\b(flatline_[a-z0-9_]+|kafka_streams_[a-z0-9_]+)\\b");

    private Monitoring() {
    }

    /** Every rule of the plain rules file. */
    static List<Map<String, Object>> rules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : listAt(Packaging.documents(RULES).get(0), "groups")) {
            listAt(group, "rules").forEach(r -> rules.add(map(r)));
        }
        return rules;
    }

    /** Every PromQL expression of the dashboard's panels. */
    static List<String> dashboardQueries() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        List<String> queries = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
        return queries;
    }

    /** The metric names a set of PromQL expressions reads. */
    static Set<String> metricsIn(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Every metric a rule or a dashboard panel reads. */
    public static Set<String> metricsUsed() throws IOException {
        List<String> expressions = new ArrayList<>(rules().stream().map(r -> stringAt(r, "expr")).toList());
        expressions.addAll(dashboardQueries());
        return metricsIn(expressions);
    }

    static List<Object> groups(Path file, String... path) {
        return list(Packaging.at(Packaging.documents(file).get(0), path));
    }
}
