#pragma once
/// The native reverse-mode training engine shared by the learned families (DIGRAC, PamC/SCGC,
/// TVGNN): include this for everything, or the single headers:
///   learn/tape.hpp       Parameter, Var, Tape (recording, backward, custom ops)
///   learn/ops.hpp        differentiable ops (products, graph propagation, activations, losses)
///   learn/optim.hpp      Xavier/Kaiming initialisers, Adam, SGD
///   learn/train.hpp      the epoch loop with early stopping and progress
///   learn/encoder.hpp    the Encoder seam, Linear, MlpEncoder, GcnEncoder
///   learn/gradcheck.hpp  finite-difference gradient checks (double)
#include "graphclust/learn/encoder.hpp"
#include "graphclust/learn/gradcheck.hpp"
#include "graphclust/learn/ops.hpp"
#include "graphclust/learn/optim.hpp"
#include "graphclust/learn/tape.hpp"
#include "graphclust/learn/train.hpp"
