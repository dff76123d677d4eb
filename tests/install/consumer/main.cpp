#include <iostream>
#include <tapegrad/tapegrad.hpp>
using namespace tapegrad;

int main() {
    Tape<double> tape;
    Var<double> x = tape.variable(Array<double>{1.0, 2.0, 3.0});  // a leaf we differentiate by
    Var<double> y = sum(exp(x) * x);                               // recorded on the tape
    tape.backward(y);                                              // dy/dy = 1, walked backwards
    std::cout << x.grad() << "\n";                                 // (1 + x) e^x = {5.44, 22.2, 80.3}
}
