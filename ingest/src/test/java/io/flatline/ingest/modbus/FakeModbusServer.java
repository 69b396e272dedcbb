package io.flatline.ingest.modbus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Modbus TCP server written for the tests, independent of j2mod: it answers function codes 3 and 4 from its
 * register tables, answers every other function code with "illegal function", and records every function code
 * it receives. It can also misbehave like a field device: stay silent, answer late, answer garbage, hang up, or
 * answer every read with "illegal data address".
 * One selector thread serves every connection, so a thousand simulated devices cost one thread.
 */
public final class FakeModbusServer implements AutoCloseable {
    public enum Mode { NORMAL, SILENT, GARBAGE, HANG_UP, ILLEGAL_ADDRESS }

    private final AtomicIntegerArray holding = new AtomicIntegerArray(65536);
    private final AtomicIntegerArray input = new AtomicIntegerArray(65536);
    private final Map<Integer, LongAdder> functionCodes = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Random random = new Random(7);
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private volatile Mode mode = Mode.NORMAL;
    private volatile long delayMillis;
    private volatile boolean running = true;

    private FakeModbusServer(int port) throws IOException {
        server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.bind(new InetSocketAddress("127.0.0.1", port), 1024);
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, "fake-modbus-" + port());
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts on {@code port} (0 for any free port). */
    public static FakeModbusServer start(int port) {
        try {
            return new FakeModbusServer(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    public void mode(Mode newMode) {
        mode = newMode;
    }

    /** Answers each request this late; the server's one thread sleeps, as a slow device's CPU would. */
    public void delay(long millis) {
        delayMillis = millis;
    }

    public void holding(int address, int... values) {
        for (int i = 0; i < values.length; i++) {
            holding.set(address + i, values[i] & 0xFFFF);
        }
    }

    public void input(int address, int... values) {
        for (int i = 0; i < values.length; i++) {
            input.set(address + i, values[i] & 0xFFFF);
        }
    }

    /** Every function code received so far, with how often. */
    public Map<Integer, Long> functionCodes() {
        Map<Integer, Long> out = new TreeMap<>();
        functionCodes.forEach((fc, n) -> out.put(fc, n.sum()));
        return out;
    }

    public long requests() {
        return functionCodes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long accepted() {
        return accepted.get();
    }

    private void loop() {
        while (running) {
            try {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                    } else if (key.isReadable()) {
                        read(key);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    e.printStackTrace();
                }
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel = server.accept();
        if (channel == null) {
            return;
        }
        accepted.incrementAndGet();
        if (mode == Mode.HANG_UP) {
            channel.close();
            return;
        }
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        connections.add(channel);
        channel.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(1024));
    }

    private void read(SelectionKey key) throws IOException {
        SocketChannel channel = (SocketChannel) key.channel();
        ByteBuffer buffer = (ByteBuffer) key.attachment();
        int n;
        try {
            n = channel.read(buffer);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            drop(key, channel);
            return;
        }
        buffer.flip();
        while (buffer.remaining() >= 7) {
            int length = buffer.getShort(buffer.position() + 4) & 0xFFFF;
            if (length < 2 || length > 253) {
                drop(key, channel);
                return;
            }
            if (buffer.remaining() < 6 + length) {
                break;
            }
            byte[] frame = new byte[6 + length];
            buffer.get(frame);
            ByteBuffer reply = answer(ByteBuffer.wrap(frame));
            if (reply != null) {
                if (delayMillis > 0) {
                    sleep(delayMillis);
                }
                while (reply.hasRemaining() && channel.isOpen()) {
                    try {
                        channel.write(reply);
                    } catch (IOException e) {
                        drop(key, channel);
                        return;
                    }
                }
            }
        }
        buffer.compact();
    }

    private ByteBuffer answer(ByteBuffer frame) {
        int transaction = frame.getShort(0) & 0xFFFF;
        int unit = frame.get(6) & 0xFF;
        int function = frame.get(7) & 0xFF;
        functionCodes.computeIfAbsent(function, k -> new LongAdder()).increment();
        switch (mode) {
            case SILENT:
                return null;
            case GARBAGE:
                byte[] junk = new byte[5 + random.nextInt(20)];
                random.nextBytes(junk);
                return ByteBuffer.wrap(junk);
            case ILLEGAL_ADDRESS:
                return exception(transaction, unit, function, 2);
            default:
                break;
        }
        if (function != 3 && function != 4) {
            return exception(transaction, unit, function, 1);
        }
        int start = frame.getShort(8) & 0xFFFF;
        int count = frame.getShort(10) & 0xFFFF;
        if (count < 1 || count > 125) {
            return exception(transaction, unit, function, 3);
        }
        if (start + count > 65536) {
            return exception(transaction, unit, function, 2);
        }
        AtomicIntegerArray table = function == 3 ? holding : input;
        ByteBuffer reply = ByteBuffer.allocate(9 + 2 * count);
        reply.putShort((short) transaction).putShort((short) 0).putShort((short) (3 + 2 * count))
                .put((byte) unit).put((byte) function).put((byte) (2 * count));
        for (int i = 0; i < count; i++) {
            reply.putShort((short) table.get(start + i));
        }
        return reply.flip();
    }

    private static ByteBuffer exception(int transaction, int unit, int function, int code) {
        return ByteBuffer.allocate(9).putShort((short) transaction).putShort((short) 0).putShort((short) 3)
                .put((byte) unit).put((byte) (function | 0x80)).put((byte) code).flip();
    }

    private void drop(SelectionKey key, SocketChannel channel) throws IOException {
        key.cancel();
        connections.remove(channel);
        channel.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the listening socket and every connection, as a device that loses power. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(5000);
            for (SocketChannel channel : connections) {
                channel.close();
            }
            connections.clear();
            selector.close();
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
