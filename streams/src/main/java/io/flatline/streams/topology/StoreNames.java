package io.flatline.streams.topology;

/** The application's state stores; the HTTP API reads some of them, so their names are part of the code's API. */
public final class StoreNames {

    /** Per device: the count window of quantized readings and the reference detector's run. */
    public static final String WINDOWS = "windows";
    /**
     * Per device and chunk of 50 seqs: recent reference windows, for matching board inferences. Its keys carry the
     * id's length (see {@code ReferenceWindows.chunkKey}); the store before them was {@code reference-chunks}.
     */
    public static final String REFERENCE_CHUNKS = "window-chunks";
    /** Per board: the board monitor's state. */
    public static final String BOARDS = "boards";
    /** Per device with an open alarm: its open alarms (reference and board) and their episodes. */
    public static final String ALARMS = "alarms";
    /** Per device: the latest DeviceHealth. */
    public static final String HEALTH = "health";

    private StoreNames() {
    }
}
