#include "dot.hpp"

#include <string>

namespace tapegrad {

namespace {

template <class T>
const char* dot_name(const Node<T>& node) {
    if (node.op) return node.op->name;
    if (node.param) return "parameter";
    return node.requires_grad ? "variable" : "constant";
}

/// `text` inside a DOT double-quoted string: quotes and backslashes escaped.
std::string dot_escape(const std::string& text) {
    std::string escaped;
    for (char c : text) {
        if (c == '"' || c == '\\') escaped += '\\';
        escaped += c;
    }
    return escaped;
}

template <class T>
void write_nodes(const Tape<T>& tape, std::size_t count, std::ostream& out) {
    out << "digraph tape {\n";
    for (std::size_t i = 0; i < count; ++i) {
        const Node<T>& node = tape.node_at(static_cast<std::int32_t>(i));
        out << "  n" << i << " [label=\"#" << i << ' ' << dot_escape(dot_name(node)) << "\\n"
            << shape_str(node.value().shape()) << "\", shape=" << (node.op ? "box" : "ellipse") << "];\n";
        for (int k = 0; k < node.n_inputs; ++k) out << "  n" << node.input(k) << " -> n" << i << ";\n";
    }
    out << "}\n";
}

}  // namespace

template <class T>
void write_dot(const Tape<T>& tape, std::ostream& out) {
    write_nodes(tape, tape.size(), out);
}

template <class T>
void write_dot(const Tape<T>& tape, Var<T> last, std::ostream& out) {
    tape.check(last, "write_dot");
    write_nodes(tape, static_cast<std::size_t>(last.index()) + 1, out);
}

#define TAPEGRAD_INSTANTIATE(T)                                       \
    template void write_dot(const Tape<T>&, std::ostream&);           \
    template void write_dot(const Tape<T>&, Var<T>, std::ostream&);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad
