package io.flatline.schemas.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry (the {@code apicurio-registry-app} bundle the module's build unpacks into
 * {@code target/}) in a process of its own, with in-memory storage, on free loopback ports: plain HTTP, and
 * HTTPS with a certificate for 127.0.0.1 made at start. Its Confluent-compatible API is at {@link #url()}.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** Where the build unpacked the bundle; set by the surefire configuration of the parent pom. */
    public static final String BUNDLE_PROPERTY = "flatline.test.registry.bundle";
    private static final String CCOMPAT = "/apis/ccompat/v7";
    private static final String STORE_PASSWORD = "flatline-test";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Process process;
    private final int port;
    private final int tlsPort;
    private final Path truststore;
    private final Path log;

    private ApicurioRegistry(Process process, int port, int tlsPort, Path truststore, Path log) {
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
        this.truststore = truststore;
        this.log = log;
    }

    /** The runner jar of the unpacked bundle, or why there is none. */
    static Path runnerJar() {
        String bundle = System.getProperty(BUNDLE_PROPERTY);
        if (bundle == null) {
            throw new IllegalStateException("-D" + BUNDLE_PROPERTY + " is not set: run the tests through Maven, whose"
                    + " build unpacks the Apicurio Registry bundle");
        }
        try (Stream<Path> files = Files.exists(Path.of(bundle)) ? Files.list(Path.of(bundle)) : Stream.empty()) {
            return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Apicurio Registry runner jar in " + bundle
                            + " (the build's maven-dependency-plugin unpacks it there)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a registry and waits until it is ready; throws saying why when it cannot be had. */
    static ApicurioRegistry start() throws IOException, InterruptedException {
        Path jar = runnerJar();
        // Beside the bundle in target/: the log stays there to read, and a clean build removes it.
        Path work = Files.createTempDirectory(jar.getParent().getParent(), "apicurio-run-");
        Path keystore = work.resolve("registry.p12");
        Path truststore = work.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD);
        Path certificate = work.resolve("registry.pem");
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", keystore.toString(), "-storepass",
                STORE_PASSWORD, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", certificate.toString(), "-storetype",
                "PKCS12", "-keystore", truststore.toString(), "-storepass", STORE_PASSWORD);
        int port = freePort();
        int tlsPort = freePort();
        int managementPort = freePort();
        Path log = work.resolve("registry.log");
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.http.ssl-port=" + tlsPort,
                "-Dquarkus.http.ssl.certificate.key-store-file=" + keystore,
                "-Dquarkus.http.ssl.certificate.key-store-password=" + STORE_PASSWORD,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-jar", jar.toString()));
        Process process = new ProcessBuilder(command).directory(jar.getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        ApicurioRegistry registry = new ApicurioRegistry(process, port, tlsPort, truststore, log);
        try {
            registry.awaitReady();
        } catch (RuntimeException | IOException | InterruptedException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue()
                        + " before it was ready: " + tail());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(200); // polling a process that gives no other signal of readiness
        }
        throw new IllegalStateException("Apicurio Registry was not ready within " + READY_TIMEOUT.toSeconds() + " s: "
                + tail());
    }

    /** The Confluent-compatible API over plain HTTP: what {@code schema.registry.url} is set to. */
    public String url() {
        return urlOnPort(port);
    }

    /** The HTTP port, for a {@link TcpRelay} to forward to. */
    public int port() {
        return port;
    }

    /** The URL of the Confluent-compatible API as reached through another port (a relay's). */
    public static String urlOnPort(int port) {
        return "http://127.0.0.1:" + port + CCOMPAT;
    }

    /** The same API over HTTPS; trust {@link #truststore()} to reach it. */
    public String tlsUrl() {
        return "https://127.0.0.1:" + tlsPort + CCOMPAT;
    }

    /** Apicurio's own API (v3), for its serdes. */
    public String nativeUrl() {
        return "http://127.0.0.1:" + port + "/apis/registry/v3";
    }

    /** A PKCS12 trust store holding the registry's certificate, with password {@link #truststorePassword()}. */
    public Path truststore() {
        return truststore;
    }

    public String truststorePassword() {
        return STORE_PASSWORD;
    }

    /** The properties a Flatline service gets to write the Confluent wire format against this registry. */
    public Map<String, String> confluentProperties() {
        return Map.of("flatline.serde.format", "confluent", RegistrySettings.URL, url());
    }

    /** A client of this registry, for tests that look at what is registered. */
    public SchemaRegistryClient client() {
        return new SchemaRegistryClient(RegistrySettings.from(Map.of(RegistrySettings.URL, url())).orElseThrow());
    }

    /** GET of a path of the Confluent-compatible API: the status, a space, the body. */
    public String get(String path) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(url() + path)));
    }

    /** PUT of a JSON body to a path of the Confluent-compatible API: the status, a space, the body. */
    public String put(String path, String json) throws IOException, InterruptedException {
        return call(HttpRequest.newBuilder(URI.create(url() + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static String call(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
        }
    }

    private static String java() {
        return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java")).filter(Files::isExecutable)
                .map(Path::toString).orElse("java");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
