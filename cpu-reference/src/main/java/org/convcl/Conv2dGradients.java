package org.convcl;

/**
 * The gradients of conv2d with respect to its input (N, C, H, W), weight (K, C/groups, KH, KW) and bias (K).
 */
public record Conv2dGradients(Tensor input, Tensor weight, Tensor bias) {
}
