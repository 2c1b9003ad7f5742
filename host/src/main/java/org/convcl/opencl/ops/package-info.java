/**
 * Internal: one launcher per kernel family ({@link org.convcl.opencl.ops.Sgemm}, {@link org.convcl.opencl.ops.Im2col},
 * {@link org.convcl.opencl.ops.Col2im}, {@link org.convcl.opencl.ops.DirectConv2d},
 * {@link org.convcl.opencl.ops.ChannelLanesConv2d}, {@link org.convcl.opencl.ops.WinogradKernels}, pooling, {@link org.convcl.opencl.ops.TensorOps}), each setting its
 * kernel's arguments, and the geometry they share. They know nothing of plans: the conv algorithms call them.
 */
package org.convcl.opencl.ops;
