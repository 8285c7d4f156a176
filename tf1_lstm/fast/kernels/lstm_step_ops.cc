// The TensorFlow ops around lstm_step.cc: Tf1LstmStep (forward) and Tf1LstmStepGrad
// (backward), float32, CPU, one thread each (the fast path's parallelism is its batch shards).
// Built and loaded by tf1_lstm/fast/fused.py; the equations are in lstm_step.cc.

#include "tensorflow/core/framework/op.h"
#include "tensorflow/core/framework/op_kernel.h"
#include "tensorflow/core/framework/shape_inference.h"

namespace tf1_lstm {
void lstm_step_forward(int64_t batch, int64_t units, const float* z, const float* c_prev,
                       const float* w_i, const float* w_f, const float* w_o, float* i, float* j,
                       float* f, float* o, float* c, float* tanh_c, float* h);
void lstm_step_backward(int64_t batch, int64_t units, const float* i, const float* j,
                        const float* f, const float* o, const float* c_prev, const float* c,
                        const float* tanh_c, const float* dc_in, const float* g,
                        const float* w_i, const float* w_f, const float* w_o, float* dz,
                        float* dc_prev, float* dw_i, float* dw_f, float* dw_o);
}  // namespace tf1_lstm

namespace {

using tensorflow::OpKernel;
using tensorflow::OpKernelConstruction;
using tensorflow::OpKernelContext;
using tensorflow::Tensor;
using tensorflow::TensorShape;
using tensorflow::shape_inference::InferenceContext;

REGISTER_OP("Tf1LstmStep")
    .Input("z: float")          // [B, 4H]
    .Input("c_prev: float")     // [B, H]
    .Input("w_i: float")        // [H] (read only with use_peephole)
    .Input("w_f: float")
    .Input("w_o: float")
    .Attr("use_peephole: bool = false")
    .Output("i: float")         // [B, H] each
    .Output("j: float")
    .Output("f: float")
    .Output("o: float")
    .Output("c: float")
    .Output("tanh_c: float")
    .Output("h: float")
    .SetShapeFn([](InferenceContext* ctx) {
      for (int k = 0; k < 7; ++k) ctx->set_output(k, ctx->input(1));
      return absl::OkStatus();
    });

REGISTER_OP("Tf1LstmStepGrad")
    .Input("i: float")          // [B, H] each: the forward's outputs
    .Input("j: float")
    .Input("f: float")
    .Input("o: float")
    .Input("c_prev: float")
    .Input("c: float")
    .Input("tanh_c: float")
    .Input("dc: float")         // d loss / d c_t
    .Input("g: float")          // d loss / d h_t
    .Input("w_i: float")        // [H]
    .Input("w_f: float")
    .Input("w_o: float")
    .Attr("use_peephole: bool = false")
    .Output("dz: float")        // [B, 4H]
    .Output("dc_prev: float")   // [B, H]
    .Output("dw_i: float")      // [H] each (zeros without use_peephole)
    .Output("dw_f: float")
    .Output("dw_o: float")
    .SetShapeFn([](InferenceContext* ctx) {
      auto batch = ctx->Dim(ctx->input(0), 0);
      auto units = ctx->Dim(ctx->input(0), 1);
      tensorflow::shape_inference::DimensionHandle gates;
      TF_RETURN_IF_ERROR(ctx->Multiply(units, 4, &gates));
      ctx->set_output(0, ctx->Matrix(batch, gates));
      ctx->set_output(1, ctx->input(0));
      for (int k = 2; k < 5; ++k) ctx->set_output(k, ctx->Vector(units));
      return absl::OkStatus();
    });

// Checks shared by both kernels: c_prev-like [B, H] inputs, and [H] peephole diagonals.
absl::Status CheckShapes(OpKernelContext* ctx, const Tensor& state, int first_diagonal,
                         bool peephole) {
  if (state.dims() != 2) return absl::InvalidArgumentError("the state must be [batch, units]");
  if (!peephole) return absl::OkStatus();
  for (int k = first_diagonal; k < first_diagonal + 3; ++k) {
    if (ctx->input(k).dims() != 1 || ctx->input(k).dim_size(0) != state.dim_size(1)) {
      return absl::InvalidArgumentError("peephole diagonals must be [units]");
    }
  }
  return absl::OkStatus();
}

const float* Diagonal(OpKernelContext* ctx, int index, bool peephole) {
  return peephole ? ctx->input(index).flat<float>().data() : nullptr;
}

class LstmStepOp : public OpKernel {
 public:
  explicit LstmStepOp(OpKernelConstruction* ctx) : OpKernel(ctx) {
    OP_REQUIRES_OK(ctx, ctx->GetAttr("use_peephole", &use_peephole_));
  }

