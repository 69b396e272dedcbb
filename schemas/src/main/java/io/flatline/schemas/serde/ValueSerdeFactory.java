package io.flatline.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Makes the value serdes of Flatline's topics. Flatline's own formats are chosen with {@code flatline.serde.format}
 * (see {@link WireFormat}); a deployment with other needs plugs its own factory in with the property
 * {@code flatline.serde.factory} (a class with a public no-argument constructor), and every module then reads
 * and writes through it.
 */
public interface ValueSerdeFactory {

    <T extends SpecificRecord> Serde<T> serdeFor(Class<T> recordClass, Map<String, ?> config);

    /** The factory of the project's own serdes. */
    final class SingleObject implements ValueSerdeFactory {
        @Override
        public <T extends SpecificRecord> Serde<T> serdeFor(Class<T> recordClass, Map<String, ?> config) {
            return FlatlineSerdes.forClass(recordClass);
        }
    }
}
