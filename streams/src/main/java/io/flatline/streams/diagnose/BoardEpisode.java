package io.flatline.streams.diagnose;

/**
 * What the comparison with the reference saw during one run of a board's identical outputs: the evidence for
 * telling the causes of a stuck board apart.
 *
 * @param compared           board inferences of the run that were matched with a reference window
 * @param inputMismatches    of those, how many the board had quantized differently from the reference
 * @param inputUnknown       of those, how many carried no input CRC from the board
 * @param referenceOutputs   how many times the reference's output changed over those windows, plus one
 * @param lastReferenceOut   the reference output of the latest matched window (to count its changes)
 */
public record BoardEpisode(int compared, int inputMismatches, int inputUnknown, int referenceOutputs,
                           byte[] lastReferenceOut) {

    public static BoardEpisode empty() {
        return new BoardEpisode(0, 0, 0, 0, null);
    }

    /** Adds one matched window; {@code inputMatch} is null when the board reported no input CRC. */
    public BoardEpisode add(Boolean inputMatch, byte[] referenceOut) {
        boolean changed = lastReferenceOut == null || !java.util.Arrays.equals(lastReferenceOut, referenceOut);
        return new BoardEpisode(compared + 1, inputMismatches + (Boolean.FALSE.equals(inputMatch) ? 1 : 0),
                inputUnknown + (inputMatch == null ? 1 : 0), referenceOutputs + (changed ? 1 : 0),
                referenceOut.clone());
    }
}
