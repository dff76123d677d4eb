// A user's own program, built against the installed tapegrad package.
#include <iostream>

#include <tapegrad/tapegrad.hpp>

int main() {
    tapegrad::Tape<double> tape;
    auto x = tape.variable(tapegrad::Array<double>{3.0});
    auto y = tapegrad::sum(x * x);
    tape.backward(y);
    std::cout << "d(x * x)/dx at x = 3: " << x.grad()(0) << "\n";
}
