package io.flatline.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.common.config.ConfigException;

/**
 * Where the schema registry is and how to talk to it, from the properties Kafka users already write for
 * Confluent's serdes: {@code schema.registry.url} (one URL or several, comma-separated, tried in turn), basic
 * auth by {@code basic.auth.credentials.source} ({@code USER_INFO} with {@code basic.auth.user.info}, or
 * {@code URL} with the credentials in the URL) and TLS by {@code schema.registry.ssl.*} (trust store and key
 * store, JKS or PKCS12).
 *
 * @param urls          the registry's base URLs, without credentials, each ending without a slash
 * @param authorization the value of the {@code Authorization} header, if any
 * @param ssl           the TLS context of https URLs, if configured (else the JVM's default)
 */
public record RegistrySettings(List<URI> urls, Optional<String> authorization, Optional<SSLContext> ssl) {

    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String SSL_PREFIX = "schema.registry.ssl.";

    public RegistrySettings {
        urls = List.copyOf(urls);
    }

    /** Names the URLs and what is configured, never the credentials. */
    @Override
    public String toString() {
        return urls + (authorization.isPresent() ? ", basic auth" : "") + (ssl.isPresent() ? ", TLS settings" : "");
    }

    /** Whether a property belongs to the registry, not to a Kafka client. */
    public static boolean isRegistryProperty(String key) {
        return key.startsWith("schema.registry.") || key.startsWith("basic.auth.");
    }

    /** The settings, or empty when no {@code schema.registry.url} is given. */
    public static Optional<RegistrySettings> from(Map<String, ?> config) {
        String value = string(config, URL);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        List<URI> urls = new ArrayList<>();
        String urlUserInfo = null;
        for (String part : value.split(",")) {
            URI uri = uri(part.strip());
            if (uri.getUserInfo() != null) {
                urlUserInfo = uri.getUserInfo();
            }
            urls.add(withoutUserInfo(uri));
        }
        return Optional.of(new RegistrySettings(urls, authorization(config, urlUserInfo), sslContext(config)));
    }

    private static Optional<String> authorization(Map<String, ?> config, String urlUserInfo) {
        String source = string(config, CREDENTIALS_SOURCE);
        String userInfo = switch (source == null ? "URL" : source.strip().toUpperCase(Locale.ROOT)) {
            case "URL" -> urlUserInfo;
            case "USER_INFO" -> {
                String given = string(config, USER_INFO);
                if (given == null || !given.contains(":")) {
                    throw new ConfigException(USER_INFO, given == null ? null : "(hidden)",
                            "basic.auth.credentials.source=USER_INFO needs basic.auth.user.info=USER:PASSWORD");
                }
                yield given;
            }
            default -> throw new ConfigException(CREDENTIALS_SOURCE, source,
                    "Flatline supports USER_INFO (with " + USER_INFO + ") and URL (credentials in " + URL + ")");
        };
        return Optional.ofNullable(userInfo).map(info -> "Basic "
                + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
    }

    private static Optional<SSLContext> sslContext(Map<String, ?> config) {
        String truststore = string(config, SSL_PREFIX + "truststore.location");
        String keystore = string(config, SSL_PREFIX + "keystore.location");
        String identification = string(config, SSL_PREFIX + "endpoint.identification.algorithm");
        if (identification != null && !identification.equalsIgnoreCase("https")) {
            // java.net.http checks host names always; turning that off is a process-wide switch of the JDK.
            throw new ConfigException(SSL_PREFIX + "endpoint.identification.algorithm", identification,
                    "the registry's certificate is always checked against its host name; give it a certificate"
                            + " for the name in " + URL);
        }
        if (truststore == null && keystore == null) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory trust = null;
            if (truststore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(config, "truststore", truststore));
            }
            KeyManagerFactory keys = null;
            if (keystore != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String keyPassword = string(config, SSL_PREFIX + "key.password");
                String storePassword = string(config, SSL_PREFIX + "keystore.password");
                String password = keyPassword != null ? keyPassword : storePassword;
                keys.init(load(config, "keystore", keystore), password == null ? null : password.toCharArray());
            }
            String protocol = string(config, SSL_PREFIX + "protocol");
            SSLContext context = SSLContext.getInstance(protocol == null ? "TLS" : protocol);
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            return Optional.of(context);
        } catch (GeneralSecurityException e) {
            throw new ConfigException("The TLS settings " + SSL_PREFIX + "* of the schema registry do not work: "
                    + e.getMessage());
        }
    }

    private static KeyStore load(Map<String, ?> config, String which, String location)
            throws GeneralSecurityException {
        String type = string(config, SSL_PREFIX + which + ".type");
        String password = string(config, SSL_PREFIX + which + ".password");
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore store = KeyStore.getInstance(type == null ? "JKS" : type);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException e) {
            throw new ConfigException(SSL_PREFIX + which + ".location", location, "cannot be read as a "
                    + (type == null ? "JKS" : type) + " " + which + " with the given password: " + e.getMessage());
        }
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(URL, text, "a registry URL is http://HOST:PORT/PATH or https://...");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(URL, text, "not a URL: " + e.getMessage());
        }
    }

    private static URI withoutUserInfo(URI uri) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + path);
    }

    private static String string(Map<String, ?> config, String key) {
        Object value = config.get(key);
        return value == null ? null : value.toString();
    }
}
