package io.flatline.deploy.packaging;

import static io.flatline.deploy.packaging.Packaging.at;
import static io.flatline.deploy.packaging.Packaging.documents;
import static io.flatline.deploy.packaging.Packaging.intAt;
import static io.flatline.deploy.packaging.Packaging.list;
import static io.flatline.deploy.packaging.Packaging.listAt;
import static io.flatline.deploy.packaging.Packaging.map;
import static io.flatline.deploy.packaging.Packaging.mapAt;
import static io.flatline.deploy.packaging.Packaging.stringAt;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.flatline.ingest.devicemap.DeviceMap;
import io.flatline.schemas.topic.Topics;
import io.flatline.streams.config.ModelConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Holds the Kubernetes manifests in deploy/k8s to the code: the topic registry, the launcher's options, the
 * files the services read and the way the streams instances find each other. Nothing here needs a cluster.
 */
class KubernetesManifestsTest {

    private static final String STRIMZI = "kafka.strimzi.io/v1beta2";
    private static final Path DIR = Packaging.moduleDir().resolve("k8s");
    private static List<Map<String, Object>> resources;

    @BeforeAll
    static void readEveryManifest() throws IOException {
        resources = new ArrayList<>();
        for (Path file : manifestFiles()) {
            resources.addAll(documents(file));
        }
        for (Map<String, Object> r : resources) {
            assertThat(r).as("every resource has apiVersion, kind and metadata.name").containsKeys("apiVersion", "kind");
            assertThat(stringAt(r, "metadata", "name")).isNotBlank();
        }
    }