  void Compute(OpKernelContext* ctx) override {
    const Tensor& z = ctx->input(0);
    const Tensor& c_prev = ctx->input(1);
    OP_REQUIRES_OK(ctx, CheckShapes(ctx, c_prev, 2, use_peephole_));
    const int64_t batch = c_prev.dim_size(0), units = c_prev.dim_size(1);
    OP_REQUIRES(ctx, z.dims() == 2 && z.dim_size(0) == batch && z.dim_size(1) == 4 * units,
                absl::InvalidArgumentError("z must be [batch, 4 * units]"));
    float* out[7];
    for (int k = 0; k < 7; ++k) {
      Tensor* tensor = nullptr;
      OP_REQUIRES_OK(ctx, ctx->allocate_output(k, c_prev.shape(), &tensor));
      out[k] = tensor->flat<float>().data();
    }
    tf1_lstm::lstm_step_forward(batch, units, z.flat<float>().data(),
                                c_prev.flat<float>().data(), Diagonal(ctx, 2, use_peephole_),
                                Diagonal(ctx, 3, use_peephole_), Diagonal(ctx, 4, use_peephole_),
                                out[0], out[1], out[2], out[3], out[4], out[5], out[6]);
  }

 private:
  bool use_peephole_;
};

class LstmStepGradOp : public OpKernel {
 public:
  explicit LstmStepGradOp(OpKernelConstruction* ctx) : OpKernel(ctx) {
    OP_REQUIRES_OK(ctx, ctx->GetAttr("use_peephole", &use_peephole_));
  }

  void Compute(OpKernelContext* ctx) override {
    const Tensor& first = ctx->input(0);
    OP_REQUIRES_OK(ctx, CheckShapes(ctx, first, 9, use_peephole_));
    for (int k = 1; k < 9; ++k) {
      OP_REQUIRES(ctx, ctx->input(k).shape() == first.shape(),
                  absl::InvalidArgumentError("every [batch, units] input must have one shape"));
    }
    const int64_t batch = first.dim_size(0), units = first.dim_size(1);
    Tensor *dz = nullptr, *dc_prev = nullptr, *dw[3] = {nullptr, nullptr, nullptr};
    OP_REQUIRES_OK(ctx, ctx->allocate_output(0, TensorShape({batch, 4 * units}), &dz));
    OP_REQUIRES_OK(ctx, ctx->allocate_output(1, first.shape(), &dc_prev));
    for (int k = 0; k < 3; ++k) {
      OP_REQUIRES_OK(ctx, ctx->allocate_output(2 + k, TensorShape({units}), &dw[k]));
      if (!use_peephole_) dw[k]->flat<float>().setZero();
    }
    auto in = [ctx](int k) { return ctx->input(k).flat<float>().data(); };
    tf1_lstm::lstm_step_backward(
        batch, units, in(0), in(1), in(2), in(3), in(4), in(5), in(6), in(7), in(8),
        Diagonal(ctx, 9, use_peephole_), Diagonal(ctx, 10, use_peephole_),
        Diagonal(ctx, 11, use_peephole_), dz->flat<float>().data(),
        dc_prev->flat<float>().data(), dw[0]->flat<float>().data(),
        dw[1]->flat<float>().data(), dw[2]->flat<float>().data());
  }

 private:
  bool use_peephole_;
};

REGISTER_KERNEL_BUILDER(Name("Tf1LstmStep").Device(tensorflow::DEVICE_CPU), LstmStepOp);
REGISTER_KERNEL_BUILDER(Name("Tf1LstmStepGrad").Device(tensorflow::DEVICE_CPU), LstmStepGradOp);

}  // namespace
