// The LibTorch encoder (src/torch/): its losses and encoders against the native ones, end-to-end
// training, and the one-line errors for a build or machine that cannot run it. Compiled in both
// configurations: without Torch it checks that encoder = torch is refused cleanly.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "contrastive/loss.hpp"
#include "digrac/loss.hpp"
#include "digrac/model.hpp"
#include "graphclust/contrastive/contrastive.hpp"
#include "graphclust/core/error.hpp"
#include "graphclust/core/random.hpp"
#include "graphclust/digrac/digrac.hpp"
#include "graphclust/generators/contextual_sbm.hpp"
#include "graphclust/generators/generators.hpp"
#include "graphclust/kernels/reduce.hpp"
#include "graphclust/kernels/sparse_power.hpp"
#include "graphclust/learn/backend.hpp"
#include "graphclust/metrics/metrics.hpp"
#include "graphclust/tv/tv.hpp"
#include "torch/torch_backend.hpp"
#include "tv/model.hpp"

using namespace graphclust;
using learn::Parameter;
using TapeD = learn::Tape<double>;
using VarD = learn::Var<double>;
namespace tb = graphclust::torch_backend;

namespace {

DenseBlock<double> random_block(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed) {
  DenseBlock<double> x(rows, cols);
  Rng rng(seed);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = rng.normal();
  return x;
}

/// 1e-5 relative to the block's largest entry (an absolute floor of 1e-12 for all-zero blocks).
void expect_close(const DenseBlock<double>& torch_value, const DenseBlock<double>& native, const std::string& what) {
  ASSERT_EQ(torch_value.rows(), native.rows()) << what;
  ASSERT_EQ(torch_value.cols(), native.cols()) << what;
  const double scale = std::max(native.cwiseAbs().maxCoeff(), 1e-7);
  EXPECT_LE((torch_value - native).cwiseAbs().maxCoeff(), 1e-5 * scale) << what;
}

void expect_probe_matches(const tb::Probe& t, double native_value, const std::vector<Parameter<double>*>& params,
                          const std::string& what) {
  EXPECT_NEAR(t.value, native_value, 1e-5 * std::max(1e-3, std::abs(native_value))) << what;
  ASSERT_EQ(t.gradients.size(), params.size()) << what;
  for (std::size_t i = 0; i < params.size(); ++i) expect_close(t.gradients[i], params[i]->grad, what + ": " + params[i]->name);
}

/// value = sum(z * R) and its gradients on the native tape.
double native_encoder_value(const std::function<VarD(TapeD&)>& forward, const DenseBlock<double>& r,
                            const std::vector<Parameter<double>*>& params) {
  TapeD tape;
  for (auto* p : params) p->grad.setZero(p->value.rows(), p->value.cols());
  const VarD value = learn::sum(learn::mul(tape.constant(r), forward(tape)));
  tape.backward(value);
  return value.item();
}

double native_loss(const std::function<VarD(TapeD&)>& loss, const std::vector<Parameter<double>*>& params) {
  TapeD tape;
  for (auto* p : params) p->grad.setZero(p->value.rows(), p->value.cols());
  const VarD value = loss(tape);
  tape.backward(value);
  return value.item();
}

bool has_torch() { return torch_available(); }

#define REQUIRE_TORCH() \
  if (!has_torch()) GTEST_SKIP() << "built without LibTorch"

}  // namespace

// --- errors (both builds) --------------------------------------------------------------------------

