package io.flatline.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTextTest {

    @Test
    void labelValuesEscapeBackslashQuoteAndLineFeedAsTheExpositionFormatSays() {
        assertThat(MetricsText.labelValue("C:\\state \"a\"\nnext")).isEqualTo("C:\\\\state \\\"a\\\"\\nnext");
        assertThat(MetricsText.labelValue("flatline-StreamThread-1")).isEqualTo("flatline-StreamThread-1");
    }
}