    private static List<Path> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted().toList();
        }
    }

    private static List<Map<String, Object>> ofKind(String kind) {
        return resources.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    private static Map<String, Object> named(String kind, String name) {
        List<Map<String, Object>> found = ofKind(kind).stream()
                .filter(r -> name.equals(stringAt(r, "metadata", "name"))).toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> kafkaTopic(String topicName) {
        List<Map<String, Object>> found = ofKind("KafkaTopic").stream()
                .filter(t -> topicName.equals(stringAt(t, "spec", "topicName"))).toList();
        assertThat(found).as("KafkaTopic resources for %s", topicName).hasSize(1);
        return found.get(0);
    }

    private static Map<String, Object> topicConfig(Map<String, Object> topic) {
        return mapAt(topic, "spec", "config");
    }

    private static Map<String, Object> container(Map<String, Object> workload) {
        List<Object> containers = listAt(workload, "spec", "template", "spec", "containers");
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    private static CommandLine.ParseResult command(Map<String, Object> workload) {
        return Packaging.parse(listAt(container(workload), "args"));
    }

    /** The volume of a pod spec (or claim template) mounted at a directory containing {@code path}. */
    private static String volumeHolding(Map<String, Object> workload, String path) {
        for (Object m : listAt(container(workload), "volumeMounts")) {
            String mountPath = stringAt(m, "mountPath");
            if (path.equals(mountPath) || path.startsWith(mountPath + "/")) {
                return stringAt(m, "name");
            }
        }
        throw new AssertionError("no volume is mounted where " + path + " is");
    }

    private static Map<String, Object> podVolume(Map<String, Object> workload, String name) {
        return listAt(workload, "spec", "template", "spec", "volumes").stream().map(Packaging::map)
                .filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no pod volume " + name));
    }

    private static int containerPort(Map<String, Object> workload, String name) {
        return listAt(container(workload), "ports").stream().map(Packaging::map)
                .filter(p -> name.equals(p.get("name"))).map(p -> intAt(p, "containerPort")).findFirst()
                .orElseThrow(() -> new AssertionError("no container port " + name));
    }

    private static Map<String, Object> configMap(String name) {
        return named("ConfigMap", name);
    }

    @Test
    void everyRegistryTopicAndTheDeadLetterTopicHasExactlyOneKafkaTopic() {
        Map<String, Boolean> required = Packaging.requiredTopics();
        List<String> declared = ofKind("KafkaTopic").stream().map(t -> stringAt(t, "spec", "topicName")).toList();
        assertThat(declared).as("topics declared as KafkaTopic resources").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(required.keySet());
        for (String name : required.keySet()) {
            Map<String, Object> topic = kafkaTopic(name);
            assertThat(stringAt(topic, "apiVersion")).isEqualTo(STRIMZI);
            assertThat(stringAt(topic, "metadata", "name")).as("metadata.name of %s", name).isEqualTo(name);
        }
    }

    @Test
    void compactionIsWhatTheRegistrySays() {
        Packaging.requiredTopics().forEach((name, compacted) -> {
            Object policy = topicConfig(kafkaTopic(name)).get("cleanup.policy");
            if (compacted) {
                assertThat(policy).as("cleanup.policy of %s", name).isEqualTo("compact");
            } else {
                assertThat(String.valueOf(policy)).as("cleanup.policy of %s", name).doesNotContain("compact");
            }
        });
    }

    @Test
    void theInputTopicsAreCoPartitionedAndStreamsWouldCreateThemAlike() {
        Topics topics = Topics.defaults();
        int readings = intAt(kafkaTopic(topics.sensorReadings().name()), "spec", "partitions");
        int inferences = intAt(kafkaTopic(topics.boardInferences().name()), "spec", "partitions");
        assertThat(inferences).as("partitions of the two input topics").isEqualTo(readings);
        String fallback = Packaging.properties(command(named("StatefulSet", "flatline-streams")))
                .get("flatline.partitions");
        assertThat(fallback).as("flatline.partitions of the streams instances").isEqualTo(String.valueOf(readings));
        int instances = intAt(named("StatefulSet", "flatline-streams"), "spec", "replicas");
        assertThat(readings % instances).as("partitions spread evenly over %s instances", instances).isZero();
    }

    @Test
    void replicationSurvivesOneBrokerAndFitsTheCluster() {
        Map<String, Object> kafka = ofKind("Kafka").stream().findFirst().orElseThrow();
        String cluster = stringAt(kafka, "metadata", "name");
        int brokers = ofKind("KafkaNodePool").stream()
                .filter(p -> listAt(p, "spec", "roles").contains("broker"))
                .filter(p -> cluster.equals(stringAt(p, "metadata", "labels", "strimzi.io/cluster")))
                .mapToInt(p -> intAt(p, "spec", "replicas")).sum();
        assertThat(brokers).as("brokers of cluster %s", cluster).isGreaterThanOrEqualTo(3);
        for (Map<String, Object> topic : ofKind("KafkaTopic")) {
            String name = stringAt(topic, "spec", "topicName");
            assertThat(stringAt(topic, "metadata", "labels", "strimzi.io/cluster")).as("cluster of %s", name)
                    .isEqualTo(cluster);
            int replicas = intAt(topic, "spec", "replicas");
            int minIsr = Integer.parseInt(String.valueOf(topicConfig(topic).get("min.insync.replicas")));
            assertThat(replicas).as("replicas of %s", name).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(brokers);
            assertThat(minIsr).as("min.insync.replicas of %s", name).isGreaterThanOrEqualTo(2).isLessThan(replicas);
        }
        // exactly-once: the transaction state log must be replicated like the data, or transactions stall
        Map<String, Object> config = mapAt(kafka, "spec", "kafka", "config");
        int txReplicas = Integer.parseInt(String.valueOf(config.get("transaction.state.log.replication.factor")));
        int txMinIsr = Integer.parseInt(String.valueOf(config.get("transaction.state.log.min.isr")));
        assertThat(txReplicas).isGreaterThanOrEqualTo(3).isLessThanOrEqualTo(brokers);
        assertThat(txMinIsr).isGreaterThanOrEqualTo(2).isLessThan(txReplicas);
        assertThat(String.valueOf(config.get("auto.create.topics.enable"))).isEqualTo("false");
    }

    @Test
    void theServicesReachTheClustersBootstrapListener() {
        Map<String, Object> kafka = ofKind("Kafka").stream().findFirst().orElseThrow();
        int plainPort = listAt(kafka, "spec", "kafka", "listeners").stream().map(Packaging::map)
                .filter(l -> "false".equals(String.valueOf(l.get("tls")))).map(l -> intAt(l, "port")).findFirst()
                .orElseThrow();
        String bootstrap = stringAt(kafka, "metadata", "name") + "-kafka-bootstrap:" + plainPort;
        for (Map<String, Object> workload : List.of(named("Deployment", "flatline-ingest"),
                named("StatefulSet", "flatline-streams"))) {
            assertThat(command(workload).<String>matchedOptionValue("--bootstrap-servers", null))
                    .as("bootstrap servers of %s", stringAt(workload, "metadata", "name")).isEqualTo(bootstrap);
        }
    }

    @Test
    void streamsKeepsItsStateOnAClaimedVolumeAtTheStateDirItPasses() {
        Map<String, Object> streams = named("StatefulSet", "flatline-streams");
        CommandLine.ParseResult command = command(streams);
        assertThat(command.commandSpec().name()).isEqualTo("streams");
        String stateDir = Packaging.properties(command).get("state.dir");
        assertThat(stateDir).as("state.dir passed to streams").isNotBlank();
        String volume = volumeHolding(streams, stateDir);
        List<String> claims = listAt(streams, "spec", "volumeClaimTemplates").stream()
                .map(c -> stringAt(c, "metadata", "name")).toList();
        assertThat(claims).as("volumeClaimTemplates").contains(volume);
        assertThat(listAt(streams, "spec", "template", "spec", "volumes").stream()
                .map(v -> stringAt(v, "name"))).as("a pod volume must not shadow the claim").doesNotContain(volume);
        // the non-root user must be able to write the claimed volume
        Map<String, Object> security = mapAt(streams, "spec", "template", "spec", "securityContext");
        assertThat(security.get("fsGroup")).as("fsGroup").isNotNull();
    }

    @Test
    void streamsInstancesAdvertiseTheirPodDnsNameSoTheHttpApiCanRoute() {
        Map<String, Object> streams = named("StatefulSet", "flatline-streams");
        CommandLine.ParseResult command = command(streams);
        String http = command.matchedOptionValue("--http", null);
        assertThat(http).as("--http").startsWith("0.0.0.0:");
        int port = Integer.parseInt(http.substring(http.lastIndexOf(':') + 1));
        assertThat(containerPort(streams, "http")).isEqualTo(port);

        String serviceName = stringAt(streams, "spec", "serviceName");
        Map<String, Object> headless = named("Service", serviceName);
        assertThat(stringAt(headless, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(headless, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        assertThat(mapAt(streams, "spec", "template", "metadata", "labels"))
                .containsAllEntriesOf(map(mapAt(headless, "spec", "selector")));
        assertThat(listAt(headless, "spec", "ports").stream().map(p -> intAt(p, "port"))).contains(port);

        assertThat(Packaging.properties(command).get("application.server")).as("application.server")
                .isEqualTo("$(POD_NAME)." + serviceName + ".$(POD_NAMESPACE).svc.cluster.local:" + port);
        Map<String, String> fieldRefs = new HashMap<>();
        for (Object env : listAt(container(streams), "env")) {
            Optional.ofNullable(map(env).get("valueFrom"))
                    .ifPresent(v -> fieldRefs.put(stringAt(env, "name"), stringAt(v, "fieldRef", "fieldPath")));
        }
        assertThat(fieldRefs).containsEntry("POD_NAME", "metadata.name")
                .containsEntry("POD_NAMESPACE", "metadata.namespace");
    }

    @Test
    void probesAskTheHttpApiOnItsPort() {
        Map<String, Object> streams = named("StatefulSet", "flatline-streams");
        Map<String, Object> c = container(streams);
        // the routes io.flatline.streams.api.HttpApi serves without a device id
        List<String> routes = List.of("/metrics", "/devices", "/alerts", "/fleet", "/local/devices", "/local/alerts",
                "/local/fleet");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(routes).as("%s path", probe).contains(stringAt(c, probe, "httpGet", "path"));
            assertThat(stringAt(c, probe, "httpGet", "port")).isIn("http", String.valueOf(containerPort(streams, "http")));
        }
        assertThat(stringAt(c, "readinessProbe", "httpGet", "path")).as("readiness follows Kafka Streams' state,"
                + " locally: /metrics is always 200 and /fleet asks every instance").isEqualTo("/local/fleet");

        Map<String, Object> ingest = named("Deployment", "flatline-ingest");
        int metricsPort = Integer.parseInt(command(ingest).matchedOptionValue("--metrics-port", -1).toString());
        assertThat(containerPort(ingest, "metrics")).isEqualTo(metricsPort);
        assertThat(stringAt(container(ingest), "livenessProbe", "httpGet", "path")).isEqualTo("/metrics");
    }

    @Test
    void ingestRunsOncePerDeviceMap() {
        Map<String, Object> ingest = named("Deployment", "flatline-ingest");
        assertThat(intAt(ingest, "spec", "replicas")).as("two pollers would publish every reading twice").isEqualTo(1);
        assertThat(stringAt(ingest, "spec", "strategy", "type")).isEqualTo("Recreate");
        assertThat(command(ingest).commandSpec().name()).isEqualTo("ingest");
    }

    @Test
    void theDeviceMapAndModelConfigAreMountedWhereTheCommandsReadThem(@TempDir Path scratch) throws Exception {
        Map<String, Object> ingest = named("Deployment", "flatline-ingest");
        Path devices = command(ingest).matchedOptionValue("--devices", null);
        Map<String, Object> devicesVolume = podVolume(ingest, volumeHolding(ingest, devices.toString()));
        String devicesMap = stringAt(devicesVolume, "configMap", "name");
        String devicesText = stringAt(configMap(devicesMap), "data", devices.getFileName().toString());
        DeviceMap deviceMap = Packaging.deviceMap(Path.of("k8s/config.yaml"), devicesText);
        assertThat(deviceMap.devices()).isNotEmpty();

        Map<String, Object> streams = named("StatefulSet", "flatline-streams");
        Path config = command(streams).matchedOptionValue("--config", null);
        Map<String, Object> modelVolume = podVolume(streams, volumeHolding(streams, config.toString()));
        List<String> projected = listAt(modelVolume, "projected", "sources").stream()
                .map(s -> stringAt(s, "configMap", "name")).toList();
        String modelText = projected.stream().map(KubernetesManifestsTest::configMap)
                .map(m -> map(m.get("data")).get(config.getFileName().toString())).filter(v -> v != null)
                .map(String::valueOf).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap of " + projected + " holds " + config.getFileName()));
        ModelConfig model = Packaging.modelConfig(scratch, modelText);
        assertThat(model.normalization().channels()).as("normalised channels vs the device map's channels")
                .isEqualTo(deviceMap.devices().get(0).channels().size());
        // the .tflite comes from a ConfigMap the user creates; it must be projected beside the model config
        assertThat(projected).hasSize(2).contains("flatline-model-file");
        assertThat(config.getParent().toString()).isEqualTo(stringAt(listAt(container(streams), "volumeMounts").stream()
                .map(Packaging::map).filter(m -> modelVolume.get("name").equals(m.get("name"))).findFirst().orElseThrow(),
                "mountPath"));
    }

    @Test
    void kustomizationAppliesEveryManifestWithTheImageJibBuilds() throws IOException {
        Map<String, Object> kustomization = documents(DIR.resolve("kustomization.yaml")).get(0);
        List<String> listed = listAt(kustomization, "resources").stream().map(String::valueOf).toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(
                manifestFiles().stream().map(f -> f.getFileName().toString()).toList());
        Map<String, Object> image = map(listAt(kustomization, "images").get(0));
        for (Map<String, Object> workload : List.of(named("Deployment", "flatline-ingest"),
                named("StatefulSet", "flatline-streams"))) {
            assertThat(stringAt(container(workload), "image")).isEqualTo(stringAt(image, "name"));
        }
        assertThat(stringAt(image, "newTag")).isEqualTo(Packaging.projectVersion());
        assertThat(list(listAt(kustomization, "resources"))).isNotEmpty();
    }
}
