/**
 * The benchmark suite behind {@code convcl bench} and the JMH benchmarks, the SGEMM tuner behind {@code convcl tune},
 * and the peers ConvCL is compared with (CLBlast).
 */
package org.convcl.bench;
