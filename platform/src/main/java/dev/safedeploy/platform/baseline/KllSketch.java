package dev.safedeploy.platform.baseline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A KLL quantile sketch (Karnin, Lang, Liberty 2016), the sketch Model Monitor stores in statistics.json: levels of
 * compactors, an item at level h standing for 2^h inputs. Exact while fewer than about k values were added. A level
 * over its capacity is sorted and every other item (random offset) moves up a level; an odd item stays behind, so the
 * total weight always equals the number of values added.
 */
final class KllSketch {
  /** Model Monitor's parameters. */
  static final int K = 2048;
  static final double C = 0.64;

  private final int k;
  private final double c;
  private final SplittableRandom random;
  private final List<double[]> levels = new ArrayList<>();
  private final List<Integer> sizes = new ArrayList<>();
  private long count;
  private int size; // items held, all levels
  private int maxSize; // sum of the level capacities

  KllSketch(long seed) {
    this(K, C, seed);
  }

  KllSketch(int k, double c, long seed) {
    this.k = k;
    this.c = c;
    this.random = new SplittableRandom(seed);
    grow();
  }

  /** Rebuilds a sketch from its levels (level 0 first), e.g. read back from statistics.json. */
  static KllSketch of(List<double[]> data, int k, double c) {
    KllSketch s = new KllSketch(k, c, 0);
    for (int h = 0; h < data.size(); h++) {
      while (s.levels.size() <= h) {
        s.grow();
      }
      double[] items = data.get(h);
      s.levels.set(h, Arrays.copyOf(items, Math.max(items.length, 2)));
      s.sizes.set(h, items.length);
      s.size += items.length;
      s.count += (long) items.length << h;
    }
    return s;
  }

  private void grow() {
    levels.add(new double[16]);
    sizes.add(0);
    int m = 0;
    for (int h = 0; h < levels.size(); h++) {
      m += capacity(h);
    }
    maxSize = m;
  }

  private int capacity(int level) {
    int height = levels.size() - level - 1;
    return (int) Math.ceil(Math.pow(c, height) * k) + 1;
  }

  private int totalSize() {
    return size;
  }

  private int maxSize() {
    return maxSize;
  }

  void add(double value) {
    append(0, value);
    count++;
    if (totalSize() >= maxSize()) {
      compress();
    }
  }

  private void append(int level, double value) {
    double[] items = levels.get(level);
    int size = sizes.get(level);
    if (size == items.length) {
      items = Arrays.copyOf(items, items.length * 2);
      levels.set(level, items);
    }
    items[size] = value;
    sizes.set(level, size + 1);
    this.size++;
  }

  private void compress() {
    for (int h = 0; h < levels.size(); h++) {
      int size = sizes.get(h);
      if (size >= capacity(h)) {
        if (h + 1 >= levels.size()) {
          grow();
        }
        double[] items = levels.get(h);
        Arrays.sort(items, 0, size);
        int keep = size % 2; // an odd item stays at this level, keeping the total weight exact
        double leftover = keep == 1 ? items[size - 1] : 0;
        int offset = random.nextBoolean() ? 1 : 0;
        for (int i = offset; i < size - keep; i += 2) {
          append(h + 1, items[i]);
        }
        sizes.set(h, 0);
        this.size -= size;
        if (keep == 1) {
          append(h, leftover);
        }
        if (totalSize() < maxSize()) {
          break;
        }
      }
    }
  }

  long count() {
    return count;
  }

  /** The levels, level 0 first, each as stored (not sorted). */
  List<double[]> data() {
    List<double[]> out = new ArrayList<>();
    for (int h = 0; h < levels.size(); h++) {
      out.add(Arrays.copyOf(levels.get(h), sizes.get(h)));
    }
    return out;
  }

  /** All items sorted by value, with their weights: the sketch's picture of the distribution. */
  Weighted sorted() {
    int n = totalSize();
    double[] values = new double[n];
    long[] weights = new long[n];
    Integer[] order = new Integer[n];
    int i = 0;
    for (int h = 0; h < levels.size(); h++) {
      double[] items = levels.get(h);
      for (int j = 0; j < sizes.get(h); j++) {
        values[i] = items[j];
        weights[i] = 1L << h;
        order[i] = i;
        i++;
      }
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    double[] v = new double[n];
    long[] w = new long[n];
    for (int j = 0; j < n; j++) {
      v[j] = values[order[j]];
      w[j] = weights[order[j]];
    }
    return new Weighted(v, w);
  }

  /** Values sorted ascending with their weights. */
  record Weighted(double[] values, long[] weights) {
    long total() {
      long t = 0;
      for (long w : weights) {
        t += w;
      }
      return t;
    }
  }
}
