package io.flatline.streams.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.flatline.schemas.DeviceHealth;
import io.flatline.streams.alarm.DeviceAlarms;
import io.flatline.streams.compare.BoardMonitor;
import io.flatline.streams.topology.ReferenceState;
import io.flatline.streams.topology.StoreNames;

/**
 * A small JSON API over the application's state stores, correct across instances: a device's state is read
 * where its partition lives (found from Kafka Streams' key metadata, and fetched from that instance when it is
 * another), and fleet-wide answers gather every instance's local part.
 *
 * <pre>
 *   GET /                       the fleet page (HTML); /board?id={id} a board's page
 *   GET /model                  the model this application runs as the reference, and its labels
 *   GET /devices                every device's health
 *   GET /devices/{id}           one device: health and the board's agreement with the reference
 *   GET /devices/{id}/outputs   the board's latest raw outputs beside the reference's
 *   GET /devices/{id}/alarms    the device's latest alert edges
 *   GET /devices/{id}/layers    the reference model's layers on the device's latest windows
 *   GET /alerts                 the devices with open alerts
 *   GET /fleet                  counts: devices, root causes, open alerts by kind, diagnoses by root cause
 *   GET /metrics                Prometheus text format
 * </pre>
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCAL = "/local";
    private static final List<String> DEVICE_VIEWS = List.of("", "/outputs", "/alarms", "/layers");

    private final HttpServer server;
    private final ExecutorService executor;
    private final HostInfo bound;
    private HostInfo self;
    private KafkaStreams streams;
    private DeviceViews views;
    private MetricsText metrics;
    private AlertHistory history;
    private LayerPictures layers;
    private final PageFiles page = new PageFiles();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Binds the API's port; it answers only once {@link #serve} has given it the application. Binding first lets
     * port 0 pick a free port that Kafka Streams can then advertise to the other instances.
     */
    public HttpApi(InetSocketAddress bind) throws IOException {
        this.server = HttpServer.create(bind, 64);
        this.bound = new HostInfo(bind.getHostString(), server.getAddress().getPort());
        this.self = bound;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "flatline-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Where the API listens, its port resolved when it was 0. */
    public HostInfo hostInfo() {
        return bound;
    }

    /** Where the other instances reach this one (Kafka Streams' {@code application.server}). */
    public void advertiseAs(HostInfo advertised) {
        this.self = advertised;
    }

    /** Starts answering; the API closes {@code alarmHistory} when it closes. */
    public void serve(KafkaStreams app, DeviceViews deviceViews, MetricsText metricsText, AlertHistory alarmHistory,
                      LayerPictures layerPictures) {
        this.streams = app;
        this.views = deviceViews;
        this.metrics = metricsText;
        this.history = alarmHistory;
        this.layers = layerPictures;
        server.start();
        log.info("HTTP API on http://{}:{}/ (advertised as {})", bound.host(), bound.port(), self);
    }

    public int port() {
        return bound.port();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        if (history != null) {
            history.close();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            answer(exchange);
        }
    }

    /** Answers a request; a failure is answered too (the exchange is still open here), never left unanswered. */
    private void answer(HttpExchange exchange) throws IOException {
        try {
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, error("only GET is supported"));
                return;
            }
            // Raw: a device id is one percent-encoded segment, and may hold an encoded '/'.
            String path = exchange.getRequestURI().getRawPath();
            boolean local = path.startsWith(LOCAL + "/");
            String route = local ? path.substring(LOCAL.length()) : path;
            if (page.serves(route)) {
                page.respond(exchange, route);
                return;
            }
            if (route.equals("/model")) {
                respond(exchange, 200, views.model());
                return;
            }
            if (route.equals("/metrics")) {
                byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            if (streams.state() != KafkaStreams.State.RUNNING && streams.state() != KafkaStreams.State.REBALANCING) {
                respond(exchange, 503, error("the application is " + streams.state()));
                return;
            }
            if (route.equals("/devices")) {
                respondFleetWide(exchange, local, devices -> devices);
            } else if (route.startsWith("/devices/") && route.length() > "/devices/".length()) {
                device(exchange, route.substring("/devices/".length()), local);
            } else if (route.equals("/alerts")) {
                respondFleetWide(exchange, local, HttpApi::withOpenAlerts);
            } else if (route.equals("/fleet")) {
                respondFleetWide(exchange, local, HttpApi::fleet);
            } else {
                respond(exchange, 404, error("no such resource; try /, /model, /devices, /devices/{id}[/outputs|/alarms"
                        + "|/layers], /alerts, /fleet, /metrics"));
            }
        } catch (InvalidStateStoreException e) {
            // A store moving between threads or instances (a rebalance): asking again shortly will do.
            respond(exchange, 503, error("the state is moving (" + e.getMessage() + "); ask again shortly"));
        } catch (RuntimeException e) {
            log.warn("HTTP request {} failed: {}", exchange.getRequestURI(), e.toString());
            respond(exchange, 500, error(e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    /** {@code rawPath}: the percent-encoded id, then optionally a view of the device ("/outputs", ...). */
    private void device(HttpExchange exchange, String rawPath, boolean local) throws IOException {
        int slash = rawPath.indexOf('/');
        String id = decodeSegment(slash < 0 ? rawPath : rawPath.substring(0, slash));
        String view = slash < 0 ? "" : rawPath.substring(slash);
        if (!DEVICE_VIEWS.contains(view)) {
            respond(exchange, 404, error("no such view of a device: " + view + "; try " + String.join(", ",
                    DEVICE_VIEWS.stream().map(v -> "/devices/{id}" + v).toList())));
            return;
        }
        KeyQueryMetadata where = streams.queryMetadataForKey(StoreNames.HEALTH, id, Serdes.String().serializer());
        if (!local && where != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(where)
                && !where.activeHost().equals(self)) {
            Optional<JsonNode> remote = fetch(where.activeHost(), "/devices/" + encodeSegment(id) + view);
            if (remote.isPresent()) {
                respond(exchange, remote.get().isNull() ? 404 : 200, remote.get().isNull()
                        ? error("no device " + id) : remote.get());
                return;
            }
            respond(exchange, 503, error("the instance holding " + id + " (" + where.activeHost() + ") does not answer"));
            return;
        }
        DeviceHealth health = healthStore().get(id);
        if (health == null) {
            respond(exchange, 404, local ? JSON.nullNode() : error("no device " + id));
            return;
        }
        respond(exchange, 200, switch (view) {
            case "/outputs" -> views.outputs(id, health.getModelId(), boardsStore().get(id));
            case "/alarms" -> views.alarms(id, history.of(id));
            case "/layers" -> {
                ReferenceState state = windowsStore().get(id);
                yield state == null ? views.layers(id, new LayerPictures.Picture(List.of(), -1))
                        : views.layers(id, layers.of(id, state.model(), state.window()));
            }
            default -> views.detailed(withProgress(health, windowsStore()), boardsStore().get(id),
                    alarmsStore().get(id));
        });
    }

    /** A percent-encoded path segment, decoded ('+' is a plus in a path, not a space). */
    static String decodeSegment(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static String encodeSegment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private ArrayNode localDevices() {
        ArrayNode out = JSON.createArrayNode();
        ReadOnlyKeyValueStore<String, ReferenceState> windows = windowsStore();
        try (KeyValueIterator<String, DeviceHealth> all = healthStore().all()) {
            all.forEachRemaining(kv -> out.add(views.summary(withProgress(kv.value, windows))));
        }
        return out;
    }

    /**
     * A fleet-wide answer made from every instance's devices; if an instance does not answer, a 503 that names it,
     * never a partial fleet passed off as the whole one.
     */
    private void respondFleetWide(HttpExchange exchange, boolean local, UnaryOperator<JsonNode> answer)
            throws IOException {
        if (local) {
            respond(exchange, 200, answer.apply(localDevices()));
            return;
        }
        List<JsonNode> devices = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            if (!instance.stateStoreNames().contains(StoreNames.HEALTH)) {
                continue;
            }
            if (instance.hostInfo().equals(self)) {
                localDevices().forEach(devices::add);
            } else {
                fetch(instance.hostInfo(), "/devices").ifPresentOrElse(n -> n.forEach(devices::add),
                        () -> missing.add(instance.hostInfo().host() + ":" + instance.hostInfo().port()));
            }
        }
        if (!missing.isEmpty()) {
            ObjectNode body = error("instances holding part of the fleet did not answer: " + String.join(", ", missing));
            body.set("missing", JSON.valueToTree(missing));
            respond(exchange, 503, body);
            return;
        }
        devices.sort(Comparator.comparing(n -> n.path("deviceId").asText()));
        ArrayNode out = JSON.createArrayNode();
        devices.forEach(out::add);
        respond(exchange, 200, answer.apply(out));
    }

    /** {@code route}: a percent-encoded path, asked of the instance's local part. */
    private Optional<JsonNode> fetch(HostInfo host, String route) {
        try {
            // The multi-argument URI writes the authority (brackets for an IPv6 address); the route is encoded already.
            URI uri = URI.create(new URI("http", null, host.host(), host.port(), null, null, null) + LOCAL + route);
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                return Optional.of(JSON.readTree(body));
            }
        } catch (IOException | java.net.URISyntaxException e) {
            log.warn("Instance {} did not answer {}: {}", host, route, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static ArrayNode withOpenAlerts(JsonNode devices) {
        ArrayNode out = JSON.createArrayNode();
        devices.forEach(d -> {
            if (d.path("openAlerts").size() > 0) {
                out.add(d);
            }
        });
        return out;
    }

    private static ObjectNode fleet(JsonNode devices) {
        Map<String, Integer> byKind = new LinkedHashMap<>();
        Map<String, Integer> byDiagnosis = new LinkedHashMap<>();
        int flagged = 0;
        int causes = 0;
        int intermittent = 0;
        for (JsonNode d : devices) {
            if (d.path("openAlerts").size() > 0) {
                flagged++;
            }
            d.path("openAlerts").forEach(k -> byKind.merge(k.asText(), 1, Integer::sum));
            // One root cause, one count: an episode's consequential alarms do not add to its diagnosis.
            for (JsonNode e : d.path("episodes")) {
                causes++;
                intermittent += e.path("intermittent").asBoolean() ? 1 : 0;
                byDiagnosis.merge(e.path("diagnosis").asText(), 1, Integer::sum);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("devices", devices.size());
        out.put("devicesWithOpenAlerts", flagged);
        out.put("rootCauses", causes);
        out.put("intermittentRootCauses", intermittent);
        out.set("openAlertsByKind", JSON.valueToTree(byKind));
        out.set("diagnoses", JSON.valueToTree(byDiagnosis));
        return out;
    }

    private ReadOnlyKeyValueStore<String, DeviceHealth> healthStore() {
        return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.HEALTH,
                QueryableStoreTypes.<String, DeviceHealth>keyValueStore()));
    }

    /**
     * The health as stored is what was last published, up to a heartbeat of windows behind; the device's window
     * (same key, same task, so on this instance) knows its newest reading.
     */
    private static DeviceHealth withProgress(DeviceHealth health,
                                             ReadOnlyKeyValueStore<String, ReferenceState> windows) {
        ReferenceState state = windows.get(health.getDeviceId());
        if (state == null || health.getLastSeq() != null && state.window().lastSeq() <= health.getLastSeq()) {
            return health;
        }
        return DeviceHealth.newBuilder(health).setLastSeq(state.window().lastSeq())
                .setUpdated(Instant.ofEpochMilli(Math.max(health.getUpdated().toEpochMilli(),
                        state.window().lastTimestamp()))).build();
    }

    private ReadOnlyKeyValueStore<String, ReferenceState> windowsStore() {
        return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.WINDOWS,
                QueryableStoreTypes.<String, ReferenceState>keyValueStore()));
    }

    private ReadOnlyKeyValueStore<String, BoardMonitor.State> boardsStore() {
        return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.BOARDS,
                QueryableStoreTypes.<String, BoardMonitor.State>keyValueStore()));
    }

    private ReadOnlyKeyValueStore<String, DeviceAlarms> alarmsStore() {
        return streams.store(StoreQueryParameters.fromNameAndType(StoreNames.ALARMS,
                QueryableStoreTypes.<String, DeviceAlarms>keyValueStore()));
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
