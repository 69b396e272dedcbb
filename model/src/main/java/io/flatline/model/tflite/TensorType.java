package io.flatline.model.tflite;

/** TFLite tensor element types, by their schema code. Codes the engine does not know read as UNKNOWN. */
public enum TensorType {
    FLOAT32(0, 4),
    FLOAT16(1, 2),
    INT32(2, 4),
    UINT8(3, 1),
    INT64(4, 8),
    STRING(5, 0),
    BOOL(6, 1),
    INT16(7, 2),
    COMPLEX64(8, 8),
    INT8(9, 1),
    FLOAT64(10, 8),
    UNKNOWN(-1, 0);

    private final int code;
    private final int bytes;

    TensorType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    public int code() {
        return code;
    }

    /** Bytes per element; 0 for types without a fixed size. */
    public int bytes() {
        return bytes;
    }

    static TensorType of(int code) {
        for (TensorType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return UNKNOWN;
    }
}
