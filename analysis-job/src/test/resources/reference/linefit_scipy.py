"""Reference values for LineInferenceTest: Student t quantiles and the t interval of a log-log
least-squares slope, from SciPy.

Run: python3 linefit_scipy.py   (Debian's python3-scipy 1.17.1, numpy 2.4.6)

Output:
t quantile dof=1 q=0.975: 12.706204736175
t quantile dof=2 q=0.975: 4.302652729749
t quantile dof=4 q=0.975: 2.776445105198
t quantile dof=10 q=0.975: 2.228138851986
gpt2 alpha=0.072275549346 se=0.000925885029 low=0.068291787600 high=0.076259311091
gpt2 logC=2.456409839097 se=0.018376543291
"""
import numpy as np
from scipy import stats

for dof in (1, 2, 4, 10):
    print(f"t quantile dof={dof} q=0.975: {stats.t.ppf(0.975, dof):.12f}")

# nanoGPT's GPT-2 losses on OpenWebText against non-embedding parameters
n = np.array([85_056_000, 302_311_424, 708_390_400, 1_475_561_600], dtype=float)
loss = np.array([3.12, 2.84, 2.67, 2.54])
r = stats.linregress(np.log(n), np.log(loss))
t = stats.t.ppf(0.975, len(n) - 2)
print(f"gpt2 alpha={-r.slope:.12f} se={r.stderr:.12f} "
      f"low={-r.slope - t * r.stderr:.12f} high={-r.slope + t * r.stderr:.12f}")
print(f"gpt2 logC={r.intercept:.12f} se={r.intercept_stderr:.12f}")
