#pragma once
/// Elementwise ops. Binary ops broadcast like NumPy; scalar forms take a double. Domains are
/// checked before recording (an Error names the op, the shape and the first bad element):
/// pow's base > 0, sqrt and log inputs >= 0.
///
/// | op            | forward             | vjp                                       |
/// |---------------|---------------------|-------------------------------------------|
/// | add           | a + b               | da = g, db = g (summed to shapes)         |
/// | sub           | a - b               | da = g, db = -g                           |
/// | mul           | a * b               | da = g b, db = g a                        |
/// | div           | a / b               | da = g / b, db = -g a / b^2               |
/// | pow           | a ^ b  (a > 0)      | da = g b a^(b-1), db = g a^b log a        |
/// | neg           | -a                  | da = -g                                   |
/// | add_scalar    | a + s               | da = g                                    |
/// | mul_scalar    | a * s               | da = g s                                  |
/// | rsub_scalar   | s - a               | da = -g                                   |
/// | div_scalar    | a / s               | da = g / s                                |
/// | rdiv_scalar   | s / a               | da = -g s / a^2                           |
/// | pow_scalar    | a ^ p               | da = g p a^(p-1)                          |
/// | square        | a^2                 | da = 2 g a                                |
/// | sqrt          | sqrt(a)             | da = g / (2 sqrt(a))                      |
/// | exp           | e^a                 | da = g e^a                                |
/// | log           | ln a                | da = g / a                                |
/// | abs           | |a|                 | da = g sign(a)                            |
/// | clip          | min(max(a, lo), hi) | da = g where lo < a < hi, else 0          |

#include "../tape.hpp"

namespace tapegrad {

template <class T> Var<T> add(Var<T> a, Var<T> b);
template <class T> Var<T> sub(Var<T> a, Var<T> b);
template <class T> Var<T> mul(Var<T> a, Var<T> b);
template <class T> Var<T> div(Var<T> a, Var<T> b);
template <class T> Var<T> pow(Var<T> a, Var<T> b);
template <class T> Var<T> neg(Var<T> a);
template <class T> Var<T> add_scalar(Var<T> a, double s);
template <class T> Var<T> mul_scalar(Var<T> a, double s);
template <class T> Var<T> rsub_scalar(double s, Var<T> a);
template <class T> Var<T> div_scalar(Var<T> a, double s);
template <class T> Var<T> rdiv_scalar(double s, Var<T> a);
template <class T> Var<T> pow(Var<T> a, double p);
template <class T> Var<T> square(Var<T> a);
template <class T> Var<T> sqrt(Var<T> a);
template <class T> Var<T> exp(Var<T> a);
template <class T> Var<T> log(Var<T> a);
template <class T> Var<T> abs(Var<T> a);
template <class T> Var<T> clip(Var<T> a, double lo, double hi);

template <class T> Var<T> operator+(Var<T> a, Var<T> b) { return add(a, b); }
template <class T> Var<T> operator-(Var<T> a, Var<T> b) { return sub(a, b); }
template <class T> Var<T> operator*(Var<T> a, Var<T> b) { return mul(a, b); }
template <class T> Var<T> operator/(Var<T> a, Var<T> b) { return div(a, b); }
template <class T> Var<T> operator-(Var<T> a) { return neg(a); }
template <class T> Var<T> operator+(Var<T> a, double s) { return add_scalar(a, s); }
template <class T> Var<T> operator+(double s, Var<T> a) { return add_scalar(a, s); }
template <class T> Var<T> operator-(Var<T> a, double s) { return add_scalar(a, -s); }
template <class T> Var<T> operator-(double s, Var<T> a) { return rsub_scalar(s, a); }
template <class T> Var<T> operator*(Var<T> a, double s) { return mul_scalar(a, s); }
template <class T> Var<T> operator*(double s, Var<T> a) { return mul_scalar(a, s); }
template <class T> Var<T> operator/(Var<T> a, double s) { return div_scalar(a, s); }
template <class T> Var<T> operator/(double s, Var<T> a) { return rdiv_scalar(s, a); }

}  // namespace tapegrad
