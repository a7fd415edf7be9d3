package io.inferwatt.engines.ort;

import io.inferwatt.core.model.LayerSpec;
import io.inferwatt.core.model.NetworkSpec;
import io.inferwatt.engines.onnx.LayerGraph;
import io.inferwatt.engines.onnx.OnnxModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ONNX Runtime's kernel times mapped onto the model's layers as {@link LayerGraph} derives them, so
 * that a layer's measured time joins its features ({@code layer_features}) and a prediction of the
 * same layer.
 *
 * <p>ONNX Runtime names each kernel after the node of its optimised graph. A kernel is given to the
 * layer that covers the ONNX node it is named after, tried in this order: the node's own name (a
 * node ONNX Runtime kept, or a fusion that keeps its first node's name, such as {@code FusedConv});
 * {@code fused <node>} (its Gemm + activation fusion) as {@code <node>}; for a kernel its NCHWc
 * layout pass wrote, {@code <tensor>[_bn]_nchwc[_token_N]}, the node that produces {@code <tensor>}
 * in the original graph ({@code _bn}: a batch norm run as a convolution); the name without a {@code
 * _token_N} suffix; the longest node name it starts with, followed by {@code /} or {@code _} (a
 * fusion that extends its node's name, {@code <node>/QuickGeluFusion/}). A kernel that still
 * matches nothing (layout conversions: {@code ReorderInput} before a convolution, {@code
 * ReorderOutput} after one) is added to its neighbour in execution order: the next layer's kernel
 * for a {@code ReorderInput}, the previous one's otherwise.
 *
 * <p>A layer's time is the sum of its kernels' times, its start its first kernel's start. The input
 * reformat layer, which covers no ONNX node, gets the time ONNX Runtime spends in the run before
 * its first kernel (binding the input). A layer ONNX Runtime ran inside another layer's kernel (an
 * addition fused into the convolution before it) gets 0.
 */
final class OrtLayers {

  private static final Pattern NCHWC = Pattern.compile("(.+)_nchwc(_token_\\d+)?");
  private static final String FUSED = "fused ";
  private static final Pattern TOKEN = Pattern.compile("(.+)_token_\\d+");

  private final NetworkSpec network;
  private final boolean inputReformat;
  private final Map<String, Integer> byNode = new HashMap<>();
  private final Map<String, Integer> byTensor = new HashMap<>();
  private final Map<String, Integer> cache = new HashMap<>();

  /** Kernels of the last mapped run that matched no layer by name (given to a neighbour). */
  private int unmatched;

  OrtLayers(OnnxModel model, LayerGraph.Covered covered) {
    this.network = covered.network();
    List<OnnxModel.Node> nodes = model.nodes();
    for (int k = 0; k < covered.nodes().size(); k++) {
      for (int i : covered.nodes().get(k)) {
        OnnxModel.Node n = nodes.get(i);
        if (!n.name().isEmpty()) {
          byNode.putIfAbsent(n.name(), k);
        }
        for (String out : n.outputs()) {
          if (!out.isEmpty()) {
            byTensor.putIfAbsent(out, k);
          }
        }
      }
    }
    this.inputReformat =
        !covered.nodes().isEmpty()
            && covered.nodes().get(0).isEmpty()
            && network.layers().get(0).type().equals("Reformat");
  }

  /** The network the layers come from. */
  NetworkSpec network() {
    return network;
  }

  /** The layers, in the order of their indices. */
  List<LayerSpec> layers() {
    return network.layers();
  }

  /** Kernels of the last {@link #map}ped run that matched no layer by name. */
  int unmatched() {
    return unmatched;
  }

  /**
   * One layer's share of a run.
   *
   * @param startUs its first kernel's start (profile µs), or the run's start for the input
   *     reformat; -1 when no kernel ran for it
   * @param durUs the sum of its kernels' durations
   * @param kernels how many kernels it got
   */
  record Time(long startUs, long durUs, int kernels) {}

  /** The run's kernel times per layer, one entry per layer in index order. */
  List<Time> map(OrtProfile.Run run) {
    int n = network.layers().size();
    long[] start = new long[n];
    long[] dur = new long[n];
    int[] count = new int[n];
    Arrays.fill(start, -1);
    List<OrtProfile.NodeTime> kernels = run.nodes();
    int[] layer = new int[kernels.size()];
    unmatched = 0;
    for (int k = 0; k < layer.length; k++) {
      layer[k] = layerOf(kernels.get(k).name());
      if (layer[k] < 0) {
        unmatched++;
      }
    }
    for (int k = 0; k < layer.length; k++) {
      if (layer[k] < 0) {
        boolean forward = kernels.get(k).opType().equals("ReorderInput");
        int l = neighbour(layer, k, forward);
        layer[k] = l < 0 ? neighbour(layer, k, !forward) : l;
      }
    }
    for (int k = 0; k < layer.length; k++) {
      int l = layer[k];
      if (l < 0) {
        continue; // no kernel matched any layer
      }
      OrtProfile.NodeTime t = kernels.get(k);
      if (start[l] < 0 || t.tsUs() < start[l]) {
        start[l] = t.tsUs();
      }
      dur[l] += t.durUs();
      count[l]++;
    }
    if (inputReformat && !kernels.isEmpty() && count[0] == 0) {
      long first = kernels.stream().mapToLong(OrtProfile.NodeTime::tsUs).min().orElse(run.tsUs());
      start[0] = run.tsUs();
      dur[0] = Math.max(0, first - run.tsUs());
    }
    List<Time> out = new ArrayList<>(n);
    for (int l = 0; l < n; l++) {
      out.add(new Time(start[l], dur[l], count[l]));
    }
    return out;
  }

  /** The nearest kernel's layer before ({@code forward} false) or after {@code k}, or -1. */
  private static int neighbour(int[] layer, int k, boolean forward) {
    for (int j = forward ? k + 1 : k - 1; j >= 0 && j < layer.length; j += forward ? 1 : -1) {
      if (layer[j] >= 0) {
        return layer[j];
      }
    }
    return -1;
  }

  /** The layer of the kernel ONNX Runtime named {@code name}, or -1 (see the class comment). */
  int layerOf(String name) {
    return cache.computeIfAbsent(name, this::match);
  }

  private int match(String name) {
    Integer l = byNode.get(name);
    if (l != null) {
      return l;
    }
    if (name.startsWith(FUSED) && name.length() > FUSED.length()) {
      return match(name.substring(FUSED.length())); // its Gemm + activation fusion
    }
    Matcher m = NCHWC.matcher(name);
    if (m.matches()) {
      // <tensor>_nchwc, or <tensor>_<what>_nchwc (a batch norm it runs as a convolution: _bn)
      for (String t = m.group(1); ; t = t.substring(0, t.lastIndexOf('_'))) {
        l = byTensor.get(t);
        if (l == null) {
          l = byNode.get(t);
        }
        if (l != null) {
          return l;
        }
        if (t.lastIndexOf('_') <= 0) {
          break;
        }
      }
    }
    m = TOKEN.matcher(name);
    if (m.matches() && (l = byNode.get(m.group(1))) != null) {
      return l;
    }
    for (int j = name.length() - 1; j > 0; j--) {
      char c = name.charAt(j);
      if ((c == '/' || c == '_') && (l = byNode.get(name.substring(0, j))) != null) {
        return l;
      }
    }
    return -1;
  }
}
