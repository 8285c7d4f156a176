// One LSTM step's elementwise math, forward and backward, for the fast path (tf1_lstm/fast).
//
// No TensorFlow here: plain loops over a row's H units, compiled with -O3 -march=native so the
// compiler vectorises them (expf and tanhf from glibc's vector math library). The TensorFlow
// ops that call these are in lstm_step_ops.cc; what they compute is the docstring of
// tf1_lstm/fast/sequence.py, under the same names:
//
//   forward   z [B, 4H] = [x, h_prev, 1] @ K, gate columns i, j, f, o (forget_bias inside)
//             i = sigmoid(z_i + w_i c_prev)   j = tanh(z_j)   f = sigmoid(z_f + w_f c_prev)
//             c = f c_prev + i j              o = sigmoid(z_o + w_o c)    h = o tanh(c)
//             (w_i, w_f, w_o are the peephole diagonals; without peepholes they are not read)
//   backward  g = d loss / d h, dc = d loss / d c (both for this step's outputs)
//             do = g tanh(c) o (1 - o)
//             dc = dc + g o (1 - tanh(c)^2) + do w_o
//             di = dc j i (1 - i)   dj = dc i (1 - j^2)   df = dc c_prev f (1 - f)
//             dz = [di, dj, df, do]                          [B, 4H]
//             dc_prev = dc f + di w_i + df w_f
//             dw_i = sum_b di c_prev   dw_f = sum_b df c_prev   dw_o = sum_b do c    [H]

#include <cmath>
#include <cstdint>

namespace tf1_lstm {

static inline float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// z [B, 4H], c_prev [B, H], peepholes w_i, w_f, w_o [H] or null;
// out: i, j, f, o, c, tanh_c, h, each [B, H]
void lstm_step_forward(int64_t batch, int64_t units, const float* __restrict__ z, const float* __restrict__ c_prev,
                       const float* __restrict__ w_i, const float* __restrict__ w_f, const float* __restrict__ w_o, float* __restrict__ i, float* __restrict__ j,
                       float* __restrict__ f, float* __restrict__ o, float* __restrict__ c, float* __restrict__ tanh_c, float* __restrict__ h) {
  for (int64_t b = 0; b < batch; ++b) {
    const float* zb = z + b * 4 * units;
    const int64_t row = b * units;
    if (w_i == nullptr) {
#pragma omp simd
      for (int64_t k = 0; k < units; ++k) {
        const float cp = c_prev[row + k];
        const float ig = sigmoid(zb[k]), jg = tanhf(zb[units + k]);
        const float fg = sigmoid(zb[2 * units + k]), og = sigmoid(zb[3 * units + k]);
        const float cn = fg * cp + ig * jg, tc = tanhf(cn);
        i[row + k] = ig; j[row + k] = jg; f[row + k] = fg; o[row + k] = og;
        c[row + k] = cn; tanh_c[row + k] = tc; h[row + k] = og * tc;
      }
    } else {
#pragma omp simd
      for (int64_t k = 0; k < units; ++k) {
        const float cp = c_prev[row + k];
        const float ig = sigmoid(zb[k] + w_i[k] * cp), jg = tanhf(zb[units + k]);
        const float fg = sigmoid(zb[2 * units + k] + w_f[k] * cp);
        const float cn = fg * cp + ig * jg, tc = tanhf(cn);
        const float og = sigmoid(zb[3 * units + k] + w_o[k] * cn);  // o reads the new c
        i[row + k] = ig; j[row + k] = jg; f[row + k] = fg; o[row + k] = og;
        c[row + k] = cn; tanh_c[row + k] = tc; h[row + k] = og * tc;
      }
    }
  }
}

// One row of the backward pass; kPeephole as a template argument keeps the loop branch-free.
template <bool kPeephole>
static inline void backward_row(int64_t units, const float* __restrict__ i,
                                const float* __restrict__ j, const float* __restrict__ f,
                                const float* __restrict__ o, const float* __restrict__ c_prev,
                                const float* __restrict__ c, const float* __restrict__ tanh_c,
                                const float* __restrict__ dc_in, const float* __restrict__ g,
                                const float* __restrict__ w_i, const float* __restrict__ w_f,
                                const float* __restrict__ w_o, float* __restrict__ dz,
                                float* __restrict__ dc_prev, float* __restrict__ dw_i,
                                float* __restrict__ dw_f, float* __restrict__ dw_o) {
#pragma omp simd
  for (int64_t k = 0; k < units; ++k) {
    const float d_o = g[k] * tanh_c[k] * o[k] * (1.0f - o[k]);
    float d_c = dc_in[k] + g[k] * o[k] * (1.0f - tanh_c[k] * tanh_c[k]);
    if (kPeephole) d_c += d_o * w_o[k];
    const float d_i = d_c * j[k] * i[k] * (1.0f - i[k]);
    const float d_f = d_c * c_prev[k] * f[k] * (1.0f - f[k]);
    dz[k] = d_i;
    dz[units + k] = d_c * i[k] * (1.0f - j[k] * j[k]);
    dz[2 * units + k] = d_f;
    dz[3 * units + k] = d_o;
    if (kPeephole) {
      dc_prev[k] = d_c * f[k] + d_i * w_i[k] + d_f * w_f[k];
      dw_i[k] += d_i * c_prev[k];
      dw_f[k] += d_f * c_prev[k];
      dw_o[k] += d_o * c[k];
    } else {
      dc_prev[k] = d_c * f[k];
    }
  }
}

// The forward's saved values, dc and g [B, H]; out: dz [B, 4H], dc_prev [B, H], and with
// peepholes dw_i, dw_f, dw_o [H] (sums over the batch; not written without peepholes)
void lstm_step_backward(int64_t batch, int64_t units, const float* i, const float* j,
                        const float* f, const float* o, const float* c_prev, const float* c,
                        const float* tanh_c, const float* dc_in, const float* g,
                        const float* w_i, const float* w_f, const float* w_o, float* dz,
                        float* dc_prev, float* dw_i, float* dw_f, float* dw_o) {
  const bool peephole = w_i != nullptr;
  if (peephole) {
    for (int64_t k = 0; k < units; ++k) dw_i[k] = dw_f[k] = dw_o[k] = 0.0f;
  }
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t n = b * units;
    auto row = peephole ? backward_row<true> : backward_row<false>;
    row(units, i + n, j + n, f + n, o + n, c_prev + n, c + n, tanh_c + n, dc_in + n, g + n,
        w_i, w_f, w_o, dz + 4 * n, dc_prev + n, dw_i, dw_f, dw_o);
  }
}

}  // namespace tf1_lstm
