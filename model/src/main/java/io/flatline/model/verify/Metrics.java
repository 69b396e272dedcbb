package io.flatline.model.verify;

/**
 * The metrics ST Edge AI's validation reports for a target against its reference, on dequantized
 * outputs: ACC (top-1 agreement), RMSE, MAE, L2R (L2 norm of the error over that of the
 * reference), MEAN and STD of the error (target - reference), NSE (Nash-Sutcliffe efficiency) and
 * COS (cosine similarity of the flattened outputs).
 */
public record Metrics(double acc, double rmse, double mae, double l2r, double mean, double std, double nse,
        double cos) {

    /** {@code reference[i]} and {@code target[i]} are inference i's output vectors. */
    public static Metrics of(double[][] reference, double[][] target) {
        int n = 0;
        int agree = 0;
        double sumErr = 0;
        double sumAbs = 0;
        double sumSq = 0;
        double sumRef = 0;
        double sumRefSq = 0;
        double dot = 0;
        double sumTargetSq = 0;
        for (int i = 0; i < reference.length; i++) {
            agree += argmax(reference[i]) == argmax(target[i]) ? 1 : 0;
            for (int j = 0; j < reference[i].length; j++) {
                double r = reference[i][j];
                double t = target[i][j];
                double e = t - r;
                sumErr += e;
                sumAbs += Math.abs(e);
                sumSq += e * e;
                sumRef += r;
                sumRefSq += r * r;
                dot += r * t;
                sumTargetSq += t * t;
                n++;
            }
        }
        if (n == 0) {
            return new Metrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN);
        }
        double mean = sumErr / n;
        double variance = Math.max(0, sumSq / n - mean * mean);
        double refMean = sumRef / n;
        double refSpread = sumRefSq - n * refMean * refMean;
        double nse = refSpread > 0 ? 1 - sumSq / refSpread : (sumSq == 0 ? 1 : Double.NEGATIVE_INFINITY);
        double l2r = sumRefSq > 0 ? Math.sqrt(sumSq / sumRefSq) : (sumSq == 0 ? 0 : Double.POSITIVE_INFINITY);
        double norms = Math.sqrt(sumRefSq * sumTargetSq);
        double cos = norms > 0 ? dot / norms : (sumRefSq == sumTargetSq ? 1 : 0);
        return new Metrics(agree / (double) reference.length, Math.sqrt(sumSq / n), sumAbs / n, l2r, mean,
                Math.sqrt(variance), nse, cos);
    }

    /** Index of the largest value, the first on ties (as argmax in NumPy). */
    public static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
