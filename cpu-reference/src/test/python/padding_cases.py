#!/usr/bin/python3
"""Golden cases from PyTorch (1.13) for padding per side and conv2d's padding="same"/"valid".

Writes, relative to the repository root:
  cpu-reference/src/test/resources/org/convcl/reference/padding_cases.txt  (read by PaddingGoldenTest)
  host/src/test/resources/org/convcl/cli/huge_padding/*.npy               (read by CliPaddingTest)
Run from anywhere: /usr/bin/python3 cpu-reference/src/test/python/padding_cases.py

PyTorch's conv2d and pooling take one pad per axis, so a case with pads (top, bottom, left, right) is computed as
F.pad with explicit values (zeros for conv2d and average pooling, -inf for max pooling) followed by the op without
padding, which is what ConvCL's per-side padding means. Cases whose pads are symmetric use PyTorch's own padding
argument instead, so both spellings are checked against the same rule. Two details of pooling:
  * ceil mode: a window must start inside the input or the begin padding (PyTorch's pooling_output_shape_pad_lr).
    After an explicit F.pad that rule would also admit windows starting in the end padding, so those trailing
    windows are cut off here (the generator checks that only such windows are cut).
  * average pooling with count_include_pad=False divides by the input elements in the window: computed as the
    window sums of x over the window sums of ones, both after zero padding.
Backward cases use autograd through the same expressions, with a random gradient of the output.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
TXT = os.path.join(ROOT, "cpu-reference/src/test/resources/org/convcl/reference/padding_cases.txt")
NPY = os.path.join(ROOT, "host/src/test/resources/org/convcl/cli/huge_padding")

gen = torch.Generator().manual_seed(20261123)


def rand(*shape):
    return torch.randn(*shape, generator=gen, dtype=torch.float32)


def values(t):
    t = t.detach().contiguous()
    dims = ",".join(str(d) for d in t.shape)
    flat = t.reshape(-1).numpy()
    if flat.dtype == np.float32:
        return dims + " " + " ".join(str(np.float32(v)) for v in flat)
    return dims + " " + " ".join(str(int(v)) for v in flat)


def pool_size(n, k, s, p0, p1, d, ceil):
    out = (n + p0 + p1 - d * (k - 1) - 1 + (s - 1 if ceil else 0)) // s + 1
    if ceil and (out - 1) * s >= n + p0:
        out -= 1
    return out


def conv_case(out, name, x_shape, w_shape, stride=(1, 1), pads=(0, 0, 0, 0), dilation=(1, 1), groups=1,
              bias=True, mode=None):
    x, w = rand(*x_shape).requires_grad_(), rand(*w_shape).requires_grad_()
    b = rand(w_shape[0]).requires_grad_() if bias else None
    t, bo, l, r = pads
    if mode is not None:
        y = F.conv2d(x, w, b, stride, mode, dilation, groups)
    elif t == bo and l == r:
        y = F.conv2d(x, w, b, stride, (t, l), dilation, groups)
    else:
        y = F.conv2d(F.pad(x, (l, r, t, bo)), w, b, stride, 0, dilation, groups)
    dy = rand(*y.shape)
    y.backward(dy)
    padding = mode if mode is not None else "%d,%d,%d,%d" % pads
    out.append("case conv2d " + name)
    out.append("params stride=%d,%d padding=%s dilation=%d,%d groups=%d" % (stride + (padding,) + dilation + (groups,)))
    out.append("input " + values(x))
    out.append("weight " + values(w))
    if bias:
        out.append("bias " + values(b))
    out.append("expected " + values(y))
    out.append("gradOutput " + values(dy))
    out.append("gradInput " + values(x.grad))
    out.append("gradWeight " + values(w.grad))
    if bias:
        out.append("gradBias " + values(b.grad))
    out.append("end")


def pool_case(out, op, name, x_shape, kernel, stride, pads, dilation=(1, 1), ceil=False, count_include_pad=True):
    x = rand(*x_shape).requires_grad_()
    t, bo, l, r = pads
    assert max(t, bo) <= kernel[0] // 2 and max(l, r) <= kernel[1] // 2, "PyTorch's rule: at most half the kernel"
    n, c, h, w = x_shape
    oh = pool_size(h, kernel[0], stride[0], t, bo, dilation[0], ceil)
    ow = pool_size(w, kernel[1], stride[1], l, r, dilation[1], ceil)
    symmetric = t == bo and l == r
    if op == "maxpool2d":
        if symmetric:
            y, idx = F.max_pool2d(x, kernel, stride, (t, l), dilation, ceil, return_indices=True)
        else:
            y, idx = F.max_pool2d(F.pad(x, (l, r, t, bo), value=float("-inf")), kernel, stride, 0, dilation, ceil,
                                  return_indices=True)
            # Indices of the padded plane to indices of the input plane.
            pw = w + l + r
            idx = (idx // pw - t) * w + idx % pw - l
    elif symmetric:
        y = F.avg_pool2d(x, kernel, stride, (t, l), ceil, count_include_pad)
    else:
        xp = F.pad(x, (l, r, t, bo))
        if count_include_pad:
            y = F.avg_pool2d(xp, kernel, stride, 0, ceil, True)
        else:
            ones = F.pad(torch.ones_like(x), (l, r, t, bo))
            y = F.avg_pool2d(xp, kernel, stride, 0, ceil, True, 1) / F.avg_pool2d(ones, kernel, stride, 0, ceil, True, 1)
    # Trailing windows that start in the end padding are not windows of ConvCL (or of PyTorch's own padding).
    assert y.shape[2] >= oh and y.shape[3] >= ow
    for extra in range(oh, y.shape[2]):
        assert extra * stride[0] >= h + t
    for extra in range(ow, y.shape[3]):
        assert extra * stride[1] >= w + l
    y = y[:, :, :oh, :ow]
    dy = rand(*y.shape)
    y.backward(dy)
    out.append("case %s %s" % (op, name))
    out.append("params kernel=%d,%d stride=%d,%d padding=%d,%d,%d,%d dilation=%d,%d ceil=%d countIncludePad=%d"
               % (kernel + stride + pads + dilation + (int(ceil), int(count_include_pad))))
    out.append("input " + values(x))
    out.append("expected " + values(y))
    if op == "maxpool2d":
        out.append("indices " + values(idx[:, :, :oh, :ow]))
    out.append("gradOutput " + values(dy))
    out.append("gradInput " + values(x.grad))
    out.append("end")


def main():
    out = ["# Made by cpu-reference/src/test/python/padding_cases.py with PyTorch " + torch.__version__
           + "; do not edit. One block per case: 'case OP NAME', 'params ...', then 'NAME DIMS VALUES' lines."]
    conv_case(out, "end-only padding (ONNX pads 0,0,1,1)", (2, 3, 7, 8), (4, 3, 3, 3), stride=(2, 2),
              pads=(0, 1, 0, 1))
    conv_case(out, "begin-only padding", (1, 2, 5, 6), (3, 2, 2, 3), pads=(2, 0, 1, 0))
    conv_case(out, "asymmetric strided dilated grouped", (2, 4, 9, 7), (6, 2, 3, 2), stride=(2, 3),
              pads=(3, 0, 1, 2), dilation=(2, 1), groups=2)
    conv_case(out, "symmetric padding", (1, 3, 6, 5), (2, 3, 3, 3), pads=(1, 1, 2, 2), bias=False)
    conv_case(out, "asymmetric 1x1", (1, 2, 4, 3), (3, 2, 1, 1), pads=(0, 2, 1, 0))
    conv_case(out, "same odd kernel", (2, 3, 6, 7), (4, 3, 3, 5), mode="same")
    conv_case(out, "same even kernel", (1, 2, 5, 6), (3, 2, 4, 2), mode="same")
    conv_case(out, "same dilated", (1, 2, 9, 8), (2, 2, 3, 4), dilation=(2, 3), mode="same")
    conv_case(out, "same depthwise", (1, 3, 6, 6), (3, 1, 2, 2), groups=3, mode="same")
    conv_case(out, "valid", (1, 2, 6, 5), (3, 2, 3, 2), mode="valid")
    for op in ("maxpool2d", "avgpool2d"):
        pool_case(out, op, "end-only padding (ONNX pads 0,0,1,1)", (2, 2, 7, 8), (3, 3), (2, 2), (0, 1, 0, 1))
        pool_case(out, op, "end-only padding ceil", (1, 2, 8, 7), (3, 3), (2, 2), (0, 1, 0, 1), ceil=True)
        pool_case(out, op, "begin-only padding ceil", (1, 2, 9, 8), (4, 3), (3, 2), (2, 0, 1, 0), ceil=True)
        pool_case(out, op, "asymmetric padding", (2, 1, 6, 9), (2, 4), (1, 3), (1, 0, 2, 1))
        pool_case(out, op, "symmetric ceil", (1, 2, 7, 6), (3, 3), (2, 2), (1, 1, 1, 1), ceil=True)
    pool_case(out, "maxpool2d", "asymmetric padding dilated ceil", (1, 2, 10, 9), (3, 4), (2, 3), (1, 0, 0, 2),
              dilation=(2, 1), ceil=True)
    for name, pads, ceil in [("asymmetric", (2, 1, 1, 0), False), ("end-only ceil", (0, 1, 0, 1), True),
                             ("begin-only ceil", (2, 0, 1, 0), True)]:
        pool_case(out, "avgpool2d", name + " exclude pad", (1, 2, 7, 9), (4, 3), (3, 2), pads, ceil=ceil,
                  count_include_pad=False)
    with open(TXT, "w") as f:
        f.write("\n".join(out) + "\n")

    # The command line's --padding 1073741824 --stride 1073741824 (issue 11): PyTorch gives 3x3.
    x, w, b = rand(1, 2, 3, 3), rand(3, 2, 3, 3), rand(3)
    y = F.conv2d(x, w, b, stride=2 ** 30, padding=2 ** 30)
    assert tuple(y.shape) == (1, 3, 3, 3)
    os.makedirs(NPY, exist_ok=True)
    for name, t in (("input", x), ("weight", w), ("bias", b), ("expected", y)):
        np.save(os.path.join(NPY, name + ".npy"), t.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
