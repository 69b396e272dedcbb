package io.flatline.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitBufferedStoreTest {

    private static final String STORE = "buffered";

    @TempDir
    Path stateDir;

    private static StoreBuilder<KeyValueStore<String, String>> persistent() {
        return CommitBufferedStore.around(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
                Serdes.String(), Serdes.String()));
    }

    /** Puts a draft and then the record's value under its key, and forwards what a read then returns. */
    private static final class DraftThenFinal implements Processor<String, String, String, String> {
        private ProcessorContext<String, String> context;
        private KeyValueStore<String, String> store;

        @Override
        public void init(ProcessorContext<String, String> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            store.put(record.key(), record.value() + "-draft");
            store.put(record.key(), record.value());
            context.forward(record.withValue(store.get(record.key())));
        }
    }

    /**
     * Through Kafka Streams' own task commit (the test driver commits after every input record): the changelog
     * gets each key's value as it stands at the commit, once, and the processor reads its own writes before it.
     */
    @Test
    void sendsEachKeysValueAtTheCommitToTheChangelogOnce() {
        Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "input");
        topology.addProcessor("write", DraftThenFinal::new, "in");
        topology.addStateStore(persistent(), "write");
        topology.addSink("out", "output", new StringSerializer(), new StringSerializer(), "write");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "buffered-test");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());

        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            var input = driver.createInputTopic("input", new StringSerializer(), new StringSerializer());
            input.pipeInput("press-01", "w1");
            input.pipeInput("press-01", "w2");
            input.pipeInput("press-02", "w3");

            assertThat(driver.createOutputTopic("output", new StringDeserializer(), new StringDeserializer())
                    .readValuesToList()).containsExactly("w1", "w2", "w3");
            assertThat(driver.createOutputTopic("buffered-test-" + STORE + "-changelog", new StringDeserializer(),
                    new StringDeserializer()).readKeyValuesToList()).containsExactly(KeyValue.pair("press-01", "w1"),
                    KeyValue.pair("press-01", "w2"), KeyValue.pair("press-02", "w3"));
        }
    }

    @Test
    void holdsValuesUntilTheCacheFlushAndShowsThemToOtherThreadsMeanwhile() throws Exception {
        CommitBufferedStore<String, String> store = inMemory();
        store.put("press-01", "w1");

        assertThat(store.wrapped().get("press-01")).as("not yet flushed").isNull();
        assertThat(CompletableFuture.supplyAsync(() -> store.get("press-01")).get()).isEqualTo("w1");

        store.flushCache();

        assertThat(store.wrapped().get("press-01")).isEqualTo("w1");
        assertThat(store.get("press-01")).isEqualTo("w1");
    }

    @Test
    void holdsDeletesUntilTheCacheFlushToo() {
        CommitBufferedStore<String, String> store = inMemory();
        store.put("press-01", "w1");
        store.flushCache();
        store.put("press-01", "w2");

        assertThat(store.delete("press-01")).isEqualTo("w2");
        assertThat(store.get("press-01")).isNull();
        assertThat(store.wrapped().get("press-01")).as("not yet flushed").isEqualTo("w1");

        store.flushCache();

        assertThat(store.wrapped().get("press-01")).isNull();
        store.put("press-02", "w3");
        store.put("press-02", null);
        assertThat(store.get("press-02")).isNull();
    }

    @Test
    void iteratesWhatItHoldsOnItsOwnThreadAndWhatWasFlushedOnOthers() throws Exception {
        CommitBufferedStore<String, String> store = inMemory();
        store.put("press-01", "w1");
        store.flushCache();
        store.put("press-02", "w2");
        store.put("press-01", null);

        assertThat(CompletableFuture.supplyAsync(() -> keys(store)).get()).containsExactly("press-01");
        assertThat(keys(store)).containsExactly("press-02");
        assertThat(store.wrapped().get("press-02")).as("written by the iteration on the store's thread").isEqualTo("w2");
    }

    private static List<String> keys(CommitBufferedStore<String, String> store) {
        List<String> keys = new ArrayList<>();
        try (var all = store.all()) {
            all.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void refusesARecordCacheUnderIt() {
        assertThatThrownBy(() -> persistent().withCachingEnabled()).isInstanceOf(UnsupportedOperationException.class);
    }

    private static CommitBufferedStore<String, String> inMemory() {
        KeyValueStore<String, String> store = CommitBufferedStore.around(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.String()).withLoggingDisabled()).build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        return (CommitBufferedStore<String, String>) store;
    }
}
