package io.flatline.simulator.fleet;

import com.ghgande.j2mod.modbus.Modbus;
import com.ghgande.j2mod.modbus.ModbusIOException;
import com.ghgande.j2mod.modbus.io.AbstractModbusTransport;
import com.ghgande.j2mod.modbus.msg.ModbusRequest;
import com.ghgande.j2mod.modbus.msg.ModbusResponse;
import com.ghgande.j2mod.modbus.net.AbstractModbusListener;
import com.ghgande.j2mod.modbus.net.TCPSlaveConnection;
import com.ghgande.j2mod.modbus.procimg.ProcessImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Modbus TCP slave built from j2mod's protocol stack (its TCP transport, request decoding, responses and
 * {@link ProcessImage}), with its own socket handling. j2mod's {@code ModbusSlaveFactory} keys slaves by port
 * number, so it cannot hold several slaves on port 0, and it cannot tell which port a slave bound; its
 * listener also leaves client connections open when it stops. Here the server socket is bound before the
 * constructor returns ({@link #port()} is the real port), every connection is tracked, and {@link #close()}
 * closes the server socket and every connection and joins every thread it started.
 */
final class ModbusTcpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModbusTcpServer.class);
    private static final long STACK_BYTES = 256 * 1024;
    private static final long JOIN_MILLIS = 5_000;

    private final String name;
    private final int unitId;
    private final ProcessImage image;
    private final int maxConnections;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Listener listener = new Listener();
    private final Set<Socket> sockets = new HashSet<>();
    private final List<Thread> handlers = new ArrayList<>();
    private volatile boolean closed;

    ModbusTcpServer(String name, InetAddress address, int port, int unitId, ProcessImage image, int maxConnections)
            throws IOException {
        this.name = name;
        this.unitId = unitId;
        this.image = image;
        this.maxConnections = maxConnections;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        try {
            server.bind(new java.net.InetSocketAddress(address, port), 50);
        } catch (IOException e) {
            server.close();
            throw new IOException("Cannot listen on " + address.getHostAddress() + ":" + port + ": " + e.getMessage(), e);
        }
        this.acceptor = new Thread(null, this::accept, "sim-" + name + "-accept", STACK_BYTES);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Client connections open now. */
    synchronized int connections() {
        return sockets.size();
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("{}: accept failed: {}", name, e.getMessage());
                }
                return;
            }
            synchronized (this) {
                handlers.removeIf(t -> !t.isAlive());
                if (closed || sockets.size() >= maxConnections) {
                    log.debug("{}: refusing a connection ({} open)", name, sockets.size());
                    closeQuietly(socket);
                    continue;
                }
                sockets.add(socket);
                Thread handler = new Thread(null, () -> serve(socket), "sim-" + name + "-conn", STACK_BYTES);
                handler.setDaemon(true);
                handlers.add(handler);
                handler.start();
            }
        }
    }

    private void serve(Socket socket) {
        TCPSlaveConnection connection = null;
        try {
            socket.setTcpNoDelay(true);
            connection = new TCPSlaveConnection(socket, false);
            connection.setTimeout(0);
            AbstractModbusTransport transport = connection.getModbusTransport();
            while (!closed) {
                ModbusRequest request = transport.readRequest(listener);
                ModbusResponse response = request.getUnitID() == unitId
                        ? request.createResponse(listener)
                        : request.createExceptionResponse(Modbus.ILLEGAL_ADDRESS_EXCEPTION);
                transport.writeResponse(response);
            }
        } catch (ModbusIOException e) {
            if (!closed && !e.isEOF()) {
                log.debug("{}: connection ended: {}", name, e.getMessage());
            }
        } catch (SocketException | RuntimeException e) {
            if (!closed) {
                log.debug("{}: connection failed", name, e);
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
            closeQuietly(socket);
            synchronized (this) {
                sockets.remove(socket);
            }
        }
    }

    /** Stops listening, drops every connection and waits for every thread. Idempotent. */
    @Override
    public void close() {
        List<Thread> threads;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly(server);
            sockets.forEach(ModbusTcpServer::closeQuietly);
            threads = new ArrayList<>(handlers);
        }
        threads.add(acceptor);
        long deadline = System.nanoTime() + JOIN_MILLIS * 1_000_000;
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                log.warn("{} did not stop within {} ms", thread.getName(), JOIN_MILLIS);
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** j2mod's requests find the process image through a listener; this one has only the board's. */
    private final class Listener extends AbstractModbusListener {
        @Override
        public ProcessImage getProcessImage(int unit) {
            return unit == unitId ? image : null;
        }

        @Override
        public void run() {
            throw new UnsupportedOperationException("the server accepts connections itself");
        }

        @Override
        public void stop() {
            ModbusTcpServer.this.close();
        }
    }
}
