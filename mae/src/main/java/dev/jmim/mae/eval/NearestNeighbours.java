package dev.jmim.mae.eval;

import dev.jmim.autograd.Autograd;
import dev.jmim.tensor.Scope;
import dev.jmim.tensor.Tensor;

/**
 * kNN classification by cosine similarity: each test feature takes the majority label of its k most
 * similar training features (ties between labels go to the larger summed similarity, then the smaller
 * label). Similarities come from one matrix product per block of test rows.
 */
public final class NearestNeighbours {
    private static final int BLOCK = 256;

    private NearestNeighbours() {}

    /** Top-1 accuracy on {@code test} with neighbours from {@code train}. */
    public static double accuracy(Features.Set train, Features.Set test, int classes, int k) {
        if (k < 1 || k > train.size()) {
            throw new IllegalArgumentException(
                    "kNN: k must be in 1.." + train.size() + " (the training images), got " + k);
        }
        int correct = 0;
        try (Scope _ = Scope.open();
                var _ = Autograd.noGrad()) {
            Tensor keys = unit(train.values());
            for (int start = 0; start < test.size(); start += BLOCK) {
                int n = Math.min(BLOCK, test.size() - start);
                float[] sims;
                try (Scope _ = Scope.open()) {
                    sims = unit(test.values().narrow(0, start, n))
                            .matmul(keys.mT())
                            .toFloatArray();
                }
                for (int i = 0; i < n; i++) {
                    int label = vote(sims, i * train.size(), train.size(), train.labels(), classes, k);
                    correct += label == test.labels()[start + i] ? 1 : 0;
                }
            }
        }
        return (double) correct / test.size();
    }

    private static Tensor unit(Tensor rows) {
        return rows.div(rows.mul(rows).sum(new int[] {1}, true).sqrt().maximum(Tensor.scalar(1e-12)));
    }

    /** The majority label among the k largest of sims[from, from + n). */
    static int vote(float[] sims, int from, int n, int[] labels, int classes, int k) {
        int[] top = new int[k]; // indices, kept as a min-heap on similarity
        int size = 0;
        for (int j = 0; j < n; j++) {
            float s = sims[from + j];
            if (size < k) {
                top[size++] = j;
                siftUp(top, size - 1, sims, from);
            } else if (s > sims[from + top[0]]) {
                top[0] = j;
                siftDown(top, k, sims, from);
            }
        }
        int[] votes = new int[classes];
        double[] weight = new double[classes];
        for (int t = 0; t < size; t++) {
            votes[labels[top[t]]]++;
            weight[labels[top[t]]] += sims[from + top[t]];
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (votes[c] > votes[best] || (votes[c] == votes[best] && weight[c] > weight[best])) {
                best = c;
            }
        }
        return best;
    }

    private static void siftUp(int[] heap, int at, float[] sims, int from) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (sims[from + heap[at]] >= sims[from + heap[parent]]) {
                return;
            }
            swap(heap, at, parent);
            at = parent;
        }
    }

    private static void siftDown(int[] heap, int size, float[] sims, int from) {
        int at = 0;
        while (true) {
            int smallest = at;
            for (int child = 2 * at + 1; child <= 2 * at + 2 && child < size; child++) {
                if (sims[from + heap[child]] < sims[from + heap[smallest]]) {
                    smallest = child;
                }
            }
            if (smallest == at) {
                return;
            }
            swap(heap, at, smallest);
            at = smallest;
        }
    }

    private static void swap(int[] heap, int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }
}
