package io.flatline.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.flatline.schemas.SampleRecords;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Holds the record classes to the published history, so no schema change ships unpublished or incompatible. */
class SchemaHistoryTest {

    static List<SpecificRecord> records() {
        return SampleRecords.oneOfEach("d");
    }

    @ParameterizedTest
    @MethodSource("records")
    void theCurrentSchemaIsTheNewestPublishedVersion(SpecificRecord record) {
        List<Schema> versions = SchemaHistory.versionsOf(record.getSchema().getFullName());
        assertThat(versions).as("published versions of %s (add the new version to history/INDEX)",
                record.getSchema().getName()).isNotEmpty();
        assertThat(SchemaNormalization.parsingFingerprint64(versions.get(versions.size() - 1)))
                .as("the newest published %s is the one the code writes", record.getSchema().getName())
                .isEqualTo(SchemaNormalization.parsingFingerprint64(record.getSchema()));
    }

    @ParameterizedTest
    @MethodSource("records")
    void theCurrentSchemaReadsEveryPublishedVersion(SpecificRecord record) {
        for (Schema older : SchemaHistory.versionsOf(record.getSchema().getFullName())) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(record.getSchema(), older);
            assertThat(result.getType()).as(result.getDescription())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }
}
