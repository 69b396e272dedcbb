package io.flatline.deploy.demo;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.flatline.ingest.devicemap.DeviceMapException;
import io.flatline.ingest.devicemap.DeviceMapLoader;
import io.flatline.ingest.metrics.IngestMetrics;
import io.flatline.ingest.poll.IngestService;
import io.flatline.ingest.publish.KafkaSink;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.app.FlatlineStreams;
import io.flatline.streams.app.StreamsSettings;
import io.flatline.streams.config.ModelConfig;
import io.flatline.streams.infer.FleetModels;

/**
 * One fleet's pipeline, as a plant would deploy it: ingest polling its boards into its topics, and a streams
 * application running the model those boards run. The demo runs two: the main fleet, and boards whose model
 * saturates (a fleet that runs another model needs its own reference).
 *
 * @param properties the Flatline and Kafka properties both services share (topic names among them)
 */
record Pipeline(String name, StreamsSettings settings, IngestService ingest, KafkaSink sink, IngestMetrics ingestMetrics,
                FlatlineStreams streams) implements AutoCloseable {

    static Pipeline start(String name, String bootstrap, Map<String, String> topicNames, Path deviceMap,
                          Path modelConfig, Path stateDir, Optional<InetSocketAddress> http)
            throws DeviceMapException {
        Map<String, String> props = new HashMap<>(topicNames);
        props.put("application.id", "flatline-demo-" + name);
        props.put("state.dir", stateDir.toString());
        props.put("commit.interval.ms", "200");
        props.put(StreamsSettings.DEAD_LETTER_TOPIC, "flatline.demo-" + name + ".dead-letters");
        props.put(StreamsSettings.PARTITIONS, "3");
        ModelConfig config = ModelConfig.load(modelConfig);
        StreamsSettings settings = new StreamsSettings(modelConfig, bootstrap, props, http);
        // Streams first: it creates the topics that ingest then writes to.
        FlatlineStreams streams = FlatlineStreams.start(settings, FleetModels.load(config));
        Map<String, String> sinkProps = new HashMap<>(topicNames);
        sinkProps.put("bootstrap.servers", bootstrap);
        sinkProps.put("client.id", "flatline-demo-ingest-" + name);
        IngestMetrics metrics = new IngestMetrics();
        KafkaSink sink = new KafkaSink(sinkProps, metrics);
        IngestService ingest = new IngestService(DeviceMapLoader.load(deviceMap), sink, metrics);
        ingest.start();
        return new Pipeline(name, settings, ingest, sink, metrics, streams);
    }

    /** Topic names for a pipeline: the defaults for the main fleet, prefixed ones for another. */
    static Map<String, String> topicNames(String prefix) {
        Map<String, String> names = new HashMap<>();
        if (prefix != null) {
            for (String id : Topics.ids()) {
                names.put(Topics.TOPIC_PREFIX + id, prefix + "." + id);
            }
        }
        return names;
    }

    /** Where this pipeline's HTTP API (the fleet page, its JSON, /metrics) answers, when it runs. */
    Optional<String> httpUrl() {
        return settings.http().map(a -> "http://" + a.getHostString() + ":" + streams.httpPort() + "/");
    }

    Topics topics() {
        return settings.topics();
    }

    @Override
    public void close() {
        // Pollers stop first, then what they produced is flushed, then streams finishes and commits.
        ingest.close();
        sink.close();
        streams.close();
    }
}
