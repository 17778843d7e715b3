"""The float32 erf of VectorKernelOps: its coefficients, their error, and reference GELU values.

erf(x) ~ x * P(x^2) / Q(x^2) on [0, 3.9], P of degree 4 and Q of degree 6 with Q(0) = 1, fitted
for least maximum relative error (Lawson's iteratively reweighted least squares on the linearised
residual x P - erf Q, weights 1 / (erf * |Q|)) against mpmath's erf at 40 digits. Beyond 3.9 erf
is 1 to within 3.5e-8, about half float32's spacing below 1 (6e-8), so the kernel returns +-1.
The coefficients are then rounded to float32, which the error after rounding includes (exact
arithmetic; float32 evaluation adds a few ulps, which KernelOpsTest bounds). It also prints
GELU's two forms at a few points, mpmath at 40 digits, for GeluTest. Run from the repository
root (needs numpy and mpmath):

    python3 trainer-job/src/test/resources/reference/erf_rational.py

Output with NumPy 2.4.6, mpmath 1.3.0:

    max relative error of the fit: 4.03e-08
    after rounding to float32:     5.37e-08
    P = {1.1283791065216064f, 0.1894543170928955f, 0.051471490412950516f, 0.0035723200999200344f, 0.00023050373420119286f}
    Q = {1.0f, 0.5012319087982178f, 0.11269748210906982f, 0.014408246614038944f, 0.0010523856617510319f, 2.3207690901472233e-05f, -1.1272466338141385e-07f}
    x, erf(x), gelu_erf(x) = x Phi(x), gelu_tanh(x) (GPT-2's gelu_new)
    -6.0 -1.0 -5.9195258702261885e-09 -8.439646700762297e-11
    -3.0 -0.9999779095030014 -0.0040496940948902835 -0.003637392081773019
    -1.0 -0.8427007929497149 -0.15865525393145705 -0.1588080093917233
    -0.3 -0.32862675945912745 -0.1146265733433142 -0.11462907645724076
    0.0 0.0 0.0 0.0
    0.5 0.5204998778130465 0.34573123063700656 0.34571400982514394
    1.0 0.8427007929497149 0.8413447460685429 0.8411919906082767
    2.5 0.999593047982555 2.4844758366855597 2.484915733910001
    5.0 0.9999999999984626 4.999998566742141 4.999999770820381
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 40
C = 3.9
NP, NQ = 5, 6  # coefficients of P, and of Q after its leading 1


def fit(iters=300):
    xs = np.concatenate(
        [np.linspace(1e-4, C, 6000), C * (1 - np.cos(np.linspace(0, np.pi / 2, 3000)))[1:]])
    xs = np.unique(xs)
    e = np.array([float(mp.erf(x)) for x in xs])
    z = xs * xs
    a = np.hstack([np.stack([xs * z**k for k in range(NP)], 1),
                   np.stack([-e * z**k for k in range(1, NQ + 1)], 1)])
    w = 1 / e
    lawson = np.ones_like(xs)
    best = None
    for _ in range(iters):
        ww = w * lawson
        sol, *_ = np.linalg.lstsq(a * ww[:, None], e * ww, rcond=None)
        p = sol[:NP]
        q = np.concatenate([[1.0], sol[NP:]])
        pz = sum(p[k] * z**k for k in range(NP))
        qz = sum(q[k] * z**k for k in range(NQ + 1))
        r = (xs * pz / qz - e) / e
        m = np.max(np.abs(r))
        if best is None or m < best[0]:
            best = (m, p, q)
        w = 1 / (e * np.abs(qz))
        lawson = np.maximum(lawson * np.abs(r) / np.mean(lawson * np.abs(r)), 1e-12)
    return best


def error(p, q):
    xs = np.linspace(0, C, 20001)[1:]
    e = np.array([float(mp.erf(x)) for x in xs])
    z = xs * xs
    pz = sum(float(p[k]) * z**k for k in range(NP))
    qz = sum(float(q[k]) * z**k for k in range(NQ + 1))
    return np.max(np.abs((xs * pz / qz - e) / e))


def java(cs):
    return "{" + ", ".join(repr(float(c)) + "f" for c in cs) + "}"


m, p, q = fit()
p32, q32 = p.astype(np.float32), q.astype(np.float32)
print(f"max relative error of the fit: {m:.3g}")
print(f"after rounding to float32:     {error(p32, q32):.3g}")
print("P =", java(p32))
print("Q =", java(q32))
print("x, erf(x), gelu_erf(x) = x Phi(x), gelu_tanh(x) (GPT-2's gelu_new)")
for x in ["-6", "-3", "-1", "-0.3", "0", "0.5", "1", "2.5", "5"]:
    x = mp.mpf(x)
    g = x * (1 + mp.erf(x / mp.sqrt(2))) / 2
    t = x * (1 + mp.tanh(mp.sqrt(2 / mp.pi) * (x + mp.mpf("0.044715") * x**3))) / 2
    print(float(x), float(mp.erf(x)), float(g), float(t))
