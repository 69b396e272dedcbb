package io.flatline.schemas.registry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few calls of a schema registry's Confluent-compatible REST API that Flatline makes (Confluent Schema
 * Registry, Apicurio Registry under {@code /apis/ccompat/v7}, Karapace, ...): register a schema under a subject,
 * keep the subject's compatibility at {@code BACKWARD}, and fetch a schema by id. Nothing is cached here: the
 * serdes cache what they learnt, so that a registry outage does not stop records whose schema they know.
 */
public final class SchemaRegistryClient {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String COMPATIBILITY = "BACKWARD";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a registry that could not be reached is not asked again, so a stream thread is not held up. */
    private static final Duration BACK_OFF = Duration.ofSeconds(5);

    private final RegistrySettings settings;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    /** Why the registry could not be reached, and until when (System.nanoTime) it is not asked again. */
    private volatile Unreachable unreachable;

    public SchemaRegistryClient(RegistrySettings settings) {
        this.settings = settings;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        settings.ssl().ifPresent(builder::sslContext);
        this.http = builder.build();
    }

    /** Fails with a message saying why when the registry cannot be reached or refuses these credentials. */
    public void checkReachable() {
        answer(call("GET", "/config", null), "read the registry's configuration");
    }

    /**
     * Registers {@code schema} under {@code subject} (a schema registered before keeps its id) and returns its
     * id. A subject without a compatibility level of its own (or at the registry's default, NONE) is set to
     * BACKWARD first, so that the registry refuses a schema that cannot read the data already written; a level
     * an operator chose is kept.
     *
     * @throws IncompatibleSchemaException when the registry refuses the schema as incompatible
     */
    public int register(String subject, Schema schema) {
        boolean setLevel = needsCompatibility(subject);
        // Apicurio knows no configuration of a subject that does not exist yet: then it is set right after.
        boolean levelSet = setLevel && putCompatibility(subject);
        ObjectNode body = json.createObjectNode().put("schema", schema.toString());
        Response response = call("POST", "/subjects/" + encode(subject) + "/versions", body);
        if (response.status == 409) {
            throw new IncompatibleSchemaException("The schema registry at " + response.url + " refuses "
                    + schema.getFullName() + " under subject " + subject + " as incompatible with the versions"
                    + " registered there (" + response.message() + "). Flatline does not write a schema that"
                    + " consumers of the topic could not read: undo the change, or give the new fields defaults.");
        }
        int id = answer(response, "register " + schema.getFullName() + " under subject " + subject).path("id")
                .asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("The schema registry at " + response.url + " registered "
                    + schema.getFullName() + " under subject " + subject + " but answered no id: " + response.body);
        }
        if (setLevel && !levelSet && !putCompatibility(subject)) {
            throw new SchemaRegistryException("The schema registry at " + response.url + " did not take compatibility"
                    + " level " + COMPATIBILITY + " for subject " + subject);
        }
        return id;
    }

    /** The schema registered with this id. */
    public Schema schemaById(int id) {
        Response response = call("GET", "/schemas/ids/" + id, null);
        if (response.status == 404) {
            throw new SchemaRegistryException("The schema registry at " + response.url + " has no schema with id " + id
                    + " (" + response.message() + "): the record was written against another registry");
        }
        String text = answer(response, "fetch the schema with id " + id).path("schema").asText("");
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("The schema with id " + id + " in the registry at " + response.url
                    + " is not an Avro schema: " + e.getMessage());
        }
    }

    private boolean needsCompatibility(String subject) {
        Response response = call("GET", "/config/" + encode(subject), null);
        if (response.status == 404) {
            return true;
        }
        String level = answer(response, "read the compatibility of subject " + subject).path("compatibilityLevel")
                .asText("NONE");
        if (!level.equals("NONE") && !level.equals(COMPATIBILITY)) {
            log.info("subject {} keeps its compatibility level {}", subject, level);
        }
        return level.equals("NONE");
    }

    /** Sets the subject's level; false when the registry does not know the subject yet. */
    private boolean putCompatibility(String subject) {
        Response response = call("PUT", "/config/" + encode(subject),
                json.createObjectNode().put("compatibility", COMPATIBILITY));
        if (response.status == 404) {
            return false;
        }
        answer(response, "set compatibility " + COMPATIBILITY + " on subject " + subject);
        return true;
    }

    /** The JSON of a successful answer, or an exception that says what failed while doing {@code what}. */
    private JsonNode answer(Response response, String what) {
        if (response.status / 100 == 2) {
            try {
                return json.readTree(response.body);
            } catch (IOException e) {
                throw new SchemaRegistryException("The schema registry at " + response.url + " answered with no JSON"
                        + " when asked to " + what + ": " + response.body);
            }
        }
        String hint = response.status == 401 || response.status == 403 ? " (check " + RegistrySettings.CREDENTIALS_SOURCE
                + " and " + RegistrySettings.USER_INFO + ")" : "";
        throw new SchemaRegistryException("The schema registry at " + response.url + " refused to " + what + ": HTTP "
                + response.status + " " + response.message() + hint);
    }

    /**
     * One call, tried on each configured URL in turn until one answers. When none does, calls in the next few
     * seconds fail at once: a reader meeting new ids during an outage would otherwise wait out the connect
     * timeout on every record, and hold up the records whose schemas it knows.
     */
    private Response call(String method, String path, JsonNode body) {
        Unreachable last = unreachable;
        if (last != null && System.nanoTime() < last.until) {
            throw new SchemaRegistryException(last.message + "; not asked again for " + BACK_OFF.toSeconds() + " s");
        }
        List<String> failures = new ArrayList<>();
        for (URI base : settings.urls()) {
            URI url = URI.create(base + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(TIMEOUT)
                    .header("Accept", CONTENT_TYPE + ", application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body.toString()));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            settings.authorization().ifPresent(value -> request.header("Authorization", value));
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                return new Response(base, response.statusCode(), response.body());
            } catch (IOException e) {
                failures.add(base + ": " + describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted while calling the schema registry at " + base);
            }
        }
        String message = "The schema registry cannot be reached (" + String.join("; ", failures) + "); check "
                + RegistrySettings.URL;
        unreachable = new Unreachable(message, System.nanoTime() + BACK_OFF.toNanos());
        throw new SchemaRegistryException(message);
    }

    private record Unreachable(String message, long until) {
    }

    /** The first message down the causes; the JDK's client says nothing when a connection is refused. */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private final class Response {
        final URI url;
        final int status;
        final String body;

        Response(URI url, int status, String body) {
            this.url = url;
            this.status = status;
            this.body = body;
        }

        /** The registry's own error message, or the body as it came. */
        String message() {
            try {
                JsonNode node = json.readTree(body);
                return node.hasNonNull("message") ? node.get("message").asText() : body;
            } catch (IOException e) {
                return body;
            }
        }
    }
}
