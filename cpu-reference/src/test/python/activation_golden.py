#!/usr/bin/python3
"""Writes activation_golden.txt, PyTorch 1.13's answers for ConvCL's activations and fused conv2d epilogues.

Run from the repository root:  /usr/bin/python3 cpu-reference/src/test/python/activation_golden.py
Each line is  NAME SHAPE VALUES...  (SHAPE comma-separated, values as Java's Float.parseFloat reads them), or
NAME activation SPEC for a case's activation. Small integers keep every conv2d sum exact in float32, and biases and
residuals are picked so that some sums land exactly on the activations' boundaries (0, 6, -2, 3).
Gradients are autograd's: torch.relu, F.relu6, F.hardtanh (the clamp's gradient ConvCL documents) and F.leaky_relu,
on tensors of at least 16 elements: PyTorch's vectorised hardtanh_backward blocks a NaN, its scalar tail passes it.
"""
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "org", "convcl", "reference", "activation_golden.txt")
NAN, INF = float("nan"), float("inf")

ACTIVATIONS = {
    "identity": ("identity", lambda z: z),
    "relu": ("relu", torch.relu),
    "relu6": ("clamp 0 6", F.relu6),
    "clamp": ("clamp -2 3", lambda z: F.hardtanh(z, -2.0, 3.0)),
    "leaky": ("leaky 0.1", lambda z: F.leaky_relu(z, 0.1)),
    "leaky0": ("leaky 0", lambda z: F.leaky_relu(z, 0.0)),
}
# torch.clamp's forward is the hardtanh's, NaN included; only their gradients at the bounds differ.
_probe = torch.tensor([NAN, -INF, -2.0, -0.0, 3.0, INF])
assert torch.equal(torch.clamp(_probe, -2, 3).nan_to_num(9), F.hardtanh(_probe, -2, 3).nan_to_num(9))


def number(v):
    v = float(v)
    if v != v:
        return "NaN"
    if v in (INF, -INF):
        return "Infinity" if v > 0 else "-Infinity"
    return repr(v)


def line(name, t):
    t = t.detach().contiguous()
    return name + " " + ",".join(str(d) for d in t.shape) + " " + " ".join(number(v) for v in t.flatten().tolist())


def integers(gen, shape, bound):
    return torch.randint(-bound, bound + 1, shape, generator=gen).float()


def main():
    gen = torch.Generator().manual_seed(20261123)
    lines = []

    # Element-wise: special values, ties at every boundary, and output gradients with NaN and infinities.
    v = torch.tensor([NAN, -INF, -7.0, -2.0, -1.0, -0.0, 0.0, 1e-30, 1.0, 3.0, 6.0, 7.0, INF, -3.0, 2.5, -1e-30])
    dy = torch.tensor([1.0, 2.0, -1.0, INF, NAN, INF, NAN, 3.0, -2.0, NAN, INF, 1.5, -1.0, NAN, INF, 4.0])
    lines += [line("elementwise.input", v), line("elementwise.gradOutput", dy)]
    for name, (spec, f) in ACTIVATIONS.items():
        z = v.clone().requires_grad_(True)
        y = f(z)
        y.backward(dy)
        lines += [f"elementwise.{name} activation {spec}", line(f"elementwise.{name}.output", y),
                  line(f"elementwise.{name}.gradInput", z.grad)]

    # conv2d (2,3,4,4) * (4,3,3,3), padding 1, stride 1: output (2,4,4,4).
    x = integers(gen, (2, 3, 4, 4), 2)
    w = integers(gen, (4, 3, 3, 3), 2)
    lines += [line("conv.input", x), line("conv.weight", w)]
    plain = F.conv2d(x, w, None, padding=1)
    # Bias: the first pixel of channel k sums to 0, 6, -2 and 3.
    bias = torch.tensor([0.0, 6.0, -2.0, 3.0]) - plain[0, :, 0, 0]
    lines.append(line("conv.bias", bias))
    summed = plain + bias.view(1, 4, 1, 1)
    # Residuals: integers, then every fifth sum forced onto a boundary; the non-finite one adds NaN and infinities.
    residual = integers(gen, summed.shape, 3)
    flat = residual.view(-1)
    targets = torch.tensor([0.0, 6.0, -2.0, 3.0])
    for i in range(0, flat.numel(), 5):
        flat[i] = targets[(i // 5) % 4] - summed.view(-1)[i]
    nonfinite = residual.clone()
    nonfinite.view(-1)[[1, 7, 22, 40, 77, 101]] = torch.tensor([NAN, INF, -INF, NAN, INF, -INF])
    grad = integers(gen, summed.shape, 3)
    grad_nonfinite = grad.clone()
    grad_nonfinite.view(-1)[[0, 3, 5, 12, 33, 60, 90, 127]] = torch.tensor([NAN, INF, -INF, NAN, INF, NAN, -INF, INF])
    lines += [line("conv.residual", residual), line("conv.residualNonFinite", nonfinite),
              line("conv.gradOutput", grad), line("conv.gradOutputNonFinite", grad_nonfinite)]

    for variant, r, g in (("plain", None, grad), ("residual", residual, grad),
                          ("nonfinite", nonfinite, grad_nonfinite)):
        for name, (spec, f) in ACTIVATIONS.items():
            xi, wi, bi = (t.clone().requires_grad_(True) for t in (x, w, bias))
            ri = None if r is None else r.clone().requires_grad_(True)
            z = F.conv2d(xi, wi, bi, padding=1)
            y = f(z if ri is None else z + ri)
            y.backward(g)
            case = f"{variant}.{name}"
            lines += [f"{case} activation {spec}", line(f"{case}.output", y), line(f"{case}.gradInput", xi.grad),
                      line(f"{case}.gradWeight", wi.grad), line(f"{case}.gradBias", bi.grad)]
            if ri is not None:
                lines.append(line(f"{case}.gradResidual", ri.grad))

    with open(OUT, "w") as out:
        out.write("# PyTorch " + torch.__version__ + ", written by cpu-reference/src/test/python/activation_golden.py\n")
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
