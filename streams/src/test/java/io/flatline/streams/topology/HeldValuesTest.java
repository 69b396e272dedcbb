package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

class HeldValuesTest {

    /** A store that keeps its values in a map and counts the reads that reach it. */
    private static final class CountingStore {
        final Map<String, String> values = new HashMap<>();
        int reads;

        @SuppressWarnings("unchecked")
        KeyValueStore<String, String> store() {
            return (KeyValueStore<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "get" -> {
                            reads++;
                            yield values.get((String) args[0]);
                        }
                        case "put" -> values.put((String) args[0], (String) args[1]);
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    @Test
    void readsEachKeyFromTheStoreOnceAbsentKeysIncluded() {
        CountingStore backing = new CountingStore();
        backing.values.put("press-01", "window-1");
        HeldValues<String> held = new HeldValues<>(backing.store());

        for (int i = 0; i < 3; i++) {
            assertThat(held.get("press-01")).isEqualTo("window-1");
            assertThat(held.get("press-02")).isNull();
        }

        assertThat(backing.reads).isEqualTo(2);
    }

    @Test
    void writesReachTheStoreAndLaterReadsSeeThem() {
        CountingStore backing = new CountingStore();
        HeldValues<String> held = new HeldValues<>(backing.store());
        assertThat(held.get("press-01")).isNull();

        held.put("press-01", "window-2");
        assertThat(held.get("press-01")).isEqualTo("window-2");
        assertThat(backing.values).doesNotContainKey("press-01");
        held.save();

        assertThat(backing.values).containsEntry("press-01", "window-2");
        assertThat(held.get("press-01")).isEqualTo("window-2");
        assertThat(backing.reads).isEqualTo(1);
    }

    @Test
    void aNewViewReadsTheStoreAgainAsAProcessorDoesAfterATaskIsRevived() {
        CountingStore backing = new CountingStore();
        HeldValues<String> before = new HeldValues<>(backing.store());
        before.put("press-01", "window-3");
        before.save();
        // The store is restored from the changelog to an earlier value while the task is revived.
        backing.values.put("press-01", "window-2");

        HeldValues<String> after = new HeldValues<>(backing.store());

        assertThat(after.get("press-01")).isEqualTo("window-2");
    }

    /** A record that fails half way: what it held is dropped, and the key read from the store again. */
    @Test
    void discardedWritesNeverReachTheStoreAndTheKeyIsReadAgain() {
        CountingStore backing = new CountingStore();
        backing.values.put("press-01", "window-1");
        HeldValues<String> held = new HeldValues<>(backing.store());
        held.put("press-01", "window-2");
        held.put("press-02", "window-9");

        held.discard();
        held.save();

        assertThat(backing.values).containsOnly(Map.entry("press-01", "window-1"));
        assertThat(held.get("press-01")).isEqualTo("window-1");
        assertThat(held.get("press-02")).isNull();
        assertThat(backing.reads).isEqualTo(2);
    }
}
