package io.flatline.deploy.demo;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Optional;

import io.flatline.simulator.fleet.Fault;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One demo stack (broker, simulated boards with every fault, ingest, streams and their HTTP APIs) shared by the
 * tests of one class and its nested classes, which look at a running fleet from outside: its page, its JSON, its
 * metrics. Started by the first test that asks, stopped when the outermost class is done (other classes count the
 * threads and ports they leave behind); starting one is most of what such a test costs. A test gets it as a
 * {@link DemoStack} parameter under {@code @ExtendWith(RunningDemo.class)}.
 */
public final class RunningDemo implements ParameterResolver {

    private static final String KEY = RunningDemo.class.getName();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == DemoStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return in(context);
    }

    /** The stack, started on first use, in the store of the outermost test class, which outlives its nested ones. */
    private static synchronized DemoStack in(ExtensionContext context) {
        ExtensionContext outermost = context;
        while (outermost.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
            outermost = outermost.getParent().get();
        }
        return outermost.getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(KEY, k -> new Closing(start()), Closing.class).stack();
    }

    private static DemoStack start() {
        List<Fault> faults = List.of(Fault.NPU_STUCK, Fault.PREPROCESSING_MISMATCH, Fault.SATURATED_MODEL,
                Fault.SENSOR_STALE, Fault.INTERMITTENT);
        try {
            return DemoStack.start(new DemoStack.Options(freePort(), Optional.empty(), 7, faults, 1,
                    Optional.of(new InetSocketAddress("127.0.0.1", 0))), line -> { }, line -> { });
        } catch (Exception e) {
            throw new IllegalStateException("the demo stack did not start: " + e.getMessage(), e);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private record Closing(DemoStack stack) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            stack.close();
        }
    }
}
