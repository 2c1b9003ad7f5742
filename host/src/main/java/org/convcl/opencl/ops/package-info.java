/**
 * Internal: the operations. {@link org.convcl.opencl.ops.Conv2dPlanner} decides how each convolution runs and
 * returns a {@link org.convcl.opencl.ops.Conv2dPlan}, which {@link org.convcl.opencl.ops.Conv2d} and
 * {@link org.convcl.opencl.ops.Conv2dBackward} execute; the other classes each launch one kernel family.
 */
package org.convcl.opencl.ops;
