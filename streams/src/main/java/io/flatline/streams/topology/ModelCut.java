package io.flatline.streams.topology;

/**
 * A device moved to another model: its window, its runs and its comparison start afresh, and no alarm spans the
 * cut. The inference processor hands it to the monitor before anything of the new model; passed in memory from one
 * processor to the next, never serialized.
 *
 * @param to     the id of the model it runs from now on
 * @param firstSeq the seq of the first window of the new model: the board's reports of it and later ones wait
 *                 for the new model's windows
 */
record ModelCut(String to, long firstSeq) {
}
