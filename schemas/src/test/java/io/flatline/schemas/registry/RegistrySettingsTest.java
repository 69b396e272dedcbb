package io.flatline.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.flatline.schemas.serde.WireFormat;
import io.flatline.schemas.topic.Topics;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The registry's properties read as Kafka users write them for Confluent's serdes, and refused clearly. */
class RegistrySettingsTest {

    @Test
    void noUrlMeansNoRegistry() {
        assertThat(RegistrySettings.from(Map.of())).isEmpty();
    }

    @Test
    void userInfoBecomesABasicAuthorizationHeaderAndIsNeverPrinted() {
        RegistrySettings settings = RegistrySettings.from(Map.of(RegistrySettings.URL, "https://sr.example:8081/",
                RegistrySettings.CREDENTIALS_SOURCE, "USER_INFO", RegistrySettings.USER_INFO, "flatline:s3cret"))
                .orElseThrow();

        assertThat(settings.urls()).containsExactly(URI.create("https://sr.example:8081"));
        assertThat(settings.authorization()).contains(basic("flatline:s3cret"));
        assertThat(settings.toString()).doesNotContain("s3cret").contains("basic auth");
    }

    @Test
    void credentialsInTheUrlAreTheDefaultSourceAndLeaveTheUrl() {
        RegistrySettings settings = RegistrySettings.from(Map.of(RegistrySettings.URL,
                "http://a:pw@one.example:8081/apis/ccompat/v7, http://two.example:8081/apis/ccompat/v7"))
                .orElseThrow();

        assertThat(settings.urls()).containsExactly(URI.create("http://one.example:8081/apis/ccompat/v7"),
                URI.create("http://two.example:8081/apis/ccompat/v7"));
        assertThat(settings.authorization()).contains(basic("a:pw"));
    }

    @Test
    void whatCannotWorkIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> RegistrySettings.from(Map.of(RegistrySettings.URL, "http://sr:8081",
                RegistrySettings.CREDENTIALS_SOURCE, "SASL_INHERIT")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(RegistrySettings.CREDENTIALS_SOURCE);
        assertThatThrownBy(() -> RegistrySettings.from(Map.of(RegistrySettings.URL, "http://sr:8081",
                RegistrySettings.CREDENTIALS_SOURCE, "USER_INFO")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(RegistrySettings.USER_INFO);
        assertThatThrownBy(() -> RegistrySettings.from(Map.of(RegistrySettings.URL, "sr:8081")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http://HOST:PORT");
        assertThatThrownBy(() -> RegistrySettings.from(Map.of(RegistrySettings.URL, "https://sr:8081",
                RegistrySettings.SSL_PREFIX + "truststore.location", "/no/such/trust.p12")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("/no/such/trust.p12");
        assertThatThrownBy(() -> Topics.fromConfig(Map.of(WireFormat.PROPERTY, "confluent")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(RegistrySettings.URL);
        assertThatThrownBy(() -> Topics.fromConfig(Map.of(WireFormat.PROPERTY, "protobuf")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("single-object, confluent");
    }

    @Test
    void registryPropertiesAreToldFromKafkaClientProperties() {
        assertThat(RegistrySettings.isRegistryProperty("schema.registry.url")).isTrue();
        assertThat(RegistrySettings.isRegistryProperty("schema.registry.ssl.truststore.location")).isTrue();
        assertThat(RegistrySettings.isRegistryProperty("basic.auth.user.info")).isTrue();
        assertThat(RegistrySettings.isRegistryProperty("ssl.truststore.location")).isFalse();
        assertThat(RegistrySettings.isRegistryProperty("sasl.jaas.config")).isFalse();
    }

    private static String basic(String userInfo) {
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }
}
