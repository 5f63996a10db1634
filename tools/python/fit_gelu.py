"""Fits the rational functions behind the fast CPU backend's GELU and GELU' (VectorMath.java).

Both functions minus 1/2 are odd, so each is fitted as  f(x) ≈ 1/2 + x·P(x²)/Q(x²)  on |x| ≤ X and
held at its value at ±X beyond:
  Φ(x)     (GELU(x) = x·Φ(x)),             X = 5.6: 1 − Φ(5.6) ≈ 1.1e-8
  Φ(x) + x·φ(x)  (GELU'(x)),               X = 6.0: |GELU'(6) − 1| ≈ 3.6e-8
The fit is a linearised rational least-squares problem (Sanathanan–Koerner: divide by the last Q)
with Lawson's reweighting towards the minimax absolute error, in a Chebyshev basis of t = x²/X² for
conditioning, then turned into monomials of x² with Q(0) = 1.

Prints the coefficients as Java float literals and the worst absolute error of a float32
evaluation (Horner with fused multiply-adds, as the Java code does) over [−14, 14].
Run: python3 tools/python/fit_gelu.py
"""

import numpy as np
from numpy.polynomial import chebyshev as cheb
from numpy.polynomial import polynomial as poly
from scipy.special import ndtr

INV_SQRT_2PI = 1 / np.sqrt(2 * np.pi)


def cdf(x):
    return ndtr(x)


def gelu_derivative(x):
    return ndtr(x) + x * INV_SQRT_2PI * np.exp(-x * x / 2)


def fit(f, p_degree, q_degree, bound, iterations=300):
    """(p, q): monomial coefficients in s = x² of f(x) ≈ 1/2 + x·p(s)/q(s) on [0, bound]."""
    t = (1 - np.cos(np.linspace(0, np.pi, 30000))) / 2
    x = np.maximum(np.sqrt(t) * bound, 1e-9)
    target = (f(x) - 0.5) / x
    y = 2 * t - 1
    vp = cheb.chebvander(y, p_degree)
    vq = cheb.chebvander(y, q_degree)[:, 1:]
    weights = np.ones_like(t)
    q_values = np.ones_like(t)
    best = None
    for _ in range(iterations):
        a = np.concatenate([vp, -target[:, None] * vq], axis=1)
        row = np.sqrt(weights) * x / np.abs(q_values)
        c, *_ = np.linalg.lstsq(a * row[:, None], target * row, rcond=None)
        pc, qc = c[: p_degree + 1], np.concatenate([[1.0], c[p_degree + 1 :]])
        q_values = cheb.chebval(y, qc)
        error = np.abs(x * (cheb.chebval(y, pc) / q_values - target))
        if q_values.min() > 0 and (best is None or error.max() < best[2]):
            best = (pc, qc, error.max())
        weights = np.maximum(weights * error / error.mean(), 1e-30)
    p, q = (in_squares(c, bound) for c in best[:2])
    return p / q[0], q / q[0]


def in_squares(chebyshev_coefficients, bound):
    """A Chebyshev series in y = 2t − 1, t = s/bound², as monomial coefficients in s."""
    in_y = cheb.cheb2poly(chebyshev_coefficients)
    in_t = np.zeros(1)
    for k, a in enumerate(in_y):
        in_t = poly.polyadd(in_t, a * poly.polypow([-1.0, 2.0], k))
    return np.array([c / bound ** (2 * k) for k, c in enumerate(in_t)])


def fma(a, b, c):
    return np.float32(a.astype(np.float64) * b + c)


def evaluate_float32(p, q, bound, x):
    """1/2 + c·P(c²)/Q(c²) with c = x clamped to ±bound, in float32 with fused multiply-adds."""
    c = np.clip(x, np.float32(-bound), np.float32(bound))
    s = np.float32(c * c)
    num = np.full_like(s, p[-1])
    for k in p[-2::-1]:
        num = fma(num, s, k)
    den = np.full_like(s, q[-1])
    for k in q[-2::-1]:
        den = fma(den, s, k)
    return fma(c, np.float32(num / den), np.float32(0.5))


def java(name, coefficients):
    literals = ", ".join("%.9ef" % c for c in coefficients)
    return "private static final float[] %s = {%s};" % (name, literals)


def main():
    x = np.linspace(-14, 14, 4_000_001).astype(np.float32)
    for label, f, degrees, bound in [
        ("CDF", cdf, (6, 5), 5.6),
        ("GELU_DERIVATIVE", gelu_derivative, (7, 5), 6.0),
    ]:
        p, q = (c.astype(np.float32) for c in fit(f, *degrees, bound))
        error = np.abs(evaluate_float32(p, q, bound, x) - f(x.astype(np.float64)))
        print("// %s: degrees %s, |x| <= %s, worst float32 error %.3g at x = %.4f"
              % (label, degrees, bound, error.max(), x[error.argmax()]))
        print(java(label + "_P", p))
        print(java(label + "_Q", q))


if __name__ == "__main__":
    main()
