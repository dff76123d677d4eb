#pragma once
/// The multi-layer perceptron as a graph of modules on ONE tape, and its loss.
///
///     layer_units = [n_features, hidden..., n_outputs]
///     a[0] = X;  z[i+1] = a[i] @ coef[i] + intercept[i]        (nn::Linear, one `linear` node)
///     a[i+1] = hidden(z[i+1])  for the hidden layers            (nn::activate)
///     loss = output_loss(z[L], Y) + 0.5 alpha sum_i sum(coef[i]^2) / n_rows
///
/// The output layer and its loss are ONE fused op, so the gradient at z[L] is sklearn's delta
/// (a[L] - Y) / n_rows whatever the loss:
///
/// | output   | loss (nn/loss.hpp) | used for                                   |
/// |----------|--------------------|--------------------------------------------|
/// | identity | squared_loss       | MLPRegressor                               |
/// | logistic | binary_log_loss    | binary (one column) and multilabel         |
/// | softmax  | log_loss           | multiclass (one-hot columns)               |
///
/// Training calls `loss_and_gradients` once per batch: the tape is cleared (its buffers kept),
/// the batch's rows are copied into constant leaves made with `tape.constant(shape)`, and every
/// buffer (activation and weight handles) is reused: after the first epoch a step allocates
/// nothing.

#include <cstddef>
#include <string>
#include <vector>

#include <tapegrad/autograd/tape.hpp>
#include <tapegrad/nn/activation.hpp>
#include <tapegrad/nn/linear.hpp>
#include <tapegrad/nn/random.hpp>

namespace tapegrad::mlp {

enum class OutputActivation { identity, logistic, softmax };
std::string to_string(OutputActivation output);

template <class T>
class Network {
public:
    /// Layers of zeros; `initialize` or `set_weights` gives them values.
    Network(std::vector<std::size_t> layer_units, nn::Activation hidden, OutputActivation output);
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    const std::vector<std::size_t>& layer_units() const { return layer_units_; }
    std::size_t n_weight_layers() const { return layers_.size(); }
    nn::Activation hidden_activation() const { return hidden_; }
    void set_hidden_activation(nn::Activation hidden) { hidden_ = hidden; }
    OutputActivation output_activation() const { return output_; }

    /// sklearn's `_init_coef` for each layer in order: nn::glorot_uniform (coef then intercept)
    /// with factor 2 for a logistic hidden activation, else 6.
    void initialize(nn::Random& rng);
    /// Copies given weights in; Error naming the layer and both shapes when one does not fit.
    void set_weights(const std::vector<Array<T>>& coefs, const std::vector<Array<T>>& intercepts);
    /// Copies the weights into coefs / intercepts: in place, allocating nothing, when they
    /// already have the network's shapes (as after a first call), else made anew.
    void copy_weights_to(std::vector<Array<T>>& coefs, std::vector<Array<T>>& intercepts) const;
    std::vector<Array<T>> coefs() const;
    std::vector<Array<T>> intercepts() const;
    /// Gradients of the last loss_and_gradients, in the shapes of coefs() / intercepts().
    std::vector<Array<T>> coef_grads() const;
    std::vector<Array<T>> intercept_grads() const;
    /// In scikit-learn's order: every coef, then every intercept.
    std::vector<Parameter<T>*> parameters();
    /// True when every weight is finite.
    bool all_finite() const;

    /// Loss of the rows rows[0..count) of X (n, n_features) and Y (n, n_outputs), including the
    /// L2 term over `count` rows; each Parameter's grad is overwritten with its gradient.
    /// `rows == nullptr` takes rows 0..count-1.
    T loss_and_gradients(const Array<T>& X, const Array<T>& Y, const std::size_t* rows, std::size_t count,
                         double alpha);
    /// The same over all rows of X and Y.
    T loss_and_gradients(const Array<T>& X, const Array<T>& Y, double alpha);

    /// a[0], ..., a[L] of the last loss_and_gradients: the batch, each hidden activation and the
    /// output activation (probabilities, or the prediction for identity).
    std::vector<Array<T>> activations() const;
    /// The training tape as the last loss_and_gradients recorded it (for autograd's write_dot).
    const Tape<T>& tape() const { return tape_; }

    /// The output activations (n, n_outputs) for X, through the same ops on a scratch tape that
    /// records no graph.
    Array<T> predict(const Array<T>& X) const;

private:
    std::vector<std::size_t> layer_units_;
    nn::Activation hidden_;
    OutputActivation output_;
    std::vector<std::unique_ptr<nn::Linear<T>>> layers_;

    Tape<T> tape_;                     ///< the training tape, cleared per batch
    std::vector<Var<T>> activations_;  ///< handles on tape_: a[0] .. a[L-1], and z[L]
    std::vector<Var<T>> weights_;      ///< coef handles for the L2 term
    Var<T> data_loss_;                 ///< the fused output/loss node
};

extern template class Network<float>;
extern template class Network<double>;

}  // namespace tapegrad::mlp
