package io.flatline.streams.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpExchange;

/**
 * The fleet page's files, served from the classpath: the page itself (in this package's {@code page/} resources)
 * and the browser libraries it uses, from their WebJars ({@code /webjars/NAME/PATH}, the version found in the
 * WebJar's Maven properties so that pages name no version). Nothing is fetched from outside: the page works on a
 * plant network.
 */
final class PageFiles {

    private static final String PAGE = "/io/flatline/streams/api/page/";
    private static final Map<String, String> PAGES = Map.of("/", "fleet.html", "/index.html", "fleet.html",
            "/board", "board.html");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png");

    private final Map<String, Optional<String>> webjarVersions = new ConcurrentHashMap<>();

    boolean serves(String route) {
        return PAGES.containsKey(route) || route.startsWith("/ui/") || route.startsWith("/webjars/");
    }

    void respond(HttpExchange exchange, String route) throws IOException {
        Optional<String> resource = resource(route);
        InputStream in = resource.map(PageFiles.class::getResourceAsStream).orElse(null);
        if (in == null) {
            byte[] body = ("no such file: " + route + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            return;
        }
        try (in) {
            byte[] body = in.readAllBytes();
            String name = resource.get();
            String extension = name.substring(name.lastIndexOf('.') + 1);
            exchange.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(extension, "text/plain; charset=utf-8"));
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The classpath resource a route names; empty for none, or a path that tries to leave its directory. */
    Optional<String> resource(String route) {
        if (route.contains("..") || route.contains("//") || route.contains("%")) {
            return Optional.empty();
        }
        if (PAGES.containsKey(route)) {
            return Optional.of(PAGE + PAGES.get(route));
        }
        if (route.startsWith("/ui/")) {
            return Optional.of(PAGE + route.substring("/ui/".length()));
        }
        String rest = route.substring("/webjars/".length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return Optional.empty();
        }
        String name = rest.substring(0, slash);
        return webjarVersions.computeIfAbsent(name, PageFiles::webjarVersion)
                .map(v -> "/META-INF/resources/webjars/" + name + "/" + v + rest.substring(slash));
    }

    private static Optional<String> webjarVersion(String name) {
        for (String group : new String[] {"org.webjars.npm", "org.webjars"}) {
            try (InputStream in = PageFiles.class.getResourceAsStream("/META-INF/maven/" + group + "/" + name
                    + "/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    return Optional.ofNullable(p.getProperty("version"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }
}
