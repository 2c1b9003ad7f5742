/**
 * Internal: the conv algorithms. Each {@link org.convcl.opencl.conv.ConvAlgorithm} says whether it applies, plans and
 * runs one way of computing conv2d; {@link org.convcl.opencl.conv.ConvAlgorithms} registers them under stable ids;
 * {@link org.convcl.opencl.conv.Conv2dPlanner} picks one per shape from the device class's thresholds alone; and
 * {@link org.convcl.opencl.conv.Convolutions} runs conv2d and the transposed convolution, forward and backward, on
 * the scratch memory of {@link org.convcl.opencl.conv.ConvResources}.
 */
package org.convcl.opencl.conv;
