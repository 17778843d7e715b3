"""Reference values of ScikitDimensionParityTest: scikit-dimension 0.3's estimator expressions,
evaluated in float64 with numpy on the neighbour distances the test builds.

scikit-dimension is not installable where this project is built (no PyPI), so its expressions are
transcribed from its source (github.com/scikit-learn-contrib/scikit-dimension, 0.3):
  skdim/id/_MLE.py   _maxLikDimEstFromR_haro_approx, dnoise=None:
                     kfac / sum(log(Rk / Rs)), Rk = max(Rs), kfac = k - 1 (k - 2 when unbiased),
                     Rs the k nearest distances without the point itself;
                     fit(): comb="mean" -> mean(dimension_pw_), comb="mle" -> 1 / mean(1 / pw)
  skdim/id/_TwoNN.py dist=True: mu = r2 / r1 sorted, the first int(N * (1 - discard)) kept,
                     Femp = arange(m) / N, slope of -log(1 - Femp) on log(mu) without intercept

Run: python3 skdim_parity.py   (numpy 1.24.2 gave the output below; the test checks to 1e-9 relative)

mle k=5  mean      4.423089964890956
mle k=5  harmonic  3.9096538875579134
mle k=5  unbiased  3.3173174736682167
mle k=20 mean      3.519746995136168
mle k=20 harmonic  3.17335455662285
mle k=20 unbiased  3.3344971532868963
pointwise k=5  row 0  2.454215219710415
pointwise k=5  row 7  4.272542256044491
pointwise k=20 row 0  2.1616666072783604
pointwise k=20 row 7  3.267386096715399
twonn discard 0.1     2.567963590691631
"""
import numpy as np

N, K = 200, 20


def distances():
    i = np.arange(N)[:, None].astype(float)
    j = np.arange(K)[None, :].astype(float)
    s = np.sin(i)
    return (j + 1.0) ** (1.0 / (i % 5 + 2.0)) * (1 + 0.01 * i) + 0.05 * j * s * s


def pointwise(rs, k, unbiased):
    rs = rs[:k]
    kfac = k - 2 if unbiased else k - 1
    return kfac / np.sum(np.log(np.max(rs) / rs))


def mle(t, k, unbiased, comb):
    pw = np.array([pointwise(t[i], k, unbiased) for i in range(N)])
    return np.mean(pw) if comb == "mean" else 1.0 / np.mean(1.0 / pw)


def twonn(r1, r2, discard):
    mu = np.sort(r2 / r1)
    m = int(N * (1 - discard))
    mu = mu[:m]
    femp = np.arange(m) / N
    x = np.log(mu)
    y = -np.log(1 - femp)
    slope = np.dot(x, y) / np.dot(x, x)
    lstsq = np.linalg.lstsq(x[:, None], y, rcond=None)[0][0]
    assert abs(slope - lstsq) <= 1e-12 * abs(slope)
    return slope


t = distances()
for k in (5, 20):
    print(f"mle k={k:<2} mean     ", repr(mle(t, k, False, "mean")))
    print(f"mle k={k:<2} harmonic ", repr(mle(t, k, False, "mle")))
    print(f"mle k={k:<2} unbiased ", repr(mle(t, k, True, "mean")))
for k in (5, 20):
    for row in (0, 7):
        print(f"pointwise k={k:<2} row {row} ", repr(pointwise(t[row], k, False)))
i = np.arange(N)
c = np.cos(i)
print("twonn discard 0.1    ", repr(twonn(t[:, 0], t[:, 1] * (1 + 0.3 * c * c), 0.1)))
