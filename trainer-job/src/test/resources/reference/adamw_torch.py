"""Reference values of AdamWTest: two steps of torch.optim.AdamW in float64 on the test's
parameters and gradients (beta1 0.9, beta2 0.95, eps 1e-8; weight decay 0.1 on the matrix w only,
as nanoGPT's configure_optimizers groups them; lr 0.01 at step 1, 0.02 at step 2).

Run: python3 adamw_torch.py   (Debian's python3-torch 1.13 gave the output below)

step 1 w       ['0.9890000010000', '2.0079999995000', '2.9870000003333', '3.9960000000000']
step 1 b       ['0.9900000002000', '-0.9900000002000']
step 1 m(w)    ['0.01', '-0.02', '0.03', '0']
step 1 v(b)    ['0.0125', '0.0125']
step 2 w       ['0.9880746324717', '2.0239839985010', '2.9610260009993', '3.9733088004671']
step 2 b       ['0.9700000006000', '-0.9846326113752']
step 2 m(w)    ['-0.001', '-0.038', '0.057', '0.04']
step 2 v(b)    ['0.024375', '0.015']
"""
import torch

torch.set_default_dtype(torch.float64)
w = torch.nn.Parameter(torch.tensor([[1.0, 2.0], [3.0, 4.0]]))
b = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
opt = torch.optim.AdamW(
    [{"params": [w], "weight_decay": 0.1}, {"params": [b], "weight_decay": 0.0}],
    lr=0.01,
    betas=(0.9, 0.95),
    eps=1e-8,
)
steps = [
    ([[0.1, -0.2], [0.3, 0.0]], [0.5, -0.5], 0.01),
    ([[-0.1, -0.2], [0.3, 0.4]], [0.5, 0.25], 0.02),
]
for t, (gw, gb, lr) in enumerate(steps, start=1):
    for g in opt.param_groups:
        g["lr"] = lr
    w.grad = torch.tensor(gw)
    b.grad = torch.tensor(gb)
    opt.step()
    print(f"step {t} w      ", [f"{x:.13f}" for x in w.detach().flatten().tolist()])
    print(f"step {t} b      ", [f"{x:.13f}" for x in b.detach().tolist()])
    print(f"step {t} m(w)   ", [f"{x:.13g}" for x in opt.state[w]["exp_avg"].flatten().tolist()])
    print(f"step {t} v(b)   ", [f"{x:.13g}" for x in opt.state[b]["exp_avg_sq"].tolist()])
