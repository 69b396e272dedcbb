package io.flatline.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Forwards a loopback port to another, byte for byte, until closed: a way to take a real service out of a
 * client's reach (an outage) without stopping it for the other tests. Once closed, connections are refused.
 */
public final class TcpRelay implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> open = new ArrayList<>();

    public TcpRelay(int targetPort) throws IOException {
        this.server = listenOutsideEphemeralPorts();
        Thread acceptor = new Thread(() -> accept(targetPort), "relay-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * A port the kernel never hands out as a connection's own: once the relay closes, a client that connects to a
     * freed ephemeral port can be given that same port as its source and connect to itself (TCP's simultaneous
     * open), which is no outage at all. Seen in about one run in five on this machine.
     */
    private static ServerSocket listenOutsideEphemeralPorts() throws IOException {
        int firstEphemeral = 32768;
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(range)) {
            firstEphemeral = Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
        }
        int low = Math.min(10_000, firstEphemeral / 2);
        int span = firstEphemeral - low;
        int offset = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = low + (offset + i) % span;
            ServerSocket socket = new ServerSocket();
            try {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
                return socket;
            } catch (IOException taken) {
                socket.close();
            }
        }
        throw new IOException("no free loopback port below " + firstEphemeral);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept(int targetPort) {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                // A connection accepted while close() runs must not escape it and go on relaying.
                synchronized (open) {
                    if (server.isClosed()) {
                        closeQuietly(client);
                        closeQuietly(target);
                        return;
                    }
                    open.add(client);
                    open.add(target);
                }
                pipe(client, target);
                pipe(target, client);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void pipe(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ended) {
                // One side closed: the other goes too.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-pipe");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops listening and cuts every connection. */
    @Override
    public void close() {
        synchronized (open) {
            closeQuietly(server);
            open.forEach(TcpRelay::closeQuietly);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Already closed.
        }
    }
}
