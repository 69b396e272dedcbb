package io.flatline.schemas.serde;

import java.util.AbstractList;
import java.util.RandomAccess;

/** A decoded array of floats, kept unboxed; unmodifiable. */
final class FloatList extends AbstractList<Float> implements RandomAccess {

    private final float[] values;

    FloatList(float[] values) {
        this.values = values;
    }

    @Override
    public Float get(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }
}
