package io.flatline.ingest.devicemap;

import java.nio.file.Path;
import java.util.List;

/** A validated device map: every device with its defaults applied, in file order. */
public record DeviceMap(Path source, List<Device> devices) {
    public DeviceMap {
        devices = List.copyOf(devices);
    }
}