TEST(TorchErrors, BadDeviceStringsAreRefusedWhateverTheBuild) {
  for (const char* device : {"gpu", "cuda:", "cuda:x", "cuda:-1", "CPU", ""}) {
    try {
      check_encoder_device(EncoderBackend::Torch, device, "digrac");
      ADD_FAILURE() << device;
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find("is not cpu, cuda or cuda:N"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(check_encoder_device(EncoderBackend::Native, "cuda", "digrac"), InvalidArgument);
  EXPECT_NO_THROW(check_encoder_device(EncoderBackend::Native, "cpu", "digrac"));
  const auto g = directed_sbm({.num_nodes = 30, .k = 2, .p = 0.2, .seed = 1});
  EXPECT_THROW(digrac(g.graph, {.k = 2, .device = "tpu"}), InvalidArgument);
}

TEST(TorchErrors, UnavailableBackendOrDeviceIsOneClearLine) {
  const auto g = directed_sbm({.num_nodes = 30, .k = 2, .p = 0.2, .seed = 1});
  DigracOptions o;
  o.k = 2;
  o.max_epochs = 2;
  o.encoder = EncoderBackend::Torch;
  if (!has_torch()) {
    try {
      digrac(g.graph, o);
      ADD_FAILURE() << "no error";
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find("built without LibTorch"), std::string::npos) << e.what();
    }
    EXPECT_THROW(tv_clustering(g.graph, TvOptions{.k = 2, .encoder = EncoderBackend::Torch}), InvalidArgument);
    return;
  }
  o.device = "cuda:0";
  if (torch_cuda_available()) GTEST_SKIP() << "a CUDA device is present: the no-CUDA errors cannot be shown";
  try {
    digrac(g.graph, o);
    ADD_FAILURE() << "no error";
  } catch (const InvalidArgument& e) {
    const std::string m = e.what();
    EXPECT_TRUE(m.find("no CUDA support") != std::string::npos || m.find("no CUDA device") != std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
  EXPECT_THROW(contrastive_clustering(g.graph, {}, {.encoder = EncoderBackend::Torch, .device = "cuda"}), InvalidArgument);
}

// --- the module is loaded on demand ---------------------------------------------------------------

namespace {
/// The path of the first file mapped into this process whose name contains `name` (empty if none).
std::string mapped_file(const std::string& name) {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);)
    if (const auto at = line.find('/'); at != std::string::npos && line.find(name, at) != std::string::npos)
      return line.substr(at);
  return {};
}
bool libtorch_mapped() { return !mapped_file("libtorch_cpu").empty(); }
}  // namespace

// Each test runs in its own process (gtest_discover_tests), so this one sees a fresh process.
TEST(TorchModule, LibTorchIsLoadedOnlyWhenTheTorchEncoderIsAsked) {
  EXPECT_FALSE(libtorch_mapped()) << "LibTorch mapped before any use";
  const auto g = directed_sbm({.num_nodes = 30, .k = 2, .p = 0.2, .seed = 1});
  DigracOptions o;
  o.k = 2;
  o.max_epochs = 2;
  digrac(g.graph, o);
  check_encoder_device(EncoderBackend::Native, "cpu", "digrac");
  EXPECT_FALSE(libtorch_mapped()) << "a native run loaded LibTorch";
#ifdef GRAPHCLUST_HAS_TORCH
  // Built with Torch, the module must load: a broken one would otherwise only skip every Torch test.
  ASSERT_TRUE(torch_available()) << tb::unavailable_reason();
  EXPECT_TRUE(tb::unavailable_reason().empty());
  EXPECT_TRUE(libtorch_mapped());
  o.encoder = EncoderBackend::Torch;
  EXPECT_EQ(digrac(g.graph, o).epochs, 2);
#else
  EXPECT_FALSE(torch_available());
  EXPECT_NE(tb::unavailable_reason().find("built without LibTorch"), std::string::npos);
#endif
}

#ifdef GRAPHCLUST_HAS_TORCH
TEST(TorchModule, AModuleThatCannotBeLoadedIsOneClearLine) {
  ASSERT_EQ(setenv("GRAPHCLUST_TORCH_MODULE", "/nonexistent/libgraphclust_torch.so", 1), 0);
  EXPECT_FALSE(torch_available());
  const auto g = directed_sbm({.num_nodes = 30, .k = 2, .p = 0.2, .seed = 1});
  try {
    digrac(g.graph, {.k = 2, .max_epochs = 2, .encoder = EncoderBackend::Torch});
    ADD_FAILURE() << "no error";
  } catch (const InvalidArgument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("cannot load the LibTorch module"), std::string::npos) << m;
    EXPECT_NE(m.find("/nonexistent/libgraphclust_torch.so"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
  EXPECT_FALSE(libtorch_mapped());
}

TEST(TorchModule, ASharedObjectThatIsNotTheModuleIsRefused) {
  // libtbb is mapped into this process and is a loadable shared object without the module's table.
  const std::string tbb = mapped_file("libtbb.so");
  ASSERT_FALSE(tbb.empty());
  ASSERT_EQ(setenv("GRAPHCLUST_TORCH_MODULE", tbb.c_str(), 1), 0);
  EXPECT_FALSE(torch_available());
  EXPECT_NE(tb::unavailable_reason().find(tbb + " is not the LibTorch module of this graphclust build"), std::string::npos)
      << tb::unavailable_reason();
}
#endif

// --- shared encoders: value and gradients equal the native ones in float64 ---------------------------

TEST(TorchEncoders, MlpAndGcnMatchNative) {
  REQUIRE_TORCH();
  const auto g = stochastic_block_model({{15, 15}, 0.3, 0.05, false, {}, 3}).graph;
  const DenseBlock<double> x = random_block(30, 5, 1), r = random_block(30, 4, 2);
  {
    learn::MlpEncoder<double> mlp(5, {.layers = {7, 4}, .seed = 3});
    const double v = native_encoder_value([&](TapeD& t) { return mlp.forward(t, t.constant(x), false); }, r, mlp.parameters());
    tb::EncoderSpec spec{.kind = tb::EncoderKind::Mlp, .layers = 2};
    expect_probe_matches(tb::encoder_probe(g, x, spec, tb::snapshot(mlp.parameters()), r), v, mlp.parameters(), "mlp");
  }
  const Graph dg = directed_sbm({.num_nodes = 30, .k = 2, .p = 0.2, .seed = 4}).graph;
  for (const bool directed : {false, true}) {
    const Graph& graph = directed ? dg : g;
    learn::GcnOptions o;
    o.layers = {6, 4};
    o.seed = 5;
    o.self_loop_weight = 1.0;
    learn::GcnEncoder<double> gcn(5, o);
    const learn::EncoderInput<double> input{&graph, &x};
    const double v = native_encoder_value([&](TapeD& t) { return gcn.forward(t, input, false); }, r, gcn.parameters());
    tb::EncoderSpec spec{.kind = tb::EncoderKind::Gcn, .layers = 2, .self_loop_weight = 1.0};
    expect_probe_matches(tb::encoder_probe(graph, x, spec, tb::snapshot(gcn.parameters()), r), v, gcn.parameters(),
                         directed ? "gcn directed" : "gcn");
  }
}

TEST(TorchEncoders, DimpaAndGtvConvMatchNative) {
  REQUIRE_TORCH();
  const auto dg = directed_sbm({.num_nodes = 40, .k = 3, .p = 0.15, .meta_graph = MetaGraph::Cyclic, .eta = 0.1, .seed = 7});
  const DenseBlock<double> x = random_block(40, 5, 1);
  {
    DigracOptions o;
    o.hidden = 4;
    o.hops = 2;
    o.seed = 2;
    digrac_detail::DimpaEncoder<double> dimpa(dg.graph, 5, o);
    const DenseBlock<double> r = random_block(40, 8, 3);
    const double v =
        native_encoder_value([&](TapeD& t) { return dimpa.forward(t, t.constant(x), false); }, r, dimpa.parameters());
    tb::EncoderSpec spec{.kind = tb::EncoderKind::Dimpa, .self_loop_weight = 0.5, .hops = 2};
    // Hop weights away from 1, so a mix-up of the two branches' weights would show.
    dimpa.parameters()[4]->value << 0.7, -0.2, 1.3;
    const double v2 =
        native_encoder_value([&](TapeD& t) { return dimpa.forward(t, t.constant(x), false); }, r, dimpa.parameters());
    (void)v;
    expect_probe_matches(tb::encoder_probe(dg.graph, x, spec, tb::snapshot(dimpa.parameters()), r), v2, dimpa.parameters(),
                         "dimpa");
  }
  {
    const auto g = stochastic_block_model({{20, 20}, 0.3, 0.05, false, {}, 9}).graph;
    const tv_detail::TvContext<double> context(g);
    tv_detail::GtvConv<double> conv("gtv", 5, 6, 0.311, 1e-3, TvThetaInit::FanIn, 4, 1);
    conv.bias.value = random_block(1, 6, 5);
    const DenseBlock<double> r = random_block(40, 6, 6);
    std::vector<Parameter<double>*> params;
    conv.collect(params);
    const double v = native_encoder_value(
        [&](TapeD& t) { return conv(t, t.constant(x), context, Activation::Elu); }, r, params);
    tb::EncoderSpec spec{.kind = tb::EncoderKind::GtvConv, .delta = 0.311, .eps = 1e-3};
    expect_probe_matches(tb::encoder_probe(g, x, spec, tb::snapshot(params), r), v, params, "gtvconv");
  }
}

// --- every loss, through its whole model -------------------------------------------------------------

TEST(TorchLosses, DigracImbalanceMatchesNativeForEveryNorm) {
  REQUIRE_TORCH();
  const auto g = directed_sbm({.num_nodes = 40, .k = 3, .p = 0.15, .meta_graph = MetaGraph::Cyclic, .eta = 0.1, .seed = 7});
  const DenseBlock<double> x = random_block(40, 5, 4);
  for (const ImbalanceNorm norm : {ImbalanceNorm::VolSum, ImbalanceNorm::Plain, ImbalanceNorm::VolMax, ImbalanceNorm::VolMin})
    for (const ImbalanceSelection sel : {ImbalanceSelection::Sort, ImbalanceSelection::Naive}) {
      DigracOptions o;
      o.k = 3;
      o.hidden = 4;
      o.seed = 2;
      o.norm = norm;
      o.selection = sel;
      o.num_pairs = sel == ImbalanceSelection::Sort ? 2 : 0;
      digrac_detail::DigracModel<double> model(g.graph, 5, o);
      const digrac_detail::ImbalanceContext<double> context(g.graph, 3);
      const double v = native_loss(
          [&](TapeD& t) {
            const auto out = model.forward(t, t.constant(x), false);
            return digrac_detail::imbalance_loss(out.probabilities, context, o.norm, o.selection, o.num_pairs);
          },
          model.parameters());
      expect_probe_matches(tb::digrac_probe(g.graph, x, o, tb::snapshot(model.parameters())), v, model.parameters(),
                           "digrac " + std::string(to_string(norm)) + "/" + std::string(to_string(sel)));
    }
}

TEST(TorchLosses, TvGtvAndBalanceMatchNative) {
  REQUIRE_TORCH();
  const auto g = stochastic_block_model({{12, 12, 12}, 0.3, 0.05, false, {}, 9}).graph;
  const tv_detail::TvContext<double> context(g);
  const DenseBlock<double> x = random_block(36, 4, 3);
  for (const int mlp_hidden : {5, 0}) {
    TvOptions o;
    o.k = 3;
    o.mp_channels = 6;
    o.mlp_hidden = mlp_hidden;
    o.seed = 2;
    tv_detail::TvNetwork<double> model(4, o);
    const double v = native_loss(
        [&](TapeD& t) {
          const VarD s = model.forward(t, t.constant(x), context);
          return learn::axpby(o.totvar_coeff, tv_detail::total_variation_loss(s, context), o.balance_coeff,
                              tv_detail::balance_loss(s));
        },
        model.parameters());
    expect_probe_matches(tb::tv_probe(g, x, o, tb::snapshot(model.parameters())), v, model.parameters(),
                         "tv mlp_hidden " + std::to_string(mlp_hidden));
  }
}

TEST(TorchLosses, ContrastiveKlAndContrastiveTermsMatchNative) {
  REQUIRE_TORCH();
  const auto g = stochastic_block_model({{15, 15}, 0.35, 0.08, false, {}, 5}).graph;
  const DenseBlock<double> x = random_block(30, 6, 3);
  const SparseMatrix w = matrix_power(random_walk_matrix(g, 1.0), {.order = 2, .cumulative = true}, "test");
  for (const ContrastiveModel model : {ContrastiveModel::Pamc, ContrastiveModel::Scgc, ContrastiveModel::ScgcStar}) {
    ContrastiveOptions o;
    o.k = 3;
    o.model = model;
    const bool reconstruct = model == ContrastiveModel::Scgc;
    learn::MlpEncoder<double> encoder(6, {.layers = {5, 4}, .seed = 1, .name = "enc"});
    learn::MlpEncoder<double> decoder(4, {.layers = {5, 6}, .seed = 1, .name = "dec"});
    Parameter<double> mu("mu", 3, 4);
    mu.value = random_block(3, 4, 8);
    std::vector<Parameter<double>*> params = encoder.parameters();
    if (reconstruct)
      for (auto* p : decoder.parameters()) params.push_back(p);
    params.push_back(&mu);
    contrastive_detail::PowerPattern<double> pattern(w);
    const DenseBlock<double> w_dense = w.to_dense().cast<double>();
    const double v = native_loss(
        [&](TapeD& t) {
          const VarD input = t.constant(x);
          const VarD z = encoder.forward(t, input, true);
          const VarD q = learn::student_t_assignment(z, t.parameter(mu), o.dof);
          const VarD kl = learn::kl_divergence(t.constant_copy(learn::target_distribution(q.value())), q);
          VarD con = model == ContrastiveModel::Pamc
                         ? learn::add(contrastive_detail::sparse_positive_term(z, pattern, o.tau),
                                      contrastive_detail::meta_node_negative_term(
                                          z, contrastive_detail::cluster_indicator<double>(argmax_rows(q.value()), o.k), o.tau))
                         : contrastive_detail::exact_contrastive_loss(z, w_dense, o.tau);
          VarD loss = learn::axpby(o.beta, kl, o.alpha, con);
          if (reconstruct)
            loss = learn::add(loss, contrastive_detail::reconstruction_loss(decoder.forward(t, z, true), input));
          return loss;
        },
        params);
    const tb::ContrastiveSetup setup{.features = &x, .w = &w, .encoder_layers = 2, .decoder_layers = reconstruct ? 2u : 0u};
    expect_probe_matches(tb::contrastive_probe(setup, o, tb::snapshot(params)), v, params,
                         "contrastive " + std::string(to_string(model)));
  }
}

// --- end to end ------------------------------------------------------------------------------------

TEST(TorchTraining, DigracRecoversACyclicFlow) {
  REQUIRE_TORCH();
  const auto g = directed_sbm({.num_nodes = 600, .k = 3, .p = 0.05, .meta_graph = MetaGraph::Cyclic, .eta = 0.05, .seed = 11});
  const DigracResult r = digrac(g.graph, {.k = 3, .max_epochs = 120, .encoder = EncoderBackend::Torch, .seed = 1});
  EXPECT_GE(adjusted_rand_index(g.labels, r.labels), 0.9);
  EXPECT_EQ(r.epochs, 120);
  EXPECT_LT(r.losses.back(), r.losses.front());
}

TEST(TorchTraining, TvAndPamcRecoverPlantedPartitions) {
  REQUIRE_TORCH();
  const AttributedPlantedGraph g =
      contextual_sbm({.sizes = {100, 100, 100}, .p_in = 0.08, .p_out = 0.01, .dims = 3, .mu = 2.0, .sigma = 1.0, .seed = 5});
  const AttributeView features(g.features);
  TvOptions t;
  t.k = 3;
  t.mp_channels = 32;
  t.mlp_hidden = 16;
  t.learning_rate = 5e-3;
  t.max_epochs = 150;
  t.encoder = EncoderBackend::Torch;
  const TvResult tr = tv_clustering(g.graph, features, t);
  EXPECT_GE(adjusted_rand_index(g.labels, tr.labels), 0.8);

  // test_contrastive.cpp's small PamC run (its native ARI is >= 0.9), trained by Torch after the native pretraining.
  const AttributedPlantedGraph q = contextual_sbm(
      {.sizes = {100, 100, 100}, .p_in = 0.1, .p_out = 0.01, .dims = 16, .mu = 3.0, .sigma = 1.0, .seed = 11});
  ContrastiveOptions c;
  c.k = 3;
  c.hidden = "32,32";
  c.embedding_dim = 8;
  c.order = 2;
  c.alpha = 4;
  c.learning_rate = 1e-2;
  c.max_epochs = 100;
  c.pretrain_epochs = 10;
  c.pretrain_batch_size = 64;
  c.n_init = 5;
  c.seed = 3;
  c.encoder = EncoderBackend::Torch;
  const ContrastiveResult cr = contrastive_clustering(q.graph, q.features, c);
  EXPECT_GE(adjusted_rand_index(q.labels, cr.labels), 0.85);
  EXPECT_EQ(cr.epochs, 100);
}

TEST(TorchTraining, CudaWhereADeviceIsPresent) {
  if (!torch_cuda_available()) GTEST_SKIP() << "no CUDA device (or LibTorch without CUDA)";
  const auto g = directed_sbm({.num_nodes = 600, .k = 3, .p = 0.05, .meta_graph = MetaGraph::Cyclic, .eta = 0.05, .seed = 11});
  const DigracResult r =
      digrac(g.graph, {.k = 3, .max_epochs = 120, .encoder = EncoderBackend::Torch, .device = "cuda", .seed = 1});
  EXPECT_GE(adjusted_rand_index(g.labels, r.labels), 0.9);
}
