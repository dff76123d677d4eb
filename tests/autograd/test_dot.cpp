// write_dot: the recorded graph as Graphviz DOT.

#include <sstream>

#include <gtest/gtest.h>

#include <tapegrad/autograd/autograd.hpp>

namespace {

using namespace tapegrad;

TEST(Dot, OneNodePerTapeNodeAndOneEdgePerInput) {
    Parameter<double> w(Array<double>{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}});
    Tape<double> tape;
    auto x = tape.constant(Array<double>{{1.0, 2.0, 3.0}});
    auto h = relu(matmul(x, tape.param(w)));
    sum(h * h);
    std::ostringstream dot;
    write_dot(tape, dot);
    EXPECT_EQ(dot.str(),
              "digraph tape {\n"
              "  n0 [label=\"#0 constant\\n(1, 3)\", shape=ellipse];\n"
              "  n1 [label=\"#1 parameter\\n(3, 2)\", shape=ellipse];\n"
              "  n2 [label=\"#2 matmul\\n(1, 2)\", shape=box];\n"
              "  n0 -> n2;\n"
              "  n1 -> n2;\n"
              "  n3 [label=\"#3 relu\\n(1, 2)\", shape=box];\n"
              "  n2 -> n3;\n"
              "  n4 [label=\"#4 mul\\n(1, 2)\", shape=box];\n"
              "  n3 -> n4;\n"
              "  n3 -> n4;\n"
              "  n5 [label=\"#5 sum\\n()\", shape=box];\n"
              "  n4 -> n5;\n"
              "}\n");
}

TEST(Dot, UpToANodeAndWithoutGraph) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{1.0, 2.0});
    auto y = exp(x);
    {
        NoGrad<double> no_grad(tape);
        log(y);  // computed without a graph: a constant, no edge
    }
    std::ostringstream all, upto;
    write_dot(tape, all);
    write_dot(tape, y, upto);
    EXPECT_EQ(all.str(),
              "digraph tape {\n"
              "  n0 [label=\"#0 variable\\n(2,)\", shape=ellipse];\n"
              "  n1 [label=\"#1 exp\\n(2,)\", shape=box];\n"
              "  n0 -> n1;\n"
              "  n2 [label=\"#2 constant\\n(2,)\", shape=ellipse];\n"
              "}\n");
    EXPECT_EQ(upto.str(),
              "digraph tape {\n"
              "  n0 [label=\"#0 variable\\n(2,)\", shape=ellipse];\n"
              "  n1 [label=\"#1 exp\\n(2,)\", shape=box];\n"
              "  n0 -> n1;\n"
              "}\n");
    tape.clear();
    EXPECT_THROW(write_dot(tape, y, upto), Error);  // a stale Var
}

}  // namespace
