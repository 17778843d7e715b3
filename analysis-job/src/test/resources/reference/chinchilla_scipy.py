"""Reference values for ChinchillaFitTest: Epoch AI's approach-3 fit, redone with SciPy.

The objective and grid of Besiroglu et al. (2024, "Chinchilla scaling: a replication attempt"):
the Huber loss (delta = 1e-3) of log L - LSE(a - alpha log N, b - beta log D, e), summed over
points, minimised with scipy.optimize.minimize(method="L-BFGS-B") from every start of the grid
alpha, beta in {0, .5, .., 2}, e in {-1, -.5, .., 1}, a, b in {0, 5, .., 25}; the best converged
result wins. Run from the repository root (needs numpy and scipy):

    python3 analysis-job/src/test/resources/reference/chinchilla_scipy.py

Output with SciPy 1.17.1, NumPy 2.4.6 (about a minute):

    240 points (five highest losses left out, as Epoch AI's analysis does):
      objective 0.0010182740178120708
      E 1.8172181135420984  A 477.8247437954418  B 2143.4171122712496
      alpha 0.3473103660179215  beta 0.36717244409013605
    245 points:
      objective 0.0018260105230849164
      E 1.8913370773993268  A 495.7206542604507  B 12845.429125436785
      alpha 0.34931225522865095  beta 0.4530486015466091
"""
import csv
import itertools
import pathlib

import numpy as np
from scipy.optimize import minimize
from scipy.special import huber

DATA = pathlib.Path(__file__).resolve().parents[5] / ".." / "shared" / "scaling-data"


def load():
    with open(DATA / "scaling_chinchilla_points.csv") as f:
        rows = list(csv.DictReader(f))
    n = np.array([float(r["model_size_params"]) for r in rows])
    d = np.array([float(r["training_tokens_derived"]) for r in rows])
    loss = np.array([float(r["loss"]) for r in rows])
    return n, d, loss


def fit(n, d, loss):
    ln, ld, ll = np.log(n), np.log(d), np.log(loss)

    def objective(p):
        a, b, e, alpha, beta = p
        t = np.stack([a - alpha * ln, b - beta * ld, np.full_like(ln, e)])
        m = t.max(0)
        w = np.exp(t - m)
        s = w.sum(0)
        r = m + np.log(s) - ll
        dr = np.clip(r, -1e-3, 1e-3)
        sm = w / s
        grad = np.array([(dr * sm[0]).sum(), (dr * sm[1]).sum(), (dr * sm[2]).sum(),
                         -(dr * sm[0] * ln).sum(), -(dr * sm[1] * ld).sum()])
        return huber(1e-3, r).sum(), grad

    best = None
    grid = itertools.product(np.arange(0, 2.5, .5), np.arange(0, 2.5, .5),
                             np.arange(-1, 1.5, .5), np.arange(0, 30, 5), np.arange(0, 30, 5))
    for alpha, beta, e, a, b in grid:
        r = minimize(objective, [a, b, e, alpha, beta], jac=True, method="L-BFGS-B")
        if r.success and (best is None or r.fun < best.fun):
            best = r
    a, b, e, alpha, beta = best.x
    print("  objective", best.fun)
    print("  E", np.exp(e), " A", np.exp(a), " B", np.exp(b))
    print("  alpha", alpha, " beta", beta)


if __name__ == "__main__":
    n, d, loss = load()
    keep = loss < sorted(loss)[-5]
    print("240 points (five highest losses left out, as Epoch AI's analysis does):")
    fit(n[keep], d[keep], loss[keep])
    print("245 points:")
    fit(n, d, loss)
