#pragma once
/// The recorded graph as Graphviz DOT, to look at what a forward pass recorded:
///
///     std::ofstream file("tape.dot");
///     write_dot(tape, file);          // then: dot -Tsvg tape.dot -o tape.svg
///
/// One DOT node per tape node, `n<index>`, labelled "#<index> <what>\n<shape>" where <what> is
/// the op's name, or for leaves "parameter", "variable" (a leaf that receives a gradient) or
/// "constant" (data, targets, and results computed without a graph); ops are boxes, leaves
/// ellipses. One edge `n<input> -> n<node>` per input of each op, in input order:
///
///     digraph tape {
///       n0 [label="#0 variable\n(2, 3)", shape=ellipse];
///       n1 [label="#1 exp\n(2, 3)", shape=box];
///       n0 -> n1;
///     }

#include <ostream>

#include "tape.hpp"

namespace tapegrad {

/// Writes every node recorded on `tape` so far.
template <class T>
void write_dot(const Tape<T>& tape, std::ostream& out);

/// Writes the nodes recorded up to and including `last` (the graph that led to a loss, say).
template <class T>
void write_dot(const Tape<T>& tape, Var<T> last, std::ostream& out);

}  // namespace tapegrad
